from odoo import api, fields, models
from odoo.addons.okr_addon.okr_addon.logic.payslip_inputs import (
    ExistingInput,
    plan_inputs,
    wanted_inputs,
)

# Payslip changes after which the incentive inputs are synchronised again.
SYNC_FIELDS = {"employee_id", "date_from", "date_to", "struct_id", "contract_id", "input_line_ids"}


class HrPayslip(models.Model):
    """Keep one input per incentive code on each open payslip, equal to the sum
    of the postings bound to it.

    OCA payroll rebuilds inputs when the employee, dates or structure change
    and when a payslip is re-created; synchronising after each of those (and
    before every compute) means an incentive is neither lost nor counted twice.
    """

    _inherit = "hr.payslip"

    okr_posting_ids = fields.One2many(
        "okr.incentive.posting", "payslip_id", string="Incentive Postings", readonly=True
    )

    @api.model_create_multi
    def create(self, vals_list):
        payslips = super().create(vals_list)
        payslips._okr_sync_inputs()
        return payslips

    def write(self, vals):
        res = super().write(vals)
        if SYNC_FIELDS & set(vals) and not self.env.context.get("okr_syncing"):
            self._okr_sync_inputs()
        return res

    def compute_sheet(self):
        self._okr_sync_inputs()
        return super().compute_sheet()

    def action_payslip_done(self):
        res = super().action_payslip_done()
        self.okr_posting_ids.sudo().write({"state": "paid"})
        return res

    def action_payslip_cancel(self):
        res = super().action_payslip_cancel()
        self._okr_release()
        return res

    def unlink(self):
        self._okr_release()
        return super().unlink()

    def _okr_release(self):
        self.okr_posting_ids.sudo().write(
            {"payslip_id": False, "state": "pending", "payroll_reference": False}
        )

    def _okr_codes(self):
        rules = (
            self.env["okr.incentive.rule"]
            .sudo()
            .with_context(active_test=False)
            .search([("company_id", "in", self.company_id.ids)])
        )
        return set(rules.mapped("input_code")) | set(rules.mapped("deduction_code"))

    def _okr_sync_inputs(self):
        """Bind the employees' unpaid postings to these open payslips and make
        their incentive inputs match them."""
        slips = self.sudo().filtered(lambda s: s.state in ("draft", "verify") and s.contract_id)
        if not slips:
            return
        Posting = self.env["okr.incentive.posting"].sudo()
        candidates = Posting.search(
            [
                ("employee_id", "in", slips.employee_id.ids),
                ("state", "in", ("pending", "on_payslip")),
            ]
        )
        codes = slips._okr_codes() | set(candidates.mapped("input_code"))
        for slip in slips.with_context(okr_syncing=True):
            mine = candidates.filtered(
                lambda p, s=slip: (
                    p.employee_id == s.employee_id
                    and p.target_date <= s.date_to
                    and (not p.payslip_id or p.payslip_id == s or p.payslip_id.state == "cancel")
                )
            )
            (slip.okr_posting_ids - mine).write(
                {"payslip_id": False, "state": "pending", "payroll_reference": False}
            )
            mine.write(
                {
                    "payslip_id": slip.id,
                    "state": "on_payslip",
                    "payroll_reference": slip.number or slip.name,
                }
            )
            candidates -= mine
            slip._okr_set_inputs(mine, codes)

    def _okr_set_inputs(self, postings, codes):
        existing = [ExistingInput(i.id, i.code, i.amount, i.name) for i in self.input_line_ids]
        wanted = wanted_inputs((p.input_code, p.amount, p.explanation) for p in postings)
        commands = []
        for operation in plan_inputs(existing, wanted, codes):
            if operation[0] == "delete":
                commands.append(fields.Command.delete(operation[1]))
            elif operation[0] == "update":
                commands.append(fields.Command.update(operation[1], operation[2]))
            else:
                values = {**operation[2], "contract_id": self.contract_id.id, "sequence": 90}
                commands.append(fields.Command.create(values))
        if commands:
            self.write({"input_line_ids": commands})
