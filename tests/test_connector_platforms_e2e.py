"""Attendance platforms end to end: the real adapters of connectors.platforms against
the local fake DingTalk, WeCom and Feishu servers, through the connector's runs."""

import datetime
import json
from unittest.mock import patch

from odoo import fields
from odoo.addons.okr_addon.connectors.platforms import PlatformUser, fakes
from odoo.tests import tagged

from .common import ConnectorCase

DT = datetime.datetime
SECRET = "Plat-S3cret/echo+4711="
BADGES = ("1001", "1002", "1003", "1004", "1005")


class ServerStopped(Exception):
    """The Odoo server stopped in the middle of a run (a restart, a killed worker)."""


class PlatformE2E:
    """The tests every platform passes; a subclass names its kind and fake server."""

    kind = ""
    fake_class = None
    allow_inherited_tests_method = True  # Odoo runs the inherited test methods too
    calls_before_quota = 0  # data calls: the directory and the first unit(s), not all
    platform_key = "cli-app-key"

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        for badge in BADGES:
            cls.by_badge[badge].mobile_phone = f"138 0000 {int(badge):04d}"

    def setUp(self):
        super().setUp()
        # Frequency limits are waited for without waiting.
        self.waits = []
        patcher = patch.object(
            type(self.env["okr.connector"]),
            "_platform_sleep",
            lambda _self, s: self.waits.append(s),
        )
        patcher.start()
        self.addCleanup(patcher.stop)
        self.users = [
            PlatformUser(f"p{badge}", self.by_badge[badge].name, mobile=f"1380000{badge}")
            for badge in BADGES
        ]
        self.days = self._weekdays()
        punches = []
        for user in self.users:
            for day in self.days:
                # 08:55 and 18:05 in Shanghai; Wang Wu comes at 09:20 on the first day.
                late = user.user_id == "p1001" and day == self.days[0]
                check_in = DT.combine(day, datetime.time(1, 20 if late else 0)) - _H(0, 5)
                punches.append((user.user_id, check_in, "in"))
                punches.append((user.user_id, DT.combine(day, datetime.time(10, 5)), "out"))
        self.expected = len(BADGES) * len(self.days)
        self.fake = self.fake_class(
            users=self.users, punches=punches, app_id=self.platform_key, app_secret=SECRET
        )
        self.fake.__enter__()
        self.addCleanup(self.fake.__exit__, None, None, None)
        self.connector = self._local_connector(
            name=f"{self.kind} attendance",
            kind=self.kind,
            endpoint_url=self.fake.url,
            platform_key=self.platform_key,
            platform_secret=SECRET,
            lookback_days=50,
        )

    @staticmethod
    def _weekdays():
        """The weekdays of the last 45 days before today: more than one window of
        every platform (7 days for DingTalk, 30 for WeCom and Feishu)."""
        today = fields.Date.today()
        days = [today - datetime.timedelta(days=back) for back in range(45, 0, -1)]
        return [day for day in days if day.weekday() < 5]

    def _run(self):
        action = self.connector.with_user(self.user_admin).action_run()
        return self.env["okr.sync.log"].browse(action["res_id"])

    def test_a_month_arrives_once_with_the_platform_verdicts(self):
        log = self._run()
        self.assertCounts(log, created=self.expected)
        self.assertEqual(log.state, "success", log.message)
        wang_wu = self._attendances().filtered(lambda a: a.employee_id.barcode == "1001")
        self.assertEqual(len(wang_wu), len(self.days))
        first = min(wang_wu, key=lambda a: a.check_in)
        self.assertEqual(first.check_in, DT.combine(self.days[0], datetime.time(1, 15)))
        self.assertEqual(first.check_out, DT.combine(self.days[0], datetime.time(10, 5)))
        self.assertIn("1 late", log.message)
        late = [row for row in log.shift_statuses if row[2] == "late"]
        self.assertEqual(late, [[wang_wu.employee_id.id, self.days[0].isoformat(), "late"]])
        users = self.env["okr.connector.user"].search([("connector_id", "=", self.connector.id)])
        self.assertEqual(set(users.mapped("state")), {"matched"})

        again = self._run()
        self.assertCounts(again, unchanged=self.expected)
        self.assertEqual(len(self._attendances()), self.expected, "nothing twice")

    def test_quota_stop_then_resume_loses_and_doubles_nothing(self):
        self.fake.quota_after(self.calls_before_quota)
        first = self._run()
        self.assertEqual(first.state, "partial", first.message)
        self.assertIn("stopped the fetch before the end", first.message)
        self.assertTrue(self.connector.sudo().platform_resume)
        self.assertLess(first.created_count, self.expected)

        self.fake.quota_after(None)
        second = self._run()
        self.assertEqual(second.state, "success", second.message)
        self.assertFalse(self.connector.sudo().platform_resume)
        self.assertEqual(first.created_count + second.created_count, self.expected)
        self.assertEqual(len(self._attendances()), self.expected)
        self.assertCounts(self._run(), unchanged=self.expected)

    def test_a_run_killed_half_way_is_started_again_without_loss_or_double(self):
        """The server dies after the first batch of a run was written (a scheduled
        run commits each batch): the next run reads everything again, finds the
        first batch through its bindings and writes only the rest."""
        Connector = type(self.env["okr.connector"])
        import_batches = Connector._import_batches

        def one_batch_then_killed(connector, log, entries, warnings):
            first = connector._batches(entries)[0]
            import_batches(connector, log, first, warnings)
            raise ServerStopped

        # Not assertRaises: Odoo's rolls back what the killed run had written.
        stopped = False
        with (
            patch("odoo.addons.okr_addon.okr_addon.models.okr_connector_run.BATCH_SIZE", 40),
            patch.object(Connector, "_import_batches", one_batch_then_killed),
        ):
            try:
                self._run()
            except ServerStopped:
                stopped = True
        self.assertTrue(stopped)
        written = len(self._attendances())
        self.assertTrue(0 < written < self.expected, written)
        killed = self.env["okr.sync.log"].search([("connector_id", "=", self.connector.id)])
        self.assertEqual(killed.state, "running")

        again = self._run()
        self.assertEqual(again.state, "success", again.message)
        self.assertCounts(again, created=self.expected - written, unchanged=written)
        self.assertEqual(len(self._attendances()), self.expected, "nothing lost, nothing twice")
        self.assertNotEqual(killed.state, "running", "the killed run's log is closed")

    def test_token_expiring_in_the_middle_of_a_run_is_renewed(self):
        self._run()
        token = self.connector.sudo().platform_token
        self.assertTrue(token)
        self.fake.expire_token(after=2)
        self.env["hr.attendance"].search([("employee_id", "in", self.workers.ids)]).unlink()
        log = self._run()
        self.assertCounts(log, created=self.expected)
        self.assertNotEqual(self.connector.sudo().platform_token, token, "a new token is kept")

    def test_unmatched_user_is_imported_by_retry_once_hr_matches(self):
        self.by_badge["1005"].mobile_phone = False
        self.by_badge["1005"].name = "Zhou Q."  # neither mobile nor name finds him now
        log = self._run()
        days = len(self.days)
        self.assertCounts(log, created=self.expected - days, failed=days)
        self.assertIn("is not matched to an employee", log.line_ids[0].reason)
        self.assertEqual(len(json.loads(log.line_ids[0].raw)), 2)
        zhou = self.env["okr.connector.user"].search(
            [("connector_id", "=", self.connector.id), ("platform_user_id", "=", "p1005")]
        )
        self.assertEqual(zhou.state, "unmatched")
        zhou.with_user(self.user_admin).employee_id = self.by_badge["1005"]
        action = log.with_user(self.user_admin).action_retry_failed()
        retry = self.env["okr.sync.log"].browse(action["res_id"])
        self.assertCounts(retry, created=days)
        self.assertEqual(len(self._attendances()), self.expected)

    def test_secrets_are_stored_nowhere(self):
        self.connector.platform_secret = "wrong-" + SECRET
        self.connector.write({"scheduled": True, "next_run": "2026-11-01 00:00:00"})
        self.env["okr.connector"]._cron_run_due()
        log = self.connector.last_log_id
        self.assertEqual(log.state, "failed")
        notification = self.connector.with_user(self.user_admin).action_test_connection()
        self.assertEqual(notification["params"]["type"], "danger")
        self.connector.platform_secret = SECRET
        self.assertEqual(
            self.connector.with_user(self.user_admin).action_test_connection()["params"]["type"],
            "success",
        )
        self._run()
        texts = [
            *self.env["okr.sync.log"]
            .search([("connector_id", "=", self.connector.id)])
            .mapped("message"),
            *self.env["okr.sync.log.line"]
            .search([("log_id.connector_id", "=", self.connector.id)])
            .mapped("raw"),
            notification["params"]["message"],
            *self.connector.message_ids.mapped("body"),
            *self.connector.message_ids.tracking_value_ids.mapped("new_value_char"),
        ]
        self.assertIn("Scheduled run failed", self.connector.message_ids[0].body)
        token = self.connector.sudo().platform_token
        for text in texts:
            for secret in (SECRET, "wrong-" + SECRET, token):
                self.assertNotIn(secret, text or "")


