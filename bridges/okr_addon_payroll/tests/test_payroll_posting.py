import datetime

from odoo.addons.okr_addon.tests.test_incentive import IncentiveCase
from odoo.tests import Form, tagged

D = datetime.date
NOVEMBER = (D(2026, 11, 1), D(2026, 11, 30))


@tagged("post_install", "-at_install")
class TestPayrollPosting(IncentiveCase):
    """A whole period with OCA payroll: results → run → payslip, exactly once."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        category = cls.env["hr.salary.rule.category"].create({"name": "Basic", "code": "BASIC"})
        basic = cls.env["hr.salary.rule"].create(
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
        cls.structure = cls.env["hr.payroll.structure"].create(
            {
                "name": "Factory",
                "code": "FACTORY",
                "rule_ids": [
                    (
                        6,
                        0,
                        [
                            basic.id,
                            cls.env.ref("okr_addon_payroll.hr_salary_rule_okr_bonus").id,
                            cls.env.ref("okr_addon_payroll.hr_salary_rule_kpi_deduction").id,
                        ],
                    )
                ],
            }
        )
        (cls.emp_worker | cls.emp_colleague).version_id.write({"struct_id": cls.structure.id})

    def _post(self, run=None):
        run = run or self._run()
        run.action_compute()
        self._approve(run)
        run.action_post()
        return run

    def _payslip(self, employee, period=NOVEMBER):
        date_from, date_to = period
        slip = self.env["hr.payslip"].create(
            {"employee_id": employee.id, "date_from": date_from, "date_to": date_to}
        )
        slip.onchange_employee()
        slip.compute_sheet()
        return slip

    def _total(self, slip, code):
        return sum(slip.line_ids.filtered(lambda line: line.code == code).mapped("total"))

    def _inputs(self, slip, code):
        return slip.input_line_ids.filtered(lambda i: i.code == code)

    def test_team_pool_shares_reach_the_payslips_once(self):
        for employee, days in ((self.emp_worker, (2, 3, 4)), (self.emp_colleague, (2,))):
            self.env["hr.attendance"].create(
                [
                    {
                        "employee_id": employee.id,
                        "check_in": datetime.datetime(2026, 11, day, 0, 0),
                        "check_out": datetime.datetime(2026, 11, day, 4, 0),
                    }
                    for day in days
                ]
            )
        pool = self._rule(
            name="Stamping pool",
            code="T_POOL_PAYROLL",
            pay_to="team",
            split_key="hours",
            employee_ids=[(5, 0, 0)],
            department_ids=[(6, 0, self.department.ids)],
            tier_ids=[
                (0, 0, {"has_lower": False, "upper": 90, "amount": 0}),
                (0, 0, {"lower": 90, "has_upper": False, "amount": 1000}),
            ],
        )
        run = self._post(self._run(pool))
        worker = run.line_ids.filtered(lambda line: line.employee_id == self.emp_worker)
        # no department target: the members' average, (112.5% + 75%) / 2
        self.assertIn("Scrap rate: average completion of 2 members 93.75%", worker.explanation)
        self.assertEqual(run.line_ids.employee_id, self.emp_worker | self.emp_colleague)
        slips = self._payslip(self.emp_worker), self._payslip(self.emp_colleague)
        self.assertEqual([self._total(slip, "OKR_BONUS") for slip in slips], [750.0, 250.0])
        run.action_post()
        for slip in slips:
            slip.compute_sheet()
        self.assertEqual([self._total(slip, "OKR_BONUS") for slip in slips], [750.0, 250.0])

    def test_bonus_and_deduction_reach_the_payslip_once(self):
        self._post()
        worker, colleague = self._payslip(self.emp_worker), self._payslip(self.emp_colleague)
        self.assertEqual(self._total(worker, "OKR_BONUS"), 500.0)
        self.assertEqual(self._total(worker, "BASIC"), 6000.0)
        self.assertEqual(self._total(colleague, "KPI_DEDUCTION"), -300.0)
        self.assertEqual(self._total(colleague, "OKR_BONUS"), 0.0)
        bonus = self._inputs(worker, "OKR_BONUS")
        self.assertEqual(len(bonus), 1)
        self.assertIn("completion 112.5%", bonus.name, "the input explains the amount")
        self.assertEqual(worker.okr_posting_ids.state, "on_payslip")

        worker.compute_sheet()
        worker.compute_sheet()
        self.assertEqual(len(self._inputs(worker, "OKR_BONUS")), 1)
        self.assertEqual(self._total(worker, "OKR_BONUS"), 500.0, "recompute keeps it once")

    def test_inputs_survive_onchange_and_re_creation(self):
        self._post()
        slip = self._payslip(self.emp_worker)
        # OCA rebuilds the inputs from the structure when employee/dates/structure change.
        slip.onchange_employee()
        slip.onchange_struct_id()
        slip.compute_sheet()
        self.assertEqual(len(self._inputs(slip, "OKR_BONUS")), 1)
        self.assertEqual(self._total(slip, "OKR_BONUS"), 500.0)
        slip.action_payslip_draft()
        with Form(slip) as form:  # the payslip form's onchanges rebuild the inputs
            form.employee_id = self.emp_colleague
            form.employee_id = self.emp_worker
        slip.compute_sheet()
        self.assertEqual(self._total(slip, "OKR_BONUS"), 500.0)

        slip.action_payslip_draft()
        slip.unlink()
        posting = self.env["okr.incentive.posting"].search(
            [("employee_id", "=", self.emp_worker.id)]
        )
        self.assertEqual(posting.state, "pending", "deleting the payslip frees the posting")
        again = self._payslip(self.emp_worker)
        self.assertEqual(
            self._total(again, "OKR_BONUS"), 500.0, "a re-created payslip gets it back"
        )

    def test_post_again_adds_nothing_and_changes_adjust_the_draft(self):
        run = self._post()
        slip = self._payslip(self.emp_worker)
        run.action_post()
        slip.compute_sheet()
        self.assertEqual(self._total(slip, "OKR_BONUS"), 500.0)
        self.m_worker.value = 3.9  # now tier 100-110: +300
        self._post(run)
        slip.compute_sheet()
        self.assertEqual(self._total(slip, "OKR_BONUS"), 300.0)
        self.assertEqual(len(slip.okr_posting_ids), 2, "first posting plus one adjustment")
        self.assertEqual(len(self._inputs(slip, "OKR_BONUS")), 1)

    def test_done_payslip_is_never_touched(self):
        run = self._post()
        november = self._payslip(self.emp_worker)
        november.action_payslip_done()
        self.assertEqual(november.state, "done")
        self.assertEqual(november.okr_posting_ids.state, "paid")
        self.m_worker.value = 3.9
        self._post(run)
        self.assertEqual(self._inputs(november, "OKR_BONUS").amount, 500.0)
        self.assertEqual(self._total(november, "OKR_BONUS"), 500.0)
        adjustment = run.posting_ids.filtered("is_adjustment")
        self.assertEqual(adjustment.target_date, D(2026, 12, 1), "moved to the next period")
        self.assertEqual(adjustment.state, "pending")
        # A refund copies November's payslip and is done at once: even an amount
        # still waiting for November must not land (and be "paid") on it.
        adjustment.sudo().target_date = D(2026, 11, 1)  # postings are append-only
        november.refund_sheet()
        self.assertEqual(adjustment.state, "pending", "a refund never takes pending incentives")
        self.assertFalse(adjustment.payslip_id)
        adjustment.sudo().target_date = D(2026, 12, 1)
        december = self._payslip(self.emp_worker, (D(2026, 12, 1), D(2026, 12, 31)))
        self.assertEqual(self._total(december, "OKR_BONUS"), -200.0)
        self.assertIn("Adjustment -200.00", self._inputs(december, "OKR_BONUS").name)
        self.assertEqual(adjustment.state, "on_payslip")

    def test_a_manual_input_with_the_same_code_is_kept(self):
        slip = self._payslip(self.emp_worker)
        slip.write(
            {
                "input_line_ids": [
                    (
                        0,
                        0,
                        {
                            "name": "Referral bonus",
                            "code": "OKR_BONUS",
                            "amount": 100.0,
                            "contract_id": slip.contract_id.id,
                        },
                    )
                ]
            }
        )
        run = self._post()
        slip.compute_sheet()
        self.assertEqual(self._total(slip, "OKR_BONUS"), 600.0, "the manual 100 plus the 500")
        slip.compute_sheet()
        self.assertEqual(self._total(slip, "OKR_BONUS"), 600.0, "recompute keeps both once")
        self.assertIn("Referral bonus", self._inputs(slip, "OKR_BONUS").mapped("name"))
        self.m_worker.value = 3.9  # the incentive drops to 300
        self._post(run)
        slip.compute_sheet()
        self.assertEqual(self._total(slip, "OKR_BONUS"), 400.0, "only the bridge's share moved")

    def test_a_new_input_code_moves_the_amount_on_the_payslip(self):
        run = self._post()
        slip = self._payslip(self.emp_worker)
        self.rule.input_code = "OKR_BONUS_2"
        self._post(run)
        slip.compute_sheet()
        self.assertEqual(sum(self._inputs(slip, "OKR_BONUS").mapped("amount")), 0.0)
        self.assertEqual(sum(self._inputs(slip, "OKR_BONUS_2").mapped("amount")), 500.0)

    def test_the_run_says_its_postings_wait_for_payslips(self):
        run = self._post()
        self.assertEqual(
            run.payroll_waiting_note,
            "2 postings wait for payslips of Nov 2026 (Wang Wu and Zhang San): create the "
            "payslip batch of that period (employees with a contract and a salary "
            "structure); the amounts land on the payslips automatically.",
        )
        self._payslip(self.emp_worker)
        run.invalidate_recordset(["payroll_waiting_note"])
        self.assertTrue(
            run.payroll_waiting_note.startswith(
                "1 posting waits for payslips of Nov 2026 (Zhang San)"
            )
        )
        self._payslip(self.emp_colleague)
        run.invalidate_recordset(["payroll_waiting_note"])
        self.assertFalse(run.payroll_waiting_note, "all landed: no banner")
