"""KPI maths: completion, the scoring curve, aggregation and cascade splits.

Scoring curve (``score``), for a KPI with a floor, a target and a stretch
value (floor → target → stretch, ascending when higher is better,
descending when lower is better)::

    beyond the floor (worse than it)   0
    floor → target                     linear from 0 to 1.0
    target → stretch                   linear from 1.0 to ``cap``
    beyond the stretch                 ``cap``

With no floor, the floor is 0 (higher is better) or twice the target (lower
is better); with no stretch the score stops at 1.0. Lower-is-better is thus
proportional: scrap 4.2% against a 4.0% target with a 6% floor scores 0.9,
not 0.

Completion (``completion``) is how far the target is met:
``actual / target`` when higher is better, and ``2 - actual / target`` when
lower is better (3.5% scrap against a 4.0% target is 112.5%; 0 at twice the
target).
"""

HIGHER = "higher_better"
LOWER = "lower_better"
DEFAULT_CAP = 1.2


class KpiError(ValueError):
    """Bad KPI figures; ``code`` names the problem for a translated message."""

    def __init__(self, code, message):
        super().__init__(message)
        self.code = code


def default_floor(target, direction):
    """The floor used when none is set."""
    return 2 * target if direction == LOWER else 0.0


def check_bands(floor, target, stretch, direction):
    """Raise KpiError unless floor, target and stretch are in the right order.

    ``floor`` and ``stretch`` may be None (not set).
    """
    sign = -1 if direction == LOWER else 1
    if floor is not None and sign * (target - floor) <= 0:
        raise KpiError(
            "floor_order",
            "the floor must be below the target"
            if sign > 0
            else "the floor must be above the target (lower is better)",
        )
    if stretch is not None and sign * (stretch - target) <= 0:
        raise KpiError(
            "stretch_order",
            "the stretch must be above the target"
            if sign > 0
            else "the stretch must be below the target (lower is better)",
        )


def score(actual, target, direction=HIGHER, *, floor=None, stretch=None, cap=DEFAULT_CAP):
    """Score (0 .. cap) of ``actual`` on the curve described in the module docstring."""
    if cap < 1.0:
        raise KpiError("cap", "the score cap must be at least 1.0")
    if floor is None:
        floor = default_floor(target, direction)
    check_bands(floor, target, stretch, direction)
    sign = -1 if direction == LOWER else 1
    gained = sign * (actual - target)
    if gained <= 0:
        span = sign * (target - floor)
        return max(0.0, 1.0 + gained / span)
    if stretch is None:
        return 1.0
    return min(cap, 1.0 + (cap - 1.0) * gained / (sign * (stretch - target)))


def completion(actual, target, direction=HIGHER):
    """Completion ratio (1.0 = target met), never below 0."""
    if not target:
        raise KpiError("zero_target", "the target is zero: completion is undefined")
    if direction == LOWER:
        return max(0.0, 2.0 - actual / target)
    return max(0.0, actual / target)


def aggregate(values, how):
    """Aggregate a list of numbers: sum, avg, min, max or last (in the given order).

    Returns None for no values.
    """
    values = list(values)
    if not values:
        return None
    if how == "sum":
        return sum(values)
    if how == "avg":
        return sum(values) / len(values)
    if how == "min":
        return min(values)
    if how == "max":
        return max(values)
    if how == "last":
        return values[-1]
    raise KpiError("aggregation", f"unknown aggregation {how!r}")


def ratio(numerator, denominator):
    """numerator / denominator, or None when the denominator is zero or missing."""
    if not denominator:
        return None
    return (numerator or 0.0) / denominator


def split_targets(value, rule, shares, factor=1.0):
    """Targets for the level below a parent target of ``value``.

    ``shares`` maps each child key to its headcount or weight (ignored for
    ``same`` and ``factor``). Rules:

    - ``same``: every child gets the parent's value;
    - ``factor``: the value times ``factor`` (4.5% tightened by 0.889 → 4.0%);
    - ``equal``: the value split evenly;
    - ``headcount`` / ``weight``: the value split in proportion to the shares.
    """
    keys = list(shares)
    if not keys:
        return {}
    if rule == "same":
        return dict.fromkeys(keys, value)
    if rule == "factor":
        if factor <= 0:
            raise KpiError("factor", "the factor must be above zero")
        return dict.fromkeys(keys, value * factor)
    if rule == "equal":
        return dict.fromkeys(keys, value / len(keys))
    if rule in ("headcount", "weight"):
        if any(share < 0 for share in shares.values()):
            raise KpiError("negative_share", "shares cannot be negative")
        total = sum(shares.values())
        if not total:
            raise KpiError("zero_shares", "every share is zero: nothing to split by")
        return {key: value * shares[key] / total for key in keys}
    raise KpiError("rule", f"unknown split rule {rule!r}")


def roll_up(child_actuals, how):
    """A parent's actual from its children's: ``sum`` adds them, anything else averages."""
    values = [value for value in child_actuals if value is not None]
    if not values:
        return None
    return sum(values) if how == "sum" else sum(values) / len(values)
