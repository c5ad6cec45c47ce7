"""okr.attendance.day, a period: HR's *Reconcile* over recent days and the daily
schedule refresh every employee-day of a period that has an attendance or a
reconciled record (see ``okr_attendance_day.py`` for the refresh itself)."""

import datetime

from odoo import api, fields, models
from odoo.exceptions import AccessError


class OkrAttendanceDay(models.Model):
    _inherit = "okr.attendance.day"

    # ------------------------------------------------------------------
    # Reconcile a period (HR's button, the daily schedule)
    # ------------------------------------------------------------------
    def _okr_check_hr(self):
        if not self.env.user.has_group("okr_addon.group_okr_admin"):
            raise AccessError(
                self.env._("Only OKR administrators (HR) reconcile attendance over a period.")
            )

    @api.model
    def action_reconcile_recent(self, days=31):
        """Reconcile the last ``days`` days (a year at most) of the user's allowed
        companies (HR)."""
        self._okr_check_hr()
        days = min(int(days), 366)
        date_to = fields.Date.context_today(self)
        self._okr_reconcile_period(
            date_to - datetime.timedelta(days=days), date_to, self.env.companies
        )
        return {"type": "ir.actions.client", "tag": "soft_reload"}

    @api.model
    def _cron_reconcile(self, days=7):
        """The daily schedule: the last ``days`` days of every company."""
        date_to = fields.Date.context_today(self)
        return self._okr_reconcile_period(date_to - datetime.timedelta(days=days), date_to)

    @api.model
    def _okr_reconcile_period(self, date_from, date_to, companies=None, employees=None):
        """Refresh every employee-day with an attendance or a reconciled record
        between the two dates, of ``companies`` (None: all), of ``employees`` only
        when given. Read with sudo: the callers checked HR (``action_reconcile_recent``,
        computing or posting a run) or are the schedule."""
        period = [("date", ">=", date_from), ("date", "<=", date_to)]
        own = [("company_id", "in", companies.ids)] if companies is not None else []
        theirs = [("employee_id.company_id", "in", companies.ids)] if companies is not None else []
        if employees is not None:
            period.append(("employee_id", "in", employees.ids))
        keys = {
            (employee.id, day)
            for employee, day in self.env["hr.attendance"]
            .sudo()
            ._read_group(period + theirs, ["employee_id", "date:day"])
        }
        keys |= {
            (employee.id, day)
            for employee, day in self.sudo()._read_group(period + own, ["employee_id", "date:day"])
        }
        return self._okr_refresh(keys)
