"""Pay only on reconciled attendance: a rule's option, and the lines it holds.

An employee's line of a rule with *Pay Only on Reconciled Attendance* is held
while a day of its period has attendance sources that disagree (a team pool
shared by hours: a day of any member holds every share). Posting skips
it and posts the rest (the hold of ``okr_incentive_hold.py``); resolving the
day with the source hr.attendance already holds releases it; resolving with
another source keeps it held until HR recomputes the run, which reads the
replaced attendance. Holds are refreshed with the disputes' ones, when a run
is computed and before it is posted, after the days of its period are
reconciled again (an attendance changed since the last import counts).
"""

from odoo import api, fields, models
from odoo.fields import Command
from odoo.tools import format_list

from .okr_pay_guard import trusted


class OkrIncentiveRule(models.Model):
    _inherit = "okr.incentive.rule"

    okr_reconciled_only = fields.Boolean(
        string="Pay Only on Reconciled Attendance",
        tracking=True,
        help="An employee's line waits while a day of the period has attendance sources "
        "that disagree (terminal, API, platforms, kiosk): posting skips it until the "
        "day is resolved in OKR > Attendance > Reconciliation.",
    )


class OkrIncentiveLine(models.Model):
    _inherit = "okr.incentive.line"

    hold_attendance_day_ids = fields.Many2many(
        "okr.attendance.day",
        "okr_incentive_line_attendance_day_hold_rel",
        "line_id",
        "day_id",
        string="Held by Attendance Days",
        readonly=True,
        copy=False,
        check_company=True,
    )

    @api.depends("hold_dispute_ids", "hold_attendance_day_ids")
    def _compute_held(self):
        for line in self:
            line.held = bool(line.hold_dispute_ids or line.hold_attendance_day_ids)

    @api.depends(
        "hold_dispute_ids.state",
        "hold_dispute_ids.reason",
        "hold_attendance_day_ids.state",
        "hold_attendance_day_ids.summary",
    )
    def _compute_hold_reason(self):
        result = super()._compute_hold_reason()
        for line in self:
            reasons = [line.hold_reason] if line.hold_reason else []
            for day in line.hold_attendance_day_ids.sudo().sorted("date"):
                if day.state == "resolved":
                    reasons.append(
                        self.env._(
                            "held: attendance of %(date)s was replaced; recompute the run "
                            "before posting",
                            date=day.date,
                        )
                    )
                elif day.employee_id != line.employee_id:
                    reasons.append(
                        self.env._(
                            "held: attendance of %(employee)s on %(date)s not reconciled "
                            "(%(sources)s), which moves every share of the pool",
                            employee=day.employee_id.name,
                            date=day.date,
                            sources=day.summary,
                        )
                    )
                else:
                    reasons.append(
                        self.env._(
                            "held: attendance of %(date)s not reconciled (%(sources)s)",
                            date=day.date,
                            sources=day.summary,
                        )
                    )
            line.hold_reason = "; ".join(reasons)
        return result


class OkrIncentiveRun(models.Model):
    _inherit = "okr.incentive.run"

    def _tell_held(self):
        """Say in the chatter which lines a dispute or unreconciled attendance kept out
        of this posting, each with what releases it (replaces the disputes' own note,
        which would call every held line disputed)."""
        held = self.line_ids.filtered("held")
        disputed = held.filtered("hold_dispute_ids")
        by_days = held - disputed
        if disputed:
            self.message_post(
                body=self.env._(
                    "Not posted, held by a disputed value: %(employees)s. Post again "
                    "once the disputes are settled.",
                    employees=format_list(self.env, disputed.employee_id.mapped("name")),
                )
            )
        if by_days:
            self.message_post(
                body=self.env._(
                    "Not posted, attendance not reconciled: %(employees)s. Post again once "
                    "the days are resolved in OKR > Attendance > Reconciliation.",
                    employees=format_list(self.env, by_days.employee_id.mapped("name")),
                )
            )


class OkrDispute(models.Model):
    _inherit = "okr.dispute"

    @api.model
    def _refresh_holds(self, lines, recomputed):
        """Also hold the lines of rules paying only on reconciled attendance."""
        result = super()._refresh_holds(lines, recomputed)
        self.env["okr.attendance.day"]._okr_refresh_holds(lines, recomputed)
        return result


class OkrAttendanceDay(models.Model):
    _inherit = "okr.attendance.day"

    @api.model
    def _okr_refresh_holds(self, lines, recomputed):
        """Hold ``lines`` (of runs HR is computing or posting: the callers checked)
        of gated rules for the days of their period whose sources disagree. A day
        resolved by replacing the attendance keeps holding until a recompute
        (``recomputed``) has read it. One search for all lines."""
        lines = lines.sudo().filtered(lambda line: line.state != "withdrawn")
        gated = lines.filtered(lambda line: line.rule_id.okr_reconciled_only)
        disagreeing = self.browse()
        if gated:
            date_from, date_to = min(gated.mapped("date_from")), max(gated.mapped("date_to"))
            # The days as they are now, not as the last import or schedule left them:
            # an attendance changed since (a resolved day included) is compared again.
            self._okr_reconcile_period(date_from, date_to, employees=gated.employee_id)
            disagreeing = self.sudo().search(
                [
                    ("employee_id", "in", gated.employee_id.ids),
                    ("state", "=", "disagree"),
                    ("date", ">=", date_from),
                    ("date", "<=", date_to),
                ]
            )
        by_employee = disagreeing.grouped("employee_id")
        members = self._okr_pool_members(gated)
        for line in lines:
            wanted = self.browse()
            if line in gated:
                wanted = (
                    self.browse()
                    .union(*(by_employee.get(member, self.browse()) for member in members[line]))
                    .filtered(lambda day, x=line: x.date_from <= day.date <= x.date_to)
                )
            if not recomputed:
                wanted |= line.hold_attendance_day_ids.filtered(
                    lambda day: day.state == "resolved" and day.resolution == "replaced"
                )
            if wanted != line.hold_attendance_day_ids:
                trusted(line).write({"hold_attendance_day_ids": [Command.set(wanted.ids)]})

    @api.model
    def _okr_pool_members(self, lines):
        """{line: the employees whose days it waits for}: its own employee, or every
        member of its team pool when the pool is shared by hours (one member's day
        moves every share, as for disputes)."""
        teams = {}
        by_hours = lines.filtered(
            lambda line: line.team_key and line.rule_id.split_key in ("hours", "hours_coefficient")
        )
        for line in by_hours:
            key = (line.run_id.id, line.rule_id.id, line.team_key)
            teams[key] = teams.get(key, line.employee_id.browse()) | line.employee_id
        return {
            line: teams[(line.run_id.id, line.rule_id.id, line.team_key)]
            if line in by_hours
            else line.employee_id
            for line in lines
        }
