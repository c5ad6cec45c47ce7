"""KPI refresh benchmark for okr_addon (run by bench/kpi_refresh.sh).

Fills a database that already has okr_addon, hr_expense and gamification
installed with N employees and ~M source rows (half attendances, half
expenses, spread over the measured month and the one before), then times,
in one process and on the same data:

1. okr_addon: ``kpi.definition.action_refresh(day)`` for 5 KPIs of one month
   (run 1 creates the measurements, run 2 must change nothing, run 3 follows
   new source data so that every value changes);
2. the floor: one raw SQL ``GROUP BY`` per KPI computing the same numbers,
   which are also compared with what okr_addon stored;
3. the incumbent: Odoo's gamification goals (one goal per user and KPI)
   updated with ``gamification.goal.update_goal()``, in its default per-user
   mode and (for OKR_BENCH_GAMIFICATION_BATCH_KPIS KPIs) in batch mode.

Usage (normally through kpi_refresh.sh)::

    python3 bench/kpi_refresh.py --db_host … -d okr_bench_x --addons-path=… --log-level=warn

Every argument is an Odoo server option; the benchmark's own settings are the
environment variables read in ``Settings``.
"""

import datetime
import io
import math
import pstats
import sys
import time
from dataclasses import dataclass, field

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
    ratio,
    say,
    timed,
    yes_no,
)

from odoo import SUPERUSER_ID, api

# Values are compared with this relative tolerance (SQL sums numerics, Python floats).
TOLERANCE = 1e-7


@dataclass
class Settings:
    """Scale and options, from OKR_BENCH_* environment variables."""

    employees: int = 10_000
    rows: int = 1_000_000
    month: datetime.date = None  # first day of the measured month
    gamification_runs: int = 2  # 0 skips the incumbent
    gamification_batch_kpis: int = 1  # KPIs also measured in gamification's batch mode
    profile: bool = False  # print cProfile summaries of each okr refresh (slows them down)
    orm_employees: bool = False  # create employees with the ORM instead of SQL copies
    targets: bool = False  # month targets for every employee on the first KPI

    @classmethod
    def from_env(cls):
        return cls(
            employees=env_int("OKR_BENCH_EMPLOYEES", 10_000),
            rows=env_int("OKR_BENCH_ROWS", 1_000_000),
            month=env_month(),
            gamification_runs=min(2, env_int("OKR_BENCH_GAMIFICATION_RUNS", 2)),
            gamification_batch_kpis=env_int("OKR_BENCH_GAMIFICATION_BATCH_KPIS", 1),
            profile=env_flag("OKR_BENCH_PROFILE"),
            orm_employees=env_flag("OKR_BENCH_ORM_EMPLOYEES"),
            targets=env_flag("OKR_BENCH_TARGETS"),
        )

    @property
    def month_end(self):
        return month_end(self.month)

    @property
    def data_start(self):
        """First day of the month before the measured one: data covers two months."""
        return (self.month - datetime.timedelta(days=1)).replace(day=1)


@dataclass
class Kpi:
    """One benchmarked KPI: its okr_addon definition, its SQL floor, its gamification goal."""

    code: str
    label: str
    definition: dict  # kpi.definition values (model / fields given by name)
    floor_sql: str  # one GROUP BY returning (employee_id, value)
    goal: dict | None  # gamification.goal.definition values, None when not expressible
    record: object = None  # the kpi.definition record
    goal_definitions: dict = field(default_factory=dict)  # {mode: goal definition}
    timings: dict = field(default_factory=dict)  # {phase: seconds}
    values: int = 0  # employees with a value this month


# Filters okr_addon itself adds: the period, and the company for models having one.
ATTENDANCE_PERIOD = "a.date >= %(start)s AND a.date <= %(end)s"
EXPENSE_PERIOD = (
    "x.date >= %(start)s AND x.date <= %(end)s "
    "AND (x.company_id = %(company)s OR x.company_id IS NULL)"
)

