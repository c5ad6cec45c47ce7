"""okr.dispute, which incentive lines a disputed number holds.

A line is held while an open dispute concerns a number its rule reads: that
employee, a period containing the disputed day, and a rule reading that KPI
(or a scorecard of all their KPIs) or attendance. A team pool's share waits
for the disputes of every member of its pool: one member's number moves the
team's result or the hours split. Holds are refreshed when a run is computed
and before it is posted.
"""

from odoo import api, models
from odoo.fields import Command, Domain

from .okr_pay_guard import trusted

# Rule bases that read one KPI (the rule's own).
ONE_KPI_BASES = ("kpi_completion", "kpi_score", "kpi_value")


class OkrDispute(models.Model):
    _inherit = "okr.dispute"

    @api.model
    def _rule_depends_on(self, rule, kind, definition):
        """Whether ``rule`` reads the disputed kind of number (``definition``: the KPI)."""
        rule = rule.sudo()
        one_kpi = rule.basis in ONE_KPI_BASES
        if kind == "kpi":
            # A scorecard weighs all the employee's KPIs.
            return rule.basis == "kpi_scorecard" or (one_kpi and rule.definition_id == definition)
        return (
            rule.basis == "attendance"
            or bool(rule.gate_attendance_rate)
            or (one_kpi and rule.definition_id.source == "attendance")
            # A team pool shared by hours: one member's day moves every share.
            or (rule.pay_to == "team" and rule.split_key in ("hours", "hours_coefficient"))
        )

    @api.model
    def _lines_depending_on(self, employee, kind, day, definition):
        """The employee's incentive lines of a period containing ``day`` whose rule
        reads the disputed number."""
        lines = (
            self.env["okr.incentive.line"]
            .sudo()
            .search(
                [
                    ("employee_id", "=", employee.id),
                    ("date_from", "<=", day),
                    ("date_to", ">=", day),
                    ("state", "!=", "withdrawn"),
                ]
            )
        )
        lines = lines.filtered(lambda line: self._rule_depends_on(line.rule_id, kind, definition))
        return lines | self._teammates_lines(lines)

    @api.model
    def _teammates_lines(self, lines):
        """The shares of the same team pools as ``lines`` (same run, rule and team): a
        member's disputed number moves the team's result or the split, so every
        share of that pool waits with theirs."""
        pooled = lines.filtered("team_key")
        if not pooled:
            return lines.browse()
        domain = Domain.OR(
            Domain("run_id", "=", line.run_id.id)
            & Domain("rule_id", "=", line.rule_id.id)
            & Domain("team_key", "=", line.team_key)
            for line in pooled
        )
        return lines.search(domain & Domain("state", "!=", "withdrawn"))

    def _holds(self, line, members=None):
        members = line.employee_id if members is None else members
        return (
            self.employee_id in members
            and line.date_from <= self.date <= line.date_to
            and line.state != "withdrawn"
            and self._rule_depends_on(line.rule_id, self.kind, self.definition_id)
        )

    @api.model
    def _refresh_holds(self, lines, recomputed):
        """Hold ``lines`` (of runs the caller — HR computing or posting — may handle)
        for the open disputes on what they depend on. A corrected dispute keeps
        holding its lines until a recompute (``recomputed``) has read the new value."""
        lines = lines.sudo()
        if not lines:
            return
        open_disputes = self.sudo().search(
            [
                ("employee_id", "in", lines.employee_id.ids),
                ("state", "=", "open"),
                ("date", ">=", min(lines.mapped("date_from"))),
                ("date", "<=", max(lines.mapped("date_to"))),
            ]
        )
        if not open_disputes:
            # Nothing open to hold for: only the lines still holding disputes (corrected
            # ones a recompute releases) can change. Spares a 10,000-member run the
            # per-line and per-pool-member pass below.
            lines = lines.filtered("hold_dispute_ids")
            if not lines:
                return
        # A team pool's share waits for the disputes of every member of its pool.
        teams = {}
        for line in lines.filtered("team_key"):
            key = (line.run_id.id, line.rule_id.id, line.team_key)
            teams[key] = teams.get(key, line.employee_id.browse()) | line.employee_id
        members = {
            line: teams[(line.run_id.id, line.rule_id.id, line.team_key)]
            if line.team_key
            else line.employee_id
            for line in lines
        }
        by_employee = open_disputes.grouped("employee_id")
        for line in lines:
            candidates = self.browse().union(
                *(by_employee.get(member, self.browse()) for member in members[line])
            )
            wanted = candidates.filtered(lambda d, x=line, m=members[line]: d._holds(x, m))
            if not recomputed:
                wanted |= line.hold_dispute_ids.filtered(lambda d: d.state == "corrected")
            if wanted != line.hold_dispute_ids:
                trusted(line).write({"hold_dispute_ids": [Command.set(wanted.ids)]})
