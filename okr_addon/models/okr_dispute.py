"""An employee disputes one number: one KPI value or one attendance day.

Raised from the phone page or the kiosk (``okr.self.service``), settled by the
employee's manager or an OKR administrator — never by the employee, whatever
their role. Until it is settled, the incentive lines that depend on that number
are held: posting skips them and posts the rest of their run. A confirmed value
releases them (the next Post pays them, once); a corrected value keeps them
held until HR recomputes the run, so no line is ever paid on the old number.
"""

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.fields import Command

from .okr_pay_guard import check_finite, trusted

REASON_MAX_LENGTH = 300
DISPUTE_STATES = [
    ("open", "Open"),
    ("confirmed", "Value Confirmed"),
    ("corrected", "Value Corrected"),
]
DISPUTE_KINDS = [("kpi", "KPI Value"), ("attendance", "Attendance Day")]


class OkrDispute(models.Model):
    _name = "okr.dispute"
    _description = "Disputed Value"
    _inherit = ["okr.pay.guard", "mail.thread", "mail.activity.mixin"]
    _order = "id desc"
    _check_company_auto = True
    # Everything a dispute says is set by opening or settling it (see okr.pay.guard).
    _okr_workflow_fields = (
        "employee_id",
        "kind",
        "measurement_id",
        "date",
        "disputed_value",
        "attendance_summary",
        "reason",
        "state",
        "settlement_note",
        "settled_by",
        "date_settled",
        "corrected_value",
        "manager_user_id",
        "held_line_ids",
    )

    employee_id = fields.Many2one(
        "hr.employee", required=True, index=True, ondelete="cascade", readonly=True, tracking=True
    )
    company_id = fields.Many2one(related="employee_id.company_id", store=True, index=True)
    kind = fields.Selection(DISPUTE_KINDS, required=True, default="kpi", readonly=True)
    measurement_id = fields.Many2one(
        "kpi.measurement",
        string="KPI Value",
        index=True,
        readonly=True,
        # A value under dispute stays until it is settled and afterwards, as evidence.
        ondelete="restrict",
        check_company=True,
    )
    definition_id = fields.Many2one(
        related="measurement_id.definition_id", store=True, string="KPI", index=True
    )
    date = fields.Date(required=True, index=True, readonly=True, help="The day disputed.")
    disputed_value = fields.Float(readonly=True, help="The KPI value when it was disputed.")
    attendance_summary = fields.Char(
        string="Attendance Recorded", readonly=True, help="The day's attendance when disputed."
    )
    reason = fields.Char(required=True, readonly=True, tracking=True)
    state = fields.Selection(
        DISPUTE_STATES, default="open", required=True, index=True, readonly=True, tracking=True
    )
    manager_user_id = fields.Many2one(
        "res.users", string="To Settle", readonly=True, help="Who was asked to settle it."
    )
    settlement_note = fields.Char(readonly=True, tracking=True)
    settled_by = fields.Many2one("res.users", readonly=True, tracking=True)
    date_settled = fields.Datetime(readonly=True, tracking=True)
    corrected_value = fields.Float(readonly=True, tracking=True)
    held_line_ids = fields.Many2many(
        "okr.incentive.line",
        "okr_incentive_line_dispute_hold_rel",
        "dispute_id",
        "line_id",
        string="Held Incentive Lines",
        readonly=True,
        check_company=True,
    )

    _open_value_uniq = models.UniqueIndex(
        "(measurement_id) WHERE state = 'open' AND measurement_id IS NOT NULL",
        "This value is already disputed.",
    )
    _open_day_uniq = models.UniqueIndex(
        "(employee_id, date) WHERE state = 'open' AND kind = 'attendance'",
        "This attendance day is already disputed.",
    )

    @api.depends("kind", "definition_id", "date", "employee_id")
    def _compute_display_name(self):
        for dispute in self:
            what = dispute.definition_id.name if dispute.kind == "kpi" else self.env._("Attendance")
            dispute.display_name = f"{dispute.employee_id.name} · {what} · {dispute.date}"

    @api.constrains("kind", "measurement_id", "corrected_value")
    def _check_dispute(self):
        for dispute in self:
            if dispute.kind == "kpi" and not dispute.measurement_id:
                raise ValidationError(self.env._("A KPI dispute names the value disputed."))
            check_finite(self.env, self.env._("Corrected value"), dispute.corrected_value)

    def _okr_check_write(self, vals):
        """Nothing a dispute says is edited by hand, not even to the value it has: a
        relation compared as the caller reads it (the held lines a manager cannot
        see) would look unchanged."""
        for name in vals:
            if name in self._okr_workflow_fields:
                self._okr_refuse(name)

    # ------------------------------------------------------------------
    # Opening
    # ------------------------------------------------------------------
    @api.model
    def _open_dispute(self, employee, reason, measurement=None, day=None):
        """Open a dispute of ``employee`` on ``measurement`` (one of their KPI values) or
        on the attendance of ``day``; hold the incentive lines that depend on it and
        give the manager a to-do. ``employee`` is the caller's own employee (the
        phone page and the kiosk found it); AccessError for someone else's value,
        UserError (nothing saved) when refused."""
        reason = " ".join((reason or "").split())
        if not reason:
            raise UserError(self.env._("Say in a few words what is wrong."))
        if len(reason) > REASON_MAX_LENGTH:
            raise UserError(
                self.env._("Keep the reason under %(max)s characters.", max=REASON_MAX_LENGTH)
            )
        employee = employee.sudo()
        if measurement:
            if not employee or measurement.sudo().employee_id != employee:
                raise AccessError(self.env._("This is not yours."))
            vals = {
                "kind": "kpi",
                "measurement_id": measurement.id,
                "date": measurement.date,
                "disputed_value": measurement.value,
            }
            taken = [("measurement_id", "=", measurement.id)]
        else:
            if not day or day > fields.Date.context_today(self):
                raise UserError(self.env._("Choose a day that has passed."))
            vals = {
                "kind": "attendance",
                "date": day,
                "attendance_summary": self._attendance_summary(employee, day),
            }
            taken = [
                ("kind", "=", "attendance"),
                ("employee_id", "=", employee.id),
                ("date", "=", day),
            ]
        # Ownership checked above: from here on the dispute is written as an action.
        Dispute = trusted(self.sudo())
        if Dispute.search_count([*taken, ("state", "=", "open")], limit=1):
            raise UserError(self.env._("You already disputed this; your manager will answer."))
        lines = self._lines_depending_on(
            employee, vals["kind"], vals["date"], measurement and measurement.sudo().definition_id
        )
        if lines.filtered("posting_ids"):
            raise UserError(
                self.env._(
                    "The incentive based on this value is already paid: talk to HR about it."
                )
            )
        # A settled number is not disputed again and again to hold the pay each time.
        if Dispute.search_count(
            [*taken, ("state", "!=", "open")]
            + ([("disputed_value", "=", measurement.value)] if measurement else []),
            limit=1,
        ):
            raise UserError(
                self.env._("This was settled already: talk to HR if it is still wrong.")
            )
        manager = self._settler_for(employee)
        with self.env.cr.savepoint():
            dispute = Dispute.with_context(mail_create_nosubscribe=True).create(
                {
                    **vals,
                    "employee_id": employee.id,
                    "reason": reason,
                    "manager_user_id": manager.id,
                    "held_line_ids": [Command.set(lines.ids)],
                }
            )
        if manager:
            dispute.activity_schedule(
                "mail.mail_activity_data_todo",
                user_id=manager.id,
                summary=self.env._("Settle a disputed value"),
                note=reason,
            )
        # Back in the caller's environment: the action's rights end here.
        return self.browse(dispute.id)

    @api.model
    def _attendance_summary(self, employee, day):
        attendances = (
            self.env["hr.attendance"]
            .sudo()
            .search([("employee_id", "=", employee.id), ("date", "=", day)])
        )
        if not attendances:
            return self.env._("no attendance recorded")
        return self.env._(
            "%(count)s check-in(s), %(hours).2f h worked",
            count=len(attendances),
            hours=sum(attendances.mapped("worked_hours")),
        )

    @api.model
    def _settler_for(self, employee):
        """Who gets the to-do: the manager, else the department's manager, else an OKR
        administrator of the company; never the employee themself."""
        company = employee.company_id
        manager_group = "okr_addon.group_okr_manager"
        for user in (employee.parent_id.user_id, employee.department_id.manager_id.user_id):
            if (
                user
                and user != employee.user_id
                and user.has_group(manager_group)
                and company in user.company_ids
            ):
                return user
        admins = self.env.ref("okr_addon.group_okr_admin").sudo().all_user_ids
        admins = admins.filtered(
            lambda u: u != employee.user_id and not u.share and company in u.company_ids
        )
        return admins.sorted("id")[:1]

    # ------------------------------------------------------------------
    # Settling
    # ------------------------------------------------------------------
    def _check_settler(self):
        """The employee's manager (team record rules) or an OKR administrator of the
        company, never the employee themself — four eyes, even for a manager."""
        self.check_access("write")
        if not self.env.user.has_group("okr_addon.group_okr_manager"):
            raise AccessError(self.env._("Disputes are settled by managers and HR."))
        own = self.filtered(lambda d: d.employee_id.sudo().user_id == self.env.user)
        if own and not self.env.su:
            raise AccessError(
                self.env._("Your own dispute is settled by your manager or an OKR administrator.")
            )
        if self.filtered(lambda d: d.state != "open"):
            raise UserError(self.env._("This dispute is already settled."))

    def action_open_settle(self):
        """Open the settlement dialog (Confirm or Correct, from the button's context)."""
        self.ensure_one()
        self._check_settler()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Settle Dispute"),
            "res_model": "okr.dispute.settle",
            "view_mode": "form",
            "target": "new",
            "context": {
                "default_dispute_id": self.id,
                "default_mode": self.env.context.get("okr_settle_mode", "confirm"),
            },
        }

    def action_settle(self, note, corrected_value=None):
        """Confirm the value (``corrected_value`` None) or correct it, with a note the
        employee reads. A corrected KPI value is written with the settler's own
        rights and checks (plausible range, anomaly check, values a connector or
        Odoo computed stay with their source); an attendance day is fixed by HR in
        Attendances, the dispute records the note."""
        self._check_settler()
        note = " ".join((note or "").split())
        if not note:
            raise UserError(
                self.env._("Write a note for the employee: why the value stands or what changed.")
            )
        for dispute in self:
            vals = {
                "state": "confirmed" if corrected_value is None else "corrected",
                "settlement_note": note,
                "settled_by": self.env.uid,
                "date_settled": fields.Datetime.now(),
            }
            if corrected_value is not None and dispute.kind == "kpi":
                check_finite(self.env, self.env._("Corrected value"), corrected_value)
                dispute.measurement_id.with_env(self.env).write({"value": corrected_value})
                vals["corrected_value"] = corrected_value
            held = dispute.sudo().held_line_ids
            if corrected_value is None:
                vals["held_line_ids"] = [Command.clear()]
            trusted(dispute).write(vals)
            dispute._tell_runs(held, corrected_value is not None)
            dispute.activity_feedback(["mail.mail_activity_data_todo"], feedback=note)
        return True

    def _tell_runs(self, lines, corrected):
        """Say in each run's chatter what the settlement means for its held lines
        (the settler was checked by the caller, ``action_settle``)."""
        for run, run_lines in lines.grouped("run_id").items():
            if corrected:
                body = self.env._(
                    "%(dispute)s: the value was corrected by %(user)s. The line of "
                    "%(employee)s stays held until the run is recomputed.",
                    dispute=self.display_name,
                    user=self.env.user.name,
                    employee=run_lines.employee_id.name,
                )
            else:
                body = self.env._(
                    "%(dispute)s: the value was confirmed by %(user)s. The line of "
                    "%(employee)s is released: post the run to pay it.",
                    dispute=self.display_name,
                    user=self.env.user.name,
                    employee=run_lines.employee_id.name,
                )
            run.sudo().message_post(body=body)
