"""Attendance platforms benchmark (run by bench/platform_attendance.sh).

For each of DingTalk, WeCom and Feishu: N employees (default 1,000) known to
the platform's fake server (connectors/platforms/fakes/, in a process of its
own, answering every call after ``latency`` seconds) and a month of their
punches (each working day in and out, some late, some leaving early, some
punches missing, some days absent). The platform connector runs once (token,
directory, matching the users to employees by mobile or job number, punches,
shift results, import into ``hr.attendance``), then again (must create
nothing).

Printed per platform: the calls made by endpoint against the fewest calls the
platform's limits allow for the period the run reads (users per call, days per
window, page sizes; one token), the seconds of each run split into the
network floor (calls × latency), the fake server's own work (the rest of the
time inside the HTTP calls but this process's CPU) and our own time (the HTTP
client, the directory and matching, reading the answers, the import into
``hr.attendance``), punches per second into ``hr.attendance`` and the
attendances created.

Every argument is an Odoo server option; settings (environment):
OKR_BENCH_PLATFORM_EMPLOYEES (1000 per platform), OKR_BENCH_LATENCY (0.05 s
per call), OKR_BENCH_LOOKBACK_DAYS (29: the period is the last 29 days and
today, under WeCom's and Feishu's 30-day window), OKR_BENCH_PLATFORMS
(dingtalk,wecom,feishu), OKR_BENCH_PROFILE=1 (cProfile summary of each first
run).
"""

import collections
import dataclasses
import datetime
import multiprocessing
import os
import pathlib
import pstats
import random
import sys
import time
import typing
import zoneinfo
from unittest.mock import patch

from common import (
    MARK,
    clone_employees,
    employee_template,
    env_flag,
    env_float,
    env_int,
    least_calls,
    open_registry,
    print_table,
    ratio,
    say,
    timed,
    windows_needed,
    yes_no,
)

# connectors/ is plain Python: the fake servers run in their own processes without Odoo.
sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[1]))
from connectors.platforms import PlatformUser, fakes
from odoo import SUPERUSER_ID, api

TZ = zoneinfo.ZoneInfo("Asia/Shanghai")
UTC = datetime.UTC
APP_ID = "bench-app"
SECRET = "bench-Secret/4711="


class Platform(typing.NamedTuple):
    """One platform: its code, name, connector kind, fake server and user id prefix."""

    code: str
    label: str
    kind: str
    fake: type
    prefix: str


PLATFORMS = {
    "dingtalk": Platform("dingtalk", "DingTalk", "attendance_dingtalk", fakes.FakeDingTalk, "dt"),
    "wecom": Platform("wecom", "WeCom", "attendance_wecom", fakes.FakeWeCom, "wc"),
    "feishu": Platform("feishu", "Feishu", "attendance_feishu", fakes.FakeFeishu, "fs"),
}


# ----------------------------------------------------------------------
# the month of the platforms
# ----------------------------------------------------------------------
def platform_users(index, size, prefix):
    """``size`` platform users of platform number ``index``: user ids, mobiles and
    job numbers of their own (the employees carry one or the other)."""
    return [
        PlatformUser(
            user_id=f"{prefix}{n:05d}",
            name=f"{prefix.upper()}员工{n:05d}",
            mobile=f"13{index}{n:08d}",
            job_number=f"{prefix.upper()}{n:05d}",
        )
        for n in range(size)
    ]


def working_days(today, lookback):
    """Monday to Friday of the ``lookback`` days before ``today``."""
    days = [today - datetime.timedelta(days=back) for back in range(lookback, 0, -1)]
    return [day for day in days if day.weekday() < 5]


