"""Team pools (班组二次分配): a team's result gives one pool, shared among its
members by hours worked (× the role coefficient of their job) or equally, to
the cent; the shares are ordinary ledger lines."""

import datetime

from odoo.exceptions import AccessError, ValidationError
from odoo.tests import new_test_user, tagged

from .test_incentive import IncentiveCase

D = datetime.date


@tagged("post_install", "-at_install")
class TestIncentivePool(IncentiveCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.currency = cls.env.company.currency_id.name
        cls.line_b = cls.env["hr.department"].create(
            {"name": "Line B", "parent_id": cls.department.id}
        )
        assembly = cls.env["hr.department"].create({"name": "Assembly"})
        cls.job_lead = cls.env["hr.job"].create(
            {"name": "Press team lead", "okr_pool_coefficient": 1.2}
        )
        cls.job_operator = cls.env["hr.job"].create({"name": "Press operator"})
        cls.night = cls.env["hr.employee.category"].create({"name": "Night shift"})
        Employee = cls.env["hr.employee"]
        cls.lead, cls.operator, cls.leaver, cls.stranger, cls.idle = Employee.create(
            [
                {
                    "name": "Chen Jie",
                    "department_id": cls.line_b.id,
                    "job_id": cls.job_lead.id,
                    "category_ids": [(6, 0, cls.night.ids)],
                },
                {
                    "name": "Huang Min",
                    "department_id": cls.line_b.id,
                    "job_id": cls.job_operator.id,
                    "category_ids": [(6, 0, cls.night.ids)],
                },
                {"name": "Xu Lei", "department_id": cls.line_b.id, "job_id": cls.job_operator.id},
                {"name": "Lin Tao", "department_id": assembly.id, "job_id": cls.job_operator.id},
                {
                    "name": "Gao Yan",
                    "department_id": assembly.id,
                    "category_ids": [(6, 0, cls.night.ids)],
                },
            ]
        )
        # Four hours a day, early in the (UTC) morning: no lunch break to take off.
        cls._attend(cls.lead, range(2, 12))  # 40 h
        cls._attend(cls.operator, range(2, 12))  # 40 h
        cls._attend(cls.leaver, range(2, 7))  # 20 h in the first half, then leaves
        cls._attend(cls.stranger, range(2, 12))  # 40 h in another department
        cls.leaver.active = False
        cls.line_target = cls._target(
            cls.scrap, level="department", department_id=cls.line_b.id, target=4.0
        )

    @classmethod
    def _attend(cls, employee, days, hours=4):
        cls.env["hr.attendance"].create(
            [
                {
                    "employee_id": employee.id,
                    "check_in": datetime.datetime(2026, 11, day, 0, 0),
                    "check_out": datetime.datetime(2026, 11, day, hours, 0),
                }
                for day in days
            ]
        )

    def _line_scrap(self, value):
        self.env["kpi.measurement"].create(
            {
                "definition_id": self.scrap.id,
                "department_id": self.line_b.id,
                "date": D(2026, 11, 20),
                "value": value,
            }
        )

    def _pool_rule(self, **vals):
        return self._rule(
            **{
                "name": "Line B scrap pool",
                "code": "T_POOL",
                "pay_to": "team",
                "team_by": "department",
                "split_key": "hours_coefficient",
                "employee_ids": [(5, 0, 0)],
                "department_ids": [(6, 0, self.line_b.ids)],
                "tier_ids": [
                    (0, 0, {"has_lower": False, "upper": 100, "amount": -3000}),
                    (0, 0, {"lower": 100, "has_upper": False, "amount": 6000}),
                ],
                **vals,
            }
        )

    def test_department_pool_by_hours_times_role_coefficient(self):
        self._line_scrap(3.8)  # lower is better: 2 - 3.8 / 4 = 105%
        run = self._run(self._pool_rule())
        run.action_compute()
        hours = {
            employee: sum(employee.attendance_ids.mapped("worked_hours"))
            for employee in (self.lead, self.operator, self.leaver)
        }
        self.assertEqual(list(hours.values()), [40, 40, 20], "attendances as set up")
        lead = self._line(run, self.lead)
        self.assertEqual(
            lead.explanation,
            f"pool 6,000 {self.currency} for Stamping / Line B: Scrap rate 3.8% vs target 4% "
            f"→ completion 105% → tier ≥ 100% → 6,000 {self.currency}; your 40 h × 1.2 of "
            f"108 weighted hours → +2666.67 {self.currency}",
        )
        operator, leaver = self._line(run, self.operator), self._line(run, self.leaver)
        # 48 + 40 + 20 = 108 weighted hours; the leftover cent goes to the largest remainder
        self.assertEqual((lead.amount, operator.amount, leaver.amount), (2666.67, 2222.22, 1111.11))
        self.assertIn("your 20 h × 1 of 108 weighted hours → +1111.11", leaver.explanation)
        self.assertEqual(round(sum(run.line_ids.mapped("amount")), 2), 6000.0)
        self.assertEqual(run.line_ids.employee_id, self.lead | self.operator | self.leaver)
        self.assertFalse(self._line(run, self.stranger), "attendance elsewhere earns nothing")
        self.assertFalse(self._line(run, self.emp_worker), "Stamping is not Line B's team")
        self.assertEqual(set(run.line_ids.mapped("team_key")), {f"department:{self.line_b.id}"})
        self.assertFalse(run.pool_note)

    def test_posting_twice_pays_the_pool_once(self):
        self._line_scrap(3.8)
        run = self._run(self._pool_rule(split_key="hours"))
        run.action_compute()
        self.assertEqual(
            sorted(run.line_ids.mapped("amount")), [1200.0, 2400.0, 2400.0], "40/40/20 hours"
        )
        self._approve(run).with_user(self.user_admin).action_post()
        self.assertEqual(round(sum(run.posting_ids.mapped("amount")), 2), 6000.0)
        self.assertFalse(run.with_user(self.user_admin).action_post(), "nothing more to post")
        run.with_user(self.user_admin).action_compute()
        self._approve(run).with_user(self.user_admin).action_post()
        self.assertEqual(len(run.posting_ids), 3, "recomputing the same pool posts nothing")
        self.assertEqual(round(sum(run.posting_ids.mapped("amount")), 2), 6000.0)

    def test_a_paid_member_who_moves_stays_paid_and_a_withdrawn_share_stays_withdrawn(self):
        self._line_scrap(3.8)
        run = self._run(self._pool_rule(split_key="hours"))
        run.action_compute()
        self._approve(run).with_user(self.user_admin).action_post()
        self.operator.department_id = self.stranger.department_id  # moved to Assembly
        self._line(run, self.leaver).with_user(self.user_admin).action_withdraw("Left owing")
        run.with_user(self.user_admin).action_compute()
        self.assertEqual(self._line(run, self.operator).amount, 2400.0, "paid in Line B")
        self.assertEqual(self._line(run, self.lead).amount, 2400.0, "not re-split")
        leaver = self._line(run, self.leaver)
        self.assertEqual((leaver.state, leaver.amount), ("withdrawn", 0.0))
        self._approve(run).with_user(self.user_admin).action_post()
        self.assertEqual(
            run.posting_ids.filtered(lambda p: p.is_adjustment).mapped("amount"),
            [-1200.0],
            "only the withdrawn share is reversed",
        )

    def test_team_deduction_meets_the_lawful_cap(self):
        self._line_scrap(4.5)  # 87.5%: the team missed, a 3,000 team deduction
        for employee, wage in ((self.lead, 5000.0), (self.operator, 10000.0)):
            employee.version_id.write({"contract_date_start": D(2026, 1, 1), "wage": wage})
        run = self._run(self._pool_rule(split_key="hours"))
        run.action_compute()
        lead, operator = self._line(run, self.lead), self._line(run, self.operator)
        # 40/40/20 hours: -1,200 / -1,200 / -600; the lead's wage allows 1,000 at most
        self.assertEqual((lead.amount, lead.deduction_cut), (-1000.0, 200.0))
        self.assertIn("your 40 h of 100 h → -1200.00", lead.explanation)
        self.assertIn("cut by 200.00", lead.explanation)
        self.assertEqual((operator.amount, operator.deduction_cut), (-1200.0, 0.0))
        self.assertEqual(self._line(run, self.leaver).amount, -600.0)
        self._approve(run).with_user(self.user_admin).action_post()
        self.assertEqual(round(sum(run.posting_ids.mapped("amount")), 2), -2800.0)

    def test_per_unit_pool_of_a_shift_split_equally(self):
        for employee, parts in ((self.lead, 700), (self.operator, 500), (self.stranger, 900)):
            self._measure(self.output, employee, D(2026, 11, 5), parts)
        rule = self._pool_rule(
            name="Night shift piece rate",
            code="T_POOL_PIECE",
            team_by="category",
            split_key="equal",
            department_ids=[(5, 0, 0)],
            category_ids=[(6, 0, self.night.ids)],
            basis="kpi_value",
            definition_id=self.output.id,
            amount_type="per_unit",
            tier_ids=[
                (0, 0, {"has_lower": False, "upper": 1000, "amount": 0.5}),
                (0, 0, {"lower": 1000, "has_upper": False, "amount": 0.65}),
            ],
        )
        run = self._run(rule)
        run.action_compute()
        lead = self._line(run, self.lead)
        self.assertEqual(
            lead.explanation,
            f"pool 630 {self.currency} for Night shift: Output 1,200 pcs → 1,000 × 0.5 + "
            f"200 × 0.65 = 630 → 630 {self.currency}; your equal share of 2 members → "
            f"+315.00 {self.currency}",
        )
        self.assertEqual(run.line_ids.employee_id, self.lead | self.operator)
        self.assertEqual(round(sum(run.line_ids.mapped("amount")), 2), 630.0)
        self.assertFalse(self._line(run, self.idle), "no attendance, no contract: no share")

    def test_a_pool_nobody_worked_for_is_reported_not_lost(self):
        self._line_scrap(3.8)
        self.env["hr.attendance"].search(
            [("employee_id", "in", (self.lead | self.operator | self.leaver).ids)]
        ).unlink()
        run = self._run(self._pool_rule())
        run.action_compute()
        self.assertFalse(run.line_ids)
        self.assertIn("Line B scrap pool, Stamping / Line B: the pool of 6,000", run.pool_note)
        self.assertIn("nobody in the team worked", run.pool_note)
        self._attend(self.operator, [3])
        run.action_compute()
        self.assertEqual(run.line_ids.mapped("amount"), [6000.0])
        self.assertFalse(run.pool_note, "the note goes once the pool is shared")

    def _compute_queries(self, run):
        self.env.flush_all()
        self.env.invalidate_all()
        before = self.env.cr.sql_log_count
        run.action_compute()
        self.env.flush_all()
        return self.env.cr.sql_log_count - before

    def test_the_queries_do_not_grow_with_the_team(self):
        self._line_scrap(3.8)
        self._run(self._pool_rule(code="T_POOL_WARM")).action_compute()  # caches warm
        small = self._compute_queries(self._run(self._pool_rule()))
        crew = self.env["hr.employee"].create(
            [
                {"name": f"Crew {i}", "department_id": self.line_b.id, "job_id": self.job_lead.id}
                for i in range(30)
            ]
        )
        for member in crew:
            self._attend(member, [13, 14])
        run = self._run(self._pool_rule(code="T_POOL_BIG", name="Line B pool (crew)"))
        big = self._compute_queries(run)
        self.assertEqual(len(run.line_ids), 33)
        self.assertEqual(round(sum(run.line_ids.mapped("amount")), 2), 6000.0)
        self.assertLess(big - small, 5, f"{small} queries for 3 members, {big} for 33")

    def test_a_team_pool_needs_a_team_basis_and_amount(self):
        with self.assertRaisesRegex(ValidationError, "basis a team has a value for"):
            self._pool_rule(code="T_POOL_X", basis="okr_score")
        with self.assertRaisesRegex(ValidationError, "not a share of a wage"):
            self._pool_rule(code="T_POOL_Y", amount_type="wage_percent")
        with self.assertRaisesRegex(ValidationError, "departments that are the teams"):
            self._pool_rule(code="T_POOL_Z", department_ids=[(5, 0, 0)])

    def test_only_hr_sets_the_role_coefficient(self):
        for user in (self.user_worker, self.user_manager):
            with self.assertRaises(AccessError):
                self.job_lead.with_user(user).write({"okr_pool_coefficient": 5.0})
            with self.assertRaises(AccessError):
                self.env["hr.job"].with_user(user).create(
                    {"name": "Self-made lead", "okr_pool_coefficient": 9.0}
                )
        self.assertEqual(self.job_lead.okr_pool_coefficient, 1.2)
        self.job_lead.with_user(self.user_admin).write({"okr_pool_coefficient": 1.5})
        self.assertEqual(self.job_lead.okr_pool_coefficient, 1.5)
        officer = new_test_user(self.env, "pool_hr_officer", groups="hr.group_hr_user")
        self.job_lead.with_user(officer).write({"okr_pool_coefficient": 1.3})
        self.assertEqual(self.job_lead.okr_pool_coefficient, 1.3)
        for bad in (-0.5, float("nan"), float("inf")):
            with self.assertRaises(ValidationError):
                self.job_lead.with_user(officer).write({"okr_pool_coefficient": bad})
        with self.assertRaises(AccessError):
            self.job_lead.with_user(self.user_admin).write(
                {"okr_pool_coefficient": 1.1, "name": "Renamed"}
            )

    # One member's disputed number moves the whole pool: every share waits.
    def test_a_members_dispute_holds_every_share_of_the_pool(self):
        self._line_scrap(3.8)
        run = self._run(self._pool_rule())
        run.action_compute()
        shares = run.line_ids.filtered("team_key")
        self.assertEqual(len(shares), 3)
        # Huang Min disputes an attendance day: the hours split the pool.
        self.env["okr.dispute"]._open_dispute(
            self.operator, "I clocked out at 4, not at 2", day=D(2026, 11, 3)
        )
        self.assertTrue(all(shares.mapped("held")), shares.mapped("hold_reason"))
        run.action_compute()
        shares = run.line_ids.filtered("team_key")
        self.assertTrue(all(shares.mapped("held")), "a recompute keeps the whole pool waiting")
        self.assertIn("I clocked out at 4", shares[0].hold_reason)

    def test_an_equal_split_does_not_wait_for_a_day_of_attendance(self):
        self._line_scrap(3.8)
        run = self._run(self._pool_rule(split_key="equal"))
        run.action_compute()
        self.env["okr.dispute"]._open_dispute(
            self.operator, "I clocked out at 4, not at 2", day=D(2026, 11, 3)
        )
        run.action_compute()
        self.assertFalse(any(run.line_ids.mapped("held")))

    # Pay only on reconciled attendance: one member's disagreeing day moves the split.
    def _disagreeing_day(self):
        """Huang Min's 2026-11-03: Odoo has 00:00–04:00 (UTC), a terminal 00:40–06:00."""
        terminal = self.env["okr.connector"].create(
            {"name": "Line B terminal", "kind": "attendance_csv", "tz": "UTC"}
        )
        self.operator.tz = "UTC"
        day = self.env["okr.attendance.day"]._okr_record_punches(
            terminal,
            [
                (
                    self.operator.id,
                    "T-1",
                    datetime.datetime(2026, 11, 3, 0, 40),
                    datetime.datetime(2026, 11, 3, 6, 0),
                )
            ],
        )
        self.assertEqual(day.state, "disagree", day.summary)
        return day

    def test_a_members_unreconciled_day_holds_every_share_of_a_pool_split_by_hours(self):
        self._line_scrap(3.8)
        self._disagreeing_day()
        run = self._run(self._pool_rule(okr_reconciled_only=True))
        run.action_compute()
        shares = run.line_ids.filtered("team_key")
        self.assertEqual(len(shares), 3)
        self.assertTrue(all(shares.mapped("held")), shares.mapped("hold_reason"))
        lead = shares.filtered(lambda line: line.employee_id == self.lead)
        self.assertIn(
            "held: attendance of Huang Min on 2026-11-03 not reconciled", lead.hold_reason
        )
        own = shares.filtered(lambda line: line.employee_id == self.operator)
        self.assertIn("held: attendance of 2026-11-03 not reconciled", own.hold_reason)

    def test_an_equal_split_waits_only_for_the_members_own_day(self):
        self._line_scrap(3.8)
        self._disagreeing_day()
        run = self._run(self._pool_rule(split_key="equal", okr_reconciled_only=True))
        run.action_compute()
        held = run.line_ids.filtered("held")
        self.assertEqual(held.employee_id, self.operator, run.line_ids.mapped("hold_reason"))
