"""Incentive run benchmark for okr_addon (run by bench/incentive_run.sh).

Fills a database that already has okr_addon and OCA payroll (hence the bridge
okr_addon_payroll) installed without demo data with N employees spread round
robin over 200 departments (the teams), each with a contract version (start
before the month, a wage, a salary structure holding a BASIC rule and the
bridge's OKR_BONUS / KPI_DEDUCTION rules) and a job position (operator, setter
or line lead: pool coefficients 1.0 / 1.1 / 1.2), attendances on the weekdays of
the month, two KPIs (scrap rate, output) with one employee-level target and a
few measurements per employee, five incentive rules and one draft payslip per
employee for the month. The rules:

- scrap rate completion, fixed amounts in 4 tiers (some negative);
- output score, % of the wage, floored and capped;
- a scorecard of both KPIs, fixed amounts;
- a piece rate on the month's output (kpi_value, per_unit): the first 600 pcs
  at 0.50, the pieces beyond at 0.65;
- a team pool (pay_to team, one team per department, the 200 departments): the
  members' average scrap completion gives the department a pool of 500 (< 97 %),
  1,200 (97-100 %) or 2,000 (>= 100 %), split by hours worked x role coefficient.
  The split is by hours because attendances are cheap to give here: one SQL
  copy of an ORM-made attendance per employee and weekday, with ``date`` (the
  day in the employee's time zone) and ``worked_hours`` written as the pool's
  one grouped query reads them (sum of worked_hours of the attendances dated in
  the month). A check recomputes every share from those hours.

Individual rules give one line per employee with a basis, the pool one line per
member with a share; the expected counts come from the data.

Then, as the administrator (an OKR administrator, like an HR user clicking the
buttons):

1. ``run.action_compute()`` (first run: creates the lines), approve,
   ``run.action_post()`` (postings, recognition on each employee's chatter and
   delivery onto the draft payslips as hr.payslip.input rows);
2. ``action_post()`` again: nothing may be created and the inputs must not change;
3. ``action_compute()`` again on unchanged data (no line may change), approve,
   post again (nothing);
4. ``compute_sheet()`` on a sample of payslips: their OKR_BONUS / KPI_DEDUCTION
   lines must equal the employee's postings;
5. the pool's lines add up to each team's pool to the cent (the pool recomputed
   from the targets' completions and the tiers).

Targets (product issue, 2 cores): 10,000 employees in 200 teams, the three
individual rules, one piece rate and one team pool: compute <= 20 s, post <= 60 s,
re-post 0 rows.

Usage (normally through incentive_run.sh)::

    python3 bench/incentive_run.py --db_host … -d okr_bench_inc_x --addons-path=… --log-level=warn

Every argument is an Odoo server option; the benchmark's own settings are the
environment variables read in ``Settings``.
"""

import datetime
import io
import os
import pstats
import random
import sys
import tempfile
import time
from dataclasses import dataclass

from common import (
    MARK,
    QUIET,
    chunks,
    clone,
    clone_employees,
    employee_template,
    env_flag,
    env_int,
    env_month,
    month_end,
    open_registry,
    print_table,
    say,
    timed,
    yes_no,
)

from odoo import SUPERUSER_ID, api

DB_PREFIX = "okr_bench_inc"
BATCH = 2000  # records per ORM create() call while generating data
CODES = ("OKR_BONUS", "KPI_DEDUCTION")  # the bridge's payslip input codes
COMPUTE_TARGET = 20.0  # seconds, 10,000 employees in 200 teams x 5 rules
POST_TARGET = 60.0
BLANK = ("", "", "", "")  # the timing cells of a row without timing
RULES = 5  # three individual KPI rules, a piece rate and a team pool
# The team pool's fixed tiers on the team's scrap rate completion (%): (lower, upper, pool)
POOL_TIERS = ((None, 97.0, 500.0), (97.0, 100.0, 1200.0), (100.0, None, 2000.0))
# The piece rate's bands on a month's output (pcs): (lower, upper, rate per piece)
PIECE_BANDS = ((None, 600.0, 0.50), (600.0, None, 0.65))


@dataclass
class Settings:
    """Scale and options, from OKR_BENCH_* environment variables."""

    employees: int = 10_000
    departments: int = 200  # teams of the pool rule, employees spread round robin
    month: datetime.date = None  # first day of the incentive month
    measurements: int = 3  # measurements per employee and KPI
    slip_checks: int = 100  # payslips computed (compute_sheet) and checked
    profile: bool = False  # cProfile the first compute and the first post

    @classmethod
    def from_env(cls):
        return cls(
            employees=env_int("OKR_BENCH_EMPLOYEES", 10_000),
            departments=max(1, env_int("OKR_BENCH_DEPARTMENTS", 200)),
            month=env_month(),
            measurements=max(1, min(28, env_int("OKR_BENCH_MEASUREMENTS", 3))),
            slip_checks=env_int("OKR_BENCH_SLIP_CHECKS", 100),
            profile=env_flag("OKR_BENCH_PROFILE"),
        )

    @property
    def month_end(self):
        return month_end(self.month)

    @property
    def contract_start(self):
        """A year before the month: every contract covers it."""
        return self.month.replace(year=self.month.year - 1)


# okr_addon functions whose direct callees are listed, and hot internals whose callers are.
PROFILE_CALLEES = (
    "action_compute",
    "_rule_line_values",
    "_sync_lines",
    "action_post",
    "_post_deltas",
    "_recognize",
    "_deliver",
    "_okr_sync_inputs",
    "_okr_apply_plans",
)
PROFILE_CALLERS = (
    "__sub__",
    "__or__",
    "<method 'fromkeys' of 'dict' objects>",
    "_update_inverses",
    "html_sanitize",
    "convert_to_column_insert",
    "convert_to_cache",
    "filtered_domain",
)