def month_punches(users, days, seed):
    """``[(user_id, naive UTC, "in"/"out")]``: in between 08:20 and 09:00 local (8% late,
    up to 09:40), out between 18:00 and 19:30 (5% leave early, from 16:30); 2% of the
    days absent, 1% without the check-in, 2% without the check-out."""
    rng = random.Random(seed)
    punches = []

    def utc(day, minutes):
        local = datetime.datetime.combine(day, datetime.time()) + datetime.timedelta(
            minutes=minutes
        )
        return local.replace(tzinfo=TZ).astimezone(UTC).replace(tzinfo=None, microsecond=0)

    for day in days:
        for user in users:
            if rng.random() < 0.02:
                continue
            late = rng.random() < 0.08
            check_in = rng.randint(9 * 60 + 1, 9 * 60 + 40) if late else rng.randint(500, 540)
            early = rng.random() < 0.05
            check_out = rng.randint(990, 1079) if early else rng.randint(1080, 1170)
            if rng.random() >= 0.01:
                punches.append((user.user_id, utc(day, check_in), "in"))
            if rng.random() >= 0.02:
                punches.append((user.user_id, utc(day, check_out), "out"))
    return punches


# ----------------------------------------------------------------------
# the fake servers, each in a process of its own
# ----------------------------------------------------------------------
def serve_fake(conn, code, users, punches, latency):
    """Child process: serve the fake platform; answer "counts" with the calls per path
    and this process's CPU seconds until told anything else."""
    fake = PLATFORMS[code].fake(
        users=users, punches=punches, latency=latency, app_id=APP_ID, app_secret=SECRET
    )
    with fake:
        conn.send(fake.url)
        while conn.recv() == "counts":
            conn.send((dict(fake.counts), time.process_time()))


def start_fake(code, users, punches, latency):
    """(process, pipe, url) of the fake platform ``code`` in a forked process."""
    context = multiprocessing.get_context("fork")
    parent, child = context.Pipe()
    process = context.Process(
        target=serve_fake, args=(child, code, users, punches, latency), daemon=True
    )
    process.start()
    return process, parent, parent.recv()


def fake_counts(pipe):
    pipe.send("counts")
    return pipe.recv()


# ----------------------------------------------------------------------
# the fewest calls the limits allow
# ----------------------------------------------------------------------
def units(user_ids, start, end, per_call, days):
    """(users, window start, window end) of a period cut by the platform's limits."""
    ids = sorted(user_ids)
    groups = [ids[i : i + per_call] for i in range(0, len(ids), per_call)]
    step = datetime.timedelta(days=days)
    cuts, cursor = [], start
    while cursor < end:
        cuts.append((cursor, min(cursor + step, end)))
        cursor += step
    return [(set(group), w_start, w_end) for w_start, w_end in cuts for group in groups]


def local_midnight(moment):
    """Naive UTC of the local midnight of the local day of the naive UTC ``moment``."""
    day = moment.replace(tzinfo=UTC).astimezone(TZ).date()
    return datetime.datetime.combine(day, datetime.time(), TZ).astimezone(UTC).replace(tzinfo=None)


def minimum_calls(code, users, punches, start, end):
    """{path: fewest calls} reading ``users``' directory and their punches (and shift
    results) of ``[start, end)`` within the platform's documented limits."""
    size = len(users)
    halves = (len(users[0::2]), len(users[1::2]))  # the fakes' two departments
    if code == "dingtalk":
        # attendance/list: 50 users x 7 work days a call, 50 results a page; the fake
        # answers one result per punch, on the local day of the punch.
        pages = 0
        for group, w_start, w_end in units([u.user_id for u in users], start, end, 50, 7):
            results = sum(
                1
                for user_id, moment, _kind in punches
                if user_id in group and w_start <= local_midnight(moment) < w_end
            )
            pages += least_calls(results, 50)
        return {
            "gettoken": 1,
            "topapi/v2/department/listsub": 2,  # department 1, then its child 2
            "topapi/v2/user/list": sum(least_calls(n, 100) for n in halves),
            "attendance/listRecord": least_calls(size, 50) * windows_needed(start, end, 7),
            "attendance/list": pages,
        }
    if code == "wecom":
        return {
            "gettoken": 1,
            "user/list": 1,  # the whole directory in one answer
            "checkin/getcheckindata": least_calls(size, 100) * windows_needed(start, end, 30),
        }
    return {
        "auth/v3/tenant_access_token/internal": 1,
        "contact/v3/departments/0/children": least_calls(1, 50),
        "contact/v3/users/find_by_department": sum(least_calls(n, 50) for n in halves),
        "attendance/v1/user_flows/query": least_calls(size, 50) * windows_needed(start, end, 30),
        "attendance/v1/user_tasks/query": least_calls(size, 50) * windows_needed(start, end, 31),
    }


