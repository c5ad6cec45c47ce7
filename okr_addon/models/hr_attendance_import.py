"""Connector import of attendances: terminal and REST entries become hr.attendance
records. Each batch is checked against the employees' timelines before anything is
written, so the good rows are created in one batch (through the bulk path of
hr_attendance_bulk.py) and each bad one is reported with its reason."""

import datetime

from odoo import api, models
from odoo.exceptions import ValidationError

from ..logic import sync


class HrAttendance(models.Model):
    _inherit = "hr.attendance"

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
        employees = matches[0].values()
        timelines = self._okr_timelines(employees, entries)
        plan = _Plan(self, connector, outcome, timelines)
        plan.sources = self._okr_sources(connector, timelines)
        plan.kept = self._okr_kept_punches(connector, employees, entries)
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
        # What this source says of each day it touched, kept ones included.
        self.env["okr.attendance.day"]._okr_record_punches(connector, plan.punches)
        return outcome

    @api.model
    def _okr_sources(self, connector, timelines):
        """{attendance id: name of the source that made it} for the attendances of
        ``timelines`` made by another source than ``connector`` (another connector,
        or Odoo itself: kiosk, manual); one search."""
        ids = [key for timeline in timelines.values() for key in timeline]
        bindings = (
            self.env["okr.connector.binding"]
            .sudo()
            .search([("model", "=", self._name), ("res_id", "in", ids)])
        )
        owner = {binding.res_id: binding.connector_id for binding in bindings}
        odoo = self.env._("Odoo (kiosk / manual)")
        return {
            key: owner[key].name if key in owner else odoo
            for key in ids
            if owner.get(key) != connector
        }

    @api.model
    def _okr_kept_punches(self, connector, employees, entries):
        """{employee id: {external id: (check_in, check_out)}} this connector kept
        around ``entries`` for reconciliation (a check-in kept may be closed by a
        check-out of this batch); one search."""
        moments = [e.item[k] for e in entries for k in ("check_in", "check_out") if e.item[k]]
        if not moments or not employees:
            return {}
        margin = datetime.timedelta(days=1)
        return self.env["okr.attendance.day"]._okr_source_punches(
            connector,
            [employee.id for employee in employees],
            (min(moments) - margin).date(),
            (max(moments) + margin).date(),
        )

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
        # {attendance id: source name} of the attendances another source made.
        self.sources = {}
        # {employee id: {external id: (check_in, check_out)}} kept for reconciliation.
        self.kept = {}
        # (employee id, external id, check_in, check_out): what this source says.
        self.punches = []

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
        source = next(
            (
                self.sources[key]
                for key, other in timeline.items()
                if other == clash and key != own and key in self.sources
            ),
            None,
        )
        if source is not None:
            # Another source has this day: expected with several sources. Keep this
            # source's view for reconciliation without writing the attendance.
            self.outcome.keep(
                entry.row,
                self.connector._label(role, entry),
                env._("kept for reconciliation: %(origin)s already has this day", origin=source),
            )
            self._note(employee, entry, check_in, check_out, kept=True)
            return True
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
            self._note(record.employee_id, entry, new_in, new_out)

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
        if not candidates and self._complete_kept(entry, employee, check_out, longest):
            return
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
            self._note(employee, entry, check_in, check_out)

    def _complete_kept(self, entry, employee, check_out, longest):
        """A check-out closing a check-in this source kept for reconciliation (another
        source had the day): keep the pair as this source's view; True if so."""
        kept = self.kept.get(employee.id, {})
        candidates = [
            (check_in, external_id)
            for external_id, (check_in, other_out) in kept.items()
            if check_in and other_out is None and check_in < check_out <= check_in + longest
        ]
        if not candidates:
            return False
        check_in, external_id = max(candidates)
        kept[external_id] = (check_in, check_out)
        self.punches.append((employee.id, external_id, check_in, check_out))
        self.outcome.keep(
            entry.row,
            self.connector._label("check_out", entry),
            self.Attendance.env._(
                "kept for reconciliation: closes a check-in kept for reconciliation at %(time)s",
                time=self.connector._local(check_in),
            ),
        )
        return True

    def _note(self, employee, entry, check_in, check_out, kept=False):
        """Remember what this source says of the entry's day (a kept entry too)."""
        external_id = entry.item["external_id"]
        self.punches.append((employee.id, external_id, check_in, check_out))
        if kept:
            self.kept.setdefault(employee.id, {})[external_id] = (check_in, check_out)

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
            # to a creation that is not logged anyway. The savepoint sits inside the
            # bulk scope: its flush, which computes the worked hours and overtime of
            # the batch, runs while the scope is still open (hr_attendance_bulk.py).
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
        for entry, record in created:
            self._note(record.employee_id, entry, record.check_in, record.check_out or None)
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
