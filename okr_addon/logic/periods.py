"""Period arithmetic for OKR cycles (month / quarter)."""

import datetime

MONTH = "month"
QUARTER = "quarter"
CUSTOM = "custom"


def month_bounds(day):
    """First and last day of the month containing ``day``."""
    first = day.replace(day=1)
    next_first = (first + datetime.timedelta(days=32)).replace(day=1)
    return first, next_first - datetime.timedelta(days=1)


def quarter_bounds(day):
    """First and last day of the calendar quarter containing ``day``."""
    first_month = 3 * ((day.month - 1) // 3) + 1
    first = day.replace(month=first_month, day=1)
    _start, last = month_bounds(first.replace(month=first_month + 2))
    return first, last


def cycle_bounds(cadence, day):
    """(start, end) of the ``cadence`` period containing ``day``; None for custom."""
    if cadence == MONTH:
        return month_bounds(day)
    if cadence == QUARTER:
        return quarter_bounds(day)
    return None


def cycle_name(cadence, start):
    """Default cycle name: ``2026-Q4`` or ``2026-11``; None for custom."""
    if cadence == QUARTER:
        return f"{start.year}-Q{(start.month - 1) // 3 + 1}"
    if cadence == MONTH:
        return f"{start.year}-{start.month:02d}"
    return None


def encloses(outer_start, outer_end, inner_start, inner_end):
    """True when [inner_start, inner_end] lies within [outer_start, outer_end]."""
    return outer_start <= inner_start and inner_end <= outer_end


def is_stale(last_date, reference_date, today, stale_days):
    """True when nothing happened for ``stale_days`` days.

    ``last_date`` is the last check-in (or None); ``reference_date`` is used
    instead when there was none yet (e.g. the cycle start)."""
    since = last_date or reference_date
    return since is not None and (today - since).days >= stale_days
