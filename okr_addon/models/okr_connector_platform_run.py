"""okr.connector, a run of an attendance platform (DingTalk, WeCom, Feishu).

A run reads the platform's directory and matches new or changed users to
employees (``okr.connector.user``), fetches the punches of the last
*Look-back Days* up to now, pairs them like a terminal's and hands them to
the ordinary attendance import (batches, bindings: nothing is created
twice). Punches of a user nobody is matched to fail with their raw records,
so *Retry Failed Rows* imports them once HR has matched the user (the retry
reads the records again with the adapter's ``read_punch``).

A fetch the platform's quota stopped imports what came, keeps where it
stopped on the connector (users, period and the adapter's state) and says
so as a warning; the next run goes on from there over the same users and
period, and forgets it once a fetch completes.

The platform's verdicts on shifts (late, early, not signed...) are counted in
the sync log's summary and, after the import, the worst of each
employee-day is kept on the connector's side of the day in ``okr.attendance.day``.
"""

import datetime

from odoo import fields, models

from ...connectors.errors import ConnectorError, PayloadError
from ..logic import platform_match, sync


class OkrConnector(models.Model):
    _inherit = "okr.connector"

    # --- reading --------------------------------------------------------------------
    def _read(self, data=None, lines=None, log=None):
        if not self.kind_platform:
            return super()._read(data, lines, log=log)
        if lines is not None:
            numbered, failures = self._platform_reread(lines)
            warnings = []
        else:
            numbered, failures, warnings = self._platform_fetch(log)
        return self._entries(numbered), failures, warnings

    def _platform_fetch(self, log):
        """``([(row, Punch)], failures, warnings)`` of the platform, users matched first."""
        client = self._platform_client()
        platform = self._platform(client)
        with client:
            users = platform.users()
            self.env["okr.connector.user"]._okr_sync_directory(self, users)
            start, end, user_ids, state = self._platform_period([u.user_id for u in users])
            result = platform.fetch(user_ids, start, end, resume=state)
        warnings = list(result.warnings)
        me = self.sudo()
        if result.done:
            me.platform_resume = False
        else:
            me.platform_resume = {
                "start": start.isoformat(),
                "end": end.isoformat(),
                "user_ids": list(user_ids),
                "state": result.resume,
            }
            warnings.append(
                self.env._(
                    "%(platform)s stopped the fetch before the end: %(reason)s. What came "
                    "is imported; the next run goes on where this one stopped.",
                    platform=self._platform_label(),
                    reason=result.stopped or self.env._("no reason given"),
                )
            )
        failures = [
            (error.row, error.field, error.reason, [error.raw] if error.raw is not None else [])
            for error in result.errors
        ]
        if log:
            self._platform_note_shifts(log, result.shifts)
        numbered = list(enumerate(result.punches, start=1))
        return numbered, failures, warnings

    def _platform_period(self, user_ids):
        """``(start, end, user ids, resume state)`` of this run's fetch (naive UTC):
        where the last fetch stopped, or the look-back days up to now."""
        # Called by _platform_fetch inside a run that checked its caller (_run_as_caller / cron).
        resume = self.sudo().platform_resume
        if resume:
            return (
                datetime.datetime.fromisoformat(resume["start"]),
                datetime.datetime.fromisoformat(resume["end"]),
                list(resume["user_ids"]),
                resume["state"],
            )
        end = fields.Datetime.now().replace(microsecond=0)
        first_day = fields.Date.context_today(self) - datetime.timedelta(days=self.lookback_days)
        start = sync.to_utc(datetime.datetime.combine(first_day, datetime.time()), self.tz)
        return start, end, user_ids, None

    def _platform_reread(self, lines):
        """``([(row, Punch)], failures)`` of the raw records kept on failed log ``lines``."""
        platform = self._platform(self._platform_client())
        numbered, failures = [], []
        for line in lines:
            try:
                raws = sync.load_raw(line.raw)
            except ValueError as exc:
                reason = f"the raw row is not valid JSON: {exc}"
                failures.append((line.row, line.field, reason, [line.raw]))
                continue
            for raw in raws:
                try:
                    numbered.append((line.row, platform.read_punch(raw)))
                except (PayloadError, ConnectorError, ValueError, KeyError, TypeError) as exc:
                    reason = getattr(exc, "reason", None) or str(exc)
                    failures.append((line.row, line.field, self._redact(reason), [raw]))
        return numbered, failures

    # --- shift verdicts ---------------------------------------------------------------------
    def _platform_note_shifts(self, log, shifts):
        """Count the platform's verdicts on ``log`` and keep each matched employee-day's worst."""
        if not shifts:
            return
        employees = self.env["okr.connector.user"]._okr_employees(
            self, {shift.user_id for shift in shifts}
        )
        worst = platform_match.worst_by_day(
            (employees[shift.user_id].id, shift.work_date, shift.status)
            for shift in shifts
            if shift.user_id in employees
        )
        counts = platform_match.status_counts(shift.status for shift in shifts)
        names = self._shift_status_names()
        summary = self.env._(
            "Shifts as %(platform)s reports them: %(counts)s.",
            platform=self._platform_label(),
            counts=", ".join(f"{count} {names[status]}" for status, count in counts)
            or self.env._("all normal"),
        )
        log.sudo().write(
            {
                "shift_summary": summary,
                "shift_statuses": [
                    [employee_id, day.isoformat(), status]
                    for (employee_id, day), status in sorted(worst.items())
                ],
            }
        )

    def _shift_status_names(self):
        return {
            "absent": self.env._("absent"),
            "not_signed": self.env._("not signed"),
            "late": self.env._("late"),
            "early": self.env._("left early"),
            "other": self.env._("other"),
            "normal": self.env._("normal"),
        }

    def _close_log(self, log, warnings):
        """After the import: hand each employee-day's worst shift status to
        ``okr.attendance.day``."""
        if self.kind_platform and log.shift_statuses:
            statuses = {
                (employee_id, datetime.date.fromisoformat(day)): status
                for employee_id, day, status in log.shift_statuses
            }
            self.env["okr.attendance.day"]._okr_note_statuses(self, statuses)
        return super()._close_log(log, warnings)

    # --- okr.employee.matcher hooks: employees through the platform users ------------------
    def _match_employees(self, codes):
        if not self.kind_platform:
            return super()._match_employees(codes)
        return self.env["okr.connector.user"]._okr_employees(self, codes), {}

    def _unmatched_reason(self, code, shared):
        if not self.kind_platform:
            return super()._unmatched_reason(code, shared)
        user = (
            self.env["okr.connector.user"]
            .sudo()
            .search([("connector_id", "=", self.id), ("platform_user_id", "=", code)], limit=1)
        )
        if user.state == "ambiguous":
            return self.env._(
                "platform user %(name)s (id %(id)s) fits several employees (%(candidates)s): "
                "choose one in Platform Users, then Retry Failed Rows",
                name=user.name,
                id=code,
                candidates=", ".join(user.candidate_ids.mapped("name")),
            )
        return self.env._(
            "platform user %(name)s (id %(id)s) is not matched to an employee: match them in "
            "Platform Users, then Retry Failed Rows",
            name=user.name or "?",
            id=code,
        )
