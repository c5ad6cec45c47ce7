"""Trend detection on a series of values (pure Python).

"Average ticket down 3 days running": a series *declines* when each value is
worse than the one before — lower when higher is better, higher when lower
is better. An alert is due once per streak: the streak is identified by the
position where it started, so a streak that simply goes on is not alerted
again, while a new streak after a recovery is.
"""


def worsening_streak(values, higher_is_better=True):
    """(length, start index) of the run of consecutive worsening steps ending
    at the last value; (0, None) when the last step did not worsen.

    ``values`` are in time order. Equal values break the streak.
    """
    length = 0
    for position in range(len(values) - 1, 0, -1):
        step = values[position] - values[position - 1]
        worse = step < 0 if higher_is_better else step > 0
        if not worse:
            break
        length += 1
    if not length:
        return 0, None
    return length, len(values) - 1 - length


def alert_due(values, periods, higher_is_better=True, alerted_start=None):
    """Start index of a streak of at least ``periods`` worsening steps that was
    not alerted yet, else None."""
    length, start = worsening_streak(values, higher_is_better)
    if length >= periods and start != alerted_start:
        return start
    return None
