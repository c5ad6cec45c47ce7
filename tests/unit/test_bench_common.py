"""Plain-pytest checks of the benchmarks' shared helpers, bench/common.py (no Odoo needed)."""

import datetime
import importlib.util
import pathlib

import pytest

# bench/ is a folder of scripts, not a package: load its common.py under its own name.
_PATH = pathlib.Path(__file__).resolve().parents[2] / "bench" / "common.py"
_SPEC = importlib.util.spec_from_file_location("okr_bench_common", _PATH)
common = importlib.util.module_from_spec(_SPEC)
_SPEC.loader.exec_module(common)

D = datetime.date


def test_month_settings(monkeypatch):
    assert common.month_end(D(2028, 2, 1)) == D(2028, 2, 29)
    assert common.month_end(D(2026, 12, 1)) == D(2026, 12, 31)
    monkeypatch.setenv("OKR_BENCH_MONTH", "2026-03")
    assert common.env_month() == D(2026, 3, 1)
    monkeypatch.delenv("OKR_BENCH_MONTH")
    first = common.env_month()
    assert first.day == 1
    assert common.month_end(first) < datetime.date.today()


def test_numbers_and_yes_no_settings(monkeypatch):
    monkeypatch.setenv("OKR_BENCH_EMPLOYEES", "200")
    monkeypatch.setenv("OKR_LOAD_SECONDS", "")
    monkeypatch.setenv("OKR_BENCH_PROFILE", "0")
    monkeypatch.setenv("OKR_BENCH_TARGETS", "yes")
    assert common.env_int("OKR_BENCH_EMPLOYEES", 10_000) == 200
    assert common.env_float("OKR_LOAD_SECONDS", 30) == 30.0, "empty: the default"
    assert common.env_flag("OKR_BENCH_PROFILE") is False
    assert common.env_flag("OKR_BENCH_TARGETS") is True
    assert common.env_flag("OKR_BENCH_NOT_SET") is False
    monkeypatch.setenv("OKR_BENCH_EMPLOYEES", "many")
    with pytest.raises(ValueError):
        common.env_int("OKR_BENCH_EMPLOYEES", 10_000)


def test_batches_and_report_table(capsys):
    assert [list(batch) for batch in common.chunks(list(range(5)), 2)] == [[0, 1], [2, 3], [4]]
    assert (common.yes_no(True), common.yes_no(False)) == ("yes", "NO")
    assert common.ratio(3, 2) == 1.5
    assert common.ratio(1, 0) == float("inf")
    common.print_table([("measure", "seconds"), ("refresh", "0.25"), ("SQL floor", "0.1")])
    assert capsys.readouterr().out.splitlines() == [
        "measure    seconds",
        "---------  -------",
        "refresh       0.25",
        "SQL floor      0.1",
    ]


def test_least_calls_and_windows():
    assert common.least_calls(0, 50) == 1, "an empty answer still takes a call"
    assert common.least_calls(50, 50) == 1
    assert common.least_calls(51, 50) == 2
    assert common.least_calls(1000, 100) == 10
    t = datetime.datetime(2026, 11, 6, 16, 0)
    assert common.windows_needed(t, t + datetime.timedelta(days=7), 7) == 1
    assert common.windows_needed(t, t + datetime.timedelta(days=7, seconds=1), 7) == 2
    assert common.windows_needed(t, t + datetime.timedelta(days=29, hours=20), 7) == 5
    assert common.windows_needed(t, t + datetime.timedelta(days=29, hours=20), 30) == 1
    assert common.windows_needed(t, t + datetime.timedelta(days=30, hours=20), 30) == 2
    with pytest.raises(AssertionError):
        common.least_calls(10, 0)
