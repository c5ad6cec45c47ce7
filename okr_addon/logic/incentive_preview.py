"""Earnings preview: what a forecast basis value would pay, and how far the next tier is.

The phone page tells an employee, for each rule they fall under, "at your
current pace you reach tier ≥ 100% → +300; 12 more units to reach the next
tier (+500)". The amounts come from ``incentive.evaluate``, the very function
the incentive run pays with: a preview never computes money another way.

"Better" is the direction the rule rewards: up for completions and scores, up
or down for a KPI value as its KPI says (scrap rate: down). The next tier is
the nearest tier in that direction that pays more than the current value does
(after the cap): with the cap reached or the top tier held there is none. For
a deduction the next tier is the one that loses less, usually nothing.
"""

from dataclasses import dataclass

from . import incentive as inc


@dataclass(frozen=True)
class Preview:
    """One rule's preview for one forecast basis value (``value`` None: no forecast)."""

    value: float | None
    tier: inc.Tier | None = None
    amount: float = 0.0
    capped: bool = False
    # The value to reach for the next tier, what the rule pays there, the distance.
    next_threshold: float | None = None
    next_amount: float | None = None
    gap: float | None = None

    @property
    def has_forecast(self):
        return self.value is not None

    @property
    def has_next(self):
        return self.next_threshold is not None


def _thresholds(value, tiers, lower_is_better):
    """The bounds where a value moving the better way enters another band, nearest
    first. Moving up, a band is entered at its lower bound (included); moving down,
    just below its upper bound (excluded)."""
    if lower_is_better:
        bounds = {t.upper for t in tiers if t.upper is not None and t.upper <= value}
        return sorted(bounds, reverse=True)
    bounds = {t.lower for t in tiers if t.lower is not None and t.lower > value}
    return sorted(bounds)


def preview(value, tiers, amount_type, *, lower_is_better=False, wage=None, floor=None, cap=None):
    """The Preview of ``value`` (None: no forecast yet) under a rule's tiers.

    ``amount_type``, ``wage``, ``floor`` and ``cap`` are the rule's, as the run
    uses them. For a lower-is-better basis the value to reach is the next band's
    upper bound, which the value must get under (the gap is how much lower).
    """
    if value is None:
        return Preview(None)
    tiers = list(tiers)
    tier, amount, _arithmetic = inc.evaluate(value, tiers, amount_type, wage, floor=floor, cap=cap)
    uncapped = inc.evaluate(value, tiers, amount_type, wage)[1]
    capped = cap is not None and uncapped > cap
    for threshold in _thresholds(value, tiers, lower_is_better):
        probe = threshold
        if lower_is_better:
            # The band's upper bound is excluded: a hair below it is inside.
            probe = threshold - 1e-9
        reached = inc.evaluate(probe, tiers, amount_type, wage, floor=floor, cap=cap)[1]
        if round(reached - amount, 2) > 0:
            return Preview(
                value,
                tier,
                amount,
                capped,
                next_threshold=threshold,
                next_amount=round(reached, 2),
                gap=abs(value - threshold),
            )
    return Preview(value, tier, amount, capped)


def completion_actual(completion_percent, target, lower_is_better=False):
    """The KPI actual giving ``completion_percent`` against ``target`` (the inverse
    of kpi.completion): 110% of a 4% scrap target is 3.6%, of 100 units 110."""
    ratio = completion_percent / 100.0
    if lower_is_better:
        return target * (2.0 - ratio)
    return target * ratio
