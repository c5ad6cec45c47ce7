"""Load benchmark of phone check-ins on /my/okr (run by bench/checkin_load.sh).

Two parts, in one file:

* ``setup_database(env, users, path)``: run inside ``odoo shell`` on a fresh
  database; creates one running quarterly cycle and, for each of ``users``
  frontline workers, a portal user linked to an employee who owns one running
  objective with one key result. Writes the logins and key result ids to ``path``
  (JSON).
* ``main()``: the clients. Each of N threads is one phone: it logs in through
  /web/login, opens /my/okr to read the form's CSRF token, then posts check-ins
  (multipart, like the browser form), either as the page's script does
  (OKR_LOAD_VIA=fetch, the default: POST /my/okr/kr/<id>/checkin.json, whose JSON
  answer updates the page in place) or as a browser without JavaScript does
  (OKR_LOAD_VIA=form: POST /my/okr/kr/<id>/checkin, then GET the /my/okr page it
  redirects to). The POST alone and the whole check-in are timed separately. At
  the end the okr.checkin rows in the database are compared with the successful
  POSTs, key result by key result and value by value: nothing lost, nothing
  doubled.

Usage (normally through checkin_load.sh)::

    python3 bench/checkin_load.py --url http://127.0.0.1:8091 --users-file users.json \\
        --db okr_load_x

Settings (environment): OKR_LOAD_SECONDS (30), OKR_LOAD_REQUESTS (2000: the run
stops at whichever limit comes first), OKR_LOAD_WARMUP (1 check-in per phone before
the clock starts, checked in the database but not timed), OKR_LOAD_TARGET_MS (150,
the p95 goal of POST alone), OKR_LOAD_TIMEOUT (10 s per HTTP request),
OKR_LOAD_MODE:

* ``saturate`` (default): each phone posts again as soon as its answer is back, so
  the server never idles and latency is mostly queueing;
* ``realistic``: after each check-in the phone's user reads the screen for a random
  OKR_LOAD_THINK_MIN_MS..OKR_LOAD_THINK_MAX_MS (1000..3000 ms), like a worker
  entering the numbers on a phone; the phones' first check-ins spread over one
  such pause.

OKR_LOAD_VIA: ``fetch`` (default, the page's script) or ``form`` (no JavaScript),
or ``page``: no check-in, each phone only opens /my/okr again and again, the page
a worker reads — with its earnings preview ("what I could earn"), since every
worker falls under three incentive rules on a KPI with values and a forecast.
The GET is timed instead of the POST.
"""

import argparse
import datetime
import json
import os
import random
import re
import statistics
import sys
import threading
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from urllib.parse import urljoin, urlsplit

import psycopg2
import requests
from common import env_float, env_int

MARK = "okr_load"  # prefix of generated logins and names; the note of each check-in
CSRF_RE = re.compile(r'name="csrf_token"\s+value="([^"]+)"')
SAVED_PREFIX = "/my/okr?message="
SETUP_TIMEOUT = 60  # seconds, per request while logging in


