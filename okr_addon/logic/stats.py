"""Statistics behind the capability profile: target suggestions, forecasts and
anomaly flags (pure Python, no Odoo, no numpy).

Every function says so when there is too little data instead of inventing a
number: it returns None (and the caller words why).
"""

import math
from dataclasses import dataclass
from datetime import timedelta
from statistics import median

MAD_TO_SIGMA = 1.4826  # makes the median absolute deviation comparable to a standard deviation


def mad(values):
    """Median absolute deviation (None for no values)."""
    values = list(values)
    if not values:
        return None
    centre = median(values)
    return median(abs(v - centre) for v in values)


def robust_z(value, values):
    """How many robust standard deviations ``value`` lies from the median of ``values``;
    None with fewer than 5 values or no spread at all."""
    values = list(values)
    if len(values) < 5:
        return None
    centre = median(values)
    spread = mad(values) * MAD_TO_SIGMA
    # Values equal but for floating-point noise have no spread either.
    if spread <= 1e-9 * max(1.0, abs(centre)):
        return None
    return (value - centre) / spread


@dataclass(frozen=True)
class Anomaly:
    z: float
    against: str  # "own history" or "team"
    usual: float  # the median of the values it stands out from


# A history of fewer values has no usual range to stand out from.
MIN_HISTORY = 5


def anomaly(value, own_history, team_values, threshold=3.5, *, min_change=0.25, at_least=0.0):
    """An Anomaly when ``value`` stands far outside the employee's own usual values,
    else the team's; None otherwise or when neither has enough data.

    Far means all of: outside the range of every history with enough values (a
    value the employee or the team has had before is ordinary), a robust z
    beyond ``threshold``, and a difference from the usual value (the median) of
    at least ``min_change`` of it and at least ``at_least`` (a tiny spread
    alone does not make a small difference remarkable)."""
    series = [("own history", list(own_history)), ("team", list(team_values))]
    if any(
        len(values) >= MIN_HISTORY and min(values) <= value <= max(values) for _l, values in series
    ):
        return None
    for label, values in series:
        z = robust_z(value, values)
        if z is None or abs(z) <= threshold:
            continue
        usual = median(values)
        gap = abs(value - usual)
        if gap < min_change * abs(usual) or gap < at_least:
            continue
        return Anomaly(round(z, 2), label, usual)
    return None


def progress_steps(values, start, target, cumulative=False):
    """How far each of a key result's check-ins (in date order) moved it, in % of its
    range from start to target; None when start and target are equal. A cumulative
    key result adds each value; otherwise each value is the new level."""
    span = target - start
    if not span:
        return None
    steps, level = [], start
    for value in values:
        moved = value if cumulative else value - level
        level = level + value if cumulative else value
        steps.append(moved / span * 100)
    return steps


@dataclass(frozen=True)
class Suggestion:
    value: float
    level: float  # the employee's median
    team_level: float | None  # the team's median (None: too few team values)
    certified: bool


def suggest_target(
    own_history,
    team_values,
    lower_is_better,
    *,
    certified=False,
    stretch=0.05,
    certified_stretch=0.10,
):
    """A personal target from the employee's recent level and the team's.

    Starts from the employee's median of the last periods, moves it by
    ``stretch`` toward better (``certified_stretch`` when the employee holds
    the relevant certification), and never asks for worse than the team's
    median. None with fewer than 3 own values.
    """
    own = list(own_history)
    if len(own) < 3:
        return None
    level = median(own)
    step = certified_stretch if certified else stretch
    factor = (1 - step) if lower_is_better else (1 + step)
    value = level * factor
    team = list(team_values)
    team_level = median(team) if len(team) >= 3 else None
    if team_level is not None:
        value = min(value, team_level) if lower_is_better else max(value, team_level)
    return Suggestion(round(value, 4), level, team_level, certified)


@dataclass(frozen=True)
class Forecast:
    value: float
    low: float
    high: float


def forecast(points, at):
    """Linear projection of (x, y) ``points`` to x = ``at`` with a ~90% band.

    None with fewer than 3 points or when every x is the same.
    """
    points = list(points)
    n = len(points)
    if n < 3:
        return None
    mean_x = sum(x for x, _y in points) / n
    mean_y = sum(y for _x, y in points) / n
    sxx = sum((x - mean_x) ** 2 for x, _y in points)
    if not sxx:
        return None
    slope = sum((x - mean_x) * (y - mean_y) for x, y in points) / sxx
    intercept = mean_y - slope * mean_x
    value = intercept + slope * at
    residuals = [y - (intercept + slope * x) for x, y in points]
    sigma = math.sqrt(sum(r * r for r in residuals) / (n - 2))
    spread = 1.645 * sigma * math.sqrt(1 + 1 / n + (at - mean_x) ** 2 / sxx)
    return Forecast(value, value - spread, value + spread)


