"""Key results' forecasts, suggested targets and decline alerts: the hooks of
okr.forecast.alert.mixin."""

from odoo import api, fields, models
from odoo.tools import SQL

from ..logic import stats


class OkrKeyResult(models.Model):
    """Where each key result's check-ins lead by the cycle end, a target suggested from
    past cycles, and its check-ins as a series for the decline alert."""

    _inherit = "okr.key.result"

    @api.depends(
        "checkin_ids.value",
        "checkin_ids.date",
        "start_value",
        "target_value",
        "direction",
        "cumulative",
        "kind",
        "cycle_id.date_start",
        "cycle_id.date_end",
        "kpi_target_id.forecast_value",
        "kpi_target_id.has_forecast",
        "kpi_target_id.forecast_note",
        "kpi_target_id.likely_to_miss",
    )
    def _compute_forecast(self):
        series = self._checkin_series()
        for result in self:
            kpi = result.kpi_target_id
            if kpi:
                result.update(
                    {
                        "has_forecast": kpi.has_forecast,
                        "forecast_value": kpi.forecast_value,
                        "forecast_low": kpi.forecast_low,
                        "forecast_high": kpi.forecast_high,
                        "forecast_note": kpi.forecast_note,
                        "likely_to_miss": kpi.likely_to_miss,
                    }
                )
                continue
            points = series.get(result.id, [])
            vals = result._okr_forecast_values(
                result._forecast(points), len({day for day, _value in points})
            )
            if result.kind == "milestone":
                vals["forecast_note"] = False  # done or not: nothing to forecast
            result.update(vals)

    @api.depends("name", "employee_id", "cycle_id", "direction", "kind", "kpi_target_id")
    def _compute_suggestion(self):
        """Suggest from the check-ins of the same-named key results of past cycles (the
        owner's, then the department's), one query for all key results."""
        todo = self.filtered(
            lambda r: (
                r.name
                and r.employee_id
                and r.cycle_id.date_start
                and r.kind != "milestone"
                and not r.kpi_target_id
                and not r.cumulative
            )
        )
        (self - todo).update({"suggested_target": 0.0, "suggestion_note": False})
        if not todo:
            return
        latest_start = max(todo.mapped("cycle_id.date_start"))
        history = (
            self.env["okr.checkin"]
            .sudo()
            .search(
                [
                    ("key_result_id.name", "in", list(set(todo.mapped("name")))),
                    ("key_result_id.cumulative", "=", False),
                    ("date", "<", latest_start),
                    ("date", ">=", fields.Date.subtract(latest_start, days=365)),
                    "|",
                    ("owner_id", "in", todo.employee_id.ids),
                    ("owner_id.department_id", "in", todo.employee_id.department_id.ids),
                ]
            )
        )
        by_name = history.grouped(lambda c: c.key_result_id.name)
        for result in todo:
            start = result.cycle_id.date_start
            window = by_name.get(result.name, history.browse()).filtered(
                lambda c, r=result, d=start: c.date < d and c.key_result_id.cycle_id != r.cycle_id
            )
            own = window.filtered(lambda c, r=result: c.owner_id == r.employee_id)
            team = (window - own).filtered(
                lambda c, r=result: (
                    r.employee_id.department_id
                    and c.owner_id.department_id == r.employee_id.department_id
                )
            )
            suggestion = stats.suggest_target(
                own.mapped("value"),
                team.mapped("value"),
                result._okr_lower_is_better(),
            )
            result._okr_suggest(suggestion, len(own))

    def _forecast(self, checkins):
        """Projection of the current value to the cycle end from ``checkins`` ((date,
        value) in date order; None: a milestone, no dated cycle, or check-ins on fewer
        than 3 days)."""
        cycle = self.cycle_id
        if self.kind == "milestone" or not cycle.date_start or not cycle.date_end:
            return None
        by_day = {}
        running = self.start_value
        for day, value in checkins or []:
            running = running + value if self.cumulative else value
            by_day[(day - cycle.date_start).days] = running
        return stats.forecast(by_day.items(), (cycle.date_end - cycle.date_start).days)

    def _checkin_series(self):
        """{key result id: [(date, value)] in date order}: one query for the saved key
        results, the check-ins in memory for one being edited in a form."""
        ids = [result_id for result_id in self.ids if isinstance(result_id, int)]
        series = {}
        if ids:
            self.env["okr.checkin"].flush_model(["key_result_id", "date", "value"])
            rows = self.env.execute_query(
                SQL(
                    """SELECT key_result_id, date, value FROM okr_checkin
                        WHERE key_result_id = ANY(%s) ORDER BY key_result_id, date, id""",
                    ids,
                )
            )
            for result_id, day, value in rows:
                series.setdefault(result_id, []).append((day, value))
        for result in self.filtered(lambda r: not isinstance(r.id, int)):
            checkins = result.checkin_ids.sorted(lambda c: (c.date, c.id))
            series[result.id] = [(c.date, c.value) for c in checkins]
        return series

    def _okr_lower_is_better(self):
        return self.direction == "decrease"

    @api.model
    def _okr_goal_field(self):
        return "target_value"

    def _okr_period_end(self):
        return self.cycle_id.date_end

    @api.model
    def _okr_alert_domain(self, today):
        """Running key results (of running objectives)."""
        return [("state", "=", "running")]

    def _okr_alert_series(self):
        """{key result id: [(check-in, value)] by date}, in one search for all."""
        checkins = (
            self.env["okr.checkin"]
            .sudo()
            .search([("key_result_id", "in", self.ids)], order="key_result_id, date, id")
        )
        return {
            result.id: [(checkin, checkin.value) for checkin in series]
            for result, series in checkins.grouped("key_result_id").items()
        }

    @api.model
    def _okr_alert_streak_field(self):
        return "decline_streak_checkin_id"

    def _okr_alert_subject(self, points):
        """The key result's name and its current value."""
        return self.name, self.current_value