# ----------------------------------------------------------------------------
# Database set-up (inside odoo shell)
# ----------------------------------------------------------------------------
def setup_database(env, users, path):
    """Create ``users`` portal workers with one running key result each."""
    today = datetime.date.today()
    quarter_start = today.replace(month=3 * ((today.month - 1) // 3) + 1, day=1)
    cycle = env["okr.cycle"].create({"cadence": "quarter", "date_start": quarter_start})
    cycle.action_start()
    portal = env.ref("base.group_portal")
    department = env["hr.department"].create({"name": f"{MARK} shop floor"})
    logins = [f"{MARK}_{index:03d}" for index in range(1, users + 1)]
    accounts = (
        env["res.users"]
        .with_context(no_reset_password=True, mail_create_nosubscribe=True)
        .create(
            [
                {
                    "name": f"Worker {login}",
                    "login": login,
                    "password": login,
                    "email": f"{login}@example.com",
                    "group_ids": [(6, 0, [portal.id])],
                    # A worker's "today" is in the shop's time zone.
                    "tz": "Asia/Shanghai",
                }
                for login in logins
            ]
        )
    )
    employees = env["hr.employee"].create(
        [
            {"name": user.name, "user_id": user.id, "department_id": department.id}
            for user in accounts
        ]
    )
    objectives = env["okr.objective"].create(
        [
            {
                "name": f"{employee.name}: more good parts",
                "level": "individual",
                "employee_id": employee.id,
                "cycle_id": cycle.id,
                "key_result_ids": [
                    (
                        0,
                        0,
                        {
                            "name": "Good parts per shift",
                            "kind": "number",
                            "direction": "increase",
                            "unit": "pcs",
                            "start_value": 0.0,
                            "target_value": 1000.0,
                        },
                    )
                ],
            }
            for employee in employees
        ]
    )
    objectives.action_approve()  # draft → running, as an OKR administrator does
    _incentive_setup(env, employees, department, quarter_start, today)
    rows = []
    for user, employee, objective in zip(accounts, employees, objectives, strict=True):
        result = objective.key_result_ids
        assert cycle.state == "running" and objective.state == "running", objective.state
        assert result.state == "running" and result.employee_id == employee
        rows.append({"login": user.login, "password": user.login, "key_result_id": result.id})
    env.cr.commit()
    with open(path, "w", encoding="utf-8") as handle:
        json.dump(rows, handle, indent=1)
    print(f"{len(rows)} portal workers with one running key result each -> {path}")


def _incentive_setup(env, employees, department, quarter_start, today):
    """What the page's earnings preview reads: a summed KPI (good parts) with a
    quarterly target per worker, a value every week so far (a forecast), and three
    rules of the workers' department — a tier bonus, a piece rate in two bands and
    a deduction below 80%."""
    quarter_end = (quarter_start + datetime.timedelta(days=92)).replace(day=1)
    quarter_end -= datetime.timedelta(days=1)
    parts = env["kpi.definition"].create(
        {"name": "Good parts", "code": f"{MARK}_PARTS", "unit": "pcs", "aggregation": "sum"}
    )
    targets = env["kpi.target"].create(
        [
            {
                "definition_id": parts.id,
                "level": "employee",
                "employee_id": employee.id,
                "date_from": quarter_start,
                "date_to": quarter_end,
                "target": 12000.0,
            }
            for employee in employees
        ]
    )
    days = [
        quarter_start + datetime.timedelta(days=offset)
        for offset in range(0, max((today - quarter_start).days, 1), 7)
    ]
    env["kpi.measurement"].create(
        [
            {
                "definition_id": parts.id,
                "employee_id": employee.id,
                "date": day,
                "value": 800.0 + 10 * ((index + number) % 7),
            }
            for index, employee in enumerate(employees)
            for number, day in enumerate(days)
        ]
    )
    env["kpi.target"]._cron_forecast()
    common = {"definition_id": parts.id, "department_ids": [(6, 0, department.ids)]}
    env["okr.incentive.rule"].create(
        [
            {
                "name": "Output bonus",
                "code": f"{MARK}_BONUS",
                "basis": "kpi_completion",
                "tier_ids": [
                    (0, 0, {"has_lower": False, "upper": 100, "amount": 0}),
                    (0, 0, {"lower": 100, "upper": 110, "amount": 300}),
                    (0, 0, {"lower": 110, "has_upper": False, "amount": 500}),
                ],
                **common,
            },
            {
                "name": "Piece rate",
                "code": f"{MARK}_PIECES",
                "basis": "kpi_value",
                "amount_type": "per_unit",
                "tier_ids": [
                    (0, 0, {"lower": 0, "upper": 10000, "amount": 0.05}),
                    (0, 0, {"lower": 10000, "has_upper": False, "amount": 0.08}),
                ],
                **common,
            },
            {
                "name": "Output shortfall",
                "code": f"{MARK}_SHORT",
                "basis": "kpi_completion",
                "tier_ids": [
                    (0, 0, {"has_lower": False, "upper": 80, "amount": -100}),
                    (0, 0, {"lower": 80, "has_upper": False, "amount": 0}),
                ],
                **common,
            },
        ]
    )
    assert all(targets.mapped("has_forecast")), "every worker's target has a forecast"


# ----------------------------------------------------------------------------
# Clients
# ----------------------------------------------------------------------------
@dataclass
class Settings:
    seconds: float = 30.0
    requests: int = 2000
    warmup: int = 1
    target_ms: float = 150.0
    timeout: float = 10.0
    mode: str = "saturate"  # or "realistic": a think time after each check-in
    think_min_ms: float = 1000.0
    think_max_ms: float = 3000.0
    via: str = "fetch"  # or "form": POST + redirect + GET /my/okr; or "page": GET only

    @classmethod
    def from_env(cls):
        mode = os.environ.get("OKR_LOAD_MODE", "saturate")
        via = os.environ.get("OKR_LOAD_VIA", "fetch")
        if mode not in ("saturate", "realistic"):
            sys.exit(f"OKR_LOAD_MODE is saturate or realistic, not {mode!r}")
        if via not in ("fetch", "form", "page"):
            sys.exit(f"OKR_LOAD_VIA is fetch, form or page, not {via!r}")
        return cls(
            seconds=env_float("OKR_LOAD_SECONDS", 30),
            requests=env_int("OKR_LOAD_REQUESTS", 2000),
            warmup=env_int("OKR_LOAD_WARMUP", 1),
            target_ms=env_float("OKR_LOAD_TARGET_MS", 150),
            timeout=env_float("OKR_LOAD_TIMEOUT", 10),
            mode=mode,
            think_min_ms=env_float("OKR_LOAD_THINK_MIN_MS", 1000),
            think_max_ms=env_float("OKR_LOAD_THINK_MAX_MS", 3000),
            via=via,
        )

    def think_seconds(self, rand):
        """How long a phone's user reads before the next check-in (0 when saturating)."""
        if self.mode != "realistic":
            return 0.0
        return rand.uniform(self.think_min_ms, self.think_max_ms) / 1000

    def describe(self):
        if self.mode == "realistic":
            pause = f"each phone pausing {self.think_min_ms:g}-{self.think_max_ms:g} ms"
        else:
            pause = "no pause (saturating)"
        return f"mode {self.mode}, {pause}, via {self.via}"


@dataclass
class Results:
    """Shared between the threads (appends under the lock)."""

    lock: threading.Lock = field(default_factory=threading.Lock)
    post_ms: list = field(default_factory=list)  # successful POSTs only
    total_ms: list = field(default_factory=list)  # whole check-in (form: POST + GET /my/okr)
    requests: int = 0  # measured HTTP requests answered
    errors: Counter = field(default_factory=Counter)
    sent: int = 0  # measured POSTs started
    # key result id -> values whose check-in was confirmed (warm-up included)
    saved: dict = field(default_factory=lambda: defaultdict(list))
    # key result id -> values whose outcome is unknown (timeout, connection drop)
    unknown: dict = field(default_factory=lambda: defaultdict(list))
    warmup_saved: int = 0

    def take_ticket(self, limit):
        with self.lock:
            if self.sent >= limit:
                return False
            self.sent += 1
            return True


@dataclass
class Run:
    """What every phone shares."""

    url: str
    settings: Settings
    results: Results
    # Logins hash a password (hundreds of ms of CPU): a few at a time, so that the
    # set-up does not time out; they are not what is measured.
    login_gate: threading.Semaphore = field(default_factory=lambda: threading.Semaphore(2))
    start_event: threading.Event = field(default_factory=threading.Event)
    stop_event: threading.Event = field(default_factory=threading.Event)


class Phone(threading.Thread):
    def __init__(self, index, account, run):
        super().__init__(name=f"phone-{index}", daemon=True)
        self.index = index
        self.account = account
        self.url = run.url.rstrip("/")
        self.settings = run.settings
        self.results = run.results
        self.login_gate = run.login_gate
        self.start_event = run.start_event
        self.stop_event = run.stop_event
        self.session = requests.Session()
        self.csrf = None
        self.ready = False
        self.counter = 0
        self.random = random.Random(index)

    # One phone's session -----------------------------------------------------
    def login(self):
        timeout = max(self.settings.timeout, SETUP_TIMEOUT)
        page = self.session.get(f"{self.url}/web/login", timeout=timeout)
        token = CSRF_RE.search(page.text)
        if not token:
            raise RuntimeError("no csrf_token on /web/login")
        answer = self.session.post(
            f"{self.url}/web/login",
            data={
                "login": self.account["login"],
                "password": self.account["password"],
                "csrf_token": token.group(1),
                "redirect": "/my/okr",
            },
            timeout=timeout,
        )
        if urlsplit(answer.url).path != "/my/okr":
            raise RuntimeError(f"login as {self.account['login']} ended on {answer.url}")
        form = CSRF_RE.search(answer.text)
        if not form or f"/my/okr/kr/{self.account['key_result_id']}/checkin" not in answer.text:
            raise RuntimeError(f"/my/okr of {self.account['login']} has no check-in form")
        self.csrf = form.group(1)

    def check_in(self):
        """POST one check-in (form: then GET the page it redirects to; page: only
        GET /my/okr, with its earnings preview).

        Returns (post_ms, total_ms, http_requests) on success; raises otherwise."""
        if self.settings.via == "page":
            return self.read_page()
        self.counter += 1
        # Unique per key result, so that the database check sees every row.
        value = str(self.counter)
        action = f"{self.url}/my/okr/kr/{self.account['key_result_id']}/checkin"
        if self.settings.via == "fetch":
            action += ".json"
        fields = {
            "csrf_token": (None, self.csrf),
            "value": (None, value),
            "confidence": (None, "0.7"),
            "note": (None, MARK),
        }
        started = time.perf_counter()
        try:
            answer = self.session.post(
                action, files=fields, allow_redirects=False, timeout=self.settings.timeout
            )
        except requests.RequestException:
            with self.results.lock:  # it may have been saved: the rows check knows
                self.results.unknown[self.account["key_result_id"]].append(float(value))
            raise
        post_done = time.perf_counter()
        if self.settings.via == "fetch":
            return self.fetched(answer, float(value), (post_done - started) * 1000)
        location = answer.headers.get("Location", "")
        if answer.status_code not in (302, 303) or SAVED_PREFIX not in location:
            raise RuntimeError(f"POST answered {answer.status_code} {location[:80]}")
        page = self.session.get(urljoin(action, location), timeout=self.settings.timeout)
        finished = time.perf_counter()
        if page.status_code != 200 or "o_okr_kr" not in page.text:
            # The check-in is saved: only the page failed.
            self.record_saved(float(value))
            raise RuntimeError(f"GET /my/okr answered {page.status_code}")
        self.record_saved(float(value))
        return (post_done - started) * 1000, (finished - started) * 1000, 2

    def read_page(self):
        """GET /my/okr as a worker opening it: the page and its earnings preview."""
        started = time.perf_counter()
        page = self.session.get(f"{self.url}/my/okr", timeout=self.settings.timeout)
        elapsed = (time.perf_counter() - started) * 1000
        if page.status_code != 200 or "o_okr_preview" not in page.text:
            raise RuntimeError(f"GET /my/okr answered {page.status_code} without a preview")
        return elapsed, elapsed, 1

    def fetched(self, answer, value, post_ms):
        """Check the JSON answer of the page's script route."""
        try:
            data = answer.json()
        except ValueError:
            data = {}
        if answer.status_code != 200 or not data.get("ok") or "progress" not in data:
            raise RuntimeError(f"POST answered {answer.status_code} {answer.text[:80]}")
        self.record_saved(value)
        return post_ms, post_ms, 1

    def record_saved(self, value):
        with self.results.lock:
            self.results.saved[self.account["key_result_id"]].append(value)

    def error(self, exc):
        kind = type(exc).__name__
        message = f"{kind}: {exc}"[:120]
        with self.results.lock:
            self.results.errors[message] += 1

    # Thread body --------------------------------------------------------------
    def run(self):
        try:
            with self.login_gate:
                self.login()
            for _ in range(self.settings.warmup):
                self.check_in()
                with self.results.lock:
                    self.results.warmup_saved += 1
            self.ready = True
        except Exception as exc:  # reported in the summary
            self.error(exc)
        self.start_event.wait()  # every phone starts at the same time
        if not self.ready:
            return
        first = self.settings.think_seconds(self.random)
        if first:  # spread the phones over one pause, or they stay in step
            self.stop_event.wait(self.random.uniform(0, first))
        while not self.stop_event.is_set():
            if not self.results.take_ticket(self.settings.requests):
                break
            try:
                post_ms, total_ms, answered = self.check_in()
            except Exception as exc:  # counted as an error
                self.error(exc)
            else:
                with self.results.lock:
                    self.results.post_ms.append(post_ms)
                    self.results.total_ms.append(total_ms)
                    self.results.requests += answered
            pause = self.settings.think_seconds(self.random)
            if pause:
                self.stop_event.wait(pause)


def load_average():
    return " ".join(f"{value:.2f}" for value in os.getloadavg())


def percentile(values, pct):
    """Nearest-rank percentile (no interpolation), in the unit of the values."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    rank = max(1, -(-len(ordered) * pct // 100))
    return ordered[int(rank) - 1]


def describe(label, values):
    return (
        f"{label:<16} p50 {percentile(values, 50):7.1f} ms   p95 {percentile(values, 95):7.1f} ms"
        f"   p99 {percentile(values, 99):7.1f} ms   max {max(values, default=float('nan')):7.1f}"
        f" ms   mean {statistics.fmean(values) if values else float('nan'):7.1f} ms"
    )


def check_rows(dsn, results, key_result_ids):
    """Compare okr.checkin rows with the confirmed POSTs, value by value."""
    with psycopg2.connect(dsn) as connection, connection.cursor() as cursor:
        cursor.execute(
            "SELECT key_result_id, value, source, note FROM okr_checkin"
            " WHERE key_result_id = ANY(%s)",
            [list(key_result_ids)],
        )
        rows = cursor.fetchall()
    stored = defaultdict(Counter)
    others = 0
    for key_result_id, value, source, note in rows:
        if source != "portal" or note != MARK:
            others += 1
        stored[key_result_id][value] += 1
    lost = doubled = explained = 0
    for key_result_id in key_result_ids:
        expected = Counter(results.saved.get(key_result_id, []))
        maybe = Counter(results.unknown.get(key_result_id, []))
        for value, count in stored[key_result_id].items():
            extra = count - expected[value]
            if extra > 0 and maybe[value] >= extra:
                explained += extra  # a timed-out POST that did commit
            elif extra > 0:
                doubled += extra
        for value, count in expected.items():
            lost += max(0, count - stored[key_result_id][value])
    return len(rows), lost, doubled, explained, others


def drive(phones, run):
    """Log every phone in, start them together, stop them; returns (ready, seconds)."""
    settings, results = run.settings, run.results
    setup_started = time.perf_counter()
    for phone in phones:
        phone.start()
    # Wait for every phone to have logged in and warmed up (or failed).
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline and (
        sum(p.ready for p in phones) + sum(results.errors.values()) < len(phones)
    ):
        time.sleep(0.05)
    ready = sum(p.ready for p in phones)
    print(f"   {ready}/{len(phones)} phones ready in {time.perf_counter() - setup_started:.1f} s")
    began = time.perf_counter()
    run.start_event.set()
    while time.perf_counter() - began < settings.seconds and any(p.is_alive() for p in phones):
        time.sleep(0.05)
    run.stop_event.set()
    for phone in phones:
        phone.join(settings.timeout + 5)
    return ready, time.perf_counter() - began


def report(run, ready, elapsed):
    settings, results = run.settings, run.results
    ok = len(results.post_ms)
    errors = sum(results.errors.values())
    done = "pages read" if settings.via == "page" else "check-ins saved"
    print(f"== Results ({ok} {done} in {elapsed:.1f} s by {ready} phones; {settings.describe()})")
    label = "GET /my/okr" if settings.via == "page" else "POST alone"
    print(describe(label, results.post_ms))
    if settings.via == "page":
        each = "one GET of the page with its earnings preview"
    elif settings.via == "form":
        print(describe("POST + /my/okr", results.total_ms))
        each = "a POST and the page it redirects to"
    else:
        each = "one POST answered with JSON, the page updated in place"
    print(
        f"throughput       {ok / elapsed:.1f} {done.split(maxsplit=1)[0]}/s = "
        f"{results.requests / elapsed:.1f} HTTP requests/s (each: {each})"
    )
    print(f"errors           {errors}")
    for message, count in results.errors.most_common(10):
        print(f"   {count:5d} x {message}")
    print(f"load average     {load_average()} at the end (1/5/15 min; {os.cpu_count()} CPUs)")
    p95 = percentile(results.post_ms, 95)
    goal = "MET" if p95 < settings.target_ms else "MISSED"
    print(f"p95 goal         {label} p95 {p95:.1f} ms < {settings.target_ms:g} ms: {goal}")


def verify(db, results, accounts, via="fetch"):
    """Print the rows check; True when the database holds exactly the saved check-ins."""
    if via == "page":
        print("rows check       none: this run only read pages")
        return True
    key_result_ids = [account["key_result_id"] for account in accounts]
    rows, lost, doubled, explained, others = check_rows(f"dbname={db}", results, key_result_ids)
    confirmed = sum(len(values) for values in results.saved.values())
    good = rows == confirmed + explained and not (lost or doubled or others)
    print(
        f"rows check       {rows} okr.checkin rows vs {confirmed} confirmed POSTs "
        f"({results.warmup_saved} warm-up + {confirmed - results.warmup_saved} measured, "
        f"page failures included): lost {lost}, doubled {doubled}, "
        f"committed after a timeout {explained}, foreign {others} -> {'OK' if good else 'BAD'}"
    )
    return good


def main():
    parser = argparse.ArgumentParser(description="Phone check-in load benchmark")
    parser.add_argument("--url", required=True, help="http://127.0.0.1:<port>")
    parser.add_argument("--users-file", required=True, help="written by setup_database")
    parser.add_argument("--db", required=True, help="database to check the rows in")
    args = parser.parse_args()
    settings = Settings.from_env()
    host = urlsplit(args.url).hostname
    if host not in ("127.0.0.1", "localhost", "::1"):
        sys.exit(f"refusing to load {host}: this benchmark only targets 127.0.0.1")
    with open(args.users_file, encoding="utf-8") as handle:
        accounts = json.load(handle)

    run = Run(args.url, settings, Results())
    phones = [Phone(index, account, run) for index, account in enumerate(accounts)]
    print(
        f"== {len(phones)} phones, each: login, GET /my/okr, {settings.warmup} warm-up "
        f"check-in(s); then POST check-ins for {settings.seconds:g} s or "
        f"{settings.requests} POSTs in all, whichever comes first; {settings.describe()}"
    )
    print(f"   load average before: {load_average()}")
    ready, elapsed = drive(phones, run)
    report(run, ready, elapsed)
    good = verify(args.db, run.results, accounts, settings.via)
    sys.exit(0 if good and ready == len(phones) else 1)


if __name__ == "__main__":
    main()
