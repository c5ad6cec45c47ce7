import base64
import datetime
import io

import openpyxl

from odoo.addons.okr_addon.connectors.testing import FakeRemote, Reply
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import new_test_user, tagged

from .test_kpi import KpiCase

D = datetime.date


class IncentiveCase(KpiCase):
    """Wang Wu beats his scrap target (112.5%), Zhang San misses it (75%)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.emp_worker.barcode = "1001"
        cls.emp_colleague.barcode = "1002"
        for employee, wage in ((cls.emp_worker, 6000.0), (cls.emp_colleague, 5000.0)):
            employee.version_id.write({"contract_date_start": D(2026, 1, 1), "wage": wage})
        cls.t_worker = cls._target(cls.scrap, cls.emp_worker, floor=6.0)
        cls.t_colleague = cls._target(cls.scrap, cls.emp_colleague, floor=6.0)
        Measurement = cls.env["kpi.measurement"]
        cls.m_worker = Measurement.create(
            {
                "definition_id": cls.scrap.id,
                "employee_id": cls.emp_worker.id,
                "date": D(2026, 11, 10),
                "value": 3.5,
            }
        )
        Measurement.create(
            {
                "definition_id": cls.scrap.id,
                "employee_id": cls.emp_colleague.id,
                "date": D(2026, 11, 10),
                "value": 5.0,
            }
        )
        cls.rule = cls._rule()
        # Four-Eyes Approval (on by default): a second HR user approves what
        # user_admin computed.
        cls.user_approver = new_test_user(
            cls.env, "okr_approver", groups="base.group_user,okr_addon.group_okr_admin"
        )

    @classmethod
    def _rule(cls, **vals):
        values = {
            "name": "Scrap bonus",
            "code": "T_SCRAP_BONUS",
            "basis": "kpi_completion",
            "definition_id": cls.scrap.id,
            "employee_ids": [(6, 0, (cls.emp_worker | cls.emp_colleague).ids)],
            "tier_ids": [
                (0, 0, {"has_lower": False, "upper": 80, "amount": -300}),
                (0, 0, {"lower": 80, "upper": 100, "amount": 0}),
                (0, 0, {"lower": 100, "upper": 110, "amount": 300}),
                (0, 0, {"lower": 110, "has_upper": False, "amount": 500}),
            ],
        }
        values.update(vals)
        return cls.env["okr.incentive.rule"].create(values)

    def _run(self, rules=None, **vals):
        return (
            self.env["okr.incentive.run"]
            .with_user(self.user_admin)
            .create(
                {
                    "date_from": D(2026, 11, 1),
                    "rule_ids": [(6, 0, (rules or self.rule).ids)],
                    **vals,
                }
            )
        )

    def _approve(self, run):
        """Approve as the second HR user (the run stays in user_admin's hands)."""
        run.with_user(self.user_approver).action_approve()
        return run

    def _line(self, run, employee):
        return run.line_ids.filtered(lambda line: line.employee_id == employee)


@tagged("post_install", "-at_install")
class TestIncentiveRun(IncentiveCase):
    def test_compute_explains_every_amount(self):
        run = self._run()
        self.assertEqual(run.date_to, D(2026, 11, 30))
        run.action_compute()
        worker, colleague = self._line(run, self.emp_worker), self._line(run, self.emp_colleague)
        self.assertEqual((worker.amount, colleague.amount), (500, -300))
        currency = self.env.company.currency_id.name
        self.assertEqual(
            worker.explanation,
            f"Scrap rate 3.5% vs target 4% → completion 112.5% → tier ≥ 110% → +500.00 {currency}",
        )
        self.assertIn("completion 75% → tier < 80% → -300.00", colleague.explanation)
        self.assertEqual(run.bonus_total, 500)
        self.assertEqual(run.deduction_total, -300)

    def test_post_twice_adds_nothing_and_changes_post_the_difference(self):
        run = self._run()
        run.action_compute()
        self._approve(run)
        first = run.action_post()
        self.assertEqual(
            sorted((p.employee_id.name, p.input_code, p.amount) for p in first),
            [("Wang Wu", "OKR_BONUS", 500.0), ("Zhang San", "KPI_DEDUCTION", -300.0)],
        )
        self.assertFalse(run.action_post(), "posting the same run again creates nothing")
        lines = run.line_ids
        run.action_compute()
        self.assertEqual(run.line_ids, lines, "recompute keeps the lines (and their ledger keys)")
        self._approve(run)
        self.assertFalse(run.action_post(), "an unchanged recompute posts nothing")

        self.m_worker.value = 3.9  # completion 102.5%: tier 100-110
        run.action_compute()
        self._approve(run)
        adjustment = run.action_post()
        self.assertEqual(len(adjustment), 1)
        self.assertEqual((adjustment.amount, adjustment.is_adjustment), (-200.0, True))
        self.assertIn("Adjustment -200.00 (posted 500.00, now 300.00)", adjustment.explanation)
        self.assertEqual(self._line(run, self.emp_worker).posted_amount, 300.0)

    def test_a_line_no_longer_due_is_reversed(self):
        run = self._run()
        run.action_compute()
        self._approve(run)
        run.action_post()
        # The basis itself says nothing is due: Zhang San's only measurement is gone.
        self.env["kpi.measurement"].search([("employee_id", "=", self.emp_colleague.id)]).unlink()
        run.action_compute()
        withdrawn = self._line(run, self.emp_colleague)
        self.assertEqual((withdrawn.state, withdrawn.amount), ("withdrawn", 0.0))
        self._approve(run)
        reversal = run.action_post()
        self.assertEqual(reversal.amount, 300.0)
        self.assertEqual(withdrawn.posted_amount, 0.0)

    def test_only_hr_computes_approves_and_posts(self):
        run = self._run()
        with self.assertRaises(AccessError):
            run.with_user(self.user_manager).action_compute()
        run.action_compute()
        with self.assertRaises(AccessError):
            run.with_user(self.user_manager).action_approve()
        with self.assertRaisesRegex(UserError, "Approve the run before posting"):
            run.action_post()

    def test_same_rule_and_period_in_two_runs_is_refused(self):
        self._run().action_compute()
        with self.assertRaisesRegex(UserError, "already covers this period"):
            self._run().action_compute()

    def test_wage_percent_cap_floor_and_missing_contract(self):
        rule = self._rule(
            code="T_WAGE",
            amount_type="wage_percent",
            use_cap=True,
            cap=250,
            use_floor=True,
            floor=-100,
            tier_ids=[
                (0, 0, {"has_lower": False, "upper": 100, "amount": -5}),
                (0, 0, {"lower": 100, "has_upper": False, "amount": 5}),
            ],
        )
        run = self._run(rule)
        run.action_compute()
        self.assertEqual(self._line(run, self.emp_worker).amount, 250.0, "5% of 6000, capped")
        self.assertEqual(self._line(run, self.emp_colleague).amount, -100.0, "-250, floored")
        self.emp_colleague.version_id.contract_date_start = D(2027, 1, 1)
        run.action_compute()
        line = self._line(run, self.emp_colleague)
        self.assertEqual((line.state, line.amount), ("error", 0.0))
        self.assertIn("no contract (hr.version) valid in the period", line.explanation)

    def test_gates_block_with_a_reason(self):
        skill_type = self.env["hr.skill.type"].create(
            {
                "name": "Safety",
                "is_certification": True,
                "skill_ids": [(0, 0, {"name": "Forklift licence"})],
                "skill_level_ids": [(0, 0, {"name": "Certified", "level_progress": 100})],
            }
        )
        licence = skill_type.skill_ids
        self.env["hr.employee.skill"].create(
            {
                "employee_id": self.emp_worker.id,
                "skill_id": licence.id,
                "skill_type_id": skill_type.id,
                "skill_level_id": skill_type.skill_level_ids.id,
                "valid_from": D(2026, 1, 1),
                "valid_to": D(2027, 1, 1),
            }
        )
        rule = self._rule(code="T_GATED", gate_skill_id=licence.id, gate_attendance_rate=0)
        run = self._run(rule)
        run.action_compute()
        self.assertEqual(self._line(run, self.emp_worker).state, "ok")
        blocked = self._line(run, self.emp_colleague)
        self.assertEqual((blocked.state, blocked.amount), ("blocked", 0.0))
        self.assertIn("blocked: no valid Forklift licence at 2026-11-30", blocked.explanation)
        rule.gate_attendance_rate = 95
        run.action_compute()
        self.assertIn("attendance rate", self._line(run, self.emp_worker).explanation)
        self.assertEqual(self._line(run, self.emp_worker).state, "blocked")

    def test_bad_tiers_are_named(self):
        with self.assertRaisesRegex(ValidationError, "tiers overlap \\(80–110 / 100–120\\)"):
            self._rule(
                code="T_OVERLAP",
                tier_ids=[
                    (0, 0, {"lower": 80, "upper": 110, "amount": 1}),
                    (0, 0, {"lower": 100, "upper": 120, "amount": 2}),
                ],
            )
        with self.assertRaisesRegex(ValidationError, "tiers leave a gap \\(< 80 / ≥ 100\\)"):
            self._rule(
                code="T_GAP",
                tier_ids=[
                    (0, 0, {"has_lower": False, "upper": 80, "amount": -1}),
                    (0, 0, {"lower": 100, "has_upper": False, "amount": 2}),
                ],
            )

    def test_recognition_runs_once(self):
        skill_type = self.env["hr.skill.type"].create(
            {
                "name": "Quality",
                "skill_ids": [(0, 0, {"name": "QC basics"})],
                "skill_level_ids": [(0, 0, {"name": "Basic", "level_progress": 50})],
            }
        )
        channel = self.env["discuss.channel"].create({"name": "Shop floor"})
        self.rule.write(
            {
                "channel_id": channel.id,
                "promotion_threshold": 110,
                "training_skill_id": skill_type.skill_ids.id,
            }
        )
        run = self._run()
        run.action_compute()
        self._approve(run)
        run.action_post()
        run.action_post()
        notes = self.emp_worker.message_ids.filtered(lambda m: "Scrap bonus" in (m.body or ""))
        self.assertEqual(len(notes), 1, "announced once, not on re-post")
        self.assertEqual(
            len(channel.message_ids.filtered(lambda m: "Wang Wu" in (m.body or ""))), 1
        )
        self.assertTrue(self.emp_worker.okr_promotion_eligible)
        self.assertFalse(self.emp_colleague.okr_promotion_eligible)
        training = self.env["okr.training.recommendation"].search(
            [("employee_id", "in", (self.emp_worker | self.emp_colleague).ids)]
        )
        self.assertEqual(training.employee_id, self.emp_colleague)
        self.assertEqual(training.skill_id.name, "QC basics")

    def test_export_csv(self):
        run = self._run()
        run.action_compute()
        action = run.action_export_csv()
        attachment = self.env["ir.attachment"].browse(
            int(action["url"].split("/")[3].split("?")[0])
        )
        text = base64.b64decode(attachment.datas).decode("utf-8-sig")
        self.assertIn("ledger_key,employee_code,period,rule_code,amount,currency,explanation", text)
        self.assertIn(
            f"T_SCRAP_BONUS/{self.emp_worker.id}/2026-11-01/2026-11-30,1001,2026-11,"
            "T_SCRAP_BONUS,500.00",
            text,
        )

    def test_who_sees_incentive_lines(self):
        run = self._run()
        run.action_compute()
        Line = self.env["okr.incentive.line"]
        self.assertEqual(
            Line.with_user(self.user_worker).search([("run_id", "=", run.id)]).employee_id,
            self.emp_worker,
        )
        self.assertFalse(Line.with_user(self.user_manager).search([("run_id", "=", run.id)]))
        self.company.okr_manager_sees_incentives = True
        self.assertEqual(
            len(Line.with_user(self.user_manager).search([("run_id", "=", run.id)])), 2
        )
        self.assertFalse(Line.with_user(self.user_outsider).search([("run_id", "=", run.id)]))


@tagged("post_install", "-at_install")
class TestAnomalyGate(IncentiveCase):
    def _usual_scrap_history(self):
        """Six ordinary October values of Wang Wu's scrap rate, around 4%."""
        self.env["kpi.measurement"].create(
            [
                {
                    "definition_id": self.scrap.id,
                    "employee_id": self.emp_worker.id,
                    "date": D(2026, 10, day),
                    "value": value,
                }
                for day, value in enumerate((4.1, 3.9, 4.0, 4.2, 3.8, 4.0), start=1)
            ]
        )

    def test_suspicious_value_is_flagged_and_gates_the_bonus(self):
        Measurement = self.env["kpi.measurement"]
        self._usual_scrap_history()
        Flag = self.env["okr.anomaly.flag"]
        self.assertFalse(Flag.search([("employee_id", "=", self.emp_worker.id)]))
        suspicious = Measurement.create(
            {
                "definition_id": self.scrap.id,
                "employee_id": self.emp_worker.id,
                "date": D(2026, 11, 12),
                "value": 0.2,
            }
        )
        flag = Flag.search([("employee_id", "=", self.emp_worker.id)])
        self.assertEqual(flag.measurement_id, suspicious)
        unit = self.scrap.unit
        self.assertEqual(
            flag.with_context(lang="en_US").reason,
            f"Scrap rate 0.2{unit} — only about 5% of Wang Wu's usual 4{unit}",
        )
        self.env["res.lang"]._activate_lang("zh_CN")
        self.env["ir.module.module"]._load_module_terms(["okr_addon"], ["zh_CN"], overwrite=True)
        self.assertIn("平时", flag.with_context(lang="zh_CN").reason)
        self.assertNotEqual(
            flag.with_context(lang="zh_CN").reason,
            flag.with_context(lang="en_US").reason,
            "worded in the reader's language",
        )

        self.rule.gate_no_anomaly = True
        run = self._run()
        run.action_compute()
        line = self._line(run, self.emp_worker)
        self.assertEqual((line.state, line.amount), ("blocked", 0.0))
        self.assertIn("open anomaly flag to review", line.explanation)
        self.assertEqual(self._line(run, self.emp_colleague).state, "ok")
        flag.action_dismiss()
        run.action_compute()
        self.assertEqual(self._line(run, self.emp_worker).state, "ok")

    def test_a_value_confirmed_wrong_blocks_until_corrected(self):
        Measurement = self.env["kpi.measurement"]
        self._usual_scrap_history()
        typo = Measurement.create(
            {
                "definition_id": self.scrap.id,
                "employee_id": self.emp_worker.id,
                "date": D(2026, 11, 12),
                "value": 40.0,
            }
        )
        flag = self.env["okr.anomaly.flag"].search([("measurement_id", "=", typo.id)])
        self.assertIn("about 10× Wang Wu's usual", flag.with_context(lang="en_US").reason)
        action = flag.action_open_value()
        self.assertEqual((action["res_model"], action["res_id"]), ("kpi.measurement", typo.id))
        flag.with_user(self.user_manager).action_confirm()
        self.rule.gate_no_anomaly = True
        run = self._run()
        run.action_compute()
        self.assertIn(
            "confirmed wrong waits for its correction", self._line(run, self.emp_worker).explanation
        )
        typo.with_user(self.user_manager).value = 4.0
        self.assertEqual(flag.state, "corrected")
        run.action_compute()
        self.assertEqual(self._line(run, self.emp_worker).state, "ok")
        other = Measurement.create(
            {
                "definition_id": self.scrap.id,
                "employee_id": self.emp_worker.id,
                "date": D(2026, 11, 13),
                "value": 0.1,
            }
        )
        second = self.env["okr.anomaly.flag"].search([("measurement_id", "=", other.id)])
        other.with_user(self.user_manager).value = 3.9
        self.assertEqual(second.state, "corrected")
        self.assertFalse(
            self.env["okr.anomaly.flag"].search(
                [("measurement_id", "=", other.id), ("state", "=", "open")]
            ),
            "the corrected value is ordinary: no new flag",
        )


@tagged("post_install", "-at_install")
class TestIncentiveExports(IncentiveCase):
    def _posted_run(self):
        run = self._run()
        run.action_compute()
        self._approve(run)
        run.action_post()
        return run

    def test_xlsx_export(self):
        run = self._posted_run()
        action = run.action_export_xlsx()
        attachment = self.env["ir.attachment"].browse(
            int(action["url"].split("/")[3].split("?")[0])
        )
        sheet = openpyxl.load_workbook(io.BytesIO(base64.b64decode(attachment.datas))).active
        rows = list(sheet.iter_rows(values_only=True))
        self.assertEqual(
            rows[0][:5], ("ledger_key", "employee_code", "period", "rule_code", "amount")
        )
        self.assertIn(("1001", "2026-11", "T_SCRAP_BONUS", 500.0), [r[1:5] for r in rows[1:]])

    def test_external_payroll_is_paid_once(self):
        remote = FakeRemote()
        remote.__enter__()
        self.addCleanup(remote.__exit__, None, None, None)
        connector = self.env["okr.connector"].create(
            {
                "name": "HQ payroll",
                "kind": "payroll_rest",
                "endpoint_url": remote.url,
                "allow_local_network": True,  # the local test server
                "auth_type": "bearer",
                "token": "s3cret-token",
            }
        )
        run = self._posted_run()
        run.payroll_connector_id = connector
        # the answer to the first push is lost: the retry with the same key gets 409
        remote.script("POST", "/incentives", Reply(500), Reply(409, body={"error": "duplicate"}))
        run.action_send_to_payroll()
        self.assertEqual(set(run.posting_ids.mapped("state")), {"sent"})
        keys = [call.headers.get("Idempotency-Key") for call in remote.calls("POST", "/incentives")]
        self.assertEqual(len(set(keys)), 2, "one key per posting, reused on retry")
        self.assertEqual(len(keys), 3, "the first posting was retried once after the 500")
        self.assertTrue(
            all(
                call.headers.get("Authorization") == "Bearer s3cret-token"
                for call in remote.calls("POST", "/incentives")
            )
        )
        run.action_send_to_payroll()
        self.assertEqual(len(remote.calls("POST", "/incentives")), 3, "nothing sent twice")
