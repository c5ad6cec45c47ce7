import datetime

from odoo.tests import freeze_time, new_test_user, tagged

from .test_kpi import KpiCase

D = datetime.date


@tagged("post_install", "-at_install")
class TestAlerts(KpiCase):
    def _decline_messages(self, record):
        return record.message_ids.filtered(lambda m: "got worse" in (m.body or ""))

    def test_key_result_decline_alerted_once_per_streak(self):
        objective = self._objective(self.emp_worker)
        objective.write({"state": "running", "date_approved": D(2026, 10, 1)})
        kr = objective.key_result_ids  # scrap 7% -> 5%: going up is getting worse
        Checkin = self.env["okr.checkin"]

        def check_in(day, value):
            Checkin.create({"key_result_id": kr.id, "date": D(2026, 11, day), "value": value})

        for day, value in ((2, 6.5), (3, 6.7), (4, 6.9)):
            check_in(day, value)
        self.env["okr.key.result"]._cron_decline_alerts()
        self.assertFalse(self._decline_messages(kr), "two steps are not three")
        check_in(5, 7.1)
        self.env["okr.key.result"]._cron_decline_alerts()
        message = self._decline_messages(kr)
        self.assertEqual(len(message), 1)
        self.assertIn("got worse 3 check-ins in a row", message.body)
        self.assertEqual(
            set(message.partner_ids.ids),
            {self.user_worker.partner_id.id, self.user_manager.partner_id.id},
        )
        self.env["okr.key.result"]._cron_decline_alerts()
        check_in(6, 7.3)
        self.env["okr.key.result"]._cron_decline_alerts()
        self.assertEqual(len(self._decline_messages(kr)), 1, "the same streak is told once")
        for day, value in ((9, 6.0), (10, 6.2), (11, 6.4), (12, 6.6)):
            check_in(day, value)
        self.env["okr.key.result"]._cron_decline_alerts()
        self.assertEqual(len(self._decline_messages(kr)), 2, "a new streak is told again")

    def test_kpi_decline_average_ticket_three_days_running(self):
        ticket = self.env["kpi.definition"].create(
            {"name": "Average ticket", "code": "T_TICKET", "unit": "CNY"}
        )
        target = self._target(ticket, self.emp_worker, target=90, floor=60)
        for day, value in ((16, 88), (17, 86), (18, 85)):
            self._measure(ticket, self.emp_worker, D(2026, 11, day), value)
        with freeze_time("2026-11-18"):
            self.env["kpi.target"]._cron_decline_alerts()
        self.assertFalse(self._decline_messages(target))
        self._measure(ticket, self.emp_worker, D(2026, 11, 19), 83)
        with freeze_time("2026-11-19"):
            self.env["kpi.target"]._cron_decline_alerts()
            self.env["kpi.target"]._cron_decline_alerts()
        message = self._decline_messages(target)
        self.assertEqual(len(message), 1)
        self.assertIn("Average ticket of Wang Wu got worse 3 days in a row", message.body)

    def test_feedback_reaches_the_employee(self):
        objective = self._objective(self.emp_worker)
        objective.write({"state": "running"})
        checkin = self.env["okr.checkin"].create(
            {"key_result_id": objective.key_result_ids.id, "value": 6.9}
        )
        action = checkin.with_user(self.user_manager).action_feedback()
        wizard = (
            self.env[action["res_model"]]
            .with_user(self.user_manager)
            .create(
                {
                    "checkin_id": checkin.id,
                    "message": "Today's defects are high: is something wrong with the setup?",
                }
            )
        )
        wizard.action_send()
        message = objective.key_result_ids.message_ids[0]
        self.assertIn("is something wrong with the setup", message.body)
        self.assertEqual(message.partner_ids, self.user_worker.partner_id)
        self.assertEqual(message.author_id, self.user_manager.partner_id)

    def test_stale_reminder_e_mails_portal_users(self):
        portal = new_test_user(self.env, "okr_portal_stale", groups="base.group_portal")
        employee = self.env["hr.employee"].create(
            {"name": "Ma Lin", "user_id": portal.id, "parent_id": self.emp_manager.id}
        )
        objective = self._objective(employee)
        objective.write({"state": "running", "date_approved": D(2026, 10, 1)})
        with freeze_time("2026-10-20"):
            self.env["okr.key.result"]._cron_remind_stale()
        kr = objective.key_result_ids
        self.assertFalse(kr.activity_ids, "portal users get no activity")
        reminder = kr.message_ids.filtered(lambda m: "No check-in" in (m.body or ""))
        self.assertEqual(reminder.partner_ids, portal.partner_id)
