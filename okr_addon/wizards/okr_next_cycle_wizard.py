from odoo import api, fields, models
from odoo.exceptions import UserError

from ..logic import kpi as kpi_logic
from ..logic import periods, stats


class OkrNextCycleWizard(models.TransientModel):
    """Closing a cycle proposes the next one's targets from this one's results:
    a target that was met moves toward what was achieved, a missed one stays.
    The manager edits or unticks lines, then creates the next cycle's draft
    objectives and KPI targets in one go."""

    _name = "okr.next.cycle.wizard"
    _description = "Prepare the Next Cycle"

    cycle_id = fields.Many2one("okr.cycle", required=True, readonly=True)
    next_date_start = fields.Date(compute="_compute_next_dates")
    next_date_end = fields.Date(compute="_compute_next_dates")
    line_ids = fields.One2many("okr.next.cycle.wizard.line", "wizard_id", string="Proposals")

    @api.depends("cycle_id")
    def _compute_next_dates(self):
        for wizard in self:
            cycle = wizard.cycle_id
            start = cycle.date_end and fields.Date.add(cycle.date_end, days=1)
            bounds = start and periods.cycle_bounds(cycle.cadence, start)
            if not bounds and start:
                bounds = (
                    start,
                    fields.Date.add(start, days=(cycle.date_end - cycle.date_start).days),
                )
            wizard.next_date_start, wizard.next_date_end = bounds or (False, False)

    @api.model_create_multi
    def create(self, vals_list):
        wizards = super().create(vals_list)
        for wizard in wizards.filtered(lambda w: not w.line_ids):
            wizard.line_ids = [(0, 0, vals) for vals in wizard._proposals()]
        return wizards

    def _proposals(self):
        """Line values: one per employee KPI and per key result of the cycle."""
        cycle = self.cycle_id
        lines = []
        targets = self.env["kpi.target"].search(
            [
                ("level", "=", "employee"),
                ("company_id", "=", cycle.company_id.id),
                ("date_from", ">=", cycle.date_start),
                ("date_to", "<=", cycle.date_end),
            ],
            order="date_to desc, id desc",
        )
        for (employee, definition), group in targets.grouped(
            lambda t: (t.employee_id, t.definition_id)
        ).items():
            latest = group[0]
            measured = group.filtered("has_actual")
            result = kpi_logic.roll_up(measured.mapped("actual"), "avg") if measured else None
            proposal = stats.next_target(
                latest.target, result, lower_is_better=definition.direction == "lower_better"
            )
            lines.append(
                {
                    "kind": "kpi",
                    "employee_id": employee.id,
                    "kpi_target_id": latest.id,
                    "name": definition.name,
                    "previous_target": latest.target,
                    "result": result or 0.0,
                    "proposed_target": proposal.value if proposal else latest.target,
                    "reason": self._reason(proposal),
                }
            )
        results = self.env["okr.key.result"].search(
            [
                ("cycle_id", "=", cycle.id),
                ("objective_id.state", "in", ("running", "closed")),
                ("objective_id.employee_id", "!=", False),
                ("kpi_target_id", "=", False),
                ("kind", "!=", "milestone"),
            ]
        )
        for result in results:
            proposal = stats.next_key_result(
                result.start_value,
                result.target_value,
                result.current_value,
                lower_is_better=result.direction == "decrease",
                cumulative=result.cumulative,
            )
            lines.append(
                {
                    "kind": "key_result",
                    "employee_id": result.employee_id.id,
                    "key_result_id": result.id,
                    "name": result.name,
                    "previous_target": result.target_value,
                    "result": result.current_value,
                    "proposed_start": proposal.start,
                    "proposed_target": proposal.target,
                    "reason": self._reason(proposal),
                }
            )
        return lines

    def _reason(self, proposal):
        if proposal is None:
            return self.env._("No result this cycle: the same target again.")
        if proposal.reason == "met":
            return self.env._("Met: raised toward what was achieved.")
        return self.env._("Missed: the same target again.")

    def _next_cycle(self):
        cycle = self.cycle_id
        found = self.env["okr.cycle"].search(
            [
                ("company_id", "=", cycle.company_id.id),
                ("date_start", "=", self.next_date_start),
                ("state", "!=", "closed"),
            ],
            limit=1,
        )
        return found or self.env["okr.cycle"].create(
            {
                "cadence": cycle.cadence,
                "date_start": self.next_date_start,
                "date_end": self.next_date_end,
                "company_id": cycle.company_id.id,
            }
        )

    def action_create(self):
        """Create the next cycle (if needed), its draft objectives and its KPI targets."""
        self.ensure_one()
        lines = self.line_ids.filtered("include")
        if not lines:
            raise UserError(self.env._("Tick at least one proposal to create."))
        next_cycle = self._next_cycle()
        self.env["okr.objective"].create(
            [
                {
                    "name": objective.name,
                    "description": objective.description,
                    "employee_id": objective.employee_id.id,
                    "level": objective.level,
                    "company_id": objective.company_id.id,
                    "cycle_id": next_cycle.id,
                    "key_result_ids": [
                        (
                            0,
                            0,
                            {
                                "name": line.key_result_id.name,
                                "kind": line.key_result_id.kind,
                                "direction": line.key_result_id.direction,
                                "unit": line.key_result_id.unit,
                                "cumulative": line.key_result_id.cumulative,
                                "weight": line.key_result_id.weight,
                                "start_value": line.proposed_start,
                                "target_value": line.proposed_target,
                            },
                        )
                        for line in group
                    ],
                }
                for objective, group in lines.filtered(lambda ln: ln.kind == "key_result")
                .grouped(lambda ln: ln.key_result_id.objective_id)
                .items()
            ]
        )
        target_vals = []
        for line in lines.filtered(lambda ln: ln.kind == "kpi"):
            previous = line.kpi_target_id
            day = next_cycle.date_start
            while day <= next_cycle.date_end:
                date_from, date_to = previous.definition_id._period_bounds(day)
                target_vals.append(
                    {
                        "definition_id": previous.definition_id.id,
                        "level": "employee",
                        "employee_id": previous.employee_id.id,
                        "company_id": previous.company_id.id,
                        "date_from": max(date_from, next_cycle.date_start),
                        "date_to": min(date_to, next_cycle.date_end),
                        "target": line.proposed_target,
                        "weight": previous.weight,
                    }
                )
                day = fields.Date.add(date_to, days=1)
        self._create_targets(target_vals)
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Next cycle: %(name)s", name=next_cycle.name),
            "res_model": "okr.cycle",
            "res_id": next_cycle.id,
            "view_mode": "form",
            "target": "current",
        }

    def _create_targets(self, target_vals):
        """One target per KPI, employee and period: several past targets of one KPI
        (its months) propose the same next ones, and a next target that exists
        already is updated, never doubled."""
        wanted = {
            (v["definition_id"], v["employee_id"], v["date_from"], v["date_to"]): v
            for v in target_vals
        }
        if not wanted:
            return self.env["kpi.target"]
        Target = self.env["kpi.target"]
        existing = Target.search(
            [
                ("level", "=", "employee"),
                ("definition_id", "in", list({k[0] for k in wanted})),
                ("employee_id", "in", list({k[1] for k in wanted})),
                ("date_from", "in", list({k[2] for k in wanted})),
                ("date_to", "in", list({k[3] for k in wanted})),
            ]
        )
        found = Target
        for target in existing:
            key = (target.definition_id.id, target.employee_id.id, target.date_from, target.date_to)
            if key in wanted:
                target.target = wanted.pop(key)["target"]
                found |= target
        return found | Target.create(list(wanted.values()))
