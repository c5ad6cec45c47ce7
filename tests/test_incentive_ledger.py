"""The incentive ledger pays each (rule, employee, period) once and never claws
back by accident; an incentive run is approved by a second pair of eyes."""

import datetime

from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged

from .test_incentive import IncentiveCase

D = datetime.date


@tagged("post_install", "-at_install")
class TestIncentiveLedger(IncentiveCase):
    def _post(self, run):
        run.action_compute()
        self._approve(run)
        return run.action_post()

    def _net(self, run, field="input_code"):
        net = {}
        for posting in run.posting_ids:
            key = (posting.employee_id.name, posting[field])
            net[key] = round(net.get(key, 0.0) + posting.amount, 2)
        return {key: amount for key, amount in net.items() if amount}

    def test_changing_the_input_code_moves_the_amount(self):
        run = self._run()
        self._post(run)
        keys = run.line_ids.mapped("ledger_key")
        self.rule.write({"input_code": "OKR_BONUS_2", "code": "T_SCRAP_RENAMED", "name": "New"})
        moved = self._post(run)
        self.assertEqual(run.line_ids.mapped("ledger_key"), keys, "ledger keys do not move")
        self.assertEqual(
            sorted((p.employee_id.name, p.input_code, p.amount) for p in moved),
            [("Wang Wu", "OKR_BONUS", -500.0), ("Wang Wu", "OKR_BONUS_2", 500.0)],
            "reversed under the old code, posted under the new one",
        )
        self.assertEqual(
            self._net(run),
            {("Wang Wu", "OKR_BONUS_2"): 500.0, ("Zhang San", "KPI_DEDUCTION"): -300.0},
        )
        self.assertEqual(self._line(run, self.emp_worker).posted_amount, 500.0, "paid once")
        self.assertFalse(self._post(run), "posting again adds nothing")
        # A new rule takes the old code: its lines get keys of their own.
        self.env.flush_all()  # the renamed code is in the database before it is reused
        newcomer = self._rule(code="T_SCRAP_BONUS")
        other = self._run(newcomer)
        other.action_compute()
        key = f"T_SCRAP_BONUS/{self.emp_worker.id}/2026-11-01/2026-11-30"
        self.assertIn(key, keys)
        self.assertEqual(self._line(other, self.emp_worker).ledger_key, f"{key}#{newcomer.id}")

    def test_a_posted_run_keeps_its_period(self):
        run = self._run()
        self._post(run)
        with self.assertRaisesRegex(UserError, "already posted amounts for its period"):
            run.date_from = D(2026, 12, 1)

    def test_a_run_moved_to_another_period_before_posting_starts_again(self):
        run = self._run()
        run.action_compute()
        run.date_from = D(2026, 12, 1)
        self.assertEqual((run.state, run.line_ids.ids), ("draft", []))
        run.action_compute()
        self.assertTrue(
            all("/2026-12-01/2026-12-31" in k for k in run.line_ids.mapped("ledger_key"))
        )

    def test_taking_a_rule_off_a_posted_run_keeps_what_was_paid(self):
        run = self._run()
        self._post(run)
        other = self._rule(code="T_OTHER")
        run.rule_ids = other
        run.action_compute()
        self.assertIn(self.rule, run.rule_ids, "the rule it paid under stays on the run")
        self.assertEqual(self._line(run, self.emp_worker).filtered("posting_ids").amount, 500.0)
        self._approve(run)
        posted = run.action_post()
        self.assertEqual(posted.line_id.rule_id, other, "only the new rule posts")

    def test_archived_rule_or_employee_keeps_what_was_paid(self):
        self.rule.write({"employee_ids": [(5,)], "department_ids": [(6, 0, self.department.ids)]})
        run = self._run()
        self._post(run)
        self.rule.action_archive()
        self.emp_worker.action_archive()
        self.emp_colleague.department_id = self.env["hr.department"].create({"name": "Press"})
        run.action_compute()
        worker, colleague = self._line(run, self.emp_worker), self._line(run, self.emp_colleague)
        self.assertEqual((worker.state, worker.amount), ("ok", 500.0))
        self.assertEqual((colleague.state, colleague.amount), ("ok", -300.0))
        self._approve(run)
        self.assertFalse(run.action_post(), "nothing is reversed")
        self.assertEqual(worker.posted_amount, 500.0)
        self.assertEqual(colleague.posted_amount, -300.0)

    def test_hr_withdraws_a_line_with_a_reason(self):
        run = self._run()
        self._post(run)
        line = self._line(run, self.emp_worker).with_user(self.user_admin)
        with self.assertRaisesRegex(UserError, "reason"):
            line.action_withdraw("  ")
        with self.assertRaises(AccessError):
            line.with_user(self.user_manager).action_withdraw("fraud")
        action = line.action_open_withdraw()
        wizard = (
            self.env[action["res_model"]]
            .with_user(self.user_admin)
            .with_context(action["context"])
            .create({"reason": "Scrap figures were re-counted by QA"})
        )
        wizard.action_confirm()
        self.assertEqual((line.state, line.amount), ("withdrawn", 0.0))
        self.assertEqual(run.state, "computed", "a withdrawal is approved before it is posted")
        self.assertTrue(
            any("Scrap figures were re-counted by QA" in str(m.body) for m in run.message_ids)
        )
        run.action_compute()
        self.assertEqual(line.state, "withdrawn", "a recompute does not bring it back")
        self._approve(run)
        reversal = run.action_post()
        self.assertEqual((reversal.amount, reversal.input_code), (-500.0, "OKR_BONUS"))
        self.assertEqual(line.posted_amount, 0.0)

    def test_overlapping_runs_sharing_a_rule_are_refused(self):
        self._run().action_compute()
        with self.assertRaisesRegex(UserError, "already covers this period"):
            self._run(date_from=D(2026, 11, 2)).action_compute()
        with self.assertRaisesRegex(UserError, "already covers this period"):
            self._run(date_from=D(2026, 10, 15), date_to=D(2026, 11, 5)).action_compute()
        with self.assertRaisesRegex(UserError, "already covers this period"):
            # no rules chosen: all rules of the period type, this one included
            self.env["okr.incentive.run"].with_user(self.user_admin).create(
                {"date_from": D(2026, 11, 20), "date_to": D(2026, 12, 19)}
            ).action_compute()
        december = self._run(date_from=D(2026, 12, 1))
        december.action_compute()
        self.assertEqual(december.state, "computed", "the next period is fine")

    def _tracked(self, run):
        """Tracking values are written at commit time; each action is its own request."""
        run.env.flush_all()
        run.env.cr.precommit.run()
        return run.sudo().message_ids.tracking_value_ids.mapped(
            lambda t: (t.field_id.name, t.new_value_char)
        )

    def test_four_eyes_approval(self):
        self.assertTrue(self.company.okr_four_eyes, "on by default")
        run = self._run()
        self._tracked(run)  # created in an earlier request
        run.action_compute()
        self.assertEqual(run.computed_by, self.user_admin)
        with self.assertRaisesRegex(UserError, "Four-Eyes Approval"):
            run.action_approve()
        self.assertEqual(run.state, "computed")
        self._approve(run)
        self.assertEqual((run.state, run.approved_by), ("approved", self.user_approver))
        self.assertIn(("approved_by", self.user_approver.name), self._tracked(run))

        self.company.okr_four_eyes = False  # a one-person HR
        run.action_compute()
        self.assertFalse(run.approved_by, "a recompute needs a new approval")
        run.action_approve()
        self.assertEqual((run.computed_by, run.approved_by), (self.user_admin, self.user_admin))
        tracked = self._tracked(run)
        self.assertIn(("computed_by", self.user_admin.name), tracked)
        self.assertIn(("approved_by", self.user_admin.name), tracked)
        self.assertIn(("state", "Approved"), tracked)

    def test_pay_fields_change_only_through_the_actions(self):
        run = self._run()
        self._post(run)
        admin_run = run.with_user(self.user_admin)
        line = admin_run.line_ids[:1]
        posting = admin_run.posting_ids[:1]
        for record, vals in (
            (admin_run, {"state": "approved"}),
            (admin_run, {"computed_by": self.user_approver.id}),
            (line, {"amount": 9999.0}),
            (line, {"state": "ok"}),
            (posting, {"amount": 1.0}),
            (posting, {"state": "paid"}),
            (posting, {"ledger_key": "x"}),
        ):
            with self.assertRaises(AccessError, msg=f"{record._name} {vals}"):
                record.write(vals)
        with self.assertRaises(AccessError, msg="an RPC context cannot pass as an action"):
            line.with_context(okr_incentive_action=True).write({"amount": 9999.0})
        with self.assertRaises(AccessError):
            posting.unlink()
        with self.assertRaises(AccessError):
            self.env["okr.incentive.posting"].with_user(self.user_admin).create(
                {
                    "line_id": line.id,
                    "currency_id": line.currency_id.id,
                    "ledger_key": "x",
                    "input_code": "OKR_BONUS",
                    "amount": 100.0,
                    "explanation": "by hand",
                    "target_date": D(2026, 11, 1),
                }
            )
        with self.assertRaises(AccessError):
            self.env["okr.incentive.line"].with_user(self.user_admin).create(
                {
                    "run_id": run.id,
                    "rule_id": self.rule.id,
                    "employee_id": self.emp_manager.id,
                    "currency_id": line.currency_id.id,
                    "amount": 100.0,
                    "explanation_data": "by hand",
                }
            )
        with self.assertRaises(AccessError):
            self.env["okr.incentive.run"].with_user(self.user_admin).create(
                {"date_from": D(2027, 1, 1), "state": "approved"}
            )
        admin_run.name = "November incentives"  # a plain field stays editable
        self.assertEqual(run.name, "November incentives")