# ----------------------------------------------------------------------
# Odoo side
# ----------------------------------------------------------------------
def make_employees(env, platforms, size):
    """``size`` employees per platform; even ones carry the platform user's mobile,
    odd ones the job number as Badge ID (so half match by mobile, half by job number).
    Returns {code: employee ids}."""
    _departments, template = employee_template(env, departments=len(platforms))
    clone_employees(env.cr, template, _departments.ids, size * len(platforms))
    env.invalidate_all()
    employees = env["hr.employee"].search([("name", "=like", f"{MARK} employee %")], order="name")
    assert len(employees) == size * len(platforms), len(employees)
    ids, mobiles, badges, result = [], [], [], {}
    for index, (code, users) in enumerate(platforms.items()):
        chunk = employees[index * size : (index + 1) * size]
        result[code] = chunk.ids
        for n, (employee, user) in enumerate(zip(chunk, users, strict=True)):
            ids.append(employee.id)
            mobiles.append(user.mobile if n % 2 == 0 else None)
            badges.append(None if n % 2 == 0 else user.job_number)
    env.cr.execute(
        """UPDATE hr_employee e SET mobile_phone = v.mobile, barcode = v.badge
           FROM unnest(%s::int[], %s::text[], %s::text[]) AS v(id, mobile, badge)
           WHERE e.id = v.id""",
        [ids, mobiles, badges],
    )
    env.invalidate_all()
    return result


class Stopwatch:
    """Seconds (and calls) spent in methods wrapped while a run goes on."""

    def __init__(self):
        self.seconds = collections.Counter()
        self.cpu = collections.Counter()  # this process's CPU seconds
        self.calls = collections.Counter()
        self.kept = {}

    def wrap(self, cls, name, label, keep=False):
        original = getattr(cls, name)
        watch = self

        def timed_method(*args, **kwargs):
            start, cpu = time.perf_counter(), time.process_time()
            try:
                result = original(*args, **kwargs)
            finally:
                watch.seconds[label] += time.perf_counter() - start
                watch.cpu[label] += time.process_time() - cpu
                watch.calls[label] += 1
            if keep:
                watch.kept[label] = result
            return result

        return patch.object(cls, name, timed_method)


def run_once(env, connector, profile):
    """(Timing, log, Stopwatch) of one run of ``connector``."""
    from odoo.addons.okr_addon.connectors.platforms import (  # noqa: PLC0415
        common as adapter_common,
    )
    from odoo.addons.okr_addon.connectors.platforms import session  # noqa: PLC0415

    watch = Stopwatch()
    Connector = type(env["okr.connector"])
    patches = [
        watch.wrap(session.PlatformSession, "send", "http"),
        watch.wrap(Connector, "_platform_fetch", "fetch"),
        watch.wrap(Connector, "_platform_period", "period", keep=True),
        watch.wrap(type(env["okr.connector.user"]), "_okr_sync_directory", "directory"),
        watch.wrap(adapter_common.BasePlatform, "fetch", "adapter fetch", keep=True),
    ]
    for patcher in patches:
        patcher.start()
    try:
        timing, log = timed(env, connector._run, "manual", profile=profile)
    finally:
        for patcher in reversed(patches):
            patcher.stop()
    return timing, log, watch


def attendance_count(env, employee_ids):
    return env["hr.attendance"].search_count([("employee_id", "in", employee_ids)])


@dataclasses.dataclass
class Case:
    """One platform of the benchmark: its data, fake server and connector."""

    spec: Platform
    users: list
    punches: list
    pipe: object = None  # to the fake server's process
    url: str = ""
    connector: object = None
    employee_ids: list = dataclasses.field(default_factory=list)