def _H(hours, minutes):
    return datetime.timedelta(hours=hours, minutes=minutes)


@tagged("post_install", "-at_install")
class TestDingTalkEndToEnd(PlatformE2E, ConnectorCase):
    kind = "attendance_dingtalk"
    fake_class = fakes.FakeDingTalk
    calls_before_quota = 7  # two departments and their users, then 3 calls of units

    def test_a_bad_record_fails_its_row_only_and_keeps_no_secret(self):
        bad = {"id": 77, "userId": "p1001", "checkType": "OnDuty", "userCheckTime": SECRET}
        self.fake.add_raw("attendance/listRecord", bad)
        log = self._run()
        self.assertEqual(log.state, "partial", log.message)
        self.assertEqual(log.created_count, self.expected)
        self.assertTrue(log.failed_count)
        line = log.line_ids[0]
        self.assertIn("userCheckTime", f"{line.field} {line.reason}")
        kept = json.loads(line.raw)
        self.assertEqual((kept[0] if isinstance(kept, list) else kept)["id"], 77, "kept raw")
        for text in log.line_ids.mapped("raw") + log.line_ids.mapped("reason"):
            self.assertNotIn(SECRET, text)


@tagged("post_install", "-at_install")
class TestWeComEndToEnd(PlatformE2E, ConnectorCase):
    kind = "attendance_wecom"
    fake_class = fakes.FakeWeCom
    platform_key = "ww-corp-id"
    calls_before_quota = 2  # user/list, then the first 30 days (one call a unit)

    def test_job_number_comes_from_the_custom_attribute(self):
        self.users[0] = PlatformUser("p1001", "王五", mobile="", job_number="1001")
        self.fake.users = self.users
        self._run()
        user = self.env["okr.connector.user"].search(
            [("connector_id", "=", self.connector.id), ("platform_user_id", "=", "p1001")]
        )
        self.assertEqual((user.job_number, user.match_key), ("1001", "job_number"))
        self.assertEqual(user.employee_id, self.by_badge["1001"])


@tagged("post_install", "-at_install")
class TestFeishuEndToEnd(PlatformE2E, ConnectorCase):
    kind = "attendance_feishu"
    fake_class = fakes.FakeFeishu
    platform_key = "cli_a1b2c3"
    calls_before_quota = 5  # the departments and their users, then flows and tasks
