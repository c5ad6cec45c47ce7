"""Plain-pytest checks of attendance behaviour: late arrivals and the attendance rate."""

import datetime

from okr_addon.logic import attendance

UTC = datetime.timezone.utc


def test_late_arrivals_respect_tolerance_and_rest_days():
    def at(day, hour, minute):
        return datetime.datetime(2026, 11, day, hour, minute, tzinfo=UTC)

    starts = {datetime.date(2026, 11, d): at(d, 8, 0) for d in (2, 3, 4)}
    firsts = {
        datetime.date(2026, 11, 2): at(2, 8, 4),  # within 5 minutes
        datetime.date(2026, 11, 3): at(3, 8, 20),  # late
        datetime.date(2026, 11, 4): at(4, 7, 55),
        datetime.date(2026, 11, 8): at(8, 10, 0),  # Sunday: nothing scheduled
    }
    assert attendance.late_arrivals(firsts, starts, 5) == 1
    assert attendance.late_arrivals(firsts, starts, 2) == 2


def test_attendance_rate():
    scheduled = [datetime.date(2026, 11, d) for d in (2, 3, 4, 5)]
    present = [datetime.date(2026, 11, d) for d in (2, 3, 8)]
    assert attendance.attendance_rate(present, scheduled) == 0.5
    assert attendance.attendance_rate(present, []) is None