KPIS = [
    Kpi(
        code="BENCH_WORKED_HOURS",
        label="Worked hours: odoo source, hr.attendance, sum(worked_hours) by date",
        definition={
            "source": "odoo",
            "model": "hr.attendance",
            "date_field": "date",
            "value_field": "worked_hours",
            "value_aggregate": "sum",
        },
        floor_sql=f"""SELECT a.employee_id, SUM(a.worked_hours) FROM hr_attendance a
                      WHERE {ATTENDANCE_PERIOD} GROUP BY a.employee_id""",
        goal={"model": "hr.attendance", "mode": "sum", "field": "worked_hours", "domain": ""},
    ),
    Kpi(
        code="BENCH_ATTENDANCES",
        label="Attendance count: odoo source, hr.attendance, count by date",
        definition={
            "source": "odoo",
            "model": "hr.attendance",
            "date_field": "date",
            "value_aggregate": "count",
        },
        floor_sql=f"""SELECT a.employee_id, COUNT(*) FROM hr_attendance a
                      WHERE {ATTENDANCE_PERIOD} GROUP BY a.employee_id""",
        goal={"model": "hr.attendance", "mode": "count", "field": None, "domain": ""},
    ),
    Kpi(
        code="BENCH_EXPENSES",
        label="Expense total: odoo source, hr.expense, sum(total_amount) by date",
        definition={
            "source": "odoo",
            "model": "hr.expense",
            "date_field": "date",
            "value_field": "total_amount",
            "value_aggregate": "sum",
        },
        floor_sql=f"""SELECT x.employee_id, SUM(x.total_amount) FROM hr_expense x
                      WHERE {EXPENSE_PERIOD} GROUP BY x.employee_id""",
        goal={
            "model": "hr.expense",
            "mode": "sum",
            "field": "total_amount",
            "domain": "('company_id', 'in', [{company}, False])",
        },
    ),
    Kpi(
        code="BENCH_APPROVED_PCT",
        label="Approved expense share %: odoo source, hr.expense, ratio "
        "sum(total_amount | state=approved) / sum(total_amount) x 100",
        definition={
            "source": "odoo",
            "model": "hr.expense",
            "date_field": "date",
            "value_field": "total_amount",
            "value_aggregate": "sum",
            "domain": "[('state', '=', 'approved')]",
            "is_ratio": True,
            "denominator_field": "total_amount",
            "denominator_aggregate": "sum",
            "denominator_domain": "[]",
            "ratio_factor": 100.0,
        },
        floor_sql=f"""SELECT x.employee_id,
                             100.0 * COALESCE(SUM(x.total_amount)
                                              FILTER (WHERE x.state = 'approved'), 0)
                                   / SUM(x.total_amount)
                      FROM hr_expense x WHERE {EXPENSE_PERIOD}
                      GROUP BY x.employee_id HAVING COALESCE(SUM(x.total_amount), 0) <> 0""",
        goal=None,  # gamification has no ratio (count or sum of one field only)
    ),
    Kpi(
        code="BENCH_OVERTIME",
        label="Overtime hours: attendance source, built-in metric overtime_hours",
        definition={"source": "attendance", "attendance_metric": "overtime_hours"},
        floor_sql=f"""SELECT a.employee_id, SUM(a.overtime_hours) FROM hr_attendance a
                      JOIN hr_employee e ON e.id = a.employee_id
                      WHERE {ATTENDANCE_PERIOD} AND e.company_id = %(company)s
                      GROUP BY a.employee_id""",
        goal={
            "model": "hr.attendance",
            "mode": "sum",
            "field": "overtime_hours",
            "domain": "('employee_id.company_id', '=', {company})",
        },
    ),
]


