import uuid

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

    okr_show_rank = fields.Boolean(
        string="Employees See Their Rank",
        help="On the phone page, employees see their own rank in the KPIs that show it, "
        "within a comparable group — never the others' names or values.",
    )
    okr_four_eyes = fields.Boolean(
        string="Four-Eyes Approval",
        default=True,
        help="An incentive run is approved by another OKR administrator than the one who "
        "last computed it. A one-person HR may switch it off; the run's chatter still "
        "records who computed and who approved.",
    )

    okr_deduction_cap = fields.Float(
        string="Deduction Cap (% of Wage)",
        default=20.0,
        help="The deductions of one pay period, all incentive rules together, take at "
        "most this share of the period's wage (20% is the usual limit in China for "
        "deductions for losses caused by the employee). Deductions beyond it are cut.",
    )
    okr_minimum_wage = fields.Monetary(
        string="Minimum Wage (per Month)",
        currency_field="currency_id",
        help="The local minimum wage: the period's wage plus its bonuses minus its "
        "deductions does not fall below it; deductions beyond are cut. 0: no floor.",
    )
    _okr_deduction_cap_range = models.Constraint(
        "CHECK(okr_deduction_cap >= 0 AND okr_deduction_cap <= 100)",
        "The deduction cap is a share of the wage between 0 and 100%.",
    )
    _okr_minimum_wage_positive = models.Constraint(
        "CHECK(okr_minimum_wage >= 0)", "The minimum wage cannot be negative."
    )

    okr_decline_periods = fields.Integer(
        string="Decline Alert After",
        default=3,
        help="Tell the employee and the manager when a key result or KPI got worse this "
        "many check-ins (or days) in a row — once per streak.",
    )
    okr_certificate_warning_days = fields.Integer(
        string="Certification Expiry Warning",
        default=30,
        help="The capability profile warns about certifications expiring within this many days.",
    )
    okr_profile_attendance_days = fields.Integer(
        string="Profile Attendance Window",
        default=90,
        help="The capability profile compares attendance over this many days up to yesterday.",
    )
    okr_kiosk_token = fields.Char(
        string="OKR Kiosk Token",
        copy=False,
        groups="okr_addon.group_okr_admin",
        help="Secret part of the shop-floor kiosk address /okr/kiosk/<token>; empty: no kiosk.",
    )
    # Failed kiosk logins across badges (see okr.self.service._kiosk_identify).
    okr_kiosk_failure_count = fields.Integer(
        string="Kiosk Failed Logins", groups="base.group_system", copy=False
    )
    okr_kiosk_failures_since = fields.Datetime(
        string="Kiosk Failed Logins Since", groups="base.group_system", copy=False
    )
    okr_kiosk_paused_until = fields.Datetime(
        string="Kiosk Paused Until", groups="base.group_system", copy=False
    )

    @api.constrains(
        "okr_progress_cap",
        "okr_stale_days",
        "kpi_score_cap",
        "okr_decline_periods",
        "okr_certificate_warning_days",
        "okr_profile_attendance_days",
    )
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
            if company.okr_decline_periods < 2:
                raise ValidationError(
                    self.env._(
                        "%(company)s: a decline alert needs at least 2 periods in a row.",
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
            if company.okr_certificate_warning_days < 0:
                raise ValidationError(
                    self.env._(
                        "%(company)s: the certification expiry warning cannot be negative.",
                        company=company.name,
                    )
                )
            if company.okr_profile_attendance_days < 7:
                raise ValidationError(
                    self.env._(
                        "%(company)s: the profile's attendance window must be at least 7 days.",
                        company=company.name,
                    )
                )

    def action_okr_reset_kiosk_token(self):
        """Invalidate the current kiosk address (e.g. after a tablet was lost)."""
        for company in self:
            company.okr_kiosk_token = uuid.uuid4().hex
