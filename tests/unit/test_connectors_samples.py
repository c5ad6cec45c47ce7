"""The sample terminal exports in data/connectors parse to the expected figures.

``zkteco_demo_2026-11.csv`` is a month (21 weekdays) of an auto-parts
factory's 10 workers: 2 absences, 5 late arrivals, 3 forgotten check-outs
and 6 double badges are planted in it.
"""

import datetime
import pathlib
from collections import Counter

from connectors.attendance import pair_punches, parse_zkteco_csv

SAMPLES = pathlib.Path(__file__).resolve().parents[2] / "data" / "connectors"


def parse(name):
    return parse_zkteco_csv((SAMPLES / name).read_bytes())


def test_month_of_factory_punches():
    result = parse("zkteco_demo_2026-11.csv")
    assert (len(result.items), result.errors) == (419, [])
    assert len({p.employee_no for p in result.items}) == 10
    pairs = pair_punches(result.items)
    assert len(pairs) == 10 * 21 - 2
    assert Counter(p.issue for p in pairs) == {"": 205, "missing check-out": 3}
    late = [p for p in pairs if p.check_in.time() > datetime.time(8, 5)]
    assert len(late) == 5
    assert {p.day.weekday() for p in pairs} <= {0, 1, 2, 3, 4}
    complete = [p for p in pairs if p.complete]
    assert min(p.worked_hours for p in complete) > 8.5
    assert len({p.external_id for p in pairs}) == len(pairs)


def test_month_sample_reimport_gives_the_same_ids():
    first = [p.external_id for p in pair_punches(parse("zkteco_demo_2026-11.csv").items)]
    again = [p.external_id for p in pair_punches(parse("zkteco_demo_2026-11.csv").items)]
    assert first == again


def test_gbk_sample_with_chinese_names():
    result = parse("zkteco_demo_gbk.csv")
    assert (len(result.items), result.errors) == (30, [])
    assert {p.name for p in result.items} == {"王五", "张三", "李四", "孙梅", "周强"}
    pairs = pair_punches(result.items)
    assert len(pairs) == 15
    assert all(p.complete for p in pairs)


def test_broken_sample_reports_each_bad_line():
    result = parse("zkteco_demo_broken.csv")
    assert len(result.items) == 7
    assert [(e.row, e.field) for e in result.errors] == [
        (4, "Time"),
        (6, "No."),
        (8, "Time"),
        (11, "State"),
        (12, "No., Time"),
    ]
    assert str(result.errors[2]) == (
        "row 8, field 'Time': not a valid date/time 'yesterday 8am' "
        "(expected e.g. 2026-11-02 08:01:33, 2026-11-02 08:01, 2026/11/02 08:01:33)"
    )
    issues = Counter(p.issue for p in pair_punches(result.items))
    assert issues == {"": 1, "missing check-in": 4, "missing check-out": 1}