class Bench:
    """The benchmark's data and measurements, on one cursor (committed phase by phase)."""

    def __init__(self, env, settings):
        self.env = env
        self.cr = env.cr
        self.s = settings
        self.company = env.company
        self.employee_ids = []  # generated employees, in creation order
        self.user_ids = []  # the user of each employee (same order), for gamification
        self.counts = {}  # rows generated per source model

    # ------------------------------------------------------------------
    # helpers
    # ------------------------------------------------------------------
    def timed(self, func, *args, profile=False):
        """Run func from a cold ORM cache; seconds include flushing and committing."""
        timing, result = timed(self.env, func, *args, profile=profile)
        if timing.profiler:
            out = io.StringIO()
            pstats.Stats(timing.profiler, stream=out).sort_stats("cumulative").print_stats(25)
            say(out.getvalue())
        return timing.seconds, result

    # ------------------------------------------------------------------
    # data
    # ------------------------------------------------------------------
    def generate(self):
        env = self.env(context=dict(self.env.context, **QUIET))
        seconds, _ = self.timed(self._create_employees, env)
        how = "batched ORM create" if self.s.orm_employees else "1 ORM create + SQL copies"
        say(f"  {len(self.employee_ids)} employees ({how}): {seconds:.1f} s")
        if self.s.gamification_runs:  # only gamification measures users
            seconds, _ = self.timed(self._create_users, env)
            say(
                f"  {len(self.user_ids)} portal users linked to them (batched ORM create): "
                f"{seconds:.1f} s"
            )
        seconds, _ = self.timed(self._create_attendances, env)
        say(f"  {self.counts['attendances']} attendances (INSERT … SELECT): {seconds:.1f} s")
        seconds, _ = self.timed(self._create_expenses, env)
        say(f"  {self.counts['expenses']} expenses (INSERT … SELECT): {seconds:.1f} s")
        self.cr.commit()
        start = time.perf_counter()
        for table in ("hr_attendance", "hr_expense", "hr_employee", "hr_version", "res_users"):
            self.cr.execute(f'ANALYZE "{table}"')
        self.cr.commit()
        say(f"  ANALYZE: {time.perf_counter() - start:.1f} s")

    def _create_employees(self, env):
        """The first employee through the ORM (it is also the template of the others),
        then the rest: by default cloned in SQL (resource, employee and version rows),
        or with OKR_BENCH_ORM_EMPLOYEES=1 through batched ORM create() calls, which
        cost 20–55 ms per employee in Odoo 19 (hr.employee._create writes each new
        hr.version one by one, and create() draws an SVG avatar per employee)."""
        departments, template = employee_template(env)

        def vals(n):
            return {"name": f"{MARK} employee {n:06d}", "department_id": departments[n % 20].id}

        env.flush_all()
        self.cr.commit()
        if self.s.orm_employees:
            for batch in chunks(list(range(1, self.s.employees))):
                env["hr.employee"].create([vals(n) for n in batch])
                env.flush_all()
                self.cr.commit()  # small transactions: per-record writes bloat big ones
                env.invalidate_all()  # keep the cache small
        else:
            clone_employees(self.cr, template, departments.ids, self.s.employees)
        self.cr.execute(
            "SELECT id FROM hr_employee WHERE name LIKE %s ORDER BY id", [f"{MARK} employee %"]
        )
        self.employee_ids = [row[0] for row in self.cr.fetchall()]

    def _create_users(self, env):
        """Gamification measures users: one user per employee through batched ORM create()
        calls (portal users: internal ones cost several times more as each gets an SVG
        avatar drawn, and goals are computed the same way for both), then
        hr.employee.user_id set in one UPDATE (through the ORM that is one write, and one
        user sync, per employee)."""
        portal = env.ref("base.group_portal")
        for batch in chunks(list(range(self.s.employees))):
            users = env["res.users"].create(
                [
                    {
                        "name": f"{MARK} user {n:06d}",
                        "login": f"{MARK}_{n:06d}",
                        "group_ids": [(6, 0, [portal.id])],
                    }
                    for n in batch
                ]
            )
            self.user_ids += users.ids
            env.flush_all()
            self.cr.commit()
            env.invalidate_all()
        self.cr.execute(
            """UPDATE hr_employee e SET user_id = m.user_id
               FROM unnest(%s::int[], %s::int[]) AS m(employee_id, user_id)
               WHERE e.id = m.employee_id""",
            [self.employee_ids, self.user_ids],
        )

    def _employees_sql(self):
        """The generated employees as (id, department_id, n) with n = 0, 1, …"""
        return """SELECT e.id, v.department_id, row_number() OVER (ORDER BY e.id) - 1 AS n
                  FROM hr_employee e JOIN hr_version v ON v.id = e.current_version_id
                  WHERE e.id = ANY(%(employees)s)"""

    def _span(self, per_employee, start=None, days=None):
        """SQL parameters: the generated employees, ``per_employee`` rows each, spread
        over ``days`` days from ``start`` (default: the measured month and the one before)."""
        start = start or self.s.data_start
        days = days or (self.s.month_end - start).days + 1
        # several attendances a day (slots) when there are more rows than days
        slots = max(1, math.ceil(per_employee / days))
        return {
            "employees": self.employee_ids,
            "start": start,
            "days": days,
            "per_employee": per_employee,
            "slots": slots,
            "per_slot": math.ceil(per_employee / slots),
        }

    def _create_attendances(self, env, span=None, hours=None):
        """Attendances of every generated employee, evenly spread over the days (several a
        day, in separate slots of the day, when needed); stored computed columns filled
        consistently: date, worked_hours, overtime_hours (beyond 8 h),
        validated_overtime_hours. ``hours`` fixes the length of every attendance."""
        template = env["hr.attendance"].create(
            {
                "employee_id": self.employee_ids[0],
                "check_in": datetime.datetime(2000, 1, 3, 8),
                "check_out": datetime.datetime(2000, 1, 3, 16),
            }
        )
        env.flush_all()
        span = span or self._span(max(1, math.ceil(self.s.rows / 2 / self.s.employees)))
        window = "16.0 / %(slots)s"  # hours of the day available to each slot
        # the LATERAL refers to emp and k so that random() is drawn for every row, not
        # once per k for all employees
        source = f"""
            SELECT emp.id AS employee_id, s.check_in,
                   s.check_in + s.hours * interval '1 hour' AS check_out, s.hours
            FROM ({self._employees_sql()}) emp
            CROSS JOIN generate_series(0, %(per_employee)s - 1) AS k
            CROSS JOIN LATERAL (
                SELECT %(start)s::timestamp
                       + ((k / %(slots)s) * %(days)s / %(per_slot)s) * interval '1 day'
                       + (6 + (k %% %(slots)s) * {window}
                          + random() * LEAST(2, {window} * 0.2 + emp.n * 0)) * interval '1 hour'
                       AS check_in,
                       COALESCE(%(hours)s::float, round(
                           LEAST(4 + random() * 6 + emp.n * 0, {window} * 0.75)::numeric, 4
                       )::float) AS hours
            ) s"""
        count = clone(
            self.cr,
            "hr_attendance",
            template.id,
            source,
            {
                "employee_id": "g.employee_id",
                "check_in": "g.check_in",
                "check_out": "g.check_out",
                "date": "g.check_in::date",
                "worked_hours": "g.hours",
                "expected_hours": "8.0",
                "overtime_hours": "GREATEST(g.hours - 8, 0)",
                "validated_overtime_hours": "GREATEST(g.hours - 8, 0)",
                "create_date": "now() AT TIME ZONE 'UTC'",
                "write_date": "now() AT TIME ZONE 'UTC'",
            },
            params=dict(span, hours=hours),
        )
        template.unlink()
        self.counts["attendances"] = self.counts.get("attendances", 0) + count

    def _create_expenses(self, env, span=None, state=None):
        """Expenses of every generated employee: amounts 5–200, 1–3 units, states draft /
        submitted / approved / refused (approval_state consistent with the state), or
        ``state`` for all of them."""
        template = env["hr.expense"].create(
            {
                "name": f"{MARK} expense",
                "employee_id": self.employee_ids[0],
                "total_amount_currency": 10.0,
                "date": datetime.date(2000, 1, 3),
            }
        )
        env.flush_all()
        rows = self.s.rows - self.s.rows // 2
        span = span or self._span(max(1, math.ceil(rows / self.s.employees)))
        # the LATERAL refers to emp so that random() is drawn for every row
        source = f"""
            SELECT emp.id AS employee_id, emp.department_id,
                   %(start)s::date + (k * %(days)s / %(per_employee)s)::int AS date,
                   1 + k %% 3 AS quantity, s.amount, s.state
            FROM ({self._employees_sql()}) emp
            CROSS JOIN generate_series(0, %(per_employee)s - 1) AS k
            CROSS JOIN LATERAL (
                SELECT round((5 + random() * 195 + emp.n * 0)::numeric, 2) AS amount,
                       COALESCE(%(state)s, (ARRAY['draft', 'submitted', 'approved',
                                                  'approved', 'refused'])
                                           [1 + floor(random() * 5 + emp.n * 0)::int]) AS state
            ) s"""
        count = clone(
            self.cr,
            "hr_expense",
            template.id,
            source,
            {
                "employee_id": "g.employee_id",
                "department_id": "g.department_id",
                "date": "g.date",
                "quantity": "g.quantity",
                "price_unit": "round(g.amount / g.quantity, 2)",
                "total_amount": "g.amount",
                "total_amount_currency": "g.amount",
                "untaxed_amount": "g.amount",
                "untaxed_amount_currency": "g.amount",
                "tax_amount": "0",
                "tax_amount_currency": "0",
                "state": "g.state",
                "approval_state": "NULLIF(g.state, 'draft')",
                "approval_date": "CASE WHEN g.state IN ('approved', 'refused') "
                "THEN now() AT TIME ZONE 'UTC' END",
                "create_date": "now() AT TIME ZONE 'UTC'",
                "write_date": "now() AT TIME ZONE 'UTC'",
            },
            params=dict(span, state=state),
        )
        template.unlink()
        self.counts["expenses"] = self.counts.get("expenses", 0) + count

    def add_new_data(self):
        """Run 3's input: one more attendance (10 h, so 2 h overtime) and one more approved
        expense per employee on the month's last day: every KPI value changes."""
        span = self._span(1, start=self.s.month_end, days=1)
        self._create_attendances(self.env, span, hours=10.0)
        self._create_expenses(self.env, span, state="approved")
        self.cr.execute("ANALYZE hr_attendance")
        self.cr.execute("ANALYZE hr_expense")

    # ------------------------------------------------------------------
    # okr_addon
    # ------------------------------------------------------------------
    def create_definitions(self):
        IrModel = self.env["ir.model"]
        IrField = self.env["ir.model.fields"]
        for kpi in KPIS:
            spec = dict(kpi.definition)
            vals = {
                "name": kpi.label.split(":")[0],
                "code": kpi.code,
                "period_type": "month",
                "aggregation": "sum",
                "source": spec.pop("source"),
            }
            model = spec.pop("model", None)
            if model:
                vals["model_id"] = IrModel._get(model).id
                vals["employee_path"] = "employee_id"
                for key in ("date_field", "value_field", "denominator_field"):
                    name = spec.pop(key, None)
                    if name:
                        vals[f"{key}_id"] = IrField._get(model, name).id
            vals.update(spec)
            kpi.record = self.env["kpi.definition"].create(vals)
        self.cr.commit()

    def create_targets(self):
        """OKR_BENCH_TARGETS=1: a month target for every generated employee on the first
        KPI, cascaded from one target per department (batched ORM create), so that
        refreshes also move targets' actuals, completions, scores and roll-ups."""
        kpi = KPIS[0]
        quiet = {"tracking_disable": True, "mail_create_nolog": True, "mail_notrack": True}
        env = self.env(context=dict(self.env.context, **quiet))
        self.cr.execute(
            """SELECT e.id, v.department_id FROM hr_employee e
               JOIN hr_version v ON v.id = e.current_version_id
               WHERE e.id = ANY(%s) ORDER BY e.id""",
            [self.employee_ids],
        )
        members = {}
        for employee_id, department_id in self.cr.fetchall():
            members.setdefault(department_id, []).append(employee_id)
        common = {
            "definition_id": kpi.record.id,
            "date_from": self.s.month,
            "date_to": self.s.month_end,
        }
        Target = env["kpi.target"]
        parents = Target.create(
            [
                {
                    **common,
                    "level": "department",
                    "department_id": department,
                    "target": 160.0 * len(ids),
                }
                for department, ids in members.items()
            ]
        )
        parent_of = dict(zip(members, parents.ids, strict=True))
        vals = [
            {
                **common,
                "level": "employee",
                "employee_id": employee_id,
                "department_id": department,
                "parent_id": parent_of[department],
                "target": 160.0,
            }
            for department, ids in members.items()
            for employee_id in ids
        ]
        for batch in chunks(vals):
            Target.create(batch)
            env.flush_all()
            self.cr.commit()
            env.invalidate_all()
        return len(parents), len(vals)

    def target_mismatches(self, values):
        """(employee targets whose actual differs from the SQL floor, department targets
        whose actual is not the sum of their children's) on the first KPI."""
        kpi = KPIS[0]
        self.cr.execute(
            """SELECT employee_id, actual FROM kpi_target
               WHERE definition_id = %s AND level = 'employee' AND has_actual""",
            [kpi.record.id],
        )
        employees = self.mismatches(values[kpi.code], dict(self.cr.fetchall()))
        self.cr.execute(
            """SELECT count(*) FROM kpi_target p
               WHERE p.definition_id = %s AND p.level = 'department'
                 AND abs(p.actual - (SELECT coalesce(sum(c.actual), 0) FROM kpi_target c
                                     WHERE c.parent_id = p.id AND c.has_actual)) > 1e-6""",
            [kpi.record.id],
        )
        return employees, self.cr.fetchone()[0]

    def measurements(self):
        """{id: (definition_id, employee_id, value, write_date)} of the benchmark's rows."""
        self.cr.execute(
            """SELECT id, definition_id, employee_id, value, write_date FROM kpi_measurement
               WHERE definition_id = ANY(%s)""",
            [[kpi.record.id for kpi in KPIS]],
        )
        return {row[0]: row[1:] for row in self.cr.fetchall()}

    def okr_refresh(self, run, profile=False):
        """Refresh the 5 KPIs one by one (action_refresh loops over definitions anyway,
        so the total equals one call on all five); returns (seconds, changes)."""
        before = self.measurements()
        day = self.s.month + datetime.timedelta(days=14)
        total = 0.0
        for kpi in KPIS:
            seconds, _ = self.timed(kpi.record.action_refresh, day, profile=profile)
            kpi.timings[f"okr{run}"] = seconds
            total += seconds
        after = self.measurements()
        changes = {
            "created": len(after.keys() - before.keys()),
            "deleted": len(before.keys() - after.keys()),
            "updated": sum(1 for key in after.keys() & before.keys() if after[key] != before[key]),
            "rows": len(after),
        }
        return total, changes

    def stored_values(self, kpi):
        self.cr.execute(
            """SELECT employee_id, value FROM kpi_measurement
               WHERE definition_id = %s AND date = %s AND source = %s""",
            [kpi.record.id, self.s.month, kpi.record.source],
        )
        return dict(self.cr.fetchall())

    # ------------------------------------------------------------------
    # floor
    # ------------------------------------------------------------------
    def floor(self, label):
        """Each KPI's GROUP BY, fetched into Python; returns (seconds, {code: values})."""
        params = {"start": self.s.month, "end": self.s.month_end, "company": self.company.id}
        values = {}
        total = 0.0
        for kpi in KPIS:
            start = time.perf_counter()
            self.cr.execute(kpi.floor_sql, params)
            values[kpi.code] = {emp: float(value) for emp, value in self.cr.fetchall()}
            seconds = time.perf_counter() - start
            kpi.timings[label] = seconds
            total += seconds
        self.cr.commit()
        return total, values

    def write_floor(self):
        """The same rows written by raw SQL: the bench's measurements are deleted, then
        each KPI's GROUP BY feeds one INSERT … SELECT into kpi_measurement (with the
        employee's department, as okr_addon stores it) and is committed, like a first
        refresh; returns (seconds, rows)."""
        definitions = [kpi.record.id for kpi in KPIS]
        self.cr.execute("DELETE FROM kpi_measurement WHERE definition_id = ANY(%s)", [definitions])
        self.cr.commit()
        params = {"start": self.s.month, "end": self.s.month_end, "company": self.company.id}
        total, rows = 0.0, 0
        for kpi in KPIS:
            start = time.perf_counter()
            self.cr.execute(
                f"""INSERT INTO kpi_measurement (definition_id, employee_id, department_id,
                        company_id, date, value, source, create_uid, create_date, write_uid,
                        write_date)
                    SELECT %(definition)s, f.employee_id, v.department_id, %(company)s,
                           %(start)s, f.value, %(source)s, 1, now(), 1, now()
                    FROM ({kpi.floor_sql}) AS f(employee_id, value)
                    JOIN hr_employee e ON e.id = f.employee_id
                    LEFT JOIN hr_version v ON v.id = e.current_version_id""",
                {**params, "definition": kpi.record.id, "source": kpi.record.source},
            )
            rows += self.cr.rowcount
            self.cr.commit()
            kpi.timings["sqlW"] = time.perf_counter() - start
            total += kpi.timings["sqlW"]
        return total, rows

    @staticmethod
    def mismatches(expected, actual, default=None):
        """Employees whose value differs (missing on one side counts, unless default)."""
        bad = 0
        for employee in expected.keys() | actual.keys():
            a = expected.get(employee, default)
            b = actual.get(employee, default)
            if a is None or b is None or abs(a - b) > TOLERANCE * max(1.0, abs(a)):
                bad += 1
        return bad

    # ------------------------------------------------------------------
    # gamification
    # ------------------------------------------------------------------
    def gamification_setup(self):
        """Goal definitions for each expressible KPI, one challenge for the month with every
        generated user, and its goals created in batches (the challenge's own
        _generate_goals_from_challenge creates them one by one, then updates them).

        Two computation modes of gamification are measured:
        - ``user`` (Odoo's default): one query per goal, the domain says whose records
          count: ``('employee_id', '=', user.employee_id.id)``;
        - ``batch``: one grouped query per definition and period, users told apart by
          ``employee_id`` = ``user.employee_id.id``; in Odoo 19 update_goal then matches
          every goal against every group (O(users x groups) Python loop), so it is only
          run for the first OKR_BENCH_GAMIFICATION_BATCH_KPIS KPIs."""
        IrModel = self.env["ir.model"]
        IrField = self.env["ir.model.fields"]
        Definition = self.env["gamification.goal.definition"]
        lines = []
        for index, kpi in enumerate(k for k in KPIS if k.goal):
            spec = kpi.goal
            general = spec["domain"].format(company=self.company.id)
            common = {
                "computation_mode": spec["mode"],
                "model_id": IrModel._get(spec["model"]).id,
                "field_id": spec["field"] and IrField._get(spec["model"], spec["field"]).id,
                "field_date_id": IrField._get(spec["model"], "date").id,
            }
            user_domain = ", ".join(
                filter(None, ["('employee_id', '=', user.employee_id.id)", general])
            )
            kpi.goal_definitions = {
                "user": Definition.create(
                    dict(common, name=f"{kpi.code} (per user)", domain=f"[{user_domain}]")
                )
            }
            if index < self.s.gamification_batch_kpis:
                kpi.goal_definitions["batch"] = Definition.create(
                    dict(
                        common,
                        name=f"{kpi.code} (batch)",
                        domain=f"[{general}]",
                        batch_mode=True,
                        batch_distinctive_field=IrField._get(spec["model"], "employee_id").id,
                        batch_user_expression="user.employee_id.id",
                    )
                )
            lines += [
                (0, 0, {"definition_id": definition.id, "target_goal": 1.0})
                for definition in kpi.goal_definitions.values()
            ]
        challenge = self.env["gamification.challenge"].create(
            {
                "name": f"{MARK} challenge",
                "period": "once",
                "start_date": self.s.month,
                "end_date": self.s.month_end,
                "user_ids": [(6, 0, self.user_ids)],
                "line_ids": lines,
                "report_message_frequency": "never",
            }
        )
        Goal = self.env["gamification.goal"]
        for line in challenge.line_ids:
            # the values _generate_goals_from_challenge gives each goal
            common = {
                "definition_id": line.definition_id.id,
                "line_id": line.id,
                "target_goal": line.target_goal,
                "state": "inprogress",
                "start_date": self.s.month,
                "end_date": self.s.month_end,
                "current": min(line.target_goal - 1, 0),
            }
            for batch in chunks(self.user_ids, 5000):
                Goal.create([dict(common, user_id=user_id) for user_id in batch])
                self.env.flush_all()
                self.env.invalidate_all()
        self.challenge = challenge
        return len(challenge.line_ids) * len(self.user_ids)

    def gamification_update(self, mode, run):
        """update_goal() on each KPI's goals of one mode; returns the total seconds."""
        total = 0.0
        for kpi in KPIS:
            definition = kpi.goal_definitions.get(mode)
            if not definition:
                continue
            goals = self.env["gamification.goal"].search(
                [("challenge_id", "=", self.challenge.id), ("definition_id", "=", definition.id)]
            )
            seconds, _ = self.timed(goals.update_goal)
            kpi.timings[f"{mode}{run}"] = seconds
            total += seconds
        return total

    def gamification_values(self, kpi, mode):
        """{employee id: goal current value} of one KPI's goals."""
        employee_of_user = dict(zip(self.user_ids, self.employee_ids, strict=True))
        self.cr.execute(
            """SELECT user_id, current FROM gamification_goal
               WHERE challenge_id = %s AND definition_id = %s""",
            [self.challenge.id, kpi.goal_definitions[mode].id],
        )
        return {employee_of_user[user]: value for user, value in self.cr.fetchall()}


