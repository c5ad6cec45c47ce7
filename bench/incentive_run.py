"""Incentive run benchmark for okr_addon (run by bench/incentive_run.sh).

Fills a database that already has okr_addon and OCA payroll (hence the bridge
okr_addon_payroll) installed without demo data with N employees, each with a
contract version (start before the month, a wage, a salary structure holding a
BASIC rule and the bridge's OKR_BONUS / KPI_DEDUCTION rules), two KPIs with one
employee-level target and a few measurements per employee, three incentive
rules and one draft payslip per employee for the month. Then, as the
administrator (an OKR administrator, like an HR user clicking the buttons):

1. ``run.action_compute()`` (first run: creates the lines), approve,
   ``run.action_post()`` (postings, recognition on each employee's chatter and
   delivery onto the draft payslips as hr.payslip.input rows);
2. ``action_post()`` again: nothing may be created and the inputs must not change;
3. ``action_compute()`` again on unchanged data (no line may change), approve,
   post again (nothing);
4. ``compute_sheet()`` on a sample of payslips: their OKR_BONUS / KPI_DEDUCTION
   lines must equal the employee's postings.

Targets (product issue, 2 cores): compute <= 20 s, post <= 60 s for 10,000
employees x 3 rules.

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
COMPUTE_TARGET = 20.0  # seconds, 10,000 employees x 3 rules
POST_TARGET = 60.0
BLANK = ("", "", "", "")  # the timing cells of a row without timing


@dataclass
class Settings:
    """Scale and options, from OKR_BENCH_* environment variables."""

    employees: int = 10_000
    month: datetime.date = None  # first day of the incentive month
    measurements: int = 3  # measurements per employee and KPI
    slip_checks: int = 100  # payslips computed (compute_sheet) and checked
    profile: bool = False  # cProfile the first compute and the first post

    @classmethod
    def from_env(cls):
        return cls(
            employees=env_int("OKR_BENCH_EMPLOYEES", 10_000),
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
        self.structure = None
        self.kpis = {}
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
            f"{self.s.employees} employees with a contract version (1 ORM create + SQL copies)",
            self._employees,
            env,
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
        self.step("3 incentive rules", self._rules, env)
        self.step(f"{self.s.employees} draft payslips (batched ORM create)", self._payslips, env)
        for table in (
            "hr_employee",
            "hr_version",
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
        departments, template = employee_template(env)
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
        self.employee_ids = [row[0] for row in rows]
        self.version_of = {row[0]: row[1] for row in rows}
        self.wage_of = {row[0]: row[2] for row in rows}
        env.invalidate_all()

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
        self.rules = completion | score | scorecard
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
            """SELECT id, write_date, amount, basis_value, tier_name, state, explanation
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
            f"== okr_addon incentive run benchmark on '{db}': {s.employees} employees x 3 rules, "
            f"month {month}"
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
        ok_lines = bench.scalar(
            "SELECT count(*) FROM okr_incentive_line WHERE run_id = %s AND state = 'ok'", [run.id]
        )
        checks.append(
            (f"lines = employees x 3 rules, all ok ({ok_lines})", ok_lines == 3 * s.employees)
        )
        cr.execute(
            """SELECT r.code, count(*), count(*) FILTER (WHERE l.amount > 0),
                      count(*) FILTER (WHERE l.amount < 0), round(sum(l.amount)::numeric, 2)
               FROM okr_incentive_line l JOIN okr_incentive_rule r ON r.id = l.rule_id
               WHERE l.run_id = %s GROUP BY r.code, r.sequence, r.id ORDER BY r.id""",
            [run.id],
        )
        per_rule = cr.fetchall()
        load.append(os.getloadavg()[0])

    # ------------------------------------------------------------------ report
    say("")
    say(
        f"Incentive run benchmark: {s.employees} employees x 3 rules (kpi_completion fixed "
        f"4 tiers, kpi_score % of wage, kpi_scorecard of 2 KPIs), month {month}, "
        f"{s.measurements} measurements per employee and KPI; data generated in "
        f"{generation:.0f} s"
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
            ("rule", "lines", "bonus", "deduction", "total amount"),
            *[(code, n, pos, neg, f"{total}") for code, n, pos, neg, total in per_rule],
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
