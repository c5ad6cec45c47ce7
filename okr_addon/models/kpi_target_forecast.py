"""KPI targets' forecasts and decline alerts: the hooks of okr.forecast.alert.mixin."""

from odoo import api, fields, models

from ..logic import stats


class KpiTarget(models.Model):
    """Where each target's period is heading (the daily forecast) and its values as a
    series for the decline alert, through the forecast-and-alert mixin's hooks."""

    _inherit = "kpi.target"

    def _update_forecasts(self):
        """Project each target's end-of-period actual from its values so far and flag
        the ones likely to miss (one grouped query for all of them)."""
        parent_ids = self._rollup_parent_ids()
        leaves = self.filtered(lambda t: t.level != "company" and t.id not in parent_ids)
        series = leaves._measured_series()
        today = fields.Date.context_today(self)
        for target in leaves:
            aggregation, points = series[target.id]
            projection = stats.forecast_period_end(
                points, target.date_from, target.date_to, aggregation, today=today
            )
            vals = target._okr_forecast_values(projection, len(points))
            if any(target[name] != value for name, value in vals.items()):
                target.write(vals)
        return leaves

    @api.model
    def _cron_forecast(self):
        """Daily: forecast every running employee and department target."""
        today = fields.Date.context_today(self)
        return (
            self.sudo()
            .search([("date_from", "<=", today), ("date_to", ">=", today)])
            ._update_forecasts()
        )

    def action_update_forecast(self):
        """Forecast these targets now. The forecast comes from the values alone (the
        caller chooses nothing), so whoever may read a target may update it."""
        self.check_access("read")
        self.sudo()._update_forecasts()
        return True

    def _okr_lower_is_better(self):
        return self.direction == "lower_better"

    @api.model
    def _okr_goal_field(self):
        return "target"

    def _okr_period_end(self):
        return self.date_to

    @api.model
    def _okr_alert_domain(self, today):
        """Running employee targets (a decline is told to a person)."""
        return [("level", "=", "employee"), ("date_from", "<=", today), ("date_to", ">=", today)]

    def _okr_alert_series(self):
        """{target id: [(day, mean of the employee's values that day)]} since each
        target's start, from one grouped query."""
        if not self:
            return {}
        rows = (
            self.env["kpi.measurement"]
            .sudo()
            ._read_group(
                [
                    ("definition_id", "in", self.definition_id.ids),
                    ("employee_id", "in", self.employee_id.ids),
                    ("date", ">=", min(self.mapped("date_from"))),
                ],
                ["definition_id", "employee_id", "date:day"],
                ["value:avg"],
                order="date:day",
            )
        )
        series = {}
        for definition, employee, day, value in rows:
            series.setdefault((definition.id, employee.id), []).append((day, value))
        return {
            target.id: [
                (day, value)
                for day, value in series.get((target.definition_id.id, target.employee_id.id), [])
                if day >= target.date_from
            ]
            for target in self
        }

    @api.model
    def _okr_alert_streak_field(self):
        return "decline_streak_date"

    def _okr_alert_subject(self, points):
        """The KPI's name and the last day's value."""
        return self.definition_id.name, points[-1][1]
