import datetime

import pytz

from odoo import api, models

from ..logic import attendance as attendance_logic


class HrAttendance(models.Model):
    _inherit = "hr.attendance"

    @api.model
    def _okr_kpi_values(self, metric, company, date_from, date_to, tolerance=5):
        """{employee id: value} of an attendance metric over [date_from, date_to].

        Hours are summed with one grouped query; attendance rate and late
        arrivals compare each employee's first check-in per day with their
        working schedule, computed once per schedule, not per employee.
        """
        Attendance = self.sudo().with_company(company)
        domain = [
            ("date", ">=", date_from),
            ("date", "<=", date_to),
            ("employee_id.company_id", "=", company.id),
        ]
        if metric in ("worked_hours", "overtime_hours"):
            rows = Attendance._read_group(domain, ["employee_id"], [f"{metric}:sum"])
            return {employee.id: hours for employee, hours in rows}
        firsts = Attendance._read_group(domain, ["employee_id", "date:day"], ["check_in:min"])
        first_checkins = {}
        for employee, day, check_in in firsts:
            first_checkins.setdefault(employee.id, {})[day] = pytz.utc.localize(check_in)
        employees = (
            self.env["hr.employee"]
            .sudo()
            .search([("company_id", "=", company.id), ("resource_calendar_id", "!=", False)])
        )
        values = {}
        for calendar, members in employees.grouped("resource_calendar_id").items():
            starts = self._okr_scheduled_starts(calendar, date_from, date_to)
            for employee in members:
                days = first_checkins.get(employee.id, {})
                if metric == "late_arrivals":
                    values[employee.id] = attendance_logic.late_arrivals(days, starts, tolerance)
                else:
                    rate = attendance_logic.attendance_rate(days, starts)
                    if rate is not None:
                        values[employee.id] = rate * 100
        return values

    @api.model
    def _okr_scheduled_starts(self, calendar, date_from, date_to):
        """{day: first scheduled start (aware datetime)} of a working schedule,
        public holidays excluded."""
        tz = pytz.timezone(calendar.tz or "UTC")
        start = tz.localize(datetime.datetime.combine(date_from, datetime.time.min))
        end = tz.localize(datetime.datetime.combine(date_to, datetime.time.max))
        intervals = calendar._work_intervals_batch(start, end)[False]
        starts = {}
        for interval_start, _stop, _meta in intervals:
            day = interval_start.astimezone(tz).date()
            if day not in starts or interval_start < starts[day]:
                starts[day] = interval_start
        return starts
