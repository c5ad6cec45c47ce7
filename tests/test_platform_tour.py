"""HR sets up a DingTalk attendance connector in a real browser (Chromium): credentials,
matching and schedule typed in the form, Test Connection, Run Now, the unmatched
platform user explained on the sync log, matched in Platform Users and imported by
Retry Failed Rows. The platform is the local fake DingTalk of connectors.platforms.
Tour: static/tests/tours/okr_platform_setup.js."""

import datetime
from urllib.parse import quote

from odoo import fields
from odoo.addons.okr_addon.connectors.platforms import PlatformUser, fakes
from odoo.tests import HttpCase, new_test_user, tagged

DT = datetime.datetime
# What the tour types as App Key and App Secret: the fake accepts only these.
APP_KEY = "ding-tour-appkey"
SECRET = "Tour-S3cret/ding+0815="


@tagged("post_install", "-at_install")
class TestPlatformSetupTour(HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.hr = new_test_user(
            cls.env,
            "okr_tour_platform_hr",
            groups="base.group_user,base.group_system,okr_addon.group_okr_admin",
            password="okr_tour_platform_hr",
        )
        Employee = cls.env["hr.employee"]
        cls.wang, cls.zhao, cls.li_lei = Employee.create(
            [
                {"name": "Wang Wei Tour", "mobile_phone": "139 5555 0101"},
                {"name": "Zhao Min Tour", "mobile_phone": "+86 139 5555 0102"},
                # On DingTalk with a mobile number HR never entered: nothing matches him.
                {"name": "Li Lei Tour"},
            ]
        )

    def setUp(self):
        super().setUp()
        users = [
            PlatformUser("d01", "王伟", mobile="13955550101"),
            PlatformUser("d02", "赵敏", mobile="13955550102"),
            PlatformUser("d03", "李雷", mobile="13955550199"),
        ]
        # The weekdays of the last four weeks: 08:55 to 18:05 in Shanghai.
        today = fields.Date.today()
        days = [today - datetime.timedelta(days=back) for back in range(28, 0, -1)]
        self.days = [day for day in days if day.weekday() < 5]
        punches = []
        for user in users:
            for day in self.days:
                punches.append((user.user_id, DT.combine(day, datetime.time(0, 55)), "in"))
                punches.append((user.user_id, DT.combine(day, datetime.time(10, 5)), "out"))
        self.fake = fakes.FakeDingTalk(
            users=users, punches=punches, app_id=APP_KEY, app_secret=SECRET
        )
        self.fake.__enter__()
        self.addCleanup(self.fake.__exit__, None, None, None)

    def _attendances(self, employee):
        return self.env["hr.attendance"].search(
            [
                ("employee_id", "=", employee.id),
                ("check_in", ">=", DT.combine(self.days[0], datetime.time())),
            ]
        )

    def test_hr_sets_up_dingtalk_and_a_month_arrives_with_every_failure_explained(self):
        self.start_tour(
            f"/odoo?okr_platform_url={quote(self.fake.url, safe='')}",
            "okr_platform_setup",
            login="okr_tour_platform_hr",
            timeout=180,
        )
        connector = self.env["okr.connector"].search([("endpoint_url", "=", self.fake.url)])
        self.assertEqual(connector.mapped("name"), ["DingTalk attendance"])
        self.assertEqual(connector.kind, "attendance_dingtalk")
        self.assertTrue(connector.allow_local_network)
        self.assertEqual(
            (connector.sudo().platform_key, connector.sudo().platform_secret), (APP_KEY, SECRET)
        )
        self.assertEqual(connector.match_order, "mobile,job_number")
        self.assertTrue(connector.scheduled)
        self.assertEqual((connector.interval_number, connector.interval_type), (1, "days"))
        self.assertTrue(connector.next_run)

        for employee in (self.wang, self.zhao, self.li_lei):
            attendances = self._attendances(employee)
            self.assertEqual(
                sorted(attendances.mapped("date")), self.days, f"a month of {employee.name}"
            )
        logs = self.env["okr.sync.log"].search([("connector_id", "=", connector.id)], order="id")
        self.assertEqual(logs.mapped("trigger"), ["manual", "retry"])
        first, retry = logs
        days = len(self.days)
        self.assertEqual((first.created_count, first.failed_count), (2 * days, days))
        self.assertIn("李雷", first.line_ids[0].reason)
        self.assertEqual((retry.created_count, retry.failed_count), (days, 0))
        li_lei = connector.sudo().platform_user_ids.filtered(lambda u: u.platform_user_id == "d03")
        self.assertEqual((li_lei.employee_id, li_lei.state), (self.li_lei, "manual"))

        again = self.env["okr.sync.log"].browse(connector.with_user(self.hr).action_run()["res_id"])
        self.assertEqual((again.created_count, again.failed_count), (0, 0), again.message)
        self.assertEqual(again.unchanged_count, 3 * days)

        token = connector.sudo().platform_token
        self.assertTrue(token)
        texts = [
            *logs.mapped("message"),
            again.message,
            *logs.line_ids.mapped("raw"),
            *logs.line_ids.mapped("reason"),
            *connector.message_ids.mapped("body"),
            *connector.message_ids.tracking_value_ids.mapped("new_value_char"),
            *connector.message_ids.tracking_value_ids.mapped("old_value_char"),
        ]
        for text in texts:
            for secret in (SECRET, token):
                self.assertNotIn(secret, text or "")
