"""Lawful deductions: all the rules of a run together take at most the company's
share of the period's wage (20% by default) and leave at least the minimum wage;
a deduction beyond is cut, and its line says by how much and why."""

from odoo.exceptions import ValidationError
from odoo.tests import tagged

from .test_incentive import IncentiveCase


@tagged("post_install", "-at_install")
class TestLawfulDeductions(IncentiveCase):
    def _deduction_rule(self, code, amount):
        return self._rule(
            name=f"Deduction {code}",
            code=code,
            tier_ids=[(0, 0, {"has_lower": False, "has_upper": False, "amount": amount})],
        )

    def test_deductions_of_all_rules_are_capped_at_a_share_of_the_wage(self):
        scrap, safety = self._deduction_rule("T_DED_A", -800), self._deduction_rule("T_DED_B", -700)
        run = self._run(scrap | safety)
        run.action_compute()
        lines = self._line(run, self.emp_worker)  # wage 6,000: at most 1,200 a month
        by_rule = {line.rule_id: line for line in lines}
        self.assertEqual((by_rule[scrap].amount, by_rule[scrap].deduction_cut), (-640.0, 160.0))
        self.assertEqual((by_rule[safety].amount, by_rule[safety].deduction_cut), (-560.0, 140.0))
        self.assertAlmostEqual(sum(lines.mapped("amount")), -1200.0)
        self.assertIn("cut by 160.00", by_rule[scrap].explanation)
        self.assertIn("take at most 20% of the wage (1,200", by_rule[scrap].explanation)
        cut = self.env["okr.incentive.line"].search(
            [("run_id", "=", run.id), ("deduction_cut", ">", 0)]
        )
        self.assertEqual(cut, run.line_ids, "HR finds the cut lines with the filter's domain")
        colleague = self._line(run, self.emp_colleague)  # wage 5,000: at most 1,000
        self.assertEqual(
            sorted(colleague.mapped("amount")), [-533.33, -466.67], "shared to the cent"
        )
        self._approve(run).with_user(self.user_admin).action_post()
        self.assertAlmostEqual(
            sum(
                run.posting_ids.filtered(lambda p: p.employee_id == self.emp_worker).mapped(
                    "amount"
                )
            ),
            -1200.0,
        )

    def test_the_minimum_wage_floor_cuts_when_stricter(self):
        self.env.company.okr_minimum_wage = 4700
        rule = self._deduction_rule("T_DED_C", -600)
        run = self._run(rule)
        run.action_compute()
        line = self._line(run, self.emp_colleague)  # wage 5,000: 300 above the floor
        self.assertEqual((line.amount, line.deduction_cut), (-300.0, 300.0))
        self.assertIn("minimum wage", line.explanation)
        worker = self._line(run, self.emp_worker)  # wage 6,000: 1,300 above the floor
        self.assertEqual((worker.amount, worker.deduction_cut), (-600.0, 0.0))

    def test_a_bonus_of_the_same_period_leaves_room(self):
        self.env.company.okr_deduction_cap = 0  # no deduction at all...
        self.env.company.okr_minimum_wage = 0
        rule = self._deduction_rule("T_DED_D", -250)
        run = self._run(rule)
        run.action_compute()
        line = self._line(run, self.emp_worker)
        self.assertEqual((line.amount, line.deduction_cut), (0.0, 250.0))

    def test_the_deduction_settings_have_a_range(self):
        with self.assertRaisesRegex(ValidationError, "between 0 and 100%"):
            self.env.company.okr_deduction_cap = 120
        with self.assertRaisesRegex(ValidationError, "cannot be negative"):
            self.env.company.okr_minimum_wage = -1
