"""Believable history for the demo database (pure Python, deterministic).

The demo hook hands in each working schedule's intervals and a seeded
``random.Random``; these functions decide when people clocked in and out and
which daily values they reported, so the same install date always gives the
same demo.
"""

import datetime
from dataclasses import dataclass

from . import trends

# A gap of at most this long inside a day is a break within one shift (lunch);
# a longer one separates the two parts of a split shift (a restaurant's
# lunch and dinner service), each clocked separately.
BREAK_WITHIN_SHIFT = datetime.timedelta(minutes=90)


def minutes(count):
    return datetime.timedelta(minutes=count)


def shift_blocks(intervals):
    """Merge one day's scheduled intervals ``[(start, stop)]`` into the shifts
    people clock: breaks of at most 90 minutes stay inside a shift."""
    blocks = []
    for start, stop in sorted(intervals):
        if blocks and start - blocks[-1][1] <= BREAK_WITHIN_SHIFT:
            blocks[-1] = (blocks[-1][0], max(stop, blocks[-1][1]))
        else:
            blocks.append((start, stop))
    return blocks


@dataclass(frozen=True)
class Habits:
    """How often someone is absent, late (8-35 minutes after the start) or
    stays on (45-150 minutes after the end of their last shift of the day)."""

    absence: float = 0.03
    late: float = 0.07
    overtime: float = 0.15


def day_attendances(blocks, rng, habits=Habits()):
    """[(check_in, check_out)] for one day of shifts; [] when absent.

    Only the first shift can start late and only the last one run over, so
    two shifts of a day never overlap (their gap is over 90 minutes, the
    margins below are under 20).
    """
    if not blocks or rng.random() < habits.absence:
        return []
    result = []
    for index, (start, stop) in enumerate(blocks):
        if index == 0 and rng.random() < habits.late:
            check_in = start + minutes(rng.randint(8, 35))
        else:
            check_in = start - minutes(rng.randint(0, 12))
        if index == len(blocks) - 1 and rng.random() < habits.overtime:
            check_out = stop + minutes(rng.randint(45, 150))
        else:
            check_out = stop + minutes(rng.randint(0, 8))
        result.append((check_in, check_out))
    return result


def ramp(days, start, plateau, plateau_from, *, rng, noise):
    """{day: value}: from ``start`` rising (or falling) linearly to ``plateau``
    on ``plateau_from``, then level; each value within ± ``noise``."""
    ramp_days = [day for day in days if day < plateau_from]
    values = {}
    for position, day in enumerate(sorted(days)):
        if day < plateau_from and len(ramp_days) > 1:
            level = start + (plateau - start) * position / (len(ramp_days) - 1)
        else:
            level = plateau
        values[day] = round(level + rng.uniform(-noise, noise), 2)
    return values


def end_declining(values, steps, drop, higher_is_better=True):
    """The series (a list in time order) ending in exactly ``steps`` steps each
    worse than the one before by ``drop`` ("down 3 days running"): the value
    before them is made a small peak so the streak starts there."""
    values = list(values)
    sign = -1 if higher_is_better else 1
    peak = len(values) - steps - 1
    if peak >= 1:
        better = values[peak - 1] - sign * drop / 2
        if (values[peak] - better) * sign > 0:
            values[peak] = round(better, 2)
    for position in range(max(peak + 1, 1), len(values)):
        values[position] = round(values[position - 1] + sign * drop, 2)
    return values


def calm_tail(values, editable, higher_is_better=True, longest=1):
    """The series with no more than ``longest`` worsening steps at its end.

    A streak is broken by repeating the value before the latest ``editable``
    position inside it (equal values break a streak); positions not in
    ``editable`` (values someone else entered) are never changed.
    """
    values = list(values)
    while True:
        length, start = trends.worsening_streak(values, higher_is_better)
        if length <= longest:
            return values
        candidates = [p for p in range(start + 1, len(values)) if p in editable]
        if not candidates:
            return values
        position = candidates[-1]
        values[position] = values[position - 1]