def tier_values(lower, upper, amount):
    """An incentive tier's values from (lower, upper, amount); None: open-ended."""
    values = {"amount": amount}
    values.update({"lower": lower} if lower is not None else {"has_lower": False})
    values.update({"upper": upper} if upper is not None else {"has_upper": False})
    return values


def pool_of(value):
    """The team pool's amount for a team's completion (%), as POOL_TIERS says."""
    for lower, upper, amount in POOL_TIERS:
        if (lower is None or value >= lower) and (upper is None or value < upper):
            return amount
    return 0.0


def _label(func):
    filename, line, name = func
    if filename == "~":
        return name
    parts = filename.split("/")
    short = "/".join(parts[-3:]) if "okr_addon" in filename else "/".join(parts[-2:])
    return f"{short}:{line}({name})"


def profile_report(profiler, title, limit=30):
    """Top functions by cumulative and own time, the direct callees of okr_addon's
    steps and the callers of hot ORM internals; the raw stats go to a .prof file."""
    stats = pstats.Stats(profiler)
    slug = "".join(c if c.isalnum() else "_" for c in title).strip("_")
    path = os.path.join(tempfile.gettempdir(), f"okr_bench_inc_{slug}.prof")
    stats.dump_stats(path)
    for key, count in (("cumulative", limit), ("tottime", 15)):
        out = io.StringIO()
        pstats.Stats(path, stream=out).sort_stats(key).print_stats(count)
        text = out.getvalue()
        start = text.find("   ncalls")  # drop pstats' header
        say(f"---- cProfile {title}: top {count} by {key} ----")
        say(text[start:].rstrip() if start >= 0 else text)
    callees = {}  # function: {callee: (calls, cumulative)}
    for func, (_cc, _nc, _tt, _ct, callers) in stats.stats.items():
        for caller, (_ccc, ncc, _ttc, ctc) in callers.items():
            callees.setdefault(caller, {})[func] = (ncc, ctc)
    okr = [f for f in stats.stats if "okr_addon" in f[0] and f[2] in PROFILE_CALLEES]
    say(f"---- cProfile {title}: direct callees of okr_addon steps (calls, cumulative s) ----")
    for func in sorted(okr, key=lambda f: -stats.stats[f][3]):
        say(f"{_label(func)}: {stats.stats[func][3]:.2f} s")
        top = sorted(callees.get(func, {}).items(), key=lambda item: -item[1][1])[:6]
        for callee, (calls, cumulative) in top:
            say(f"    {cumulative:8.2f} s {calls:>8} x  {_label(callee)}")
    say(f"---- cProfile {title}: callers of hot internals (calls, cumulative s) ----")
    hot = [f for f in stats.stats if f[2] in PROFILE_CALLERS and stats.stats[f][3] >= 1.0]
    for func in sorted(hot, key=lambda f: -stats.stats[f][3]):
        say(f"{_label(func)}: {stats.stats[func][3]:.2f} s in {stats.stats[func][1]} calls")
        callers = stats.stats[func][4]
        for caller, (_cc, ncc, _tt, ctc) in sorted(callers.items(), key=lambda i: -i[1][3])[:3]:
            say(f"    {ctc:8.2f} s {ncc:>8} x  from {_label(caller)}")
    say(f"(raw profile: {path})")


