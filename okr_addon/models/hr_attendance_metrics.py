"""Attendance KPIs: the figures of the attendance metrics (worked and overtime
hours, attendance rate, late arrivals) per employee over a period, gathered with a
fixed number of grouped queries. Used by KPI definitions, incentive rules and the
employee capability profile."""

import datetime

import pytz

from odoo import api, models
from odoo.tools import SQL

from ..logic import attendance as attendance_logic


class HrAttendance(models.Model):
    _inherit = "hr.attendance"

    @api.model
    def _okr_kpi_values(self, metric, company, date_from, date_to, tolerance=5, *, employees=None):
        """{employee id: value} of an attendance metric over [date_from, date_to].

        Hours are summed with one grouped query; attendance rate and late
        arrivals compare each employee's first check-in per day with their
        working schedule, computed once per schedule, not per employee.
        ``employees`` limits the figures to these employees (default: everyone
        of the company).
        """
        Attendance = self.sudo().with_company(company)
        domain = [
            ("date", ">=", date_from),
            ("date", "<=", date_to),
            ("employee_id.company_id", "=", company.id),
        ]
        if employees is not None:
            domain.append(("employee_id", "in", employees.ids))
        if metric in ("worked_hours", "overtime_hours"):
            # _read_group's query, without building a record per employee
            query = Attendance._search(domain)
            if query.is_empty():
                return {}
            employee = Attendance._field_to_sql(Attendance._table, "employee_id", query)
            hours = Attendance._field_to_sql(Attendance._table, metric, query)
            query.groupby = employee
            rows = self.env.execute_query(query.select(employee, SQL("SUM(%s)", hours)))
            return {employee_id: total or 0.0 for employee_id, total in rows}
        firsts = Attendance._read_group(domain, ["employee_id", "date:day"], ["check_in:min"])
        first_checkins = {}
        for employee, day, check_in in firsts:
            first_checkins.setdefault(employee.id, {})[day] = pytz.utc.localize(check_in)
        employees = (
            self.env["hr.employee"]
            .sudo()
            .search(
                [("company_id", "=", company.id), ("resource_calendar_id", "!=", False)]
                + ([("id", "in", employees.ids)] if employees is not None else [])
            )
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
