from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.addons.okr_addon.okr_addon.logic.payslip_inputs import (
    ExistingInput,
    plan_inputs,
    wanted_inputs,
)

# Monthly wage (CNY) of the demo's stamping workers.
DEMO_WAGE = 6200.0

# Payslip changes after which the incentive inputs are synchronised again.
SYNC_FIELDS = {"employee_id", "date_from", "date_to", "struct_id", "contract_id", "input_line_ids"}


class HrPayslip(models.Model):
    """Keep one input per incentive code on each open payslip carrying the sum
    of the postings bound to it, on top of any amount entered by hand under
    the same code (the bridge owns only its share, ``okr_amount``).

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
        their incentive inputs match them (batched: a few queries for any
        number of payslips)."""
        # Refunds (credit notes) copy a payslip and are done at once: never bind to them.
        slips = self.sudo().filtered(
            lambda s: s.state in ("draft", "verify") and s.contract_id and not s.credit_note
        )
        if not slips:
            return
        candidates = (
            self.env["okr.incentive.posting"]
            .sudo()
            .search(
                [
                    ("employee_id", "in", slips.employee_id.ids),
                    ("state", "in", ("pending", "on_payslip")),
                ]
            )
        )
        by_employee = candidates.grouped("employee_id")
        codes = slips._okr_codes() | set(candidates.mapped("input_code"))
        none = self.env["okr.incentive.posting"]
        taken = set()  # ids already bound in this pass: a set, not a growing recordset
        plans = []
        for slip in slips.sorted("date_to"):
            mine = by_employee.get(slip.employee_id, none).filtered(
                lambda p, s=slip: (
                    p.id not in taken
                    and p.target_date <= s.date_to
                    and (not p.payslip_id or p.payslip_id == s or p.payslip_id.state == "cancel")
                )
            )
            taken.update(mine.ids)
            released = slip.okr_posting_ids - mine
            released.write({"payslip_id": False, "state": "pending", "payroll_reference": False})
            mine.filtered(lambda p, s=slip: p.payslip_id != s or p.state != "on_payslip").write(
                {
                    "payslip_id": slip.id,
                    "state": "on_payslip",
                    "payroll_reference": slip.number or slip.name,
                }
            )
            plans.append((slip, mine))
        self._okr_apply_plans(plans, codes)

    def _okr_apply_plans(self, plans, codes):
        Input = self.env["hr.payslip.input"].sudo()
        to_create, to_delete = [], []
        for slip, postings in plans:
            existing = [
                ExistingInput(i.id, i.code, i.amount, i.name, i.okr_amount)
                for i in slip.input_line_ids
            ]
            wanted = wanted_inputs((p.input_code, p.amount, p.explanation) for p in postings)
            for operation in plan_inputs(existing, wanted, codes):
                if operation[0] == "delete":
                    to_delete.append(operation[1])
                elif operation[0] == "update":
                    Input.browse(operation[1]).write(operation[2])
                else:
                    to_create.append(
                        {
                            **operation[2],
                            "payslip_id": slip.id,
                            "contract_id": slip.contract_id.id,
                            "sequence": 90,
                        }
                    )
        Input.browse(to_delete).unlink()
        Input.create(to_create)

    @api.model
    def _okr_demo_payroll(self):
        """Post the demo's closed quarter into payslips through the real flow:
        contracts with the factory structure, draft payslips of the month after
        the quarter, then the approved run posted (its postings land on the
        payslips) and the payslips computed."""
        run = self.env.ref("okr_addon.incentive_run_previous_quarter")
        structure = self.env.ref("okr_addon_payroll.structure_factory_demo")
        employees = run.line_ids.employee_id
        employees.version_id.write({"struct_id": structure.id, "wage": DEMO_WAGE})
        date_from = run.date_to + relativedelta(days=1)
        payslips = self.create(
            [
                {
                    "employee_id": employee.id,
                    "contract_id": employee.version_id.id,
                    "struct_id": structure.id,
                    "date_from": date_from,
                    "date_to": date_from + relativedelta(months=1, days=-1),
                    # Demo data, like the names in the demo files: not a UI message.
                    "name": f"{employee.name} · {date_from:%Y-%m}",
                }
                for employee in employees
            ]
        )
        run.action_post()
        payslips.compute_sheet()
        return payslips
