"""Plain-pytest checks of attendance reconciliation: a source's view of a day and
whether two sources agree within the tolerance."""

import datetime

from okr_addon.logic import reconcile

DT = datetime.datetime
D = datetime.date


def test_day_view_first_in_last_out_and_hours_of_complete_pairs():
    view = reconcile.day_view(
        [
            (DT(2026, 11, 3, 0, 2), DT(2026, 11, 3, 4, 0)),
            (DT(2026, 11, 3, 5, 0), DT(2026, 11, 3, 9, 5)),
            (None, DT(2026, 11, 3, 9, 30)),  # a lone check-out: last out, no hours
        ]
    )
    assert view.first_in == DT(2026, 11, 3, 0, 2)
    assert view.last_out == DT(2026, 11, 3, 9, 30)
    assert abs(view.hours - (3 + 58 / 60 + 4 + 5 / 60)) < 1e-3


def test_views_by_day_use_the_local_day_of_the_check_in():
    # 23:30 in Shanghai on the 3rd is 15:30 UTC; the night shift ends on the 4th.
    pairs = [(DT(2026, 11, 3, 15, 30), DT(2026, 11, 3, 23, 30))]
    assert list(reconcile.views_by_day(pairs, "Asia/Shanghai")) == [D(2026, 11, 3)]
    assert list(reconcile.views_by_day([(DT(2026, 11, 3, 16, 30), None)], "Asia/Shanghai")) == [
        D(2026, 11, 4)
    ]


def test_agreement_within_tolerance_on_each_of_in_out_and_hours():
    base = reconcile.DayView(DT(2026, 11, 3, 0, 2), DT(2026, 11, 3, 9, 5), 9.05)
    near = reconcile.DayView(DT(2026, 11, 3, 0, 10), DT(2026, 11, 3, 9, 0), 8.83)
    late = reconcile.DayView(DT(2026, 11, 3, 0, 31), DT(2026, 11, 3, 9, 4), 8.55)
    assert reconcile.agree(base, near, 15)
    assert not reconcile.agree(base, late, 15)
    assert reconcile.agree(base, late, 30)
    assert not reconcile.agree(base, reconcile.DayView(base.first_in, None, 0.0), 15)
    assert reconcile.day_state([base], 15) == "single"
    assert reconcile.day_state([base, near], 15) == "agreed"
    assert reconcile.day_state([base, near, late], 15) == "disagree"


def test_hours_alone_can_disagree():
    first = reconcile.DayView(DT(2026, 11, 3, 0, 0), DT(2026, 11, 3, 9, 0), 9.0)
    second = reconcile.DayView(DT(2026, 11, 3, 0, 0), DT(2026, 11, 3, 9, 0), 7.0)
    assert not reconcile.agree(first, second, 15)


def test_span_text_in_local_time():
    view = reconcile.DayView(DT(2026, 11, 3, 0, 2), None, 0.0)
    assert reconcile.span_text(view, "Asia/Shanghai") == "08:02–?"


def test_lone_checkout_closes_the_latest_open_checkin_within_the_longest_shift():
    pairs = [
        (DT(2026, 11, 3, 0, 0), None),
        (None, DT(2026, 11, 3, 9, 0)),
        (None, DT(2026, 11, 5, 9, 0)),  # too far from any check-in: kept alone
    ]
    assert reconcile.pair_lone_checkouts(pairs, 16) == [
        (DT(2026, 11, 3, 0, 0), DT(2026, 11, 3, 9, 0)),
        (None, DT(2026, 11, 5, 9, 0)),
    ]
