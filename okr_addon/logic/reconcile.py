"""One employee's day as each attendance source sees it, and whether the sources agree.

A source (a terminal file, an API, a platform, Odoo's own attendances) gives
pairs ``(check_in, check_out)`` of naive UTC datetimes, either end possibly
missing. Its view of a day is its first check-in, last check-out and the hours
of its complete pairs; two sources agree when first check-in, last check-out
and hours are each within the company's tolerance.
"""

import dataclasses
import datetime

from .sync import to_local

STATUSES = ("normal", "late", "early", "not_signed", "absent", "other")


@dataclasses.dataclass(frozen=True)
class DayView:
    """What one source says of one day (naive UTC times; None: it has none)."""

    first_in: datetime.datetime | None = None
    last_out: datetime.datetime | None = None
    hours: float = 0.0


def local_date(moment, tz_name):
    """The calendar day of a naive UTC ``moment`` in ``tz_name``."""
    return to_local(moment, tz_name).date()


def day_view(pairs):
    """The :class:`DayView` of the ``(check_in, check_out)`` pairs of one day.

    A lone check-out (no check-in) still counts as the day's last check-out;
    only complete pairs count towards the hours.
    """
    ins = [check_in for check_in, _out in pairs if check_in]
    outs = [check_out for _in, check_out in pairs if check_out]
    seconds = sum(
        (check_out - check_in).total_seconds()
        for check_in, check_out in pairs
        if check_in and check_out and check_out > check_in
    )
    return DayView(
        first_in=min(ins) if ins else None,
        last_out=max(outs) if outs else None,
        hours=round(seconds / 3600.0, 4),
    )


def views_by_day(pairs, tz_name):
    """{local date: DayView} of ``pairs`` spread over days by their check-in (a lone
    check-out by itself) in ``tz_name``: a night shift belongs to the day it began."""
    days = {}
    for check_in, check_out in pairs:
        moment = check_in or check_out
        if moment is None:
            continue
        days.setdefault(local_date(moment, tz_name), []).append((check_in, check_out))
    return {day: day_view(day_pairs) for day, day_pairs in days.items()}


def _close(first, second, tolerance):
    if first is None or second is None:
        return first is None and second is None
    return abs(first - second) <= tolerance


def agree(first, second, tolerance_minutes):
    """Whether two DayViews agree: first check-in, last check-out and hours each
    within ``tolerance_minutes`` (a time one has and the other lacks disagrees)."""
    tolerance = datetime.timedelta(minutes=tolerance_minutes)
    return (
        _close(first.first_in, second.first_in, tolerance)
        and _close(first.last_out, second.last_out, tolerance)
        and abs(first.hours - second.hours) * 60.0 <= tolerance_minutes + 1e-9
    )


def day_state(views, tolerance_minutes):
    """``single`` for one source (or none), ``agreed`` when every two agree,
    ``disagree`` otherwise."""
    views = list(views)
    if len(views) < 2:
        return "single"
    if all(agree(views[0], other, tolerance_minutes) for other in views[1:]):
        return "agreed"
    return "disagree"


def span_text(view, tz_name):
    """``08:02–17:05`` in ``tz_name`` (``?`` for a missing end)."""

    def hhmm(moment):
        return to_local(moment, tz_name).strftime("%H:%M") if moment else "?"

    return f"{hhmm(view.first_in)}–{hhmm(view.last_out)}"


def pair_lone_checkouts(pairs, longest_hours):
    """``pairs`` with each lone check-out joined to the latest open check-in before it
    (within ``longest_hours``); the others are kept as they are."""
    opened = sorted(
        (index for index, (check_in, check_out) in enumerate(pairs) if check_in and not check_out),
        key=lambda index: pairs[index][0],
    )
    result = list(pairs)
    longest = datetime.timedelta(hours=longest_hours)
    dropped = set()
    for index, (check_in, check_out) in enumerate(pairs):
        if check_in or not check_out:
            continue
        candidates = [
            other
            for other in opened
            if result[other][1] is None
            and result[other][0] < check_out <= result[other][0] + longest
        ]
        if candidates:
            other = candidates[-1]
            result[other] = (result[other][0], check_out)
            dropped.add(index)
    return [pair for index, pair in enumerate(result) if index not in dropped]
