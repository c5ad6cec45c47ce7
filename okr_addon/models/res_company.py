import uuid

import psycopg2

from odoo import fields, models
from odoo.exceptions import ValidationError
from odoo.tools import mute_logger

# Settings whose range the table constraints below check.
OKR_RANGED_SETTINGS = frozenset(
    {
        "okr_progress_cap",
        "kpi_score_cap",
        "okr_decline_periods",
        "okr_stale_days",
        "okr_at_risk_grace_days",
        "okr_certificate_warning_days",
        "okr_profile_attendance_days",
        "okr_deduction_cap",
        "okr_minimum_wage",
        "okr_attendance_tolerance",
    }
)


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
    okr_at_risk_grace_days = fields.Integer(
        string="At-Risk Grace Period (days)",
        default=7,
        help="For this many days after an objective starts running (approved, or its "
        "cycle started), it is never flagged at risk: nobody can be behind on day one.",
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
    okr_attendance_tolerance = fields.Integer(
        string="Attendance Tolerance (minutes)",
        default=15,
        help="Two attendance sources agree on a day when their first check-in, last "
        "check-out and hours each differ by at most this many minutes.",
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

    # Ranges of the settings, checked by the database itself.
    _okr_progress_cap_min = models.Constraint(
        "CHECK(okr_progress_cap >= 1.0)",
        "The OKR progress cap must be at least 1.0 (100%).",
    )
    _kpi_score_cap_min = models.Constraint(
        "CHECK(kpi_score_cap >= 1.0)", "The KPI score cap must be at least 1.0."
    )
    _okr_decline_periods_min = models.Constraint(
        "CHECK(okr_decline_periods >= 2)", "A decline alert needs at least 2 periods in a row."
    )
    _okr_stale_days_min = models.Constraint(
        "CHECK(okr_stale_days >= 1)", "Stale check-in days must be at least 1."
    )
    _okr_at_risk_grace_days_min = models.Constraint(
        "CHECK(okr_at_risk_grace_days >= 0)", "The at-risk grace period cannot be negative."
    )
    _okr_certificate_warning_days_min = models.Constraint(
        "CHECK(okr_certificate_warning_days >= 0)",
        "The certification expiry warning cannot be negative.",
    )
    _okr_profile_attendance_days_min = models.Constraint(
        "CHECK(okr_profile_attendance_days >= 7)",
        "The profile's attendance window must be at least 7 days.",
    )
    _okr_deduction_cap_range = models.Constraint(
        "CHECK(okr_deduction_cap >= 0 AND okr_deduction_cap <= 100)",
        "The deduction cap is a share of the wage between 0 and 100%.",
    )
    _okr_minimum_wage_positive = models.Constraint(
        "CHECK(okr_minimum_wage >= 0)", "The minimum wage cannot be negative."
    )

    _okr_attendance_tolerance_min = models.Constraint(
        "CHECK(okr_attendance_tolerance >= 0)", "The attendance tolerance cannot be negative."
    )

    def write(self, vals):
        result = super().write(vals)
        if not OKR_RANGED_SETTINGS.isdisjoint(vals):
            self._okr_check_setting_ranges()
        return result

    def _okr_check_setting_ranges(self):
        """Have the database check the settings' ranges now, so that code setting a
        value out of range gets the constraint's message at once, as a ValidationError,
        rather than a failed flush later on (RPC calls get it either way)."""
        try:
            with mute_logger("odoo.sql_db"), self.env.cr.savepoint(flush=False):
                self.flush_model(OKR_RANGED_SETTINGS)
        except psycopg2.errors.CheckViolation as error:
            # The rolled-back values must not stay in the cache.
            self.invalidate_model()
            raise ValidationError(self._sql_error_to_message(error)) from error

    def action_okr_reset_kiosk_token(self):
        """Invalidate the current kiosk address (e.g. after a tablet was lost)."""
        for company in self:
            company.okr_kiosk_token = uuid.uuid4().hex
