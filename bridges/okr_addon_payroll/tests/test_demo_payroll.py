"""The demo's closed quarter reached the payslips (runs only with demo data)."""

import unittest

from odoo.tests import TransactionCase, tagged


@tagged("post_install", "-at_install")
class TestDemoPayroll(TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.structure = cls.env.ref(
            "okr_addon_payroll.structure_factory_demo", raise_if_not_found=False
        )
        if not cls.structure:
            raise unittest.SkipTest("okr_addon_payroll demo data is not loaded")
        cls.demo_run = cls.env.ref("okr_addon.incentive_run_previous_quarter")

    def _total(self, slip, code):
        return sum(slip.line_ids.filtered(lambda line: line.code == code).mapped("total"))

    def test_closed_quarter_is_posted_into_payslips(self):
        self.assertEqual(self.demo_run.state, "posted")
        postings = self.demo_run.posting_ids
        self.assertEqual(len(postings), len(self.demo_run.line_ids.filtered("amount")))
        self.assertEqual(set(postings.mapped("state")), {"on_payslip"})
        self.assertEqual(set(postings.currency_id.mapped("name")), {"CNY"}, "paid in yuan")
        for line in self.demo_run.line_ids:
            slip = line.posting_ids.payslip_id
            if not line.amount:
                self.assertFalse(line.posting_ids, "a zero amount posts nothing")
                continue
            self.assertEqual(len(slip), 1, line.employee_id.name)
            self.assertEqual(slip.struct_id, self.structure)
            self.assertEqual(slip.state, "verify")
            self.assertGreater(slip.date_from, self.demo_run.date_to, "paid the month after")
            code = "OKR_BONUS" if line.amount > 0 else "KPI_DEDUCTION"
            self.assertEqual(self._total(slip, code), line.amount, line.explanation)
            self.assertEqual(self._total(slip, "BASIC"), 6200.0)
            self.assertEqual(self._total(slip, "NET"), 6200.0 + line.amount, "net includes it")
        wang_wu = self.env.ref("okr_addon.emp_wang_wu")
        self.assertGreater(
            self.demo_run.line_ids.filtered(lambda line: line.employee_id == wang_wu).amount, 0
        )

    def test_posting_the_demo_run_again_adds_nothing(self):
        slips = self.demo_run.posting_ids.payslip_id
        inputs = slips.input_line_ids.mapped(lambda i: (i.payslip_id.id, i.code, i.amount))
        self.assertFalse(self.demo_run.action_post())
        slips.compute_sheet()
        self.assertEqual(
            slips.input_line_ids.mapped(lambda i: (i.payslip_id.id, i.code, i.amount)), inputs
        )
