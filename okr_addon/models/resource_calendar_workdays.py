"""A working schedule's make-up working days (okr.calendar.workday) become
working time: ``_attendance_intervals_batch`` adds, on each such date, the
intervals of the weekday it works, in each resource's timezone, lunch breaks
included when lunch is asked for. Everything built on it follows: work
intervals, hours and days counts, time off durations, the attendance KPIs.

A date the schedule already works (its weekday has hours) is not counted twice;
flexible schedules and resources without a schedule keep core's answer.
"""

import datetime

from pytz import timezone, utc

from odoo import models
from odoo.fields import Domain
from odoo.tools.date_utils import float_to_time
from odoo.tools.intervals import Intervals


class ResourceCalendar(models.Model):
    _inherit = "resource.calendar"

    def _okr_first_working_weekday(self):
        """The first weekday with hours ("0" Monday), the default of a make-up day."""
        days = self.attendance_ids.filtered(lambda a: not a.display_type).mapped("dayofweek")
        return min(days, key=int) if days else "0"

    def _attendance_intervals_batch(  # noqa: PLR0917 (core's signature)
        self, start_dt, end_dt, resources=None, domain=None, tz=None, lunch=False
    ):
        result = super()._attendance_intervals_batch(
            start_dt, end_dt, resources=resources, domain=domain, tz=tz, lunch=lunch
        )
        if self.flexible_hours:
            return result
        # the dates of the range in any timezone
        first = start_dt.astimezone(utc).date() - datetime.timedelta(days=1)
        last = end_dt.astimezone(utc).date() + datetime.timedelta(days=1)
        # sudo: the make-up days are part of the schedule the caller holds and
        # may read (checked here); like its weekly lines, only their hours are read.
        self.check_access("read")
        workdays = (
            self.env["okr.calendar.workday"]
            .sudo()
            .search([("calendar_id", "=", self.id), ("date", ">=", first), ("date", "<=", last)])
        )
        if not workdays:
            return result
        attendances = self.env["resource.calendar.attendance"].search(
            Domain.AND(
                [
                    Domain(domain or Domain.TRUE),
                    Domain("calendar_id", "=", self.id),
                    Domain("display_type", "=", False),
                    Domain("day_period", "=" if lunch else "!=", "lunch"),
                ]
            )
        )
        naive = self._okr_workday_hours(workdays, attendances)
        if not naive:
            return result
        resources_list = [self.env["resource.resource"], *list(resources or [])]
        calendars = resources._get_calendar_at(start_dt, tz) if resources else {}
        extra_per_tz = {}
        for resource in resources_list:
            if resource and (not calendars.get(resource) or calendars[resource].flexible_hours):
                continue  # core gave them a flexible or fully flexible day
            resource_tz = tz or timezone((resource or self).tz)
            if resource_tz not in extra_per_tz:
                low, high = start_dt.astimezone(resource_tz), end_dt.astimezone(resource_tz)
                extra = []
                for day_from, day_to, attendance in naive:
                    begin, end = resource_tz.localize(day_from), resource_tz.localize(day_to)
                    if begin < high and end > low:
                        extra.append((max(begin, low), min(end, high), attendance))
                extra_per_tz[resource_tz] = Intervals(extra, keep_distinct=True)
            if extra_per_tz[resource_tz]:
                result[resource.id] = result[resource.id] | extra_per_tz[resource_tz]
        return result

    def _okr_workday_hours(self, workdays, attendances):
        """[(naive start, naive stop, attendance)] of the make-up days: the hours
        of the weekday each one works, on its own date."""
        Attendance = self.env["resource.calendar.attendance"]

        def week_of(attendance):
            return int(attendance.week_type) if self.two_weeks_calendar else 0

        already = {
            (a.dayofweek, week_of(a))
            for a in self.attendance_ids
            if not a.display_type and a.day_period != "lunch"
        }
        per_day = {}
        for attendance in attendances:
            key = (attendance.dayofweek, week_of(attendance))
            per_day[key] = per_day.get(key, Attendance) | attendance
        hours = []
        for workday in workdays:
            week = Attendance.get_week_type(workday.date) if self.two_weeks_calendar else 0
            if (str(workday.date.weekday()), week) in already:
                continue  # the schedule works this weekday anyway
            for attendance in per_day.get((workday.weekday, week), Attendance):
                hours.append(
                    (
                        datetime.datetime.combine(
                            workday.date, float_to_time(attendance.hour_from)
                        ),
                        datetime.datetime.combine(workday.date, float_to_time(attendance.hour_to)),
                        attendance,
                    )
                )
        return hours
