import bisect
import contextlib
import datetime

import pytz

from odoo import api, models
from odoo.exceptions import ValidationError
from odoo.tools import SQL
from odoo.tools.date_utils import sum_intervals
from odoo.tools.intervals import Intervals

from ..logic import attendance as attendance_logic
from ..logic import sync

# Key, in the database cursor's cache, of the attendances a bulk import is creating
# after checking them against the employees' other attendances itself (see _Plan): a
# frozenset of (employee id, check-in, check-out or None). Only server code can set
# it (not a client, unlike a context key), only for the duration of that creation,
# and only the listed attendances skip core's per-record overlap searches.
PRECHECKED = "okr_prechecked_attendances"
# Key, in the same cache and for the same duration, of the look-ups core's overtime
# computation repeats for every attendance of a batch and that cannot change while
# the batch is created: contract version per employee and day, local times per
# attendance. See hr.employee._get_version and _get_localized_times below.
BULK_MEMO = "okr_bulk_attendance_memo"


class HrAttendance(models.Model):
    _inherit = "hr.attendance"

    @contextlib.contextmanager
    def _okr_prechecked_creation(self, spans):
        """Within this block, the attendances of ``spans`` (employee id, check-in,
        check-out or None) are known not to overlap any other of their employee."""
        cache = self.env.cr.cache
        previous = cache.get(PRECHECKED, frozenset())
        previous_memo = cache.get(BULK_MEMO)
        cache[PRECHECKED] = previous | frozenset(spans)
        cache[BULK_MEMO] = previous_memo if previous_memo is not None else {}
        try:
            yield
        finally:
            cache[PRECHECKED] = previous
            if previous_memo is None:
                cache.pop(BULK_MEMO, None)

    def _okr_prechecked(self):
        """The attendances of ``self`` being created by a bulk import that checked them."""
        spans = self.env.cr.cache.get(PRECHECKED)
        if not spans:
            return self.browse()
        return self.filtered(lambda a: (a.employee_id.id, a.check_in, a.check_out or None) in spans)

    def _get_localized_times(self):
        """Core's local check-in and check-out, computed once per attendance while a
        bulk import creates its batch (core asks for them several times per record)."""
        memo = self.env.cr.cache.get(BULK_MEMO)
        if memo is None:
            return super()._get_localized_times()
        key = ("times", self.id, self.employee_id.id, self.check_in, self.check_out)
        if key not in memo:
            memo[key] = super()._get_localized_times()
        return memo[key]

    def _linked_overtimes(self):
        """Core's overtime lines starting at one of the check-ins of ``self``; for a bulk
        batch, searched by date range and filtered here rather than through a domain
        listing every check-in."""
        if self.env.cr.cache.get(BULK_MEMO) is None:
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

    # --- connectors -------------------------------------------------------------------
    @api.model
    def _okr_connector_import(self, connector, entries):
        """Create or complete the attendances of ``entries``; return a sync.Outcome.

        Each entry's item has ``employee_code``, ``check_in`` and ``check_out``
        (naive UTC, either may be missing) and ``external_id``. One search finds
        the employees, one the bindings, one the employees' neighbouring
        attendances; collisions are found before writing (as hr.attendance
        would refuse them), so the good rows are created in one batch and each
        bad one is reported with its reason.
        """
        outcome = sync.Outcome()
        matches = connector._match_employees({e.item["employee_code"] for e in entries})
        Binding = self.env["okr.connector.binding"].sudo()
        bound = Binding._records(connector, self._name, {e.item["external_id"] for e in entries})
        plan = _Plan(self, connector, outcome, self._okr_timelines(matches[0].values(), entries))
        for entry in entries:
            employee = connector._employee_of(entry, matches, outcome)
            if not employee or plan.seen(entry):
                continue
            record = bound.get(entry.item["external_id"])
            if record:
                plan.update(entry, record)
            elif entry.item["check_in"] is None:
                plan.complete(entry, employee)
            else:
                plan.add(entry, employee)
        plan.apply()
        return outcome

    @api.model
    def _okr_timelines(self, employees, entries):
        """{employee id: {attendance id: (check_in, check_out)}} of the attendances near
        ``entries`` and every open one (one search).

        Every attendance that could collide with an entry is in it (whatever its
        length), so an entry without a collision here passes hr.attendance's own
        overlap check, which bulk creation can therefore skip."""
        moments = [e.item[k] for e in entries for k in ("check_in", "check_out") if e.item[k]]
        timelines = {employee.id: {} for employee in employees}
        if not moments or not timelines:
            return timelines
        margin = datetime.timedelta(days=2)
        attendances = self.sudo().search(
            [
                ("employee_id", "in", list(timelines)),
                "|",
                ("check_out", "=", False),
                "&",
                ("check_in", "<=", max(moments) + margin),
                ("check_out", ">=", min(moments) - margin),
            ]
        )
        for attendance in attendances:
            timelines[attendance.employee_id.id][attendance.id] = (
                attendance.check_in,
                attendance.check_out or None,
            )
        return timelines


