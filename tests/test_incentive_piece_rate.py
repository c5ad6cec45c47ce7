"""Piece rates and commissions: the basis is a quantity (parts pressed, sales),
each band's amount a rate, paid band by band and explained with the arithmetic."""

import datetime

from odoo.exceptions import ValidationError
from odoo.tests import tagged

from .test_incentive import IncentiveCase

D = datetime.date


@tagged("post_install", "-at_install")
class TestPieceRates(IncentiveCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.parts = cls.env["kpi.definition"].create(
            {"name": "Parts pressed", "code": "T_PARTS", "unit": "pcs", "aggregation": "sum"}
        )
        cls.sales = cls.env["kpi.definition"].create(
            {"name": "Sales", "code": "T_SALES", "unit": "CNY", "aggregation": "sum"}
        )
        for day, worker, colleague in ((3, 700, 400), (4, 500, 300), (5, 0, 299)):
            for employee, value in ((cls.emp_worker, worker), (cls.emp_colleague, colleague)):
                cls.env["kpi.measurement"].create(
                    {
                        "definition_id": cls.parts.id,
                        "employee_id": employee.id,
                        "date": D(2026, 11, day),
                        "value": value,
                    }
                )
        cls.env["kpi.measurement"].create(
            {
                "definition_id": cls.sales.id,
                "employee_id": cls.emp_worker.id,
                "date": D(2026, 11, 12),
                "value": 62500.5,
            }
        )

    def _piece_rule(self, **vals):
        return self._rule(
            **{
                "name": "Press piece rate",
                "code": "T_PIECE",
                "basis": "kpi_value",
                "definition_id": self.parts.id,
                "amount_type": "per_unit",
                "tier_ids": [
                    (0, 0, {"has_lower": False, "upper": 1000, "amount": 0.50}),
                    (0, 0, {"lower": 1000, "has_upper": False, "amount": 0.65}),
                ],
                **vals,
            }
        )

    def test_piece_rate_pays_band_by_band_with_the_arithmetic(self):
        run = self._run(self._piece_rule())
        run.action_compute()
        worker, colleague = self._line(run, self.emp_worker), self._line(run, self.emp_colleague)
        # 700 + 500 + 0 = 1,200 parts; 400 + 300 + 299 = 999 parts (one short of the band)
        self.assertEqual((worker.basis_value, worker.amount), (1200, 630.0))
        self.assertEqual(
            worker.explanation,
            "Parts pressed 1,200 pcs → 1,000 × 0.5 + 200 × 0.65 = 630 → +630.00 "
            + self.env.company.currency_id.name,
        )
        self.assertEqual((colleague.basis_value, colleague.amount), (999, 499.5))
        self.assertIn("999 × 0.5 = 499.5", colleague.explanation)
        self._approve(run).with_user(self.user_admin).action_post()
        self.assertEqual(sum(run.posting_ids.mapped("amount")), 1129.5)
        run.with_user(self.user_admin).action_post()
        self.assertEqual(len(run.posting_ids), 2, "posting again pays nothing more")

    def test_commission_is_a_percentage_of_sales_and_the_cap_holds(self):
        rule = self._rule(
            name="Sales commission",
            code="T_COMMISSION",
            basis="kpi_value",
            definition_id=self.sales.id,
            amount_type="commission",
            use_cap=True,
            cap=1800,
            tier_ids=[
                (0, 0, {"has_lower": False, "upper": 50000, "amount": 3}),
                (0, 0, {"lower": 50000, "has_upper": False, "amount": 4}),
            ],
        )
        run = self._run(rule)
        run.action_compute()
        line = self._line(run, self.emp_worker)
        self.assertEqual(line.amount, 1800.0, "2,000.02 capped at 1,800")
        self.assertIn("50,000 × 3% + 12,500.5 × 4% = 2,000.02", line.explanation)
        self.assertFalse(self._line(run, self.emp_colleague), "no sales, no line")

    def test_piece_rates_need_a_quantity(self):
        with self.assertRaisesRegex(ValidationError, "pays a quantity"):
            self._piece_rule(basis="kpi_completion")