@dataclasses.dataclass
class Run:
    """One run of a connector: its timing, log, stopwatch, calls by path, fake CPU."""

    timing: object
    log: object
    watch: Stopwatch
    calls: collections.Counter
    fake_cpu: float
    attendances: int

    def split(self, latency):
        """(network floor, the fake server's work and local HTTP, our own time) in
        seconds: the floor is calls x latency; inside the HTTP calls, what is neither
        the floor nor this process's CPU is the fake's; all the rest is ours."""
        floor = self.calls.total() * latency
        http, http_cpu = self.watch.seconds["http"], self.watch.cpu["http"]
        fake = max(http - floor - http_cpu, 0.0)
        return floor, fake, self.timing.seconds - floor - fake

    def cells(self, latency):
        """The figures of this run, as cells of one column (the rows of FIGURES)."""
        seconds, watch, timing = self.timing.seconds, self.watch, self.timing
        floor, fake, ours = self.split(latency)
        fetched = watch.kept["adapter fetch"]
        directory = watch.seconds["directory"]
        return [
            f"{seconds:.1f}",
            f"{floor:.1f}",
            f"{fake:.1f}",
            f"{ours:.1f}",
            f"{watch.cpu['http']:.1f}",
            f"{directory:.1f}",
            f"{watch.seconds['fetch'] - watch.seconds['http'] - directory:.1f}",
            f"{seconds - watch.seconds['fetch']:.1f}",
            f"{watch.seconds['http']:.1f}",
            f"{self.fake_cpu:.1f}",
            f"{timing.cpu:.1f} / {timing.sql:.1f} / {timing.queries:,}",
            f"{watch.calls['http']:,}",
            f"{len(fetched.punches):,} / {len(fetched.shifts):,}",
            f"{len(fetched.punches) / seconds:,.0f}",
            f"{self.log.created_count:,}",
            f"{self.log.unchanged_count:,} / {self.log.failed_count:,}",
            f"{self.attendances:,}",
            self.log.state,
        ]


FIGURES = (
    "seconds",
    "  network floor: calls x latency",
    "  the fake server's work and local HTTP",
    "  our own time",
    "    our CPU in the HTTP calls (requests, JSON)",
    "    directory and matching",
    "    reading the answers (rest of the fetch)",
    "    import into hr.attendance",
    "seconds inside the HTTP calls",
    "fake server CPU s (its process)",
    "Python CPU s / SQL s / queries",
    "HTTP calls seen by the client",
    "punches fetched / shift results",
    "punches/s into hr.attendance (whole run)",
    "attendances created (log)",
    "unchanged / failed rows (log)",
    "attendances in the database",
    "log state",
)


def measure(env, case, profile):
    """One run of ``case``'s connector, with the calls its fake server counted."""
    before, cpu_before = fake_counts(case.pipe)
    timing, log, watch = run_once(env, case.connector, profile)
    after, cpu_after = fake_counts(case.pipe)
    calls = collections.Counter(after)
    calls.subtract(before)
    return Run(
        timing,
        log,
        watch,
        +calls,
        cpu_after - cpu_before,
        attendance_count(env, case.employee_ids),
    )


def bench_platform(env, case, latency, profile):
    """Run the connector twice, print its figures; return (ok, row of the summary)."""
    spec = case.spec
    say(f"\n== {spec.label}: {len(case.users):,} employees, {len(case.punches):,} punches")
    first = measure(env, case, profile)
    second = measure(env, case, False)

    start, end, _ids, _state = first.watch.kept["period"]
    least = minimum_calls(spec.code, case.users, case.punches, start, end)
    say(f"period read: {start:%Y-%m-%d %H:%M} to {end:%Y-%m-%d %H:%M} UTC")
    rows = [("calls by endpoint", "first run", "fewest allowed", "ratio", "second run")]
    for path in sorted(set(least) | set(first.calls) | set(second.calls)):
        made, fewest = first.calls[path], least.get(path, 0)
        rows.append((path, made, fewest, f"{ratio(made, fewest):.2f}", second.calls[path]))
    calls, fewest = first.calls.total(), sum(least.values())
    rows.append(("total", calls, fewest, f"{ratio(calls, fewest):.2f}", second.calls.total()))
    print_table(rows)
    say("")
    columns = (first.cells(latency), second.cells(latency))
    print_table(
        [("", "first run", "second run")]
        + [(label, *cells) for label, *cells in zip(FIGURES, *columns, strict=True)]
    )
    users = env["okr.connector.user"].search([("connector_id", "=", case.connector.id)])
    keys = collections.Counter(users.mapped(lambda u: f"{u.state}/{u.match_key or '-'}"))
    say(f"platform users: {dict(sorted(keys.items()))}")
    say(f"shifts: {first.log.shift_summary or '-'}")
    ok = (
        second.log.created_count == 0
        and second.attendances == first.attendances == first.log.created_count
    )
    say(f"second run created 0 new rows: {yes_no(ok)}")
    if first.timing.profiler:
        stats = pstats.Stats(first.timing.profiler).sort_stats("cumulative")
        stats.print_stats(30)
        # okr_addon's own steps and the computations core Odoo runs for them
        stats.print_stats(r"okr_addon|_compute_|_update_overtime|_overtime", 40)
        stats.sort_stats("tottime").print_stats(20)
    seconds = first.timing.seconds
    punches = len(first.watch.kept["adapter fetch"].punches)
    floor, fake, ours = first.split(latency)
    return ok, (
        spec.label,
        f"{calls:,}",
        f"{fewest:,}",
        f"{ratio(calls, fewest):.2f}",
        f"{seconds:.1f}",
        f"{floor:.1f}",
        f"{fake:.1f}",
        f"{ours:.1f}",
        f"{punches / seconds:,.0f}",
        f"{first.log.created_count:,}",
        f"{second.timing.seconds:.1f}",
        second.log.created_count,
    )


