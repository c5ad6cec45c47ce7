"""Forecast, suggested target and decline alert: one flow for KPI targets and key results.

A KPI target (``kpi.target``) and a key result (``okr.key.result``) both run
towards a goal until an end date, fed by values over time: measurements for a
target, check-ins for a key result. About each, okr_addon tells the same three
things:

- a **forecast**: where the values so far lead by the end date, with a band,
  and whether even the optimistic end of the band misses the goal
  (``likely_to_miss``, the team board's "Likely to miss" filter);
- a **suggested target** from the person's own history and their team's level;
- a **decline alert**: the employee and their manager are told, once per
  streak, when the values got worse N times running (the company's "decline
  periods", 3 by default).

This mixin holds the fields, the wording and the daily alert flow. The model
supplies its values and its subject through the hook methods of the "Hooks"
section, which raise ``NotImplementedError`` here (as hr_skills'
``hr.individual.skill.mixin`` does with ``_linked_field_name``). The model also
has ``name``, ``company_id``, ``employee_id`` and ``unit`` fields and is a
``mail.thread``.

``_okr_history`` says how the model counts its history, which picks the words:
``"days"`` (a KPI's values per day) or ``"checkins"`` (a key result's check-ins).
"""

from odoo import api, fields, models
from odoo.tools.misc import formatLang

from ..logic import stats, trends


def _figure(value):
    """A forecast as people read it: 40,240 pcs or 4.22%, never 4.024e+04."""
    return f"{value:,.0f}" if abs(value) >= 100 else f"{value:.3g}"