# ----------------------------------------------------------------------
# report
# ----------------------------------------------------------------------
def setup_targets(bench):
    seconds, (parents, children) = bench.timed(bench.create_targets)
    say(
        f"  {children} employee targets under {parents} department targets on "
        f"{KPIS[0].code} (batched ORM create): {seconds:.1f} s"
    )


def final_checks(bench, r, values_c):
    """Targets against the SQL floor (OKR_BENCH_TARGETS=1), then the SQL write floor."""
    if bench.s.targets:
        r["targets_bad"] = bench.target_mismatches(values_c)
        say(f"  targets vs SQL floor after run 3 (employees, roll-ups): {r['targets_bad']}")
    say("== SQL floor writing the rows: delete them, one INSERT … SELECT per KPI")
    r["write_floor"], r["write_rows"] = bench.write_floor()
    say(f"  {r['write_rows']} rows in {r['write_floor']:.3f} s")


def measure(bench, cr):
    """Every timed phase, in order, on the same data; returns the numbers to report."""
    settings = bench.s
    r = {"month": settings.month.strftime("%Y-%m")}
    say(f"== Generating data ({settings.employees} employees, ~{settings.rows} rows)")
    start = time.perf_counter()
    bench.generate()
    r["generation"] = time.perf_counter() - start
    r["attendances"], r["expenses"] = bench.counts["attendances"], bench.counts["expenses"]
    bench.create_definitions()
    if settings.targets:
        setup_targets(bench)

    day = settings.month + datetime.timedelta(days=14)
    say(f"== okr_addon and SQL floor, month {r['month']} (refresh day {day})")
    floor_a, values = bench.floor("sqlA")  # also warms PostgreSQL's cache
    r["okr1"], r["changes1"] = bench.okr_refresh(1, profile=settings.profile)
    say(f"  okr refresh 1: {r['okr1']:.2f} s {r['changes1']}")
    r["okr2"], r["changes2"] = bench.okr_refresh(2, profile=settings.profile)
    say(f"  okr refresh 2: {r['okr2']:.2f} s {r['changes2']}")
    floor_b, values_b = bench.floor("sqlB")
    say(f"  SQL floor: {floor_a:.3f} s before, {floor_b:.3f} s after")
    r["floor"] = min(floor_a, floor_b)
    for kpi in KPIS:
        kpi.timings["sql"] = min(kpi.timings["sqlA"], kpi.timings["sqlB"])
        kpi.values = len(values[kpi.code])
    r["values"] = sum(len(v) for v in values.values())
    r["okr_mismatch"] = sum(
        bench.mismatches(values[k.code], bench.stored_values(k))
        + bench.mismatches(values[k.code], values_b[k.code])
        for k in KPIS
    )

    r["gam"] = {}
    r["gam_mismatch"] = {}
    if settings.gamification_runs:
        say("== Gamification")
        seconds, goals = bench.timed(bench.gamification_setup)
        say(f"  setup (definitions, challenge, {goals} goals in batches): {seconds:.1f} s")
        runs = [("user", run) for run in range(1, settings.gamification_runs + 1)]
        if settings.gamification_batch_kpis:
            runs.append(("batch", 1))
        for mode, run in runs:
            r["gam"][mode, run] = bench.gamification_update(mode, run)
            say(f"  update_goal, {mode} mode, run {run}: {r['gam'][mode, run]:.2f} s")
        for mode in dict.fromkeys(mode for mode, _run in runs):
            r["gam_mismatch"][mode] = sum(
                bench.mismatches(values[k.code], bench.gamification_values(k, mode), default=0.0)
                for k in KPIS
                if mode in k.goal_definitions
            )

    say("== Run 3: one more attendance and expense per employee, refresh again")
    bench.add_new_data()
    cr.commit()
    r["okr3"], r["changes3"] = bench.okr_refresh(3, profile=settings.profile)
    say(f"  okr refresh 3: {r['okr3']:.2f} s {r['changes3']}")
    r["floor3"], values_c = bench.floor("sqlC")
    r["okr3_mismatch"] = sum(
        bench.mismatches(values_c[k.code], bench.stored_values(k)) for k in KPIS
    )
    final_checks(bench, r, values_c)
    return r


