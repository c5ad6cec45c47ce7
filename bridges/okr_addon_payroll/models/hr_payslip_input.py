import math

from odoo import api, fields, models
from odoo.exceptions import ValidationError


class HrPayslipInput(models.Model):
    _inherit = "hr.payslip.input"

    okr_amount = fields.Float(
        string="Incentive Share",
        readonly=True,
        copy=False,
        help="Part of the amount that comes from OKR incentive postings; the rest was "
        "entered by hand and is kept when the incentives are synchronised.",
    )

    @api.constrains("okr_amount")
    def _check_okr_amount(self):
        for payslip_input in self:
            if not math.isfinite(payslip_input.okr_amount):
                raise ValidationError(
                    self.env._(
                        "Payslip input %(input)s: the incentive share must be a finite number.",
                        input=payslip_input.name,
                    )
                )
