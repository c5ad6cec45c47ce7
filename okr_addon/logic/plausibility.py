"""Is a value typed at the kiosk plausible, or should the kiosk ask "Are you sure?"
(pure Python, no Odoo).

A KPI's *Plausible Range*, when HR set one, is the rule: a value inside it is
never questioned, a value outside it is refused by the KPI value's own check.
Otherwise the value is compared with the item's recent values (the employee's
last values of that KPI, the key result's last check-ins): far means below a
third of the smallest or above three times the largest of them. With one
recent value this reads "below a third or above three times the last value".
No recent value, nothing to compare with: no question.
"""

import math
from dataclasses import dataclass
from statistics import median

# How many of the latest values the comparison looks at.
RECENT_VALUES = 10
# Far: below smallest / FACTOR or above largest × FACTOR.
FACTOR = 3.0


@dataclass(frozen=True)
class Doubt:
    """Why a value is questioned: the facts the question and the flag word."""

    last: float  # the latest recent value
    usual: float  # the median of the recent values
    low: float | None  # values below this are far (None: no lower limit)
    high: float | None  # values above this are far (None: no upper limit)
    outside_range: bool = False  # outside the KPI's plausible range: refused, not asked


def doubt(value, recent, plausible_range=None, factor=FACTOR):
    """A Doubt when ``value`` is far from ``recent`` (oldest first, the latest
    last), else None.

    ``plausible_range`` (lowest, highest), when set, decides alone. Limits are
    only drawn on the side where the recent values are positive: a third of 0
    or of a negative value says nothing."""
    if not math.isfinite(value):
        raise ValueError("the value is not a finite number")
    if factor <= 1:
        raise ValueError("the factor must be above 1")
    if plausible_range is not None:
        low, high = plausible_range
        if low <= value <= high:
            return None
        values = [v for v in recent if math.isfinite(v)]
        last = values[-1] if values else value
        usual = median(values) if values else value
        return Doubt(last, usual, low, high, outside_range=True)
    values = [v for v in recent if math.isfinite(v)][-RECENT_VALUES:]
    if not values:
        return None
    smallest, largest = min(values), max(values)
    low = smallest / factor if smallest > 0 else None
    high = largest * factor if largest > 0 else None
    if (low is not None and value < low) or (high is not None and value > high):
        return Doubt(values[-1], median(values), low, high)
    return None
