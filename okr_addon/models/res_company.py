from odoo import api, fields, models
from odoo.exceptions import ValidationError


class ResCompany(models.Model):
    _inherit = "res.company"

    okr_progress_cap = fields.Float(
        string="OKR Progress Cap",
        default=1.2,
        help="Highest progress a key result can show: 1.2 keeps overshoot up to 120%.",
    )
    okr_stale_days = fields.Integer(
        string="Stale Check-in Days",
        default=7,
        help="A running key result with no check-in for this many days is stale: "
        "its owner gets one reminder.",
    )

    kpi_score_cap = fields.Float(
        string="KPI Score Cap",
        default=1.2,
        help="Score of a KPI that reaches its stretch value; 1.0 turns stretch goals off.",
    )

    okr_manager_sees_incentives = fields.Boolean(
        string="Managers See Their Team's Incentives",
        help="Otherwise only the employee, HR and payroll see incentive lines.",
    )

    @api.constrains("okr_progress_cap", "okr_stale_days", "kpi_score_cap")
    def _check_okr_settings(self):
        for company in self:
            if company.okr_progress_cap < 1.0:
                raise ValidationError(
                    self.env._(
                        "%(company)s: the OKR progress cap must be at least 1.0 (100%%).",
                        company=company.name,
                    )
                )
            if company.kpi_score_cap < 1.0:
                raise ValidationError(
                    self.env._(
                        "%(company)s: the KPI score cap must be at least 1.0.",
                        company=company.name,
                    )
                )
            if company.okr_stale_days < 1:
                raise ValidationError(
                    self.env._(
                        "%(company)s: stale check-in days must be at least 1.",
                        company=company.name,
                    )
                )
