"""Terminal-file import benchmark for okr_addon (run by bench/attendance_import.sh).

Generates a ZKTeco-style CSV of P punches (default 100,000: E employees badging
in and out every working day, with some duplicate punches and missing
check-outs), imports it into ``hr.attendance`` through an attendance-file
connector, then imports the very same file again, which must create nothing.

Every argument is an Odoo server option; the settings are environment
variables: OKR_BENCH_PUNCHES (100000), OKR_BENCH_IMPORT_EMPLOYEES (1000) and
OKR_BENCH_MODE: ``single`` (this process writes every batch) or ``jobs`` (the run
is split into OCA queue jobs that a running Odoo server's workers write; the
time runs until the run's log is closed).
"""

import cProfile
import datetime
import os
import pstats
import random
import sys
import time

from common import MARK, env_flag, env_int, open_registry, say, yes_no

from odoo import SUPERUSER_ID, api
from odoo.modules.registry import Registry


def punch_file(employees, punches, seed=7):
    """CSV bytes with about ``punches`` rows: badge, name, local time, state."""
    rng = random.Random(seed)
    rows = ["No.,Name,Time,State"]
    day = datetime.date(2026, 1, 5)  # a Monday
    while len(rows) - 1 < punches:
        if day.weekday() < 5:
            for badge, name in employees:
                start = datetime.datetime.combine(day, datetime.time(8)) + datetime.timedelta(
                    minutes=rng.randint(-20, 25)
                )
                rows.append(f"{badge},{name},{start:%Y-%m-%d %H:%M:%S},C/In")
                if rng.random() < 0.02:  # a duplicate punch a few seconds later
                    again = start + datetime.timedelta(seconds=20)
                    rows.append(f"{badge},{name},{again:%Y-%m-%d %H:%M:%S},C/In")
                if rng.random() < 0.98:  # 2% forget to punch out
                    end = start + datetime.timedelta(hours=9, minutes=rng.randint(-30, 60))
                    rows.append(f"{badge},{name},{end:%Y-%m-%d %H:%M:%S},C/Out")
        day += datetime.timedelta(days=1)
    return ("\n".join(rows[: punches + 1]) + "\n").encode("utf-8"), len(rows[: punches + 1]) - 1


def wait_for_jobs(db, log_id, timeout=1800):
    """Wait until the queue jobs of a run have closed its log (new transaction each
    look); fail at once when one of them failed."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with Registry(db).cursor() as cr:
            cr.execute("SELECT state FROM okr_sync_log WHERE id = %s", [log_id])
            if cr.fetchone()[0] != "running":
                return
            cr.execute("SELECT exc_info FROM queue_job WHERE state = 'failed' LIMIT 1")
            failed = cr.fetchone()
            if failed:
                raise SystemExit(f"a queue job failed:\n{failed[0]}")
        time.sleep(0.2)
    raise SystemExit(f"the run's queue jobs did not finish within {timeout} s")


def timed_imports(connector, data, db, jobs):
    """[(label, seconds, log)] of importing ``data`` twice with ``connector``."""
    cr = connector.env.cr
    results = []
    for label in ("first import", "same file again"):
        start = time.perf_counter()
        profiler = cProfile.Profile() if env_flag("OKR_BENCH_PROFILE") else None
        if profiler and not jobs:
            profiler.enable()
        log = connector._run("upload", data=data, filename="punches.csv")
        cr.commit()
        if jobs:
            wait_for_jobs(db, log.id)
            log.invalidate_recordset()
        if profiler and not jobs:
            profiler.disable()
            stats = pstats.Stats(profiler).sort_stats("cumulative")
            stats.print_stats(25)
            stats.print_callers("models.py:.*\\(search\\)")
        seconds = time.perf_counter() - start
        results.append((label, seconds, log))
        say(f"  {label}: {seconds:.1f} s — {log.message}")
    return results


def main():
    db, registry = open_registry(sys.argv[1:], MARK)
    punches = env_int("OKR_BENCH_PUNCHES", 100_000)
    size = env_int("OKR_BENCH_IMPORT_EMPLOYEES", 1000)
    jobs = os.environ.get("OKR_BENCH_MODE", "single") == "jobs"
    # Own workers per measure: "9…" badges for one process, "8…" for the queue jobs.
    prefix, tag = ("8", "jobs ") if jobs else ("9", "")
    with registry.cursor() as cr:
        # Without queue jobs, a run writes its batches itself (queue_job's own switch).
        env = api.Environment(cr, SUPERUSER_ID, {} if jobs else {"queue_job__no_delay": True})
        say(f"== Creating {size} employees with badges")
        employees = env["hr.employee"].create(
            [
                {"name": f"{MARK} {tag}worker {i}", "barcode": f"{prefix}{i:06d}"}
                for i in range(size)
            ]
        )
        data, rows = punch_file([(e.barcode, e.name) for e in employees], punches)
        connector = env["okr.connector"].create(
            {"name": f"{MARK} {tag}terminal", "kind": "attendance_csv", "tz": "Asia/Shanghai"}
        )
        cr.commit()
        results = timed_imports(connector, data, db, jobs)
        attendances = env["hr.attendance"].search_count([("employee_id", "in", employees.ids)])
        first, second = results[0], results[1]
        say("")
        say(f"{'':32}{'value':>14}")
        writers = "one process"
        if jobs:
            writers = f"{os.environ.get('OKR_BENCH_JOB_WORKERS', '?')} Odoo workers"
        say(f"{'batches written by':32}{writers:>14}")
        say(f"{'punches in the file':32}{rows:>14,}")
        say(f"{'attendances created':32}{first[2].created_count:>14,}")
        say(f"{'failed rows':32}{first[2].failed_count:>14,}")
        say(f"{'first import (s)':32}{first[1]:>14.1f}")
        say(f"{'punches per second':32}{rows / first[1]:>14,.0f}")
        say(f"{'target <= 60 s':32}{yes_no(first[1] <= 60):>14}")
        say(f"{'re-import (s)':32}{second[1]:>14.1f}")
        say(f"{'rows created by the re-import':32}{second[2].created_count:>14,}")
        say(f"{'attendances in the database':32}{attendances:>14,}")
        ok = second[2].created_count == 0 and attendances == first[2].created_count
        say(f"{'nothing duplicated':32}{yes_no(ok):>14}")
        return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