def likely_to_miss(projection, target, lower_is_better):
    """True when even the optimistic end of the band misses the target."""
    if projection is None:
        return False
    if lower_is_better:
        return projection.low > target
    return projection.high < target


def running_actual(values, aggregation):
    """The actual as it stood after each of ``values`` (in date order): running sum,
    mean, min, max or latest value, by the KPI's aggregation."""
    out = []
    total = 0.0
    for index, value in enumerate(values):
        total += value
        if aggregation == "sum":
            out.append(total)
        elif aggregation == "min":
            out.append(min(value, out[-1]) if out else value)
        elif aggregation == "max":
            out.append(max(value, out[-1]) if out else value)
        elif aggregation == "last":
            out.append(value)
        else:
            out.append(total / (index + 1))
    return out


def forecast_period_end(points, date_from, date_to, aggregation, today=None):
    """Project the actual a period will end with from its dated values so far.

    ``points`` are (date, value) pairs inside [date_from, date_to]. A sum KPI's
    total so far is extrapolated over the whole period at its pace so far (see
    ``forecast_period_total``); for the other aggregations the series of the
    actual as it stood each day (mean, min, ...) is projected linearly to
    ``date_to``. None with values on fewer than 3 days.
    """
    points = sorted(p for p in points if date_from <= p[0] <= date_to)
    if aggregation == "sum":
        return forecast_period_total(points, date_from, date_to, today)
    days = [(day - date_from).days for day, _value in points]
    actuals = running_actual([value for _day, value in points], aggregation)
    return forecast(zip(days, actuals, strict=True), (date_to - date_from).days)


def forecast_period_total(points, date_from, date_to, today=None):
    """The total a sum KPI's period heads for: the sum so far, plus its daily pace so
    far over the days left, with a ~90% band.

    The days gone are the days from ``date_from`` through yesterday (through today
    once today has a value; through the last value when ``today`` is None), each
    day without a value counting as 0: values typed in every few days, or only
    from the middle of the period on, do not make a pace of their own. A trend
    line through the running total would project the pace between the first and
    the last value and, for late batches, promise about twice the real total.
    None with values on fewer than 3 days.
    """
    daily = {}
    for day, value in points:
        if date_from <= day <= date_to:
            daily[day] = daily.get(day, 0.0) + value
    if len(daily) < 3:
        return None
    last = max(daily)
    if today is not None:
        last = max(last, today - timedelta(days=1))
    last = min(last, date_to)
    gone = (last - date_from).days + 1
    left = (date_to - last).days
    totals = [daily.get(date_from + timedelta(days=i), 0.0) for i in range(gone)]
    so_far = sum(totals)
    pace = so_far / gone
    value = so_far + pace * left
    sigma = math.sqrt(sum((t - pace) ** 2 for t in totals) / (gone - 1)) if gone > 1 else 0.0
    spread = 1.645 * sigma * math.sqrt(left + left * left / gone)
    return Forecast(value, value - spread, value + spread)


@dataclass(frozen=True)
class NextTarget:
    value: float
    reason: str  # "met": raised toward the result; "missed": kept


def next_target(target, actual, lower_is_better, *, step=0.05):
    """Next cycle's target from this cycle's target and result.

    Met: halfway to what was achieved, and at least ``step`` (5%) better than
    this target. Missed: the same target again (a miss never lowers the bar by
    itself). None without a result.
    """
    if actual is None:
        return None
    met = actual <= target if lower_is_better else actual >= target
    if not met:
        return NextTarget(target, "missed")
    halfway = (target + actual) / 2
    margin = abs(target) * step
    stepped = target - margin if lower_is_better else target + margin
    value = min(halfway, stepped) if lower_is_better else max(halfway, stepped)
    return NextTarget(round(value, 4), "met")


@dataclass(frozen=True)
class NextKeyResult:
    start: float
    target: float
    reason: str  # "met" or "missed"


def next_key_result(start, target, current, lower_is_better, *, cumulative=False):
    """Next cycle's start and target for a key result, from where this one ended.

    Cumulative key results (output, sales) start again from the same start and
    take ``next_target`` of the total. Level key results (scrap rate) start
    from the level reached: met, they aim for half the last improvement again
    from there; missed, they keep the target.
    """
    if cumulative:
        proposal = next_target(target, current, lower_is_better)
        return NextKeyResult(start, proposal.value, proposal.reason)
    met = current <= target if lower_is_better else current >= target
    if not met:
        return NextKeyResult(current, target, "missed")
    return NextKeyResult(current, round(current + (target - start) / 2, 4), "met")
