"""Pair terminal punches into attendances (check-in + check-out).

Raw punches are messy: people badge twice, files arrive out of order, some
forget to badge out, some terminals record no state at all. The rules:

1. Punches are sorted per employee by time.
2. Punches of one employee within ``duplicate_minutes`` of the last kept
   one are duplicates: the first is kept.
3. ``policy="state"`` (default) follows the punch states: a check-out closes
   the open check-in if it comes within ``max_shift_hours``, so night shifts
   across midnight pair up. A punch without state is a check-out when a
   check-in is open within that window, a check-in otherwise (alternating).
   ``policy="first_last"`` ignores states: the first punch of the local day
   is the check-in, the last one the check-out (day shifts only).
4. A check-in never closed gives a pair with ``issue="missing check-out"``,
   a check-out with nothing open one with ``issue="missing check-in"``.

Each pair belongs to the local day of its check-in and carries a stable
``external_id``, so re-importing the same punches updates instead of
duplicating.
"""

import collections
import datetime

from .schema import IN, OUT, AttendancePair

POLICIES = ("state", "first_last")


def pair_punches(punches, max_shift_hours=16, *, duplicate_minutes=2, policy="state"):
    """Return the :class:`AttendancePair` list of ``punches``, by employee and time."""
    if policy not in POLICIES:
        raise ValueError(f"unknown pairing policy {policy!r}: use one of {POLICIES}")
    max_shift = datetime.timedelta(hours=max_shift_hours)
    window = datetime.timedelta(minutes=duplicate_minutes)
    pairs = []
    for own in _group(punches, lambda punch: punch.employee_no):
        kept = drop_duplicates(own, window)
        if policy == "state":
            pairs.extend(_pair_by_state(kept, max_shift))
        else:
            pairs.extend(_pair_first_last(kept))
    return pairs


def _group(punches, key):
    """Lists of punches sharing ``key``, each sorted by time, groups in key order."""
    groups = collections.defaultdict(list)
    for punch in sorted(punches, key=lambda punch: (key(punch), punch.timestamp)):
        groups[key(punch)].append(punch)
    return list(groups.values())


def drop_duplicates(punches, window):
    """Keep the first of punches less than ``window`` after the last kept one.

    ``punches`` are one employee's, sorted by time.
    """
    kept = []
    for punch in punches:
        if kept and punch.timestamp - kept[-1].timestamp < window:
            continue
        kept.append(punch)
    return kept


def _pair_by_state(punches, max_shift):
    pairs, open_in = [], None
    for punch in punches:
        in_window = open_in is not None and punch.timestamp - open_in.timestamp <= max_shift
        kind = punch.state or (OUT if in_window else IN)
        if kind == OUT and in_window:
            pairs.append(make_pair(open_in, punch))
            open_in = None
            continue
        if open_in is not None:
            pairs.append(make_pair(open_in, None))
        open_in = punch if kind == IN else None
        if kind == OUT:
            pairs.append(make_pair(None, punch))
    if open_in is not None:
        pairs.append(make_pair(open_in, None))
    return pairs


def _pair_first_last(punches):
    pairs = []
    for day_punches in _group(punches, lambda punch: punch.timestamp.date()):
        last = day_punches[-1] if len(day_punches) > 1 else None
        pairs.append(make_pair(day_punches[0], last))
    return pairs


def make_pair(check_in, check_out):
    """Build the pair of two punches of one employee (either may be None)."""
    anchor = check_in or check_out
    if check_in is None:
        external_id = f"{anchor.employee_no}@out@{_iso(check_out)}"
        issue = "missing check-in"
    else:
        external_id = f"{anchor.employee_no}@{_iso(check_in)}"
        issue = "" if check_out else "missing check-out"
    return AttendancePair(
        employee_no=anchor.employee_no,
        name=anchor.name,
        day=anchor.timestamp.date(),
        check_in=check_in.timestamp if check_in else None,
        check_out=check_out.timestamp if check_out else None,
        external_id=external_id,
        issue=issue,
    )


def _iso(punch):
    return punch.timestamp.isoformat(timespec="seconds")
