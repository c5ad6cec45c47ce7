from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    okr_progress_cap = fields.Float(related="company_id.okr_progress_cap", readonly=False)
    okr_stale_days = fields.Integer(related="company_id.okr_stale_days", readonly=False)
    okr_at_risk_grace_days = fields.Integer(
        related="company_id.okr_at_risk_grace_days", readonly=False
    )
    kpi_score_cap = fields.Float(related="company_id.kpi_score_cap", readonly=False)
    okr_manager_sees_incentives = fields.Boolean(
        related="company_id.okr_manager_sees_incentives", readonly=False
    )
    okr_four_eyes = fields.Boolean(related="company_id.okr_four_eyes", readonly=False)
    okr_show_rank = fields.Boolean(related="company_id.okr_show_rank", readonly=False)
    okr_deduction_cap = fields.Float(related="company_id.okr_deduction_cap", readonly=False)
    okr_attendance_tolerance = fields.Integer(
        related="company_id.okr_attendance_tolerance", readonly=False
    )
    okr_company_currency_id = fields.Many2one(related="company_id.currency_id")
    okr_minimum_wage = fields.Monetary(
        related="company_id.okr_minimum_wage",
        readonly=False,
        currency_field="okr_company_currency_id",
    )
    okr_decline_periods = fields.Integer(related="company_id.okr_decline_periods", readonly=False)
    okr_certificate_warning_days = fields.Integer(
        related="company_id.okr_certificate_warning_days", readonly=False
    )
    okr_profile_attendance_days = fields.Integer(
        related="company_id.okr_profile_attendance_days", readonly=False
    )
    okr_kiosk_token = fields.Char(related="company_id.okr_kiosk_token")

    def action_okr_reset_kiosk_token(self):
        self.company_id.action_okr_reset_kiosk_token()
