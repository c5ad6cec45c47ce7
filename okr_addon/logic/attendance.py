"""Attendance behaviour from first check-ins and the working schedule.

Inputs are plain values: per day, the employee's first check-in and the
scheduled start of work (both timezone-aware datetimes, or naive UTC).
"""

import datetime


def late_arrivals(first_checkins, scheduled_starts, tolerance_minutes=5):
    """Days on which the first check-in came after the scheduled start + tolerance.

    Days without a scheduled start (rest days) never count as late.
    """
    grace = datetime.timedelta(minutes=tolerance_minutes)
    return sum(
        1
        for day, checked_in in first_checkins.items()
        if day in scheduled_starts and checked_in > scheduled_starts[day] + grace
    )


def attendance_rate(present_days, scheduled_days):
    """Share (0 .. 1) of scheduled working days with an attendance; None when none was scheduled.

    Attendance on a rest day does not raise the rate above what was scheduled.
    """
    scheduled = set(scheduled_days)
    if not scheduled:
        return None
    return len(scheduled & set(present_days)) / len(scheduled)
