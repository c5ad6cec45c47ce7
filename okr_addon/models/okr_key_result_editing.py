"""okr.key.result as it is written and shown: the direction inferred from start
and target, the link to a KPI target (one truth per number), the Team Board's
columns.

When a key result measures what a KPI target of the same employee and period
measures (scrap rate, parts pressed), it should follow that target instead of
being typed a second time. While the key result is written, the form offers
the owner's matching KPI target (same direction, and the same unit or the
KPI's name in the key result's name); the user may clear it.
"""

import re

from odoo import api, models

KPI_DIRECTION = {"decrease": "lower_better", "increase": "higher_better"}


class OkrKeyResult(models.Model):
    _inherit = "okr.key.result"

    @api.onchange("name", "unit", "direction", "objective_id")
    def _onchange_offer_kpi_target(self):
        for result in self.filtered(lambda r: not r.kpi_target_id and r.name):
            match = result._matching_kpi_target()
            if match:
                result.kpi_target_id = match

    def _matching_kpi_target(self):
        """The owner's one employee KPI target of the cycle that measures the same
        thing as this key result, or an empty recordset (none, or ambiguous)."""
        self.ensure_one()
        objective = self.objective_id
        cycle = objective.cycle_id
        if not objective.employee_id or not cycle.date_start:
            return self.env["kpi.target"]
        targets = self.env["kpi.target"].search(
            [
                ("level", "=", "employee"),
                ("employee_id", "=", objective.employee_id.id),
                ("date_from", "<=", cycle.date_end or cycle.date_start),
                ("date_to", ">=", cycle.date_start),
            ]
        )
        words = set(re.findall(r"\w{3,}", (self.name or "").casefold()))
        unit = (self.unit or "").strip().casefold()

        def same_thing(target):
            definition = target.definition_id
            if definition.direction != KPI_DIRECTION.get(self.direction):
                return False
            named = set(re.findall(r"\w{3,}", (definition.name or "").casefold()))
            return bool(named & words) or (unit and unit == (definition.unit or "").casefold())

        matches = targets.filtered(same_thing)
        return matches if len(matches) == 1 else self.env["kpi.target"]

    @api.onchange("start_value", "target_value")
    def _onchange_infer_direction(self):
        """7 → 5 is a decrease, 800 → 950 an increase: the direction follows start and
        target as they are typed (and can still be changed by hand afterwards)."""
        for result in self:
            if result.target_value < result.start_value:
                result.direction = "decrease"
            elif result.target_value > result.start_value:
                result.direction = "increase"

    @api.model
    def _group_expand_team(self, employees, domain):
        """On the Team Board, every member of the manager's team has a column, those
        without a key result too (an empty column: no objective yet)."""
        if not self.env.context.get("okr_team_board"):
            return employees
        return employees | self.env["okr.home"]._team()
