"""The phone's earnings preview: what the employee's forecasts would pay under each
rule they fall under, and how far the next tier is."""

from odoo import api, fields, models
from odoo.tools import format_amount

from ..logic import incentive as inc_logic
from ..logic import kpi as kpi_logic
from ..logic import periods
from ..logic.incentive_preview import completion_actual, preview

# Amount types whose amounts are money (the others are coefficients or points).
MONEY_TYPES = ("fixed", "wage_percent", "per_unit", "commission")


class OkrSelfService(models.AbstractModel):
    """Earnings preview for ``/my/okr``: the employee's own figures only.

    One search for the rules of the employee's company, one for the employee's
    running targets (with their forecasts); the amounts come from
    ``logic.incentive_preview.preview``, which pays through the run's own
    ``incentive.evaluate``.
    """

    _inherit = "okr.self.service"

    @api.model
    def _incentive_previews(self, employee):
        """[{rule, headline, next, amount, has_forecast}] for each active rule
        ``employee`` falls under, in the running period. Nobody else's data is read:
        the caller passes the employee it identified from the logged-in user."""
        if not employee:
            return []
        employee = employee.sudo()
        rules = (
            self.env["okr.incentive.rule"]
            .sudo()
            .search([("company_id", "=", employee.company_id.id)])
            .filtered(lambda rule: employee.filtered_domain(rule._scope_domain()))
        )
        if not rules:
            return []
        today = fields.Date.context_today(self)
        targets = (
            self.env["kpi.target"]
            .sudo()
            .search(
                [
                    ("employee_id", "=", employee.id),
                    ("level", "=", "employee"),
                    ("date_from", "<=", today),
                    ("date_to", ">=", today),
                ],
                order="date_from desc, id desc",
            )
        )
        return [self._incentive_preview(rule, employee, targets, today) for rule in rules]

    @api.model
    def _forecast_basis(self, rule, targets):
        """(forecast basis value or None, target it comes from or None) for ``rule``.
        OKR scores and attendance have no forecast."""
        if rule.basis == "kpi_scorecard":
            return _scorecard_forecast(targets), None
        if rule.basis not in ("kpi_completion", "kpi_score", "kpi_value"):
            return None, None
        target = targets.filtered(lambda t: t.definition_id == rule.definition_id)[:1]
        if not target or not _has_forecast(target):
            value = None
        elif rule.basis == "kpi_value":
            value = target.forecast_value
        elif not target.target:
            value = None
        elif rule.basis == "kpi_completion":
            completion = kpi_logic.completion(
                target.forecast_value, target.target, target.direction
            )
            value = round(completion * 100, 2)
        else:
            value = round(_forecast_score(target) * 100, 2)
        return value, target

    @api.model
    def _incentive_preview(self, rule, employee, targets, today):
        result = {"rule": rule.name, "has_forecast": False, "headline": "", "next": ""}
        if rule.pay_to == "team":
            # A pool follows the team's result and is shared by hours: nothing personal
            # to project from the employee's own forecast.
            result["headline"] = self.env._(
                "A team pool: your share follows your team's result and is shown once "
                "the run is approved."
            )
            return result
        date_from, date_to = periods.cycle_bounds(rule.period_type, today)
        value, target = self._forecast_basis(rule, targets)
        result["has_forecast"] = value is not None
        lower = rule.basis == "kpi_value" and rule.definition_id.direction == kpi_logic.LOWER
        wage = None
        if rule.amount_type == "wage_percent" and value is not None:
            wage = rule._wages(employee, date_from, date_to).get(employee.id)
        if value is None:
            result["headline"] = self.env._("Not enough data for a forecast yet.")
            return result
        try:
            outcome = preview(
                value,
                [tier._as_logic() for tier in rule.tier_ids],
                rule.amount_type,
                lower_is_better=lower,
                wage=wage,
                floor=rule.floor if rule.use_floor else None,
                cap=rule.cap if rule.use_cap else None,
            )
        except inc_logic.IncentiveError:
            result.update(
                has_forecast=False,
                headline=self.env._("No contract wage recorded: no figure to show."),
            )
            return result
        quantity = rule.basis == "kpi_value"
        # Beyond the last band of a piece rate no tier contains the value: name the value.
        tier_label = (
            outcome.tier.label("" if quantity else "%")
            if outcome.tier
            else inc_logic.number(round(value, 2))
        )
        amount = self._preview_amount(rule, outcome.amount)
        result["amount"] = outcome.amount
        if outcome.amount < 0:
            result["headline"] = self.env._(
                "At your current pace (forecast) you would lose %(amount)s (tier %(tier)s).",
                amount=self._preview_amount(rule, -outcome.amount, sign=False),
                tier=tier_label,
            )
        elif outcome.amount > 0:
            result["headline"] = self.env._(
                "At your current pace (forecast) you reach tier %(tier)s → %(amount)s.",
                tier=tier_label,
                amount=amount,
            )
        else:
            result["headline"] = self.env._("At your current pace (forecast) no tier pays yet.")
        if outcome.has_next:
            gap = self._preview_gap(rule, target, outcome, lower)
            if outcome.amount < 0 and outcome.next_amount >= 0:
                result["next"] = self.env._("%(gap)s avoids it.", gap=gap)
            else:
                result["next"] = self.env._(
                    "%(gap)s to reach the next tier (%(amount)s).",
                    gap=gap,
                    amount=self._preview_amount(rule, outcome.next_amount),
                )
        elif outcome.capped or (rule.use_cap and outcome.amount >= rule.cap > 0):
            result["next"] = self.env._("The rule's highest amount is reached.")
        elif outcome.amount > 0:
            result["next"] = self.env._("This is the top tier.")
        return result

    @api.model
    def _preview_amount(self, rule, amount, sign=True):
        """+300.00 ¥ for money, +0.1 for a coefficient or points."""
        prefix = "+" if sign and amount > 0 else ""
        if rule.amount_type in MONEY_TYPES:
            return prefix + format_amount(self.env, amount, rule.currency_id)
        return prefix + inc_logic.number(amount)

    @api.model
    def _preview_gap(self, rule, target, outcome, lower):
        """How far the next tier is, in the KPI's own units when there is a KPI:
        "12 more units (Parts pressed)", "0.3 points lower (Scrap rate)"."""
        gap, unit, what = outcome.gap, "", rule.definition_id.name or ""
        if rule.basis == "kpi_completion" and target:
            lower = target.direction == kpi_logic.LOWER
            needed = completion_actual(outcome.next_threshold, target.target, lower)
            gap, unit = abs(needed - target.forecast_value), target.unit or ""
        elif rule.basis == "kpi_value":
            unit = rule.definition_id.unit or ""
        else:
            unit, what = "%", self.env._("score")
        figure = (
            self.env._("%(gap)s points", gap=inc_logic.number(round(gap, 2)))
            if unit == "%"
            else f"{inc_logic.number(round(gap, 2))} {unit}".strip()
        )
        if lower:
            return self.env._("%(figure)s lower (%(what)s)", figure=figure, what=what)
        return self.env._("%(figure)s more (%(what)s)", figure=figure, what=what)


def _has_forecast(target):
    """The target's values so far were enough for a forecast (the mixin says so)."""
    return target.has_forecast


def _forecast_score(target):
    """The score the target's forecast would get on its own scoring curve."""
    return kpi_logic.score(
        target.forecast_value,
        target.target,
        target.direction,
        floor=target.floor,
        stretch=target.stretch if target.has_stretch else None,
        cap=max(target.company_id.kpi_score_cap or kpi_logic.DEFAULT_CAP, 1.0),
    )


def _scorecard_forecast(targets):
    """The weighted score (%) the forecasts of the running targets would give."""
    card = targets.filtered(lambda t: t.target and _has_forecast(t))
    weights = sum(card.mapped("weight"))
    if not card or not weights:
        return None
    return round(sum(_forecast_score(t) * t.weight for t in card) / weights * 100, 2)