def moved(changes):
    return "created {created} / updated {updated} / deleted {deleted}".format(**changes)


def report(bench, r):
    s = bench.s
    say("")
    say(
        f"KPI refresh benchmark: {s.employees} employees, {r['attendances'] + r['expenses']} "
        f"source rows ({r['attendances']} attendances + {r['expenses']} expenses over "
        f"{s.data_start} .. {s.month_end}), 5 KPIs for {r['month']}; data generated in "
        f"{r['generation']:.0f} s"
    )
    say("")
    rows = [("measure", "seconds", "rows", "ratio", "target", "met")]
    rows.append(("SQL floor: 5 GROUP BY (best of 2)", f"{r['floor']:.3f}", r["values"], "", "", ""))
    rows.append(
        (
            "SQL floor writing the rows: 5 INSERT … SELECT",
            f"{r['write_floor']:.3f}",
            f"{r['write_rows']} (after new data)",
            "",
            "",
            "",
        )
    )
    labels = {1: "creates the rows", 2: "nothing changed", 3: "after new data"}
    for run in (1, 2, 3):
        floor = r["floor3"] if run == 3 else r["floor"]
        rows.append(
            (
                f"okr_addon refresh {run} ({labels[run]})",
                f"{r[f'okr{run}']:.3f}",
                moved(r[f"changes{run}"]),
                "",
                "",
                "",
            )
        )
        ratio_ = ratio(r[f"okr{run}"], floor)
        rows.append(
            (
                f"  okr refresh {run} / SQL floor",
                "",
                f"floor {floor:.3f} s" if run == 3 else "",
                f"{ratio_:.1f}x",
                "<= 2x",
                yes_no(ratio_ <= 2),
            )
        )
        if run == 1:
            rows.append(
                (
                    "  okr refresh 1 / SQL floor writing the rows",
                    "",
                    "",
                    f"{ratio(r['okr1'], r['write_floor']):.1f}x",
                    "",
                    "",
                )
            )
    for (mode, run), seconds in r["gam"].items():
        kpis = [k for k in KPIS if mode in k.goal_definitions]
        okr = sum(k.timings[f"okr{run}"] for k in kpis)
        what = f"{len(kpis)} KPIs" if len(kpis) > 1 else kpis[0].code
        rows.append(
            (
                f"gamification update_goal {run}, {mode} mode ({what})",
                f"{seconds:.3f}",
                f"{len(kpis) * len(bench.user_ids)} goals",
                "",
                "",
                "",
            )
        )
        ratio_ = ratio(seconds, okr)
        rows.append(
            (
                f"  gamification / okr refresh {run} (same KPIs)",
                "",
                f"okr {okr:.3f} s",
                f"{ratio_:.1f}x",
                ">= 10x",
                yes_no(ratio_ >= 10),
            )
        )
    print_table(rows)
    say("")
    changes2 = r["changes2"]
    say(
        f"Second refresh: {moved(changes2)} (expected 0): "
        f"{yes_no(not any(changes2[k] for k in ('created', 'updated', 'deleted')))}"
    )
    say(
        f"okr_addon's stored values vs SQL floor, all {r['values']} (employee, KPI) values: "
        f"mismatches = {r['okr_mismatch']}; after new data: mismatches = {r['okr3_mismatch']}"
    )
    if "targets_bad" in r:
        say(
            f"{KPIS[0].code} targets after new data: employee actuals vs SQL floor mismatches"
            f" = {r['targets_bad'][0]}; department roll-ups not equal to the sum of their"
            f" employees = {r['targets_bad'][1]}"
        )
    for mode, bad in r["gam_mismatch"].items():
        say(f"gamification {mode}-mode goal values vs SQL floor: mismatches = {bad}")
    say("")
    per = [
        (
            "KPI",
            "values",
            "okr1 s",
            "okr2 s",
            "okr3 s",
            "SQL s",
            "okr1/SQL",
            "okr2/SQL",
            "gam1 s",
            "gam2 s",
            "gam1/okr1",
            "gam2/okr2",
            "batch1 s",
            "batch1/okr1",
        )
    ]
    for kpi in KPIS:
        t = kpi.timings

        def cell(key, ref=None, t=t):
            if key not in t:
                return "n/a" if not ref else "-"
            return f"{ratio(t[key], t[ref]):.1f}x" if ref else f"{t[key]:.3f}"

        per.append(
            (
                kpi.code,
                kpi.values,
                cell("okr1"),
                cell("okr2"),
                cell("okr3"),
                cell("sql"),
                cell("okr1", "sql"),
                cell("okr2", "sql"),
                cell("user1"),
                cell("user2"),
                cell("user1", "okr1"),
                cell("user2", "okr2"),
                cell("batch1"),
                cell("batch1", "okr1"),
            )
        )
    print_table(per)
    say("")
    say("KPIs (one value per employee for the month):")
    for kpi in KPIS:
        say(f"  {kpi.code}: {kpi.label}")
    say(
        "Gamification cannot express BENCH_APPROVED_PCT (a ratio of two sums: goals count or"
        " sum one field), so its ratios compare the 4 other KPIs with okr_addon's time for"
        " those same 4. Per-user mode is gamification's default (one query per goal); batch"
        " mode runs one grouped query but then loops over goals x groups in Python."
    )


def main():
    db, registry = open_registry(sys.argv[1:], MARK)
    with registry.cursor() as cr:
        bench = Bench(api.Environment(cr, SUPERUSER_ID, {}), Settings.from_env())
        say(f"== okr_addon KPI refresh benchmark in database '{db}'")
        results = measure(bench, cr)
    report(bench, results)


if __name__ == "__main__":
    main()
