import datetime

from odoo.tests import freeze_time, tagged

from .common import OkrCase


@tagged("post_install", "-at_install")
class TestOkrReminder(OkrCase):
    def _reminders(self, key_result):
        return self.env["mail.activity"].search(
            [
                ("res_model", "=", "okr.key.result"),
                ("res_id", "=", key_result.id),
                ("activity_type_id", "=", self.env.ref("okr_addon.mail_activity_okr_checkin").id),
            ]
        )

    def test_one_reminder_per_gap(self):
        self.company.okr_stale_days = 7
        objective = self._objective(self.emp_worker)
        objective.write({"state": "running", "date_approved": datetime.date(2026, 10, 2)})
        kr = objective.key_result_ids
        self.env["okr.checkin"].create(
            {"key_result_id": kr.id, "value": 6.5, "date": datetime.date(2026, 10, 5)}
        )
        KeyResult = self.env["okr.key.result"]
        with freeze_time("2026-10-10"):
            KeyResult._cron_remind_stale()
        self.assertFalse(self._reminders(kr), "5 days without check-in is not stale yet")
        with freeze_time("2026-10-12"):
            KeyResult._cron_remind_stale()
            self.assertTrue(objective.is_stale)
        reminder = self._reminders(kr)
        self.assertEqual(len(reminder), 1)
        self.assertEqual(reminder.user_id, self.user_worker)
        with freeze_time("2026-10-13"):
            KeyResult._cron_remind_stale()
        self.assertEqual(len(self._reminders(kr)), 1, "the same gap never gets a second reminder")

        reminder.action_done()
        self.env["okr.checkin"].create(
            {"key_result_id": kr.id, "value": 6.0, "date": datetime.date(2026, 10, 14)}
        )
        with freeze_time("2026-10-16"):
            KeyResult._cron_remind_stale()
            self.assertFalse(objective.is_stale)
        self.assertFalse(self._reminders(kr))
        with freeze_time("2026-10-22"):
            KeyResult._cron_remind_stale()
        self.assertEqual(
            len(self._reminders(kr)), 1, "a new gap after a check-in is reminded again"
        )

    def test_frontline_owner_without_user_reminds_the_approver(self):
        objective = self._objective(self.emp_frontline)
        objective.write({"state": "running", "date_approved": datetime.date(2026, 10, 1)})
        with freeze_time("2026-10-20"):
            self.env["okr.key.result"]._cron_remind_stale()
        self.assertEqual(self._reminders(objective.key_result_ids).user_id, self.user_manager)

    def test_draft_and_closed_cycle_key_results_are_not_reminded(self):
        draft = self._objective(self.emp_worker)
        running = self._objective(self.emp_colleague)
        running.write({"state": "running", "date_approved": datetime.date(2026, 10, 1)})
        self.cycle.state = "closed"
        with freeze_time("2026-10-20"):
            self.env["okr.key.result"]._cron_remind_stale()
        self.assertFalse(self._reminders(draft.key_result_ids))
        self.assertFalse(self._reminders(running.key_result_ids))