def main():
    size = env_int("OKR_BENCH_PLATFORM_EMPLOYEES", 1000)
    latency = env_float("OKR_BENCH_LATENCY", 0.05)
    lookback = env_int("OKR_BENCH_LOOKBACK_DAYS", 29)
    profile = env_flag("OKR_BENCH_PROFILE")
    codes = [c.strip() for c in os.environ.get("OKR_BENCH_PLATFORMS", "").split(",") if c.strip()]
    codes = codes or list(PLATFORMS)
    today = datetime.datetime.now(UTC).date()
    days = working_days(today, lookback)
    cases = {}
    for index, code in enumerate(codes):
        users = platform_users(index, size, PLATFORMS[code].prefix)
        cases[code] = Case(PLATFORMS[code], users, month_punches(users, days, seed=index))
    say(
        f"== {len(codes)} platform(s) x {size:,} employees, {len(days)} working days "
        f"({days[0]} to {days[-1]}), {latency * 1000:.0f} ms per call, load average "
        + " ".join(f"{x:.2f}" for x in os.getloadavg())
    )
    # The fakes are forked before Odoo opens any connection or thread.
    processes = []
    for code, case in cases.items():
        process, case.pipe, case.url = start_fake(code, case.users, case.punches, latency)
        processes.append(process)
    db, registry = open_registry(sys.argv[1:], MARK)
    summary = [
        (
            "platform",
            "calls",
            "fewest",
            "ratio",
            "run s",
            "floor s",
            "fake s",
            "ours s",
            "punches/s",
            "created",
            "rerun s",
            "rerun new",
        )
    ]
    all_ok = True
    try:
        with registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            say(f"== Creating {size * len(codes):,} employees in '{db}'")
            employees = make_employees(env, {c: case.users for c, case in cases.items()}, size)
            for case in cases.values():
                case.employee_ids = employees[case.spec.code]
                case.connector = env["okr.connector"].create(
                    {
                        "name": f"{MARK} {case.spec.label}",
                        "kind": case.spec.kind,
                        "company_id": env.company.id,
                        "tz": "Asia/Shanghai",
                        "endpoint_url": case.url,
                        "allow_local_network": True,
                        "platform_key": APP_ID,
                        "platform_secret": SECRET,
                        "lookback_days": lookback,
                    }
                )
                cr.commit()
                ok, row = bench_platform(env, case, latency, profile)
                all_ok = all_ok and ok
                summary.append(row)
    finally:
        for case, process in zip(cases.values(), processes, strict=True):
            case.pipe.send("stop")
            process.join(5)
    say("\n== Summary (first run: seconds = floor (calls x latency) + fake server + ours)")
    print_table(summary)
    say("load average after: " + " ".join(f"{x:.2f}" for x in os.getloadavg()))
    return 0 if all_ok else 1


if __name__ == "__main__":
    sys.exit(main())
