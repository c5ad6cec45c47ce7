"""Bulk creation of attendances: a faster equivalent of core's per-record work.

The connector import (hr_attendance_import.py) and the demo history create many
attendances at once, after checking each row against the same employee's other
attendances themselves. For the rows of such a batch, and only while it is created
(``hr.attendance._okr_prechecked_creation``), this file stands in for these core
methods of hr_attendance, with the same results:

* ``hr.attendance._check_validity`` (three searches per record): skipped for the
  rows the caller listed as checked. Safe because the caller checked them against
  every attendance that could collide (the import loads them all with
  ``_okr_timelines`` and applies ``logic.sync.attendance_conflict``, core's rule,
  unit-tested against it; the demo generates shifts without overlaps); any other
  record, even one created in the same block, is still checked by core, and if
  Odoo still refuses the batch the import creates its rows one by one with every
  check.
* ``hr.attendance._compute_worked_hours`` (``_get_worked_hours_in_range`` →
  ``hr.employee._employee_attendance_intervals(lunch=True)`` →
  ``_get_versions_with_contract_overlap_with_period``, once per attendance): the
  breaks are computed once per employee and set of contract versions over the
  batch's whole span, then cut to each attendance. Breaks are the schedule's lunch
  intervals, whatever window they are asked for, so the hours are the same;
  flexible schedules and versions without a fixed schedule keep core's computation.
* ``hr.employee._get_version`` and ``hr.attendance._get_localized_times``, asked
  several times per attendance by core's overtime computation
  (``hr.attendance._update_overtime``): remembered per employee and day, and per
  attendance. Creating attendances writes no contract version, schedule or time
  zone, so the answers cannot change during the block.
* ``hr.attendance._linked_overtimes``: one search by date range, filtered in
  Python, instead of a domain listing every check-in; the same lines.

tests/test_connector_attendance_bulk.py compares every field these feed (hours,
date, overtime hours, status and lines...) with core's one-by-one creation.

Why a cursor-level scope, not a parameter or a context key: core calls these
methods from inside ``create`` and from the recomputation of stored fields, which
runs in whichever environment flushes (at a savepoint's exit: the transaction's
default environment), so no parameter reaches them and a context key would miss
the flush-time computations; a context key could also be sent by any RPC client.
The scope (``_BulkCreation``) is kept in the cursor's cache, which only server code
reaches, under one key, for exactly the duration of the ``with`` block.
"""

import bisect
import contextlib
import datetime

import pytz

from odoo import api, models
from odoo.tools.date_utils import sum_intervals
from odoo.tools.intervals import Intervals

# Key, in the database cursor's cache, of the open _BulkCreation (see above).
PRECHECKED = "okr_prechecked_attendances"


class _BulkCreation:
    """A bulk creation open on a database cursor: the rows it checked itself, a
    frozenset of (employee id, check-in, check-out or None), and the look-ups core
    repeats for every attendance of the batch (see the module docstring)."""

    __slots__ = ("memo", "spans")

    def __init__(self, spans, memo):
        self.spans = spans
        self.memo = memo

    @staticmethod
    def current(env):
        """The bulk creation open on ``env``'s cursor, or None outside one."""
        return env.cr.cache.get(PRECHECKED)

    @staticmethod
    @contextlib.contextmanager
    def scope(env, spans):
        """Open a bulk creation listing ``spans`` for the duration of the block; a
        nested one adds its spans to the enclosing one's and shares its look-ups."""
        cache = env.cr.cache
        outer = cache.get(PRECHECKED)
        cache[PRECHECKED] = _BulkCreation(
            (outer.spans if outer else frozenset()) | frozenset(spans),
            outer.memo if outer else {},
        )
        try:
            yield
        finally:
            if outer is None:
                cache.pop(PRECHECKED, None)
            else:
                cache[PRECHECKED] = outer


