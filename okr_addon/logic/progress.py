"""Progress and score maths for key results and objectives.

A key result moves from ``start`` toward ``target``. Progress is the share of
that distance covered by ``current``::

    progress = (current - start) / (target - start)

The same formula serves both directions: for "scrap 7% -> 5%" (a decrease),
reaching 4% gives (4 - 7) / (5 - 7) = 1.5, i.e. 150%. Progress never goes
below 0 and overshoot is kept up to ``cap`` (1.2 by default). A milestone is
done (1.0) or not (0.0).

An objective's progress (or score) is the weighted mean of its key results'.
"""

INCREASE = "increase"
DECREASE = "decrease"
DEFAULT_CAP = 1.2


class ProgressError(ValueError):
    """Raised for figures that cannot give a progress.

    ``code`` names the problem so that callers can word it in the user's language.
    """

    def __init__(self, code, message):
        super().__init__(message)
        self.code = code


def check_key_result(start, target, direction, kind="number"):
    """Raise ProgressError when start/target/direction contradict each other."""
    if kind == "milestone":
        return
    if start == target:
        raise ProgressError("equal", "start and target values are equal")
    if direction == INCREASE and target < start:
        raise ProgressError(
            "increase_below", "an increasing key result needs a target above its start"
        )
    if direction == DECREASE and target > start:
        raise ProgressError(
            "decrease_above", "a decreasing key result needs a target below its start"
        )


def key_result_progress(start, target, current, kind="number", cap=DEFAULT_CAP):
    """Return the progress (0 .. cap) of a key result."""
    if cap < 1.0:
        raise ProgressError("cap", "the progress cap must be at least 1.0")
    if kind == "milestone":
        return 1.0 if current >= 1.0 else 0.0
    if start == target:
        raise ProgressError("equal", "start and target values are equal")
    ratio = (current - start) / (target - start)
    return min(max(ratio, 0.0), cap)


def weighted_mean(pairs):
    """Return sum(w * v) / sum(w) for (value, weight) pairs; 0.0 when empty.

    Raises ProgressError on a negative weight or when every weight is zero.
    """
    pairs = list(pairs)
    if not pairs:
        return 0.0
    if any(weight < 0 for _value, weight in pairs):
        raise ProgressError("negative_weight", "weights cannot be negative")
    total = sum(weight for _value, weight in pairs)
    if not total:
        raise ProgressError("zero_weights", "at least one weight must be above zero")
    return sum(value * weight for value, weight in pairs) / total


def default_score(progress):
    """Score on the 0 .. 1.0 scale suggested at close: progress, capped at 1.0."""
    return min(max(progress, 0.0), 1.0)


def expected_progress(date_start, date_end, today):
    """Share (0 .. 1) of the period elapsed at ``today``: where a linear plan would be."""
    total = (date_end - date_start).days
    if total <= 0:
        return 1.0
    elapsed = (today - date_start).days
    return min(max(elapsed / total, 0.0), 1.0)


def is_at_risk(progress, expected, confidence=None, tolerance=0.2, low_confidence=0.4):
    """True when progress lags the linear plan by more than ``tolerance`` or the
    owner's last confidence is low."""
    if confidence is not None and confidence < low_confidence:
        return True
    return progress + tolerance < expected


def running_start(cycle_start, date_approved):
    """The day an objective started running: its approval, or its cycle's start when it
    was approved before the cycle began (None: neither is known)."""
    days = [day for day in (cycle_start, date_approved) if day]
    return max(days) if days else None


def objective_health(
    progress,
    cycle_start,
    cycle_end,
    date_approved,
    today,
    *,
    confidence=None,
    grace_days=7,
    tolerance=0.2,
    low_confidence=0.4,
):
    """(expected progress, at risk) of a running objective on ``today``.

    The plan starts when the objective started running (``running_start``), not
    when its cycle did: one approved late in the cycle is expected at 0% on the
    day it is approved and at 100% at the cycle end. For the first ``grace_days``
    days after it started running nothing flags it; afterwards it is at risk when
    its progress lags that plan by more than ``tolerance`` or the owner's last
    confidence is below ``low_confidence``.
    """
    start = running_start(cycle_start, date_approved)
    if start is None or not cycle_end:
        return 0.0, False
    expected = expected_progress(start, cycle_end, today)
    if (today - start).days < max(grace_days, 0):
        return expected, False
    return expected, is_at_risk(progress, expected, confidence, tolerance, low_confidence)