class OkrForecastAlertMixin(models.AbstractModel):
    _name = "okr.forecast.alert.mixin"
    _description = "OKR: forecast, suggested target and decline alert"
    _okr_history = "days"

    suggested_target = fields.Float(compute="_compute_suggestion")
    suggestion_note = fields.Char(compute="_compute_suggestion")
    forecast_value = fields.Float(string="Forecast", readonly=True, copy=False)
    has_forecast = fields.Boolean(
        readonly=True,
        copy=False,
        help="The values so far were enough for a forecast (values on 3 days at least).",
    )
    forecast_display = fields.Char(
        string="Heading For",
        compute="_compute_forecast_display",
        help="The forecast, or “Not enough data” while the values are too few for one.",
    )
    forecast_low = fields.Float(readonly=True, copy=False)
    forecast_high = fields.Float(readonly=True, copy=False)
    forecast_note = fields.Char(readonly=True, copy=False)
    likely_to_miss = fields.Boolean(
        readonly=True,
        copy=False,
        index=True,
        help="Even the optimistic end of the forecast band misses the target.",
    )

    # ------------------------------------------------------------------
    # Hooks: the concrete model fills these in
    # ------------------------------------------------------------------
    def _okr_lower_is_better(self):
        """Return True when this record improves by going down (scrap rate)."""
        raise NotImplementedError

    @api.model
    def _okr_goal_field(self):
        """Return the name of the field holding the goal the forecast is measured
        against (and action_use_suggestion sets)."""
        raise NotImplementedError

    def _okr_period_end(self):
        """Return the date the forecast projects to."""
        raise NotImplementedError

    def _compute_suggestion(self):
        """Set suggested_target and suggestion_note, each record through _okr_suggest()."""
        raise NotImplementedError

    @api.model
    def _okr_alert_domain(self, today):
        """Return the domain of the records the daily decline alert looks at on ``today``."""
        raise NotImplementedError

    def _okr_alert_series(self):
        """Return {record id: [(point, value)] in time order} for these records.

        A point names one value (a date, a check-in); the first point of the last
        streak told about is kept in the field named by _okr_alert_streak_field().
        """
        raise NotImplementedError

    @api.model
    def _okr_alert_streak_field(self):
        """Return the name of the field keeping the first point of the last streak told."""
        raise NotImplementedError

    def _okr_alert_subject(self, points):
        """Return (name, value) the alert gives: what got worse, in the reader's
        language (the context's), and the value it shows for ``points``."""
        raise NotImplementedError

    # ------------------------------------------------------------------
    # Forecast
    # ------------------------------------------------------------------
    @api.depends("has_forecast", "forecast_value", "forecast_note")
    @api.depends_context("lang")
    def _compute_forecast_display(self):
        """The forecast as the lists show it: a number only when there is one (never
        0.00 for "no data"), "Not enough data" when the values were too few, empty
        when nothing was forecast (a rolled-up or company target, a milestone)."""
        for record in self:
            if record.has_forecast:
                record.forecast_display = formatLang(self.env, record.forecast_value)
            elif record.forecast_note:
                record.forecast_display = self.env._("Not enough data")
            else:
                record.forecast_display = False

    def _okr_forecast_values(self, projection, days):
        """Return the forecast fields of this record for ``projection`` (a
        stats.forecast result; None when values on ``days`` days are too few)."""
        goal = self[self._okr_goal_field()]
        vals = {
            "likely_to_miss": stats.likely_to_miss(
                projection, goal, lower_is_better=self._okr_lower_is_better()
            ),
        }
        if projection is None:
            vals.update(
                has_forecast=False,
                forecast_value=0.0,
                forecast_low=0.0,
                forecast_high=0.0,
                forecast_note=self._okr_forecast_history_note(days),
            )
            return vals
        vals.update(
            has_forecast=True,
            forecast_value=projection.value,
            forecast_low=projection.low,
            forecast_high=projection.high,
            forecast_note=self.env._(
                "Heading for %(value)s %(unit)s by %(date)s (between %(low)s and "
                "%(high)s); target %(target)s.",
                value=_figure(projection.value),
                unit=self.unit or "",
                date=self._okr_period_end(),
                low=_figure(projection.low),
                high=_figure(projection.high),
                target=_figure(goal),
            ),
        )
        return vals

    def _okr_forecast_history_note(self, days):
        """Return why there is no forecast: values on ``days`` days, 3 needed."""
        if self._okr_history == "checkins":
            return self.env._(
                "Too little history for a forecast (check-ins on %(count)s days, 3 needed).",
                count=days,
            )
        return self.env._(
            "Too little history for a forecast (values on %(count)s days, 3 needed).",
            count=days,
        )

    # ------------------------------------------------------------------
    # Suggested target
    # ------------------------------------------------------------------
    def _okr_suggest(self, suggestion, count):
        """Set this record's suggested target and its note from ``suggestion`` (a
        stats.suggest_target result; None when ``count`` own values are too few)."""
        if suggestion is None:
            self.suggested_target = 0.0
            self.suggestion_note = self._okr_suggestion_history_note(count)
        else:
            self.suggested_target = suggestion.value
            self.suggestion_note = self._suggestion_note(suggestion)

    def _okr_suggestion_history_note(self, count):
        """Return why there is no suggestion: only ``count`` own values."""
        if self._okr_history == "checkins":
            return self.env._(
                "Too little history for a suggestion (%(count)s check-ins on “%(name)s” "
                "in past cycles, 3 needed).",
                count=count,
                name=self.name,
            )
        return self.env._(
            "Too little history for a suggestion (%(count)s values in 90 days).",
            count=count,
        )

    @api.model
    def _suggestion_note(self, suggestion):
        """Return the reasoning of a suggestion in words: "your level 4.05; team 6.05;
        certified → suggest 3.848"."""
        reasons = [self.env._("your level %(level).4g", level=suggestion.level)]
        if suggestion.team_level is not None:
            reasons.append(self.env._("team %(team).4g", team=suggestion.team_level))
        if suggestion.certified:
            reasons.append(self.env._("certified"))
        return self.env._(
            "%(reasons)s → suggest %(value).4g", reasons="; ".join(reasons), value=suggestion.value
        )

    def action_use_suggestion(self):
        """Take the suggested target as the goal (records with a suggestion only)."""
        goal_field = self._okr_goal_field()
        for record in self.filtered("suggested_target"):
            record[goal_field] = record.suggested_target

    # ------------------------------------------------------------------
    # Decline alert
    # ------------------------------------------------------------------
    @api.model
    def _cron_decline_alerts(self):
        """Daily: tell the employee and their manager once per streak when the
        values got worse N times running. Return the records alerted."""
        records = self.sudo().search(self._okr_alert_domain(fields.Date.context_today(self)))
        series = records._okr_alert_series()
        alerted = self.browse()
        for record in records:
            points = series.get(record.id)
            start = record._okr_decline_start(points) if points else None
            if start is None:
                continue
            record[self._okr_alert_streak_field()] = points[start][0]
            record._okr_notify_decline(points, len(points) - 1 - start)
            alerted |= record
        return alerted

    def _okr_decline_start(self, points):
        """Return the index in ``points`` where a streak not told yet starts, else None."""
        keys = [point for point, _value in points]
        told = self[self._okr_alert_streak_field()]
        return trends.alert_due(
            [value for _point, value in points],
            self.company_id.okr_decline_periods or 3,
            higher_is_better=not self._okr_lower_is_better(),
            alerted_start=keys.index(told) if told in keys else None,
        )

    def _okr_notify_decline(self, points, steps):
        """Post the alert to the employee and their manager, in the employee's language."""
        employee = self.employee_id
        partners = (employee.user_id | employee.parent_id.user_id).partner_id
        # Worded in the employee's language: the frontline reader of the alert.
        reader = self.with_context(lang=employee.user_id.lang or self.env.lang)
        name, value = reader._okr_alert_subject(points)
        self.message_post(
            body=reader._okr_decline_message(name, steps, value),
            partner_ids=partners.ids,
            subtype_xmlid="mail.mt_comment",
        )

    def _okr_decline_message(self, name, steps, value):
        """Return the alert's text: ``name`` got worse ``steps`` times running."""
        if self._okr_history == "checkins":
            return self.env._(
                "“%(name)s” got worse %(steps)s check-ins in a row (now %(value)g %(unit)s). "
                "Is something wrong?",
                name=name,
                steps=steps,
                value=value,
                unit=self.unit or "",
            )
        return self.env._(
            "%(kpi)s of %(employee)s got worse %(steps)s days in a row (last: %(value).4g "
            "%(unit)s). Is something wrong?",
            kpi=name,
            employee=self.employee_id.name,
            steps=steps,
            value=value,
            unit=self.unit or "",
        )
