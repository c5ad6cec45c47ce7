"""okr.attendance.day: one employee's day as every attendance source sees it.

Each attendance connector import records what its source says of the days it
touched (first check-in, last check-out, hours), including the punches refused
because another source already has an attendance there; Odoo's own attendances
without a connector binding are the source "Odoo (kiosk / manual)". The day
says whether the sources agree within the company's tolerance, which source
hr.attendance holds, and who resolved a disagreement (see
``okr_attendance_day_source.py`` for *Use this source*). Building and
refreshing are set-based: a few searches for a whole batch of days.
"""

import collections
import json

from odoo import api, fields, models

from ..logic import reconcile
from .okr_pay_guard import trusted

STATES = [
    ("single", "Single Source"),
    ("agreed", "Agreed"),
    ("disagree", "To Review"),
    ("resolved", "Resolved"),
]


class OkrAttendanceDay(models.Model):
    _name = "okr.attendance.day"
    _description = "Reconciled Attendance Day"
    _inherit = ["okr.pay.guard", "mail.thread", "mail.activity.mixin"]
    _order = "date desc, employee_id"
    _check_company_auto = True
    _rec_name = "date"
    # Built by connector imports and Reconcile, resolved by "Use this source" only.
    _okr_actions_only = True

    employee_id = fields.Many2one(
        "hr.employee", required=True, index=True, readonly=True, check_company=True
    )
    date = fields.Date(required=True, index=True, readonly=True)
    company_id = fields.Many2one("res.company", required=True, index=True, readonly=True)
    department_id = fields.Many2one("hr.department", readonly=True, index=True, check_company=True)
    source_ids = fields.One2many("okr.attendance.day.source", "day_id")
    state = fields.Selection(STATES, default="single", required=True, index=True, tracking=True)
    # Which source hr.attendance holds: a connector, or Odoo's own attendances.
    used_connector_id = fields.Many2one("okr.connector", readonly=True, check_company=True)
    used_odoo = fields.Boolean(string="Odoo's Own Attendances Used", readonly=True)
    used_source_id = fields.Many2one(
        "okr.attendance.day.source",
        compute="_compute_used_source_id",
        help="The source whose times hr.attendance holds for this day.",
    )
    resolution = fields.Selection(
        [("confirmed", "Used Source Confirmed"), ("replaced", "Attendance Replaced")],
        readonly=True,
        tracking=True,
    )
    resolved_by = fields.Many2one("res.users", readonly=True, tracking=True)
    date_resolved = fields.Datetime(string="Resolved On", readonly=True)
    summary = fields.Char(compute="_compute_summary")

    _employee_date_uniq = models.Constraint(
        "UNIQUE(employee_id, date)", "One reconciled attendance record per employee and day."
    )

    def _check_company(self, fnames=None):
        return super(OkrAttendanceDay, check_company_once(self, fnames))._check_company(fnames)

    @api.depends("source_ids.connector_id", "used_connector_id", "used_odoo")
    def _compute_used_source_id(self):
        for day in self:
            if day.used_connector_id:
                used = day.source_ids.filtered(
                    lambda s, d=day: s.connector_id == d.used_connector_id
                )
            elif day.used_odoo:
                used = day.source_ids.filtered(lambda s: not s.connector_id)
            else:
                used = day.source_ids.browse()
            day.used_source_id = used[:1]

    @api.depends(
        "source_ids.first_in", "source_ids.last_out", "source_ids.name", "source_ids.status"
    )
    def _compute_summary(self):
        Source = self.env["okr.attendance.day.source"]
        absent = dict(Source._fields["status"]._description_selection(self.env))["absent"]
        for day in self:
            tz = day.employee_id.sudo()._get_tz()
            day.summary = " vs ".join(
                f"{source.name} {reconcile.span_text(source._view(), tz)}"
                if source.first_in or source.last_out
                else f"{source.name} {absent}"
                for source in day.source_ids
                if source.first_in or source.last_out or source.status == "absent"
            )

    @api.depends("employee_id", "date")
    def _compute_display_name(self):
        for day in self:
            day.display_name = f"{day.employee_id.name} {day.date}"

    # ------------------------------------------------------------------
    # What a connector import says (called by the import, as the connector)
    # ------------------------------------------------------------------
    @api.model
    def _okr_source_punches(self, connector, employee_ids, date_from, date_to):
        """{employee id: {external id: (check_in, check_out)}} this connector's source
        lines already hold between the two dates (one search)."""
        lines = (
            self.env["okr.attendance.day.source"]
            .sudo()
            .search(
                [
                    ("connector_id", "=", connector.id),
                    ("day_id.employee_id", "in", list(employee_ids)),
                    ("day_id.date", ">=", date_from),
                    ("day_id.date", "<=", date_to),
                ]
            )
        )
        result = collections.defaultdict(dict)
        for line in lines:
            result[line.day_id.employee_id.id].update(line._punches())
        return result

    @api.model
    def _okr_record_punches(self, connector, punches):
        """Keep what ``connector`` says of each employee-day of ``punches``
        ((employee id, external id, check_in, check_out), naive UTC) on its source
        line of the day, then refresh those days.

        Called by the connector's import, whose run checked the caller
        (``okr.connector._run``): the import writes as the connector does."""
        by_key = collections.defaultdict(dict)
        for employee_id, external_id, check_in, check_out in punches:
            day = reconcile.local_date(check_in or check_out, connector.tz)
            by_key[(employee_id, day)][external_id] = (check_in, check_out)
        if not by_key:
            return self.browse()
        days, lines = self._okr_source_lines(connector, by_key)
        Source = self.env["okr.attendance.day.source"]
        longest = connector.max_shift_hours
        new_lines = []
        for key, said in by_key.items():
            if key in lines:
                lines[key]._okr_set_punches({**lines[key]._punches(), **said}, longest)
            else:
                vals = Source._okr_punch_values(said, longest)
                new_lines.append({"day_id": days[key].id, "connector_id": connector.id, **vals})
        trusted(Source.sudo()).create(new_lines)
        return self._okr_refresh(set(by_key))

    @api.model
    def _okr_note_statuses(self, connector, statuses):
        """Keep a platform's own verdict of each day: ``statuses`` is
        {(employee id, date): status}, status one of normal, late, early,
        not_signed, absent, other (stored on the connector's source line of the day).

        Called by the platform connectors' import, whose run checked the caller."""
        unknown = set(statuses.values()) - set(reconcile.STATUSES)
        if unknown:
            raise ValueError(f"unknown attendance status: {sorted(unknown)}")
        if not statuses:
            return self.browse()
        days, lines = self._okr_source_lines(connector, statuses)
        new_lines = []
        for key, status in statuses.items():
            if key not in lines:
                new_lines.append(
                    {"day_id": days[key].id, "connector_id": connector.id, "status": status}
                )
            elif lines[key].status != status:
                trusted(lines[key]).write({"status": status})
        trusted(self.env["okr.attendance.day.source"].sudo()).create(new_lines)
        return self._okr_refresh(set(statuses))

    @api.model
    def _okr_source_lines(self, connector, keys):
        """({(employee id, date): day}, {(employee id, date): existing source line of
        ``connector``}) for ``keys``, the missing days created (two searches and a
        create in all)."""
        days = self._okr_days(keys, create=True)
        existing = trusted(self.env["okr.attendance.day.source"].sudo()).search(
            [("connector_id", "=", connector.id), ("day_id", "in", [d.id for d in days.values()])]
        )
        by_day = {line.day_id.id: line for line in existing}
        return days, {key: by_day[day.id] for key, day in days.items() if day.id in by_day}

    @api.model
    def _okr_days(self, keys, create=False):
        """{(employee id, date): day} of ``keys`` (one search; the missing ones
        created in one batch when ``create``)."""
        keys = set(keys)
        if not keys:
            return {}
        Day = trusted(self.sudo())
        employee_ids = {employee_id for employee_id, _day in keys}
        dates = [day for _employee, day in keys]
        found = Day.search(
            [
                ("employee_id", "in", list(employee_ids)),
                ("date", ">=", min(dates)),
                ("date", "<=", max(dates)),
            ]
        )
        days = {(d.employee_id.id, d.date): d for d in found if (d.employee_id.id, d.date) in keys}
        missing = sorted(keys - set(days))
        if create and missing:
            employees = self.env["hr.employee"].sudo().browse({e for e, _d in missing})
            created = Day.with_context(
                mail_create_nolog=True, mail_create_nosubscribe=True, tracking_disable=True
            ).create(
                [
                    {
                        "employee_id": employee_id,
                        "date": day,
                        "company_id": employees.browse(employee_id).company_id.id,
                        "department_id": employees.browse(employee_id).department_id.id,
                    }
                    for employee_id, day in missing
                ]
            )
            days.update({(d.employee_id.id, d.date): d for d in created})
        return days

    # ------------------------------------------------------------------
    # Refresh: Odoo's own attendances, used source, agreement
    # ------------------------------------------------------------------
    @api.model
    def _okr_refresh(self, keys, create=True):
        """Bring the days of ``keys`` ((employee id, date)) up to date: the Odoo source
        line from the attendances no connector made, which source hr.attendance
        holds, and the state. A resolved day stays as it was resolved. A new
        disagreement gets a review to-do. Set-based: four searches for all keys."""
        keys = set(keys)
        if not keys:
            return self.browse()
        per_key, bound = self._okr_attendances(keys)
        with_own = {key for key in keys if any(a.id not in bound for a in per_key[key])}
        days = self._okr_days(keys)
        if create:
            days.update(self._okr_days(with_own - set(days), create=True))
        # A resolved day stays as it was resolved, unless its attendances changed since
        # (okr_attendance_day_source.py): then it is reconciled again.
        open_days = self._okr_open_days(days, per_key)
        self._okr_odoo_lines(open_days, per_key, bound)
        self._okr_states(open_days, per_key, bound)._okr_ask_review()
        return self.browse([day.id for day in days.values()])

    @api.model
    def _okr_attendances(self, keys):
        """({(employee id, date): [hr.attendance]}, {attendance id: connector}) of
        ``keys``: two searches."""
        employee_ids = list({employee_id for employee_id, _day in keys})
        dates = [day for _employee, day in keys]
        attendances = (
            self.env["hr.attendance"]
            .sudo()
            .search(
                [
                    ("employee_id", "in", employee_ids),
                    ("date", ">=", min(dates)),
                    ("date", "<=", max(dates)),
                ]
            )
        )
        bindings = (
            self.env["okr.connector.binding"]
            .sudo()
            .search([("model", "=", "hr.attendance"), ("res_id", "in", attendances.ids)])
        )
        bound = {binding.res_id: binding.connector_id for binding in bindings}
        per_key = collections.defaultdict(list)
        for attendance in attendances:
            key = (attendance.employee_id.id, attendance.date)
            if key in keys:
                per_key[key].append(attendance)
        return per_key, bound

    @api.model
    def _okr_odoo_lines(self, days, per_key, bound):
        """Write the source line "Odoo (kiosk / manual)" of each of ``days`` from the
        attendances no connector made (one create for the new lines)."""
        new_lines = []
        for key, day in days.items():
            own = [(a.check_in, a.check_out or None) for a in per_key[key] if a.id not in bound]
            odoo_line = day.source_ids.filtered(lambda s: not s.connector_id)
            if own:
                view = reconcile.day_view(own)
                vals = {"first_in": view.first_in, "last_out": view.last_out, "hours": view.hours}
                if odoo_line:
                    odoo_line._okr_write_changed(vals)
                else:
                    new_lines.append({"day_id": day.id, **vals})
            elif odoo_line:
                trusted(odoo_line.sudo()).unlink()
        trusted(self.env["okr.attendance.day.source"].sudo()).create(new_lines)

    @api.model
    def _okr_states(self, days, per_key, bound):
        """Set the state and used source of ``days`` (one write per distinct change);
        return the days that start to disagree."""
        disagreeing = agreeing = self.browse()
        changes = collections.defaultdict(list)
        for key, day in days.items():
            # A platform's "absent" is a view too: no times, which disagrees with any.
            sources = day.source_ids.filtered(
                lambda s: s.first_in or s.last_out or s.status == "absent"
            )
            state = reconcile.day_state(
                [s._view() for s in sources], day.company_id.okr_attendance_tolerance
            )
            holders = collections.Counter(bound.get(a.id) for a in per_key[key])
            connector = holders.most_common(1)[0][0] if holders else None
            used = (state, connector.id if connector else False, bool(holders) and not connector)
            if state == "disagree" and day.state != "disagree":
                disagreeing |= day
            elif day.state == "disagree" and state != "disagree":
                # The sources came to agree (a corrected file): nothing left to review.
                agreeing |= day
            if used != (day.state, day.used_connector_id.id, day.used_odoo):
                changes[used].append(day.id)
        if agreeing:  # one search and unlink for all the days, not one per day
            agreeing.activity_unlink(["mail.mail_activity_data_todo"])
        for (state, connector_id, odoo), ids in changes.items():
            trusted(self.sudo().browse(ids)).write(
                {"state": state, "used_connector_id": connector_id, "used_odoo": odoo}
            )
        return disagreeing

    def _okr_ask_review(self):
        """A to-do for the employee's manager (else an OKR administrator) per new
        disagreement (called by the refresh, as the connector or HR)."""
        Dispute = self.env["okr.dispute"].sudo()
        reviewers = {}  # looked up once per employee: a bad file brings many days of each
        for day in self.sudo():
            if day.employee_id not in reviewers:
                reviewers[day.employee_id] = Dispute._settler_for(day.employee_id)
            reviewer = reviewers[day.employee_id]
            if not reviewer:
                continue
            # Worded in the reviewer's language, whoever's run found the disagreement.
            worded = day.with_context(lang=reviewer.lang or "en_US")
            day.activity_schedule(
                "mail.mail_activity_data_todo",
                user_id=reviewer.id,
                summary=worded.env._("Reconcile attendance of %(day)s", day=worded.display_name),
                note=worded.summary,
            )


def check_company_once(records, fnames):
    """One record of ``records`` per distinct company and values of the company-checked
    relations ``fnames`` (all of them when None or naming the company): Odoo's
    ``_check_company`` on those is the same check, without repeating it for each of
    the thousands of days one import builds for a few employees and one connector."""
    fields_ = records._fields
    if fnames is None or {"company_id", "company_ids"} & set(fnames):
        fnames = fields_
    names = [n for n in fnames if fields_[n].relational and fields_[n].check_company]
    if not names:
        return records
    kept = {}
    for record in records.sudo():
        key = (record.company_id.id, *(record[name]._ids for name in names))
        kept.setdefault(key, record.id)
    return records.browse(list(kept.values()))


def dumps_punches(punches):
    """JSON text of {external id: (check_in, check_out)} (naive UTC)."""
    return json.dumps(
        {
            key: [fields.Datetime.to_string(check_in), fields.Datetime.to_string(check_out)]
            for key, (check_in, check_out) in sorted(punches.items())
        }
    )
