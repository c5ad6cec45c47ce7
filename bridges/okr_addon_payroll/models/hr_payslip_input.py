from odoo import fields, models


class HrPayslipInput(models.Model):
    _inherit = "hr.payslip.input"

    okr_amount = fields.Float(
        string="Incentive Share",
        readonly=True,
        copy=False,
        help="Part of the amount that comes from OKR incentive postings; the rest was "
        "entered by hand and is kept when the incentives are synchronised.",
    )
