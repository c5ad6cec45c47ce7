from odoo import fields, models


class OkrIncentivePosting(models.Model):
    _inherit = "okr.incentive.posting"

    payslip_id = fields.Many2one(
        "hr.payslip",
        index="btree_not_null",
        ondelete="set null",
        readonly=True,
        check_company=True,
    )

    def _deliver(self):
        """Put pending postings on the employees' open payslips.

        A period whose payslip is already done is never touched: the amount
        moves to the next payroll period. Postings with no open payslip yet
        wait; the payslip picks them up when it is created.
        """
        res = super()._deliver()
        pending = self.filtered(lambda p: p.state == "pending")
        if not pending:
            return res
        Payslip = self.env["hr.payslip"].sudo()
        done = Payslip.search(
            [
                ("employee_id", "in", pending.employee_id.ids),
                ("state", "=", "done"),
                ("date_to", ">=", min(pending.mapped("target_date"))),
            ]
        )
        for posting in pending:
            closed = done.filtered(
                lambda s, p=posting: (
                    s.employee_id == p.employee_id and s.date_from <= p.target_date <= s.date_to
                )
            )
            if closed:
                posting.target_date = fields.Date.add(max(closed.mapped("date_to")), days=1)
        Payslip.search(
            [
                ("employee_id", "in", pending.employee_id.ids),
                ("state", "in", ("draft", "verify")),
                ("date_to", ">=", min(pending.mapped("target_date"))),
            ]
        )._okr_sync_inputs()
        return res