class IncentiveBench:
    def __init__(self, env, settings):
        self.env = env  # superuser, quiet context: data generation
        self.cr = env.cr
        self.s = settings
        self.company = env.company
        self.rng = random.Random(20_260_101)  # same data on every run
        self.employee_ids = []
        self.version_of = {}  # employee id: its contract version id
        self.wage_of = {}
        self.team_of = {}  # employee id: the pool's team key (their department)
        self.structure = None
        self.kpis = {}
        self.departments = env["hr.department"]
        self.jobs = env["hr.job"]
        self.attendances = 0
        self.targets = env["kpi.target"]
        self.rules = env["okr.incentive.rule"]
        self.payslip_ids = []

    # ------------------------------------------------------------------
    # helpers
    # ------------------------------------------------------------------
    def timed(self, func, *args, profile=None):
        """Run func from a cold ORM cache; seconds include flushing and committing.
        ``profile``: a title, to print a cProfile summary of the call. The queries,
        their time and this process's CPU time are kept in ``self.last``."""
        self.last, result = timed(self.env, func, *args, profile=bool(profile))
        if self.last.profiler:
            profile_report(self.last.profiler, profile)
        return self.last.seconds, result

    def cells(self, seconds):
        """seconds, Python CPU seconds, SQL seconds and queries of the last timed call."""
        return (f"{seconds:.2f}", *self.last.cells()[1:])

    def scalar(self, query, params=None):
        self.cr.execute(query, params or [])
        return self.cr.fetchone()[0]

    def step(self, label, func, *args):
        seconds, result = self.timed(func, *args)
        say(f"  {label}: {seconds:.1f} s")
        return result

    # ------------------------------------------------------------------
    # data
    # ------------------------------------------------------------------
    def generate(self):
        env = self.env(context=dict(self.env.context, **QUIET))
        self.step("salary structure (BASIC + OKR_BONUS + KPI_DEDUCTION)", self._structure, env)
        self.step(
            f"{self.s.employees} employees with a contract version in {self.s.departments} "
            "departments (1 ORM create + SQL copies)",
            self._employees,
            env,
        )
        self.step("3 job positions with a pool coefficient (SQL update)", self._jobs, env)
        seconds, _ = self.timed(self._attendances, env)
        say(
            f"  {self.attendances} attendances, weekdays of the month (INSERT … SELECT): "
            f"{seconds:.1f} s"
        )
        self.step("2 KPIs", self._kpis, env)
        self.step(
            f"{2 * self.s.employees} employee KPI targets (batched ORM create)", self._targets, env
        )
        count = 2 * self.s.employees * self.s.measurements
        self.step(
            f"{count} measurements (batched ORM create, actuals computed once)",
            self._measurements,
            env,
        )
        self.step("targets._recompute_actuals() once", self._actuals, env)
        self.step(f"{RULES} incentive rules", self._rules, env)
        self.step(f"{self.s.employees} draft payslips (batched ORM create)", self._payslips, env)
        for table in (
            "hr_employee",
            "hr_version",
            "hr_attendance",
            "kpi_target",
            "kpi_measurement",
            "hr_payslip",
            "hr_payslip_input",
        ):
            self.cr.execute(f'ANALYZE "{table}"')
        self.cr.commit()

    def _structure(self, env):
        category = env["hr.salary.rule.category"].create({"name": "Basic", "code": "BASIC"})
        basic = env["hr.salary.rule"].create(
            {
                "name": "Basic",
                "code": "BASIC",
                "sequence": 1,
                "category_id": category.id,
                "condition_select": "none",
                "amount_select": "code",
                "amount_python_compute": "result = contract.wage",
            }
        )
        bonus = env.ref("okr_addon_payroll.hr_salary_rule_okr_bonus")
        deduction = env.ref("okr_addon_payroll.hr_salary_rule_kpi_deduction")
        self.structure = env["hr.payroll.structure"].create(
            {
                "name": f"{MARK} factory",
                "code": "BENCH_FACTORY",
                "rule_ids": [(6, 0, [basic.id, bonus.id, deduction.id])],
            }
        )

    def _employees(self, env):
        """The first employee and its version through the ORM, the others as SQL copies
        (common.clone_employees: resource, employee and version rows), so every
        employee has one version with the contract start, the structure and a wage;
        wages then differ (3,000-6,000) so that % of wage amounts differ too."""
        departments, template = employee_template(env, departments=self.s.departments)
        self.departments = departments
        template.version_id.write(
            {
                "contract_date_start": self.s.contract_start,
                "wage": 5000.0,
                "struct_id": self.structure.id,
            }
        )
        env.flush_all()
        clone_employees(self.cr, template, departments.ids, self.s.employees)
        self.cr.execute(
            """UPDATE hr_version v SET wage = 3000 + (v.employee_id %% 31) * 100
               FROM hr_employee e WHERE e.id = v.employee_id AND e.name LIKE %s""",
            [f"{MARK} employee %"],
        )
        self.cr.execute(
            """SELECT e.id, e.current_version_id, v.wage FROM hr_employee e
               JOIN hr_version v ON v.id = e.current_version_id
               WHERE e.name LIKE %s AND v.contract_date_start = %s AND v.struct_id = %s
               ORDER BY e.id""",
            [f"{MARK} employee %", self.s.contract_start, self.structure.id],
        )
        rows = self.cr.fetchall()
        assert len(rows) == self.s.employees, f"{len(rows)} employees with a contract"
        self.cr.execute(
            """SELECT e.id, v.department_id FROM hr_employee e
               JOIN hr_version v ON v.id = e.current_version_id WHERE e.id = ANY(%s)""",
            [[row[0] for row in rows]],
        )
        self.team_of = {emp: f"department:{dep}" for emp, dep in self.cr.fetchall()}
        teams = len(set(self.team_of.values()))
        assert teams == min(self.s.departments, self.s.employees), f"{teams} departments used"
        self.employee_ids = [row[0] for row in rows]
        self.version_of = {row[0]: row[1] for row in rows}
        self.wage_of = {row[0]: row[2] for row in rows}
        env.invalidate_all()

    def _jobs(self, env):
        """Operators (pool coefficient 1.0), setters (1.1) and line leads (1.2): one
        employee in ten leads a line, two in ten set machines up, the others operate."""
        self.jobs = env["hr.job"].create(
            [
                {"name": f"{MARK} operator", "okr_pool_coefficient": 1.0},
                {"name": f"{MARK} setter", "okr_pool_coefficient": 1.1},
                {"name": f"{MARK} line lead", "okr_pool_coefficient": 1.2},
            ]
        )
        operator, setter, lead = self.jobs.ids
        self.cr.execute(
            """UPDATE hr_version SET job_id = CASE employee_id %% 10 WHEN 0 THEN %s
                                                               WHEN 1 THEN %s WHEN 2 THEN %s
                                                               ELSE %s END
               WHERE id = ANY(%s)""",
            [lead, setter, setter, operator, list(self.version_of.values())],
        )
        env.invalidate_all()

    def _attendances(self, env):
        """One attendance per weekday of the month and employee (one weekday in 13 off,
        depending on the employee), 7.5-10 h long (by employee and day), from 08:00 in
        the employees' time zone, as SQL copies of one ORM-made attendance. The stored
        computed columns are written the way the pool reads them: ``date`` is the day in
        the employee's time zone (what hr.attendance computes, the team pool filters on
        it) and ``worked_hours`` the hours written (no lunch break taken off); overtime
        is the time beyond 8 h."""
        first = env["hr.employee"].browse(self.employee_ids[0])
        tz = first._get_tz()
        template = env["hr.attendance"].create(
            {
                "employee_id": first.id,
                "check_in": datetime.datetime(2000, 1, 3, 8),
                "check_out": datetime.datetime(2000, 1, 3, 16),
            }
        )
        env.flush_all()
        source = """
            SELECT e.id AS employee_id, d.day,
                   ((d.day + time '08:00') AT TIME ZONE %(tz)s) AT TIME ZONE 'UTC' AS check_in,
                   7.5 + ((e.id * 7 + extract(day from d.day)::int) %% 11) * 0.25 AS hours
            FROM unnest(%(employees)s::int[]) AS e(id)
            CROSS JOIN (SELECT g::date AS day
                        FROM generate_series(%(start)s::date, %(end)s::date,
                                             interval '1 day') AS g) d
            WHERE extract(isodow from d.day) < 6
              AND (e.id + extract(day from d.day)::int) %% 13 <> 0"""
        self.attendances = clone(
            self.cr,
            "hr_attendance",
            template.id,
            source,
            {
                "employee_id": "g.employee_id",
                "check_in": "g.check_in",
                "check_out": "g.check_in + g.hours * interval '1 hour'",
                "date": "g.day",
                "worked_hours": "g.hours",
                "expected_hours": "LEAST(g.hours, 8)",
                "overtime_hours": "GREATEST(g.hours - 8, 0)",
                "validated_overtime_hours": "GREATEST(g.hours - 8, 0)",
                "create_date": "now() AT TIME ZONE 'UTC'",
                "write_date": "now() AT TIME ZONE 'UTC'",
            },
            params={
                "tz": tz,
                "employees": self.employee_ids,
                "start": self.s.month,
                "end": self.s.month_end,
            },
        )
        template.unlink()
        env.flush_all()

    def _kpis(self, env):
        Definition = env["kpi.definition"]
        self.kpis["scrap"] = Definition.create(
            {
                "name": "Scrap rate",
                "code": "BENCH_SCRAP",
                "unit": "%",
                "direction": "lower_better",
                "aggregation": "avg",
            }
        )
        self.kpis["output"] = Definition.create(
            {
                "name": "Output",
                "code": "BENCH_OUTPUT",
                "unit": "pcs",
                "direction": "higher_better",
                "aggregation": "sum",
            }
        )

    def _targets(self, env):
        """Scrap rate: target 4 %, floor 6 %, weight 2; output: target 1,000 pcs, weight 1."""
        common = {
            "level": "employee",
            "date_from": self.s.month,
            "date_to": self.s.month_end,
        }
        specs = (
            (self.kpis["scrap"], {"target": 4.0, "floor": 6.0, "weight": 2.0}),
            (self.kpis["output"], {"target": 1000.0, "floor": 0.0, "weight": 1.0}),
        )
        ids = []
        for definition, values in specs:
            for batch in chunks(self.employee_ids, BATCH):
                targets = env["kpi.target"].create(
                    [
                        dict(common, **values, definition_id=definition.id, employee_id=emp)
                        for emp in batch
                    ]
                )
                ids += targets.ids
                env.flush_all()
                self.cr.commit()
                env.invalidate_all()
        self.targets = env["kpi.target"].browse(ids)

    def _measurements(self, env):
        """Per employee a monthly level spread over every tier, measured on
        ``measurements`` days with a little noise: scrap rate 2.4-5.6 % (average),
        output 350-1,350 pcs in total (sum)."""
        days = [
            self.s.month + datetime.timedelta(days=1 + k * 27 // self.s.measurements)
            for k in range(self.s.measurements)
        ]
        from odoo.addons.okr_addon.okr_addon.models.kpi_measurement import batched  # noqa: PLC0415 (the addons path is set once Odoo is configured)

        Measurement = batched(env["kpi.measurement"])
        vals = []
        for emp in self.employee_ids:
            scrap = self.rng.uniform(2.4, 5.6)
            output = self.rng.uniform(350, 1350) / len(days)
            for day in days:
                vals.append(
                    {
                        "definition_id": self.kpis["scrap"].id,
                        "employee_id": emp,
                        "date": day,
                        "value": round(scrap + self.rng.uniform(-0.2, 0.2), 3),
                    }
                )
                vals.append(
                    {
                        "definition_id": self.kpis["output"].id,
                        "employee_id": emp,
                        "date": day,
                        "value": round(output * self.rng.uniform(0.9, 1.1), 1),
                    }
                )
        for batch in chunks(vals, 5000):
            Measurement.create(batch)
            env.flush_all()
            self.cr.commit()
            env.invalidate_all()

    def _actuals(self, env):
        self.targets.with_env(env)._recompute_actuals()
        env.flush_all()
        missing = self.scalar(
            "SELECT count(*) FROM kpi_target WHERE id = ANY(%s) AND NOT has_actual",
            [self.targets.ids],
        )
        assert not missing, f"{missing} targets without an actual"

    def _rules(self, env):
        """Scrap completion (fixed, 4 tiers, some negative), output score (% of wage,
        floored and capped) and a weighted scorecard of both (fixed)."""
        Rule = env["okr.incentive.rule"]
        completion = Rule.create(
            {
                "name": "Scrap rate bonus",
                "code": "BENCH_SCRAP_BONUS",
                "basis": "kpi_completion",
                "definition_id": self.kpis["scrap"].id,
                "amount_type": "fixed",
                "tier_ids": [
                    (0, 0, {"has_lower": False, "upper": 80, "amount": -200}),
                    (0, 0, {"lower": 80, "upper": 100, "amount": 0}),
                    (0, 0, {"lower": 100, "upper": 110, "amount": 150}),
                    (0, 0, {"lower": 110, "has_upper": False, "amount": 300}),
                ],
            }
        )
        score = Rule.create(
            {
                "name": "Output bonus",
                "code": "BENCH_OUTPUT_BONUS",
                "basis": "kpi_score",
                "definition_id": self.kpis["output"].id,
                "amount_type": "wage_percent",
                "use_cap": True,
                "cap": 250.0,
                "use_floor": True,
                "floor": -150.0,
                "tier_ids": [
                    (0, 0, {"has_lower": False, "upper": 60, "amount": -2}),
                    (0, 0, {"lower": 60, "upper": 90, "amount": 0}),
                    (0, 0, {"lower": 90, "upper": 100, "amount": 2}),
                    (0, 0, {"lower": 100, "has_upper": False, "amount": 5}),
                ],
            }
        )
        scorecard = Rule.create(
            {
                "name": "Scorecard bonus",
                "code": "BENCH_SCORECARD",
                "basis": "kpi_scorecard",
                "amount_type": "fixed",
                "tier_ids": [
                    (0, 0, {"has_lower": False, "upper": 70, "amount": 0}),
                    (0, 0, {"lower": 70, "upper": 90, "amount": 50}),
                    (0, 0, {"lower": 90, "upper": 105, "amount": 100}),
                    (0, 0, {"lower": 105, "has_upper": False, "amount": 200}),
                ],
            }
        )
        piece = Rule.create(
            {
                "name": "Output piece rate",
                "code": "BENCH_PIECE_RATE",
                "basis": "kpi_value",
                "definition_id": self.kpis["output"].id,
                "amount_type": "per_unit",
                "tier_ids": [(0, 0, tier_values(*band)) for band in PIECE_BANDS],
            }
        )
        pool = Rule.create(
            {
                "name": "Line scrap pool",
                "code": "BENCH_TEAM_POOL",
                "pay_to": "team",
                "team_by": "department",
                "department_ids": [(6, 0, self.departments.ids)],
                "split_key": "hours_coefficient",
                "basis": "kpi_completion",
                "definition_id": self.kpis["scrap"].id,
                "amount_type": "fixed",
                "tier_ids": [(0, 0, tier_values(*tier)) for tier in POOL_TIERS],
            }
        )
        self.rules = completion | score | scorecard | piece | pool
        assert len(self.rules) == RULES
        assert all(self.rules.mapped("post_chatter")), "recognition is measured too"

    def _payslips(self, env):
        Payslip = env["hr.payslip"]
        for batch in chunks(self.employee_ids, 1000):
            slips = Payslip.create(
                [
                    {
                        "employee_id": emp,
                        "date_from": self.s.month,
                        "date_to": self.s.month_end,
                        "contract_id": self.version_of[emp],
                        "struct_id": self.structure.id,
                        "name": f"Payslip {emp} {self.s.month:%Y-%m}",
                    }
                    for emp in batch
                ]
            )
            self.payslip_ids += slips.ids
            env.flush_all()
            self.cr.commit()
            env.invalidate_all()

    # ------------------------------------------------------------------
    # figures
    # ------------------------------------------------------------------
    def line_snapshot(self, run):
        self.cr.execute(
            """SELECT id, write_date, amount, basis_value, tier_name, state, explanation_data
               FROM okr_incentive_line WHERE run_id = %s""",
            [run.id],
        )
        return {row[0]: row[1:] for row in self.cr.fetchall()}

    def counts(self, run):
        """Row counts after a step."""
        return {
            "lines": self.scalar(
                "SELECT count(*) FROM okr_incentive_line WHERE run_id = %s", [run.id]
            ),
            "postings": self.scalar(
                "SELECT count(*) FROM okr_incentive_posting WHERE run_id = %s", [run.id]
            ),
            "on_payslip": self.scalar(
                """SELECT count(*) FROM okr_incentive_posting
                   WHERE run_id = %s AND state = 'on_payslip' AND payslip_id IS NOT NULL""",
                [run.id],
            ),
            "inputs": self.scalar(
                "SELECT count(*) FROM hr_payslip_input WHERE code = ANY(%s)", [list(CODES)]
            ),
            "inputs_hash": self.scalar(
                """SELECT md5(coalesce(string_agg(concat_ws('|', id, payslip_id, code, amount,
                                                           name, write_date), ',' ORDER BY id), ''))
                   FROM hr_payslip_input WHERE code = ANY(%s)""",
                [list(CODES)],
            ),
            "notes": self.scalar(
                """SELECT count(*) FROM mail_message
                   WHERE model = 'hr.employee' AND res_id = ANY(%s)""",
                [self.employee_ids],
            ),
        }

    def input_mismatches(self):
        """(payslip, code) pairs whose bridge input differs from the sum of the postings
        bound to the payslip, or that hold more than one input."""
        return self.scalar(
            """WITH p AS (SELECT payslip_id, input_code AS code, round(sum(amount)::numeric, 2) AS a
                          FROM okr_incentive_posting WHERE payslip_id IS NOT NULL
                          GROUP BY 1, 2),
                    i AS (SELECT payslip_id, code, round(sum(amount)::numeric, 2) AS a,
                                 count(*) AS n
                          FROM hr_payslip_input WHERE code = ANY(%s) GROUP BY 1, 2)
               SELECT count(*) FROM p FULL JOIN i USING (payslip_id, code)
               WHERE coalesce(i.n, 0) > 1 OR coalesce(p.a, 0) <> coalesce(i.a, 0)""",
            [list(CODES)],
        )

    def expected_postings(self, run):
        """Lines with an amount: each gives one posting (bonus or deduction code)."""
        return self.scalar(
            """SELECT count(*) FROM okr_incentive_line
               WHERE run_id = %s AND state = 'ok' AND abs(amount) > 0.005""",
            [run.id],
        )

    def expected_lines(self):
        """{rule code: lines the data calls for}. An individual rule gives one line per
        employee with a basis: a target with an actual for the two KPI rules, either of
        them for the scorecard, output measured in the month for the piece rate. The
        pool gives one line per member with a share: an employee of a team that has a
        result (a member's scrap target with an actual) whose hours x coefficient in
        the month are above 0."""
        self.cr.execute(
            """SELECT t.definition_id, t.employee_id FROM kpi_target t
               WHERE t.id = ANY(%s) AND t.has_actual""",
            [self.targets.ids],
        )
        with_actual = {}
        for definition, employee in self.cr.fetchall():
            with_actual.setdefault(definition, set()).add(employee)
        scrap = with_actual.get(self.kpis["scrap"].id, set())
        output = with_actual.get(self.kpis["output"].id, set())
        measured = self.scalar(
            """SELECT count(DISTINCT employee_id) FROM kpi_measurement
               WHERE definition_id = %s AND date BETWEEN %s AND %s AND employee_id = ANY(%s)""",
            [self.kpis["output"].id, self.s.month, self.s.month_end, self.employee_ids],
        )
        teams_with_result = {self.team_of[emp] for emp in scrap if emp in self.team_of}
        sharing = sum(
            1
            for emp, weight in self.pool_weights().items()
            if weight > 0 and self.team_of.get(emp) in teams_with_result
        )
        return {
            "BENCH_SCRAP_BONUS": len(scrap),
            "BENCH_OUTPUT_BONUS": len(output),
            "BENCH_SCORECARD": len(scrap | output),
            "BENCH_PIECE_RATE": measured,
            "BENCH_TEAM_POOL": sharing,
        }

    def pool_weights(self):
        """{employee id: weight} of the pool's split, from the attendances this benchmark
        wrote: the month's hours (rounded to 0.01 h, as the pool does) x the coefficient
        of the employee's job position."""
        self.cr.execute(
            """SELECT a.employee_id,
                      round(sum(a.worked_hours)::numeric, 2) * coalesce(j.okr_pool_coefficient, 1)
               FROM hr_attendance a
               JOIN hr_employee e ON e.id = a.employee_id
               JOIN hr_version v ON v.id = e.current_version_id
               LEFT JOIN hr_job j ON j.id = v.job_id
               WHERE a.employee_id = ANY(%s) AND a.date BETWEEN %s AND %s
               GROUP BY a.employee_id, j.okr_pool_coefficient""",
            [self.employee_ids, self.s.month, self.s.month_end],
        )
        return {emp: float(weight) for emp, weight in self.cr.fetchall()}

    def pool_mismatches(self, run):
        """(teams paid, teams whose lines do not add up to the team's pool to the cent,
        shares off their hours x coefficient by more than a cent, {team key: pool}).

        A team's pool comes from the tiers applied to the average scrap completion of
        its members with a target, computed here from kpi_target; the pool's lines must
        add up to it per team_key (no gate: a blocked share, withheld, shows here), and
        each share must be pool x weight / the team's weight within the cent the
        largest-remainder rounding may add: the hours the pool read are the ones written."""
        self.cr.execute(
            """SELECT t.employee_id, t.completion FROM kpi_target t
               WHERE t.id = ANY(%s) AND t.has_actual AND t.definition_id = %s
               ORDER BY t.employee_id""",
            [self.targets.ids, self.kpis["scrap"].id],
        )
        completions = {}
        for emp, completion in self.cr.fetchall():
            completions.setdefault(self.team_of[emp], []).append(completion)
        expected = {
            key: pool_of(round(sum(values) / len(values) * 100, 2))
            for key, values in completions.items()
        }
        self.cr.execute(
            """SELECT l.team_key, l.employee_id, l.amount
               FROM okr_incentive_line l JOIN okr_incentive_rule r ON r.id = l.rule_id
               WHERE l.run_id = %s AND r.code = 'BENCH_TEAM_POOL'""",
            [run.id],
        )
        shares = self.cr.fetchall()
        paid, team_weight = {}, {}
        weights = self.pool_weights()
        for key, emp, amount in shares:
            paid[key] = round(paid.get(key, 0.0) + amount, 2)
            team_weight[key] = team_weight.get(key, 0.0) + weights.get(emp, 0.0)
        off_shares = sum(
            1
            for key, emp, amount in shares
            if not team_weight[key]
            or abs(amount - expected.get(key, 0.0) * weights.get(emp, 0.0) / team_weight[key])
            > 0.0101
        )
        bad = [
            key
            for key in expected.keys() | paid.keys()
            if abs(paid.get(key, 0.0) - expected.get(key, 0.0)) > 0.001
        ]
        for key in sorted(bad)[:3]:
            say(f"    {key}: lines add up to {paid.get(key)}, pool {expected.get(key)}")
        return len(paid), len(bad), off_shares, expected

    def check_payslips(self, env):
        """compute_sheet() on a spread sample of payslips; returns (slips, seconds,
        mismatches): OKR_BONUS / KPI_DEDUCTION lines vs the employee's postings, BASIC vs
        the wage."""
        count = min(self.s.slip_checks, len(self.payslip_ids))
        if not count:
            return 0, 0.0, 0
        step = max(1, len(self.payslip_ids) // count)
        slips = env["hr.payslip"].browse(self.payslip_ids[::step][:count])
        seconds, _ = self.timed(slips.compute_sheet)
        self.cr.execute(
            """SELECT e.id, p.input_code, sum(p.amount) FROM okr_incentive_posting p
               JOIN hr_employee e ON e.id = p.employee_id
               WHERE e.id = ANY(%s) GROUP BY 1, 2""",
            [slips.employee_id.ids],
        )
        posted = {(emp, code): amount for emp, code, amount in self.cr.fetchall()}
        bad = 0
        for slip in slips:
            totals = {
                code: sum(slip.line_ids.filtered(lambda x, c=code: x.code == c).mapped("total"))
                for code in (*CODES, "BASIC")
            }
            emp = slip.employee_id.id
            expected = {code: posted.get((emp, code), 0.0) for code in CODES}
            expected["BASIC"] = self.wage_of[emp]
            if any(abs(totals[c] - expected[c]) > 0.005 for c in expected):
                bad += 1
                if bad <= 3:
                    say(f"    payslip {slip.id}: lines {totals}, expected {expected}")
        return count, seconds, bad


def main():  # noqa: PLR0915 - one linear script: generate, measure, report
    db, registry = open_registry(sys.argv[1:], DB_PREFIX)
    s = Settings.from_env()
    with registry.cursor() as cr:
        root = api.Environment(cr, SUPERUSER_ID, {})
        bench = IncentiveBench(root, s)
        month = s.month.strftime("%Y-%m")
        say(
            f"== okr_addon incentive run benchmark on '{db}': {s.employees} employees in "
            f"{s.departments} departments x {RULES} rules, month {month}"
        )
        say("== Generating data")
        start = time.perf_counter()
        bench.generate()
        generation = time.perf_counter() - start
        say(f"  data generated in {generation:.0f} s")

        # The administrator (an OKR administrator) runs it, without any quiet context.
        admin = root.ref("base.user_admin")
        env = api.Environment(cr, admin.id, {"lang": admin.lang or "en_US"})
        run = env["okr.incentive.run"].create(
            {"date_from": s.month, "rule_ids": [(6, 0, bench.rules.ids)]}
        )
        # Four-Eyes Approval: a second OKR administrator approves what admin computed.
        approver = (
            root["res.users"]
            .with_context(no_reset_password=True)
            .create(
                {
                    "name": "Bench approver",
                    "login": "okr_bench_approver",
                    "group_ids": [
                        (4, root.ref("base.group_user").id),
                        (4, root.ref("okr_addon.group_okr_admin").id),
                    ],
                }
            )
        )
        approve = run.with_user(approver).action_approve
        cr.commit()
        rows = []
        checks = []

        load = [os.getloadavg()[0]]
        say(f"== Measuring (as {admin.login}; other processes may share the 2 cores)")
        before = bench.line_snapshot(run)
        t_compute1, _ = bench.timed(
            run.action_compute, profile=s.profile and "action_compute (first)"
        )
        after = bench.line_snapshot(run)
        c1 = bench.counts(run)
        say(f"  action_compute 1: {t_compute1:.2f} s, {c1['lines']} lines")
        rows.append(
            (
                "action_compute (first: creates lines)",
                *bench.cells(t_compute1),
                f"{len(after) - len(before)} lines created",
                f"<= {COMPUTE_TARGET:g} s",
                yes_no(t_compute1 <= COMPUTE_TARGET),
            )
        )
        t_approve, _ = bench.timed(approve)
        rows.append(("action_approve", *bench.cells(t_approve), "", "", ""))
        expected_postings = bench.expected_postings(run)

        t_post1, postings1 = bench.timed(
            run.action_post, profile=s.profile and "action_post (first)"
        )
        c2 = bench.counts(run)
        say(f"  action_post 1: {t_post1:.2f} s, {c2['postings']} postings, {c2['inputs']} inputs")
        rows.append(
            (
                "action_post (first: postings + recognition + payslips)",
                *bench.cells(t_post1),
                f"{len(postings1)} postings",
                f"<= {POST_TARGET:g} s",
                yes_no(t_post1 <= POST_TARGET),
            )
        )
        rows.append(("  postings on a draft payslip", *BLANK, f"{c2['on_payslip']}", "", ""))
        rows.append(
            (
                "  hr.payslip.input rows (OKR_BONUS / KPI_DEDUCTION)",
                *BLANK,
                f"{c2['inputs'] - c1['inputs']} created",
                "",
                "",
            )
        )
        rows.append(
            (
                "  recognition notes on employees",
                *BLANK,
                f"{c2['notes'] - c1['notes']} logged",
                "",
                "",
            )
        )
        mismatch1 = bench.input_mismatches()
        checks.append(
            (
                f"postings = lines with an amount ({expected_postings})",
                len(postings1) == expected_postings == c2["postings"],
            )
        )
        checks.append(
            (
                "every posting is on its employee's draft payslip",
                c2["on_payslip"] == c2["postings"],
            )
        )
        checks.append(
            (
                f"payslip inputs = sum of their postings, one input per code "
                f"(mismatches: {mismatch1})",
                mismatch1 == 0,
            )
        )

        t_post2, postings2 = bench.timed(run.action_post)
        c3 = bench.counts(run)
        say(f"  action_post 2: {t_post2:.2f} s, {len(postings2)} postings")
        rows.append(
            (
                "action_post again (nothing changed)",
                *bench.cells(t_post2),
                f"{len(postings2)} postings created",
                "0 rows",
                yes_no(
                    not postings2
                    and c3["postings"] == c2["postings"]
                    and c3["inputs_hash"] == c2["inputs_hash"]
                    and c3["notes"] == c2["notes"]
                ),
            )
        )
        rows.append(
            (
                "  payslip inputs / notes after it",
                *BLANK,
                f"{c3['inputs'] - c2['inputs']:+d} inputs, "
                f"{'unchanged' if c3['inputs_hash'] == c2['inputs_hash'] else 'CHANGED'}; "
                f"{c3['notes'] - c2['notes']:+d} notes",
                "",
                "",
            )
        )

        before = bench.line_snapshot(run)
        t_compute2, _ = bench.timed(run.action_compute)
        after = bench.line_snapshot(run)
        updated = sum(1 for key in after.keys() & before.keys() if after[key] != before[key])
        created = len(after.keys() - before.keys())
        deleted = len(before.keys() - after.keys())
        say(f"  action_compute 2: {t_compute2:.2f} s, {updated} lines updated")
        rows.append(
            (
                "action_compute again (unchanged data)",
                *bench.cells(t_compute2),
                f"{updated} updated / {created} created / {deleted} deleted",
                f"0 rows, <= {COMPUTE_TARGET:g} s",
                yes_no(not (updated or created or deleted) and t_compute2 <= COMPUTE_TARGET),
            )
        )
        bench.timed(approve)
        t_post3, postings3 = bench.timed(run.action_post)
        c4 = bench.counts(run)
        say(f"  action_post 3: {t_post3:.2f} s, {len(postings3)} postings")
        rows.append(
            (
                "action_post after the recompute",
                *bench.cells(t_post3),
                f"{len(postings3)} postings created",
                "0 rows",
                yes_no(not postings3 and c4["inputs_hash"] == c2["inputs_hash"]),
            )
        )

        say(f"== compute_sheet on {min(s.slip_checks, s.employees)} payslips")
        slips, t_sheet, bad = bench.check_payslips(root)
        if slips:
            rows.append(
                (
                    f"compute_sheet on {slips} payslips",
                    *bench.cells(t_sheet),
                    f"{bad} mismatches",
                    "0",
                    yes_no(not bad),
                )
            )
            checks.append(
                (
                    f"OKR_BONUS / KPI_DEDUCTION payslip lines = the employee's postings, "
                    f"BASIC = wage ({slips} payslips)",
                    not bad,
                )
            )
        mismatch2 = bench.input_mismatches()
        checks.append(
            (f"payslip inputs still = postings at the end (mismatches: {mismatch2})", not mismatch2)
        )
        cr.execute(
            """SELECT r.code, count(*), count(*) FILTER (WHERE l.state = 'ok'),
                      count(*) FILTER (WHERE l.amount > 0),
                      count(*) FILTER (WHERE l.amount < 0), round(sum(l.amount)::numeric, 2),
                      count(DISTINCT l.team_key)
               FROM okr_incentive_line l JOIN okr_incentive_rule r ON r.id = l.rule_id
               WHERE l.run_id = %s GROUP BY r.code, r.sequence, r.id ORDER BY r.id""",
            [run.id],
        )
        per_rule = cr.fetchall()
        expected_lines = bench.expected_lines()
        lines_of = {code: (n, ok) for code, n, ok, *_rest in per_rule}
        wrong = {
            code: (lines_of.get(code, (0, 0))[0], want)
            for code, want in expected_lines.items()
            if lines_of.get(code, (0, 0)) != (want, want)
        }
        checks.append(
            (
                f"lines per rule = what the data calls for, all ok "
                f"({sum(expected_lines.values())} expected: "
                f"{', '.join(f'{c} {n}' for c, n in expected_lines.items())}"
                f"{f'; wrong (lines, expected): {wrong}' if wrong else ''})",
                not wrong and len(per_rule) == RULES,
            )
        )
        teams_paid, pool_bad, off_shares, pools = bench.pool_mismatches(run)
        checks.append(
            (
                f"team pool lines add up to each team's pool to the cent, sum per team_key = "
                f"pool from the tiers on the members' average scrap completion "
                f"({teams_paid} teams paid of {len(pools)} with a result, {pool_bad} mismatches)",
                not pool_bad and teams_paid == len(pools),
            )
        )
        checks.append(
            (
                f"each pool share = pool x member's hours x coefficient / the team's, within a "
                f"cent (hours from the attendances written; {off_shares} shares off)",
                not off_shares,
            )
        )
        pool_spread = {amount: list(pools.values()).count(amount) for _l, _u, amount in POOL_TIERS}
        load.append(os.getloadavg()[0])

    # ------------------------------------------------------------------ report
    say("")
    say(
        f"Incentive run benchmark: {s.employees} employees in {s.departments} departments "
        f"x {RULES} rules (kpi_completion fixed 4 tiers, kpi_score % of wage, kpi_scorecard "
        f"of 2 KPIs, kpi_value piece rate in 2 bands, team pool per department on the "
        f"members' scrap completion split by hours x role coefficient), month {month}, "
        f"{s.measurements} measurements per employee and KPI, {bench.attendances} "
        f"attendances; data generated in {generation:.0f} s"
    )
    say(
        "Team pools by tier: "
        + ", ".join(f"{n} teams at {amount:g}" for amount, n in pool_spread.items())
    )
    say(
        "Machine: 2 cores, possibly shared with other benchmarks running at the same time; "
        "seconds are wall-clock and include flush + commit; py CPU s is this Odoo process's "
        "CPU time, SQL s the time spent waiting for PostgreSQL's answers."
    )
    say(f"Load average (1 min) before / after measuring: {load[0]:.1f} / {load[1]:.1f}")
    say("")
    print_table(
        [("measure", "seconds", "py CPU s", "SQL s", "queries", "rows", "target", "met"), *rows]
    )
    say("")
    print_table(
        [
            ("rule", "lines", "expected", "bonus", "deduction", "total amount", "teams"),
            *[
                (code, n, expected_lines.get(code, "?"), pos, neg, f"{total}", teams or "")
                for code, n, _ok, pos, neg, total, teams in per_rule
            ],
        ]
    )
    say("")
    for label, ok in checks:
        say(f"  [{yes_no(ok)}] {label}")
    say("")
    say(
        f"Targets: compute <= {COMPUTE_TARGET:g} s: {yes_no(t_compute1 <= COMPUTE_TARGET)} "
        f"({t_compute1:.2f} s); post <= {POST_TARGET:g} s: {yes_no(t_post1 <= POST_TARGET)} "
        f"({t_post1:.2f} s); re-post creates 0 rows: "
        f"{yes_no(not postings2 and not postings3)}"
    )
    if s.profile:
        say("(OKR_BENCH_PROFILE=1: the first compute and post ran under cProfile, slower)")


if __name__ == "__main__":
    main()
