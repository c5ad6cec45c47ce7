"""An employee disputes one number: only the incentive lines that depend on it are
held, the rest of the run posts; settling releases them, paid once; a correction
is paid after a recompute; only the manager or HR settles, never the employee."""

import datetime

from odoo.exceptions import AccessError, UserError
from odoo.tests import new_test_user, tagged

from .test_incentive import IncentiveCase

D = datetime.date


@tagged("post_install", "-at_install")
class TestDispute(IncentiveCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # Zhang San's scrap of 5.0 makes him miss his target: -300.
        cls.m_colleague = cls.env["kpi.measurement"].search(
            [("employee_id", "=", cls.emp_colleague.id), ("definition_id", "=", cls.scrap.id)]
        )
        cls.Dispute = cls.env["okr.dispute"]

    def _dispute(self, employee=None, measurement=None, reason="The scrap of line 3 is not mine"):
        employee = employee or self.emp_colleague
        return self.Dispute._open_dispute(
            employee, reason, measurement=measurement or self.m_colleague
        )

    def _approved_run(self):
        run = self._run()
        run.with_user(self.user_admin).action_compute()
        return self._approve(run)

    def _amounts(self, postings):
        return sorted((p.employee_id.name, p.amount) for p in postings)

    def test_a_dispute_holds_one_line_the_rest_posts_and_settling_pays_it_once(self):
        run = self._approved_run()
        dispute = self._dispute()
        held = self._line(run, self.emp_colleague)
        self.assertEqual(dispute.held_line_ids, held)
        self.assertTrue(held.held)
        self.assertIn("is disputed (The scrap of line 3 is not mine)", held.hold_reason)
        self.assertFalse(self._line(run, self.emp_worker).held, "only the disputed line")
        self.assertEqual(run.held_count, 1)

        posted = run.with_user(self.user_admin).action_post()
        self.assertEqual(self._amounts(posted), [("Wang Wu", 500.0)], "the rest of the run posts")
        self.assertEqual(run.state, "posted")
        self.assertFalse(held.posting_ids)
        self.assertIn("held by a disputed value", " ".join(run.message_ids.mapped("body")))
        # A second Post while the dispute is open still pays nothing more.
        self.assertFalse(run.with_user(self.user_admin).action_post())

        dispute.with_user(self.user_manager).action_settle("Checked the scale log: 5.0 stands")
        self.assertEqual(
            (dispute.state, dispute.settled_by, dispute.held_line_ids),
            ("confirmed", self.user_manager, self.env["okr.incentive.line"]),
        )
        self.assertFalse(held.held)
        self.assertEqual(run.released_count, 1)
        posted = run.with_user(self.user_admin).action_post()
        self.assertEqual(self._amounts(posted), [("Zhang San", -300.0)], "the released line")
        self.assertFalse(run.with_user(self.user_admin).action_post(), "never twice")
        self.assertEqual(held.posted_amount, -300.0)
        self.assertEqual(run.released_count, 0)

    def test_a_correction_is_paid_after_the_recompute_only(self):
        run = self._approved_run()
        dispute = self._dispute()
        held = self._line(run, self.emp_colleague)
        run.with_user(self.user_admin).action_post()
        dispute.with_user(self.user_manager).action_settle(
            "Line 3's scrap was booked on you", corrected_value=4.0
        )
        self.assertEqual((dispute.state, dispute.corrected_value), ("corrected", 4.0))
        self.assertEqual(self.m_colleague.value, 4.0, "written to the value itself")
        self.env.flush_all()
        self.env.cr.flush()  # tracking values are written when the cursor flushes
        tracked = dispute.message_ids.tracking_value_ids.mapped("field_id.name")
        self.assertIn("corrected_value", tracked)
        self.assertIn("state", tracked)
        # Safe side: the line still holds the old amount, so it stays held.
        self.assertTrue(held.held)
        self.assertIn("was corrected; recompute the run", held.hold_reason)
        self.assertFalse(run.with_user(self.user_admin).action_post())
        self.assertEqual(held.amount, -300.0)

        run.with_user(self.user_admin).action_compute()
        self.assertFalse(held.held, "the recompute read the corrected value")
        self.assertEqual(held.amount, 300.0)
        self.assertEqual(run.state, "computed", "approved again before posting")
        self._approve(run)
        posted = run.with_user(self.user_admin).action_post()
        self.assertEqual(self._amounts(posted), [("Zhang San", 300.0)])
        self.assertFalse(run.with_user(self.user_admin).action_post())

    def test_a_run_computed_after_the_dispute_holds_the_line(self):
        dispute = self._dispute()
        self.assertFalse(dispute.held_line_ids, "no run yet")
        run = self._approved_run()
        self.assertTrue(self._line(run, self.emp_colleague).held)
        self.assertIn(self._line(run, self.emp_colleague), dispute.held_line_ids)
        exported = [row["employee_code"] for row in run._export_rows()]
        self.assertEqual(exported, ["1001"], "a held line is not exported either")

    def test_an_attendance_day_holds_only_lines_reading_attendance(self):
        gated = self._rule(code="T_GATED", name="Gated bonus", gate_attendance_rate=90)
        run = self._run(self.rule | gated)
        run.with_user(self.user_admin).action_compute()
        dispute = self.Dispute._open_dispute(self.emp_colleague, "I was here", day=D(2026, 11, 12))
        self.assertEqual(dispute.held_line_ids.rule_id, gated)
        self.assertEqual(dispute.held_line_ids.employee_id, self.emp_colleague)
        self.assertEqual(dispute.attendance_summary, "no attendance recorded")
        dispute.with_user(self.user_manager).action_settle(
            "Badge reader was down; HR adds the day", corrected_value=0.0
        )
        self.assertEqual(dispute.state, "corrected")
        self.assertTrue(dispute.held_line_ids.held, "held until HR recomputes")

    def test_the_manager_gets_a_to_do(self):
        dispute = self._dispute()
        activity = dispute.activity_ids
        self.assertEqual(
            (activity.user_id, activity.activity_type_id),
            (self.user_manager, self.env.ref("mail.mail_activity_data_todo")),
        )
        self.assertEqual(dispute.manager_user_id, self.user_manager)
        dispute.with_user(self.user_manager).action_settle("Fine")
        self.assertFalse(dispute.activity_ids, "done when settled")

    def test_a_manager_without_manager_goes_to_hr_and_never_settles_their_own(self):
        measurement = self._measure(self.scrap, self.emp_manager, D(2026, 11, 11), 3.0)
        dispute = self._dispute(self.emp_manager, measurement)
        self.assertEqual(dispute.activity_ids.user_id, dispute.manager_user_id)
        self.assertTrue(dispute.manager_user_id.has_group("okr_addon.group_okr_admin"))
        with self.assertRaisesRegex(AccessError, "Your own dispute"):
            dispute.with_user(self.user_manager).action_settle("It is right")
        admin = new_test_user(
            self.env, "okr_dispute_admin", groups="base.group_user,okr_addon.group_okr_admin"
        )
        self.emp_outsider.user_id = admin
        own = self._dispute(
            self.emp_outsider, self._measure(self.scrap, self.emp_outsider, D(2026, 11, 11), 3.0)
        )
        with self.assertRaisesRegex(AccessError, "Your own dispute"):
            own.with_user(admin).action_settle("Mine is right", corrected_value=1.0)
        dispute.with_user(self.user_admin).action_settle("It is right")
        self.assertEqual(dispute.state, "confirmed")

    def test_who_may_not_settle(self):
        self._approved_run()
        dispute = self._dispute()
        company_b = self.env["res.company"].create({"name": "Other Plant"})
        admin_b = new_test_user(
            self.env,
            "okr_dispute_admin_b",
            groups="base.group_user,okr_addon.group_okr_admin",
            company_id=company_b.id,
            company_ids=[(6, 0, company_b.ids)],
        )
        for user in (self.user_colleague, self.user_worker, self.user_outsider, admin_b):
            with self.assertRaises(AccessError, msg=user.login):
                dispute.with_user(user).action_settle("Stands", corrected_value=1.0)
        # The employee writing the outcome over RPC: refused, whatever the field.
        for vals in (
            {"state": "confirmed"},
            {"settlement_note": "ok"},
            {"corrected_value": 1.0},
            {"held_line_ids": [(5,)]},
            {"reason": "other"},
        ):
            with self.assertRaises(AccessError, msg=vals):
                dispute.with_user(self.user_colleague).write(vals)
            with self.assertRaises(AccessError, msg=vals):
                dispute.with_user(self.user_manager).write(vals)
        with self.assertRaises(AccessError):
            self.Dispute.with_user(self.user_colleague).create(
                {"employee_id": self.emp_colleague.id, "measurement_id": self.m_colleague.id}
            )
        self.assertEqual(dispute.state, "open")
        self.assertEqual(self.m_colleague.value, 5.0)

    def test_own_values_only_once_and_not_once_paid(self):
        with self.assertRaises(AccessError):
            self._dispute(self.emp_worker, self.m_colleague)
        with self.assertRaisesRegex(UserError, "Say in a few words"):
            self._dispute(reason="   ")
        with self.assertRaisesRegex(UserError, "under 300 characters"):
            self._dispute(reason="x" * 301)
        with self.assertRaisesRegex(UserError, "day that has passed"):
            self.Dispute._open_dispute(self.emp_colleague, "future", day=D(2999, 1, 1))
        first = self._dispute()
        with self.assertRaisesRegex(UserError, "already disputed"):
            self._dispute()
        first.with_user(self.user_manager).action_settle("Stands")
        with self.assertRaisesRegex(UserError, "already settled"):
            first.with_user(self.user_manager).action_settle("Again")
        run = self._approved_run()
        run.with_user(self.user_admin).action_post()
        with self.assertRaisesRegex(UserError, "already paid: talk to HR"):
            self._dispute(reason="Still wrong")

    def test_the_settle_dialog(self):
        self._approved_run()
        dispute = self._dispute()
        action = (
            dispute.with_user(self.user_manager)
            .with_context(okr_settle_mode="correct")
            .action_open_settle()
        )
        self.assertEqual(action["context"]["default_mode"], "correct")
        with self.assertRaises(AccessError):
            dispute.with_user(self.user_colleague).action_open_settle()
        wizard = (
            self.env["okr.dispute.settle"]
            .with_user(self.user_manager)
            .with_context(action["context"])
            .create({"note": "Scale recalibrated", "corrected_value": 4.5})
        )
        wizard.action_settle()
        self.assertEqual(
            (dispute.state, dispute.corrected_value, dispute.settlement_note),
            ("corrected", 4.5, "Scale recalibrated"),
        )
        self.assertEqual(self.m_colleague.value, 4.5)

    def test_a_connector_value_is_corrected_at_its_source_or_by_hr(self):
        brought = self._measure(self.scrap, self.emp_colleague, D(2026, 11, 12), 8.0, "connector")
        dispute = self._dispute(measurement=brought)
        with self.assertRaisesRegex(AccessError, "corrected at its source"):
            dispute.with_user(self.user_manager).action_settle("Lower", corrected_value=4.0)
        self.assertEqual((dispute.state, brought.value), ("open", 8.0))
        dispute.with_user(self.user_admin).action_settle("Terminal fixed", corrected_value=4.0)
        self.assertEqual((dispute.state, brought.value), ("corrected", 4.0))

    def test_a_line_held_by_two_disputes_waits_for_both(self):
        run = self._approved_run()
        line = self._line(run, self.emp_colleague)
        first = self._dispute()
        second = self._dispute(
            measurement=self._measure(self.scrap, self.emp_colleague, D(2026, 11, 11), 6.0)
        )
        self.assertEqual(line.hold_dispute_ids, first | second)
        first.with_user(self.user_manager).action_settle("Stands")
        self.assertTrue(line.held, "the other dispute still holds it")
        self.assertEqual(run.with_user(self.user_admin).action_post().employee_id, self.emp_worker)
        second.with_user(self.user_manager).action_settle("Stands too")
        posted = run.with_user(self.user_admin).action_post()
        self.assertEqual(self._amounts(posted), [("Zhang San", line.amount)])
