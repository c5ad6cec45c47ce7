"""okr.attendance.day.source: what one source says of an employee's day, and
*Use this source*, which resolves a disagreement.

Resolving is for the employee's manager or an OKR administrator, never the
employee themself (not even a manager for their own day). With the source
hr.attendance already holds, the incentive lines the day held are released;
with another one, the day's attendances are replaced by that source's first
check-in and last check-out, and the lines stay held until HR recomputes.
"""

import json

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.fields import Command

from ..logic import reconcile
from .okr_attendance_day import check_company_once, dumps_punches
from .okr_pay_guard import trusted

STATUSES = [
    ("normal", "Normal"),
    ("late", "Late"),
    ("early", "Left Early"),
    ("not_signed", "Not Signed"),
    ("absent", "Absent"),
    ("other", "Other"),
]


class OkrAttendanceDaySource(models.Model):
    _name = "okr.attendance.day.source"
    _description = "Attendance Day: One Source"
    _inherit = ["okr.pay.guard"]
    _order = "day_id, connector_id desc, id"
    _check_company_auto = True
    # Written by connector imports and the refresh only.
    _okr_actions_only = True

    day_id = fields.Many2one(
        "okr.attendance.day", required=True, ondelete="cascade", index=True, readonly=True
    )
    company_id = fields.Many2one(related="day_id.company_id", store=True, index=True)
    employee_id = fields.Many2one(related="day_id.employee_id")
    connector_id = fields.Many2one(
        "okr.connector",
        string="Source Connector",
        ondelete="cascade",
        index=True,
        readonly=True,
        check_company=True,
        help="Empty: Odoo's own attendances (kiosk, manual, Attendances app).",
    )
    name = fields.Char(string="Source", compute="_compute_name")
    first_in = fields.Datetime(string="First Check-in", readonly=True)
    last_out = fields.Datetime(string="Last Check-out", readonly=True)
    hours = fields.Float(readonly=True)
    status = fields.Selection(
        STATUSES, readonly=True, help="The platform's own verdict of the day, when it gives one."
    )
    punches = fields.Text(
        readonly=True,
        groups="okr_addon.group_okr_admin",
        help="The source's punches of the day by external id (JSON, UTC).",
    )
    is_used = fields.Boolean(string="Used", compute="_compute_is_used")

    def _check_company(self, fnames=None):
        return super(OkrAttendanceDaySource, check_company_once(self, fnames))._check_company(
            fnames
        )

    @api.depends("connector_id.name")
    def _compute_name(self):
        for source in self:
            source.name = source.connector_id.sudo().name or self.env._("Odoo (kiosk / manual)")

    @api.depends("day_id.used_connector_id", "day_id.used_odoo")
    def _compute_is_used(self):
        for source in self:
            source.is_used = source.day_id.used_source_id == source

    def _view(self):
        return reconcile.DayView(self.first_in or None, self.last_out or None, self.hours)

    def _punches(self):
        """{external id: (check_in, check_out)} of this connector line (naive UTC)."""
        data = json.loads(self.sudo().punches or "{}")
        return {
            key: tuple(fields.Datetime.to_datetime(value) if value else None for value in pair)
            for key, pair in data.items()
        }

    @api.model
    def _okr_punch_values(self, punches, longest_hours):
        """The values of a source line holding ``punches`` and the day's view of them."""
        view = reconcile.day_view(
            reconcile.pair_lone_checkouts(list(punches.values()), longest_hours)
        )
        return {
            "punches": dumps_punches(punches),
            "first_in": view.first_in,
            "last_out": view.last_out,
            "hours": view.hours,
        }

    def _okr_set_punches(self, punches, longest_hours):
        """Store ``punches`` and the day's view of them (the import's own call)."""
        self._okr_write_changed(self._okr_punch_values(punches, longest_hours))

    def _okr_write_changed(self, vals):
        changed = {name: value for name, value in vals.items() if self[name] != (value or False)}
        if changed:
            # Only the import's own calls (_okr_set_punches, _okr_odoo_lines) reach here, after the
            # run checked its caller.
            trusted(self.sudo()).write(changed)

    # ------------------------------------------------------------------
    # Use this source
    # ------------------------------------------------------------------
    def _check_resolver(self):
        """The employee's manager (team record rules, write access) or an OKR
        administrator of the company; never the employee, even a manager."""
        day = self.day_id
        day.check_access("write")
        if not self.env.user.has_group("okr_addon.group_okr_manager"):
            raise AccessError(self.env._("Attendance days are resolved by managers and HR."))
        if day.employee_id.sudo().user_id == self.env.user and not self.env.su:
            raise AccessError(
                self.env._(
                    "Your own attendance is resolved by your manager or an OKR administrator."
                )
            )
        if day.state != "disagree":
            raise UserError(self.env._("Only a day whose sources disagree is resolved."))

    def action_use_source(self):
        """Resolve the day with this source's times."""
        self.ensure_one()
        self._check_resolver()
        day = self.day_id.sudo()
        replaced = self != day.used_source_id
        if replaced:
            self.sudo()._okr_replace_attendances()
        trusted(day).write(
            {
                "state": "resolved",
                "resolution": "replaced" if replaced else "confirmed",
                "used_connector_id": self.connector_id.id,
                "used_odoo": not self.connector_id,
                "resolved_by": self.env.uid,
                "date_resolved": fields.Datetime.now(),
                "resolved_attendances": day._okr_attendance_print(),
            }
        )
        lines = (
            self.env["okr.incentive.line"]
            .sudo()
            .search([("hold_attendance_day_ids", "in", day.ids)])
        )
        tz = day.employee_id._get_tz()
        span = reconcile.span_text(self._view(), tz)
        if replaced:
            body = self.env._(
                "%(user)s used %(origin)s (%(span)s): the day's attendances were replaced "
                "by it. Incentive lines depending on this day stay held until HR recomputes "
                "the run.",
                user=self.env.user.name,
                origin=self.name,
                span=span,
            )
        else:
            body = self.env._(
                "%(user)s confirmed %(origin)s (%(span)s), which the attendances already hold. "
                "Incentive lines depending on this day are released: post the run to pay them.",
                user=self.env.user.name,
                origin=self.name,
                span=span,
            )
            trusted(lines).write({"hold_attendance_day_ids": [Command.unlink(day.id)]})
        day.message_post(body=body, subtype_xmlid="mail.mt_note")
        for run in lines.run_id:
            run.message_post(body=body, subtype_xmlid="mail.mt_note")
        day.activity_feedback(["mail.mail_activity_data_todo"], feedback=body)
        return True

    def _okr_replace_attendances(self):
        """Make hr.attendance hold this source's day: its first check-in to last
        check-out (called by action_use_source after its checks)."""
        day = self.day_id
        Attendance = self.env["hr.attendance"].sudo()
        current = Attendance.search(
            [("employee_id", "=", day.employee_id.id), ("date", "=", day.date)]
        )
        Binding = self.env["okr.connector.binding"].sudo()
        bound = Binding.search([("model", "=", "hr.attendance"), ("res_id", "in", current.ids)])
        if not self.connector_id:
            # Odoo's own attendances stay; the connectors' ones of the day go.
            (current & Attendance.browse(bound.mapped("res_id"))).unlink()
            bound.unlink()
            return
        if self.status == "absent" and not (self.first_in or self.last_out):
            # The platform's verdict "absent" chosen: the day has no attendance.
            current.unlink()
            bound.unlink()
            return
        if not self.first_in:
            raise UserError(self.env._("%(origin)s has no check-in on this day.", origin=self.name))
        current.unlink()
        bound.unlink()
        created = Attendance.create(
            {
                "employee_id": day.employee_id.id,
                "check_in": self.first_in,
                "check_out": self.last_out
                if self.last_out and self.last_out > self.first_in
                else False,
            }
        )
        Binding._bind(
            self.connector_id, "hr.attendance", [(key, created.id) for key in self._punches()]
        )