class HrAttendance(models.Model):
    _inherit = "hr.attendance"

    def _okr_prechecked_creation(self, spans):
        """Context manager: within it, the attendances of ``spans`` (employee id,
        check-in, check-out or None) are known not to overlap any other of their
        employee, and are created through the bulk path of this file."""
        return _BulkCreation.scope(self.env, spans)

    def _okr_prechecked(self):
        """The attendances of ``self`` being created by a bulk import that checked them."""
        bulk = _BulkCreation.current(self.env)
        if bulk is None or not bulk.spans:
            return self.browse()
        return self.filtered(
            lambda a: (a.employee_id.id, a.check_in, a.check_out or None) in bulk.spans
        )

    def _get_localized_times(self):
        """Core's local check-in and check-out, computed once per attendance while a
        bulk import creates its batch (core asks for them several times per record)."""
        bulk = _BulkCreation.current(self.env)
        if bulk is None:
            return super()._get_localized_times()
        key = ("times", self.id, self.employee_id.id, self.check_in, self.check_out)
        if key not in bulk.memo:
            bulk.memo[key] = super()._get_localized_times()
        return bulk.memo[key]

    def _linked_overtimes(self):
        """Core's overtime lines starting at one of the check-ins of ``self``; for a bulk
        batch, searched by date range and filtered here rather than through a domain
        listing every check-in."""
        if _BulkCreation.current(self.env) is None:
            return super()._linked_overtimes()
        starts = set(self.mapped("check_in"))
        lines = self.env["hr.attendance.overtime.line"].search(
            [
                ("time_start", ">=", min(starts)),
                ("time_start", "<=", max(starts)),
                ("employee_id", "in", self.employee_id.ids),
            ]
        )
        return lines.filtered(lambda line: line.time_start in starts)

    @api.constrains("check_in", "check_out", "employee_id")
    def _check_validity(self):
        """Core's overlap check (several searches per record), except for the attendances
        a bulk import already checked against the same employee's others."""
        return super(HrAttendance, self - self._okr_prechecked())._check_validity()

    def _compute_worked_hours(self):
        """Core's worked hours; in a bulk import, the breaks of each employee are computed
        once for all of their attendances instead of once per attendance."""
        bulk = self._okr_prechecked()
        plain = self - bulk
        for employee, attendances in bulk.grouped("employee_id").items():
            closed = attendances.filtered(lambda a: a.check_in and a.check_out)
            (attendances - closed).worked_hours = False
            if not closed or not employee or not self._okr_batch_breaks(employee, closed):
                plain |= closed
        return super(HrAttendance, plain)._compute_worked_hours()

    def _okr_batch_breaks(self, employee, attendances):
        """Set the worked hours of ``attendances`` (one employee's, closed) from breaks
        computed once per set of contract versions; False (nothing set) when the
        employee's schedule makes that different from core's per-record computation."""
        resource = employee.resource_id
        calendar = attendances[0]._get_employee_calendar()
        if resource._is_flexible() or not calendar:
            return False
        versions = employee.sudo().version_ids
        if any(
            not version.resource_calendar_id or version.resource_calendar_id.flexible_hours
            for version in versions
        ):
            return False
        tz = pytz.timezone(calendar.tz)
        groups = {}
        for attendance in attendances:
            start = pytz.utc.localize(attendance.check_in).astimezone(tz)
            end = pytz.utc.localize(attendance.check_out).astimezone(tz)
            # hr.employee._get_versions_with_contract_overlap_with_period, in Python
            first, last = start.date(), end.date()
            valid = versions.filtered(
                lambda v, first=first, last=last: (
                    v.contract_date_start
                    and v.contract_date_start <= last
                    and (not v.contract_date_end or v.contract_date_end >= first)
                )
            )
            groups.setdefault(valid, []).append((attendance, start, end))
        for valid, spans in groups.items():
            lowest = min(start for _a, start, _e in spans)
            highest = max(end for _a, _s, end in spans)
            breaks = list(self._okr_breaks(employee, valid, lowest, highest))
            stops = [stop for _start, stop, _records in breaks]
            for attendance, start, end in spans:
                if end < start:  # refused by a constraint later; core says 0 meanwhile
                    attendance.worked_hours = 0.0
                    continue
                # Only the breaks touching the attendance can change its hours: the
                # breaks are sorted and disjoint, so they are found by bisection.
                touching = []
                for index in range(bisect.bisect_left(stops, start), len(breaks)):
                    if breaks[index][0] > end:
                        break
                    touching.append(breaks[index])
                attendance.worked_hours = sum_intervals(
                    Intervals([(start, end, attendance)]) - Intervals(touching)
                )
        return True

    @api.model
    def _okr_breaks(self, employee, versions, start, stop):
        """The break intervals of ``employee`` between ``start`` and ``stop``, as
        ``hr.employee._employee_attendance_intervals(lunch=True)`` finds them when
        ``versions`` are the contract versions overlapping the period."""
        resource = employee.resource_id
        if not versions:
            calendar = employee.resource_calendar_id or employee.company_id.resource_calendar_id
            return calendar._attendance_intervals_batch(start, stop, resource, lunch=True)[
                resource.id
            ]
        employee_tz = pytz.timezone(employee.tz) if employee.tz else None
        breaks = Intervals()
        for version in versions:
            version_start = datetime.datetime.combine(
                version.date_start, datetime.time.min, employee_tz
            )
            version_end = datetime.datetime.combine(
                version.date_end or datetime.date.max, datetime.time.max, employee_tz
            )
            calendar = version.resource_calendar_id or version.company_id.resource_calendar_id
            breaks |= calendar._attendance_intervals_batch(
                max(start, version_start), min(stop, version_end), resources=resource, lunch=True
            )[resource.id]
        return breaks


class HrEmployee(models.Model):
    _inherit = "hr.employee"

    def _get_version(self, date=None):
        """Core's contract version of the employee on ``date``, looked up once per
        employee and day while a bulk attendance import creates its batch: core's
        overtime computation asks for it several times per attendance."""
        if date is None:
            return super()._get_version()
        bulk = _BulkCreation.current(self.env)
        if bulk is None or len(self) != 1 or not isinstance(date, datetime.date):
            return super()._get_version(date)
        # A date field compares a datetime by its date, so both share one entry.
        day = date.date() if isinstance(date, datetime.datetime) else date
        key = ("version", self.id, day, self.env.uid, self.env.su)
        if key not in bulk.memo:
            bulk.memo[key] = super()._get_version(day)
        return bulk.memo[key].with_env(self.env)