class _Plan:
    """The writes of one batch of attendance entries, checked against each employee's
    timeline before they are made."""

    def __init__(self, Attendance, connector, outcome, timelines):
        self.Attendance = Attendance.sudo().with_context(
            mail_create_nolog=True, mail_create_nosubscribe=True
        )
        self.connector = connector
        self.outcome = outcome
        self.timelines = timelines
        self.to_create = []  # (entry, vals)
        self.to_bind = []  # (external id, attendance id)
        self._seen = set()

    def seen(self, entry):
        """True for a second entry with the same external id in this run (nothing to do)."""
        external_id = entry.item["external_id"]
        if external_id in self._seen:
            self.outcome.unchanged += 1
            return True
        self._seen.add(external_id)
        return False

    def _conflict(self, employee, span, entry, role, *, own=None):
        """Record a failure and return True when the attendance ``span``
        (check-in, check-out) collides with another of the employee."""
        check_in, check_out = span
        timeline = self.timelines.setdefault(employee.id, {})
        others = [span for key, span in timeline.items() if key != own]
        clash = sync.attendance_conflict(others, check_in, check_out)
        if clash is None:
            return False
        env = self.Attendance.env
        other_in, other_out = clash
        if other_out is None and check_out is None:
            reason = env._(
                "%(employee)s already has an attendance without check-out since %(start)s",
                employee=employee.name,
                start=self.connector._local(other_in),
            )
        else:
            reason = env._(
                "overlaps the attendance of %(employee)s from %(start)s to %(end)s",
                employee=employee.name,
                start=self.connector._local(other_in),
                end=self.connector._local(other_out) if other_out else env._("(no check-out)"),
            )
        self.outcome.fail(entry.row, self.connector._label(role, entry), reason, entry.raws)
        return True

    def update(self, entry, record):
        """An attendance already imported: complete or correct its times if they changed."""
        vals = {}
        check_in, check_out = entry.item["check_in"], entry.item["check_out"]
        if check_in and record.check_in != check_in:
            vals["check_in"] = check_in
        if check_out and record.check_out != check_out:
            vals["check_out"] = check_out
        if not vals:
            self.outcome.unchanged += 1
            return
        new_in = vals.get("check_in", record.check_in)
        new_out = vals.get("check_out", record.check_out or None)
        role = "check_out" if "check_out" in vals else "check_in"
        if self._conflict(record.employee_id, (new_in, new_out), entry, role, own=record.id):
            return
        if self._write_one(entry, record, vals, role):
            self.timelines[record.employee_id.id][record.id] = (new_in, new_out)

    def complete(self, entry, employee):
        """A check-out alone: it closes the employee's open attendance, if one started
        within the longest shift before it."""
        check_out = entry.item["check_out"]
        longest = datetime.timedelta(hours=self.connector.max_shift_hours)
        candidates = [
            (check_in, key)
            for key, (check_in, other_out) in self.timelines[employee.id].items()
            if other_out is None
            and isinstance(key, int)
            and check_in < check_out <= check_in + longest
        ]
        if not candidates:
            env = self.Attendance.env
            reason = env._(
                "check-out at %(time)s without a check-in: %(employee)s has no open "
                "attendance in the %(hours)s hours before",
                time=self.connector._local(check_out),
                employee=employee.name,
                hours=f"{self.connector.max_shift_hours:g}",
            )
            self.outcome.fail(
                entry.row, self.connector._label("check_out", entry), reason, entry.raws
            )
            return
        check_in, key = max(candidates)
        if self._conflict(employee, (check_in, check_out), entry, "check_out", own=key):
            return
        record = self.Attendance.browse(key)
        if self._write_one(entry, record, {"check_out": check_out}, "check_out"):
            self.timelines[employee.id][key] = (check_in, check_out)
            self.to_bind.append((entry.item["external_id"], key))

    def add(self, entry, employee):
        check_in, check_out = entry.item["check_in"], entry.item["check_out"]
        if self._conflict(employee, (check_in, check_out), entry, "check_in"):
            return
        self.timelines[employee.id][("new", len(self.to_create))] = (check_in, check_out)
        vals = {"employee_id": employee.id, "check_in": check_in, "check_out": check_out or False}
        self.to_create.append((entry, vals))

    def _write_one(self, entry, record, vals, role):
        """Write ``vals`` on ``record`` in a savepoint; a refusal fails only this row."""
        try:
            with self.Attendance.env.cr.savepoint():
                record.write(vals)
        except ValidationError as exc:
            self.outcome.fail(
                entry.row, self.connector._label(role, entry), exc.args[0], entry.raws
            )
            return False
        self.outcome.updated += 1
        return True

    def apply(self):
        """Create the planned attendances in one batch (row by row, with all of Odoo's
        checks, only if Odoo still refuses the batch), then bind everything new to its
        external id. The overtime of the batch is computed once by hr.attendance.create
        for all of the batch's employees and dates."""
        created = []
        if self.to_create:
            vals_list = [vals for _entry, vals in self.to_create]
            prechecked = frozenset(
                (vals["employee_id"], vals["check_in"], vals["check_out"] or None)
                for vals in vals_list
            )
            # Each row was checked against the employee's timeline above: the core
            # overlap searches are skipped for exactly these rows; tracking adds nothing
            # to a creation that is not logged anyway.
            Bulk = self.Attendance.with_context(tracking_disable=True)
            try:
                with (
                    self.Attendance._okr_prechecked_creation(prechecked),
                    self.Attendance.env.cr.savepoint(),
                ):
                    records = Bulk.create(vals_list)
                created = list(zip([e for e, _v in self.to_create], records, strict=True))
            except ValidationError:
                created = self._create_one_by_one()
        self.outcome.created += len(created)
        self.to_bind += [(entry.item["external_id"], record.id) for entry, record in created]
        self.Attendance.env["okr.connector.binding"].sudo()._bind(
            self.connector, "hr.attendance", self.to_bind
        )

    def _create_one_by_one(self):
        created = []
        for entry, vals in self.to_create:
            try:
                with self.Attendance.env.cr.savepoint():
                    created.append((entry, self.Attendance.create(vals)))
            except ValidationError as exc:
                label = self.connector._label("check_in", entry)
                self.outcome.fail(entry.row, label, exc.args[0], entry.raws)
        return created