class OkrAttendanceDay(models.Model):
    _inherit = "okr.attendance.day"

    # What hr.attendance held of the day when it was resolved (JSON of its times):
    # attendances changed since (a manual entry, a check-in at the kiosk, a
    # corrected import) reopen the day rather than pass as resolved.
    resolved_attendances = fields.Text(
        string="Attendances When Resolved", readonly=True, copy=False
    )

    def _okr_attendance_print(self, attendances=None):
        """JSON of the times of ``attendances`` (default: this day's hr.attendance)."""
        self.ensure_one()
        if attendances is None:
            attendances = (
                self.env["hr.attendance"]
                .sudo()
                .search([("employee_id", "=", self.employee_id.id), ("date", "=", self.date)])
            )
        return json.dumps(
            sorted(
                [
                    fields.Datetime.to_string(a.check_in),
                    fields.Datetime.to_string(a.check_out) if a.check_out else "",
                ]
                for a in attendances
            )
        )

    @api.model
    def _okr_open_days(self, days, per_key):
        """The days of ``days`` ({(employee id, date): day}) the refresh brings up to
        date: those not resolved, and the resolved ones whose attendances (``per_key``)
        changed since they were resolved, which are reopened (called by the refresh,
        as the connector's import or HR)."""
        open_days, reopened = {}, self.browse()
        for key, day in days.items():
            if day.state != "resolved":
                open_days[key] = day
                continue
            before = day.resolved_attendances
            if before and before != day._okr_attendance_print(
                self.env["hr.attendance"].union(*per_key[key])
            ):
                open_days[key] = day
                reopened |= day
        if reopened:
            trusted(reopened.sudo()).write(
                {
                    "resolution": False,
                    "resolved_by": False,
                    "date_resolved": False,
                    "resolved_attendances": False,
                }
            )
            body = self.env._(
                "The attendances of this day changed after it was resolved: it is reconciled again."
            )
            for day in reopened.sudo():
                day.message_post(body=body, subtype_xmlid="mail.mt_note")
        return open_days
