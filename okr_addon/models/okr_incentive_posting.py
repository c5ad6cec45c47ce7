from odoo import fields, models

POSTING_STATES = [
    ("pending", "Waiting for Payroll"),
    ("exported", "Exported"),
    ("sent", "Sent to External Payroll"),
    ("on_payslip", "On a Draft Payslip"),
    ("paid", "Paid"),
]


class OkrIncentivePosting(models.Model):
    """A ledger entry: an amount handed to payroll for one ledger key and input code.

    The first posting of a key carries the line's amount; later ones carry
    only differences (adjustments). The sum of a key's postings is what has
    been paid or is about to be: posting again never adds what is already
    there.

    Append-only: postings are created by posting a run and change only on
    their way to payroll (delivery, payslips), under the checks of those
    flows; see okr.pay.guard.
    """

    _name = "okr.incentive.posting"
    _description = "Incentive Posting"
    _inherit = ["okr.pay.guard"]
    _okr_actions_only = True
    _order = "id desc"
    _check_company_auto = True

    line_id = fields.Many2one("okr.incentive.line", required=True, ondelete="restrict", index=True)
    run_id = fields.Many2one(related="line_id.run_id", store=True)
    employee_id = fields.Many2one(related="line_id.employee_id", store=True, index=True)
    company_id = fields.Many2one(related="line_id.company_id", store=True)
    currency_id = fields.Many2one("res.currency", required=True)
    ledger_key = fields.Char(required=True, index=True)
    input_code = fields.Char(required=True)
    amount = fields.Monetary(required=True)
    is_adjustment = fields.Boolean(readonly=True)
    explanation = fields.Char(required=True)
    target_date = fields.Date(
        required=True,
        index=True,
        help="Earliest payroll period this amount may be paid in (later when that "
        "period's payslip was already done).",
    )
    state = fields.Selection(POSTING_STATES, default="pending", required=True, index=True)
    payroll_reference = fields.Char(help="Payslip or external payroll document.")

    def _sink_line(self):
        """The posting as the external payroll API receives it (one key per posting)."""
        line = self.line_id
        return {
            "ledger_key": f"{self.ledger_key}#{self.id}",
            "employee_code": line.employee_id.sudo().barcode or str(line.employee_id.id),
            "period": self.target_date.strftime("%Y-%m"),
            "rule_code": self.input_code,
            "amount": round(self.amount, 2),
            "currency": self.currency_id.name,
            "explanation": self.explanation,
        }

    def _deliver(self):
        """Hand pending postings to payroll. Without a payroll module they wait for
        an export or a connector; payroll bridges override this."""
        return True
