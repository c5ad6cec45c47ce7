"""KPI targets' actuals: measured for leaves, rolled up for parents, set-based."""

from odoo import models
from odoo.tools import SQL

from ..logic import kpi as kpi_logic


class KpiTarget(models.Model):
    """Actuals: a leaf's from its measurements, a parent's rolled up from its children
    of the same KPI, deepest first; one grouped query and one UPDATE per level,
    whatever the number of targets."""

    _inherit = "kpi.target"

    def _recompute_actuals(self):
        """Recompute the actuals of these targets and of every target above them."""
        if not self:
            return
        targets = self.sudo()
        ancestor_ids = {
            int(i) for path in targets.mapped("parent_path") for i in path.split("/") if i
        }
        targets |= targets.browse(ancestor_ids)
        parent_ids = targets._rollup_parent_ids()
        leaves = targets.browse([i for i in targets.ids if i not in parent_ids])
        leaves._store_actuals(leaves._measured_actuals())
        parents = (targets - leaves).grouped(lambda t: t.parent_path.count("/"))
        self.flush_model(["actual", "has_actual"])
        for depth in sorted(parents, reverse=True):  # deepest first: parents read new actuals
            level = parents[depth]
            self.env.cr.execute(
                SQL(
                    """SELECT child.parent_id, CASE WHEN child.has_actual THEN child.actual END
                       FROM kpi_target child
                       JOIN kpi_target parent ON parent.id = child.parent_id
                       WHERE child.parent_id = ANY(%s)
                         AND child.definition_id = parent.definition_id
                       ORDER BY child.id""",
                    level.ids,
                )
            )
            children = {}
            for parent_id, value in self.env.cr.fetchall():
                children.setdefault(parent_id, []).append(value)
            level._store_actuals(
                {
                    parent.id: kpi_logic.roll_up(
                        children.get(parent.id, []), parent.definition_id.aggregation
                    )
                    for parent in level
                }
            )

    def _rollup_parent_ids(self):
        """Ids of these targets that roll up children of their own KPI (one query)."""
        self.flush_model(["parent_id", "definition_id"])
        self.env.cr.execute(
            SQL(
                """SELECT DISTINCT parent.id FROM kpi_target parent
                   JOIN kpi_target child
                     ON child.parent_id = parent.id AND child.definition_id = parent.definition_id
                   WHERE parent.id = ANY(%s)""",
                self.ids,
            )
        )
        return {parent_id for (parent_id,) in self.env.cr.fetchall()}

    def _store_actuals(self, actuals):
        """Store {target id: actual, or None when nothing was measured} on these targets.

        Only targets whose actual moves are written, in one UPDATE whatever their
        number; their completion, score and the key results they feed are then
        recomputed like after an ORM write (``modified``).
        """
        self.flush_model(["actual", "has_actual"])
        self.env.cr.execute(
            SQL("SELECT id, actual, has_actual FROM kpi_target WHERE id = ANY(%s)", self.ids)
        )
        moved = {}
        for target_id, current, has_actual in self.env.cr.fetchall():
            value = actuals.get(target_id)
            if value is None:
                if has_actual:
                    moved[target_id] = (0.0, False)
            elif not has_actual or abs((current or 0.0) - value) > 1e-9:
                moved[target_id] = (value, True)
        if not moved:
            return
        self.env.cr.execute(
            SQL(
                """UPDATE kpi_target AS t
                   SET actual = v.actual, has_actual = v.has_actual, write_uid = %s,
                       write_date = %s
                   FROM unnest(%s::int[], %s::float8[], %s::bool[]) AS v(id, actual, has_actual)
                   WHERE t.id = v.id""",
                self.env.uid,
                self.env.cr.now(),
                list(moved),
                [actual for actual, _has in moved.values()],
                [has for _actual, has in moved.values()],
            )
        )
        records = self.browse(list(moved))
        records.invalidate_recordset(["actual", "has_actual", "write_uid", "write_date"])
        records.modified(["actual", "has_actual"])

    def _measured_actuals(self):
        """{target id: actual} from measurements, one grouped query for all targets."""
        return {
            target_id: kpi_logic.aggregate([value for _day, value in points], aggregation)
            for target_id, (aggregation, points) in self._measured_series().items()
        }

    def _measured_series(self):
        """{target id: (KPI aggregation, [(day, daily value)])} inside each target's
        dates, from one grouped query for all targets (a day's values summed or
        averaged by the KPI's aggregation)."""
        if not self:
            return {}
        self.flush_model(
            ["definition_id", "level", "employee_id", "department_id", "date_from", "date_to"]
        )
        self.env.cr.execute(
            SQL(
                """SELECT id, definition_id, level, employee_id, department_id, date_from, date_to
                   FROM kpi_target WHERE id = ANY(%s)""",
                self.ids,
            )
        )
        targets = self.env.cr.fetchall()
        self.env["kpi.measurement"].flush_model(
            ["definition_id", "employee_id", "department_id", "date", "value"]
        )
        # _read_group's query, with the ids as arrays and no record per group
        self.env.cr.execute(
            SQL(
                """SELECT definition_id, employee_id, department_id, date, SUM(value), COUNT(*)
                   FROM kpi_measurement
                   WHERE definition_id = ANY(%(definitions)s)
                     AND date >= %(start)s AND date <= %(end)s
                     AND (employee_id = ANY(%(employees)s)
                          OR (employee_id IS NULL AND department_id = ANY(%(departments)s)))
                   GROUP BY definition_id, employee_id, department_id, date
                   ORDER BY date""",
                definitions=list({row[1] for row in targets}),
                start=min(row[5] for row in targets),
                end=max(row[6] for row in targets),
                employees=list({row[3] for row in targets if row[3]}),
                departments=list({row[4] for row in targets if row[4]}),
            )
        )
        rows = self.env.cr.fetchall()
        aggregation = {definition.id: definition.aggregation for definition in self.definition_id}
        series = {}
        for definition_id, employee_id, department_id, day, total, count in rows:
            key = (definition_id, employee_id or False, False if employee_id else department_id)
            daily = total if aggregation[definition_id] == "sum" else total / count
            series.setdefault(key, []).append((day, daily))
        result = {}
        for target_id, definition_id, level, employee_id, department_id, start, end in targets:
            key = (
                definition_id,
                (employee_id or False) if level == "employee" else False,
                (department_id or False) if level == "department" else False,
            )
            result[target_id] = (
                aggregation[definition_id],
                [(day, value) for day, value in series.get(key, []) if start <= day <= end],
            )
        return result

    # ------------------------------------------------------------------
    # Forecast
    # ------------------------------------------------------------------
