import datetime

from odoo import fields
from odoo.addons.okr_addon.connectors.testing import FakeRemote, Reply
from odoo.tests import tagged

from .common import ConnectorCase

DT = datetime.datetime
TOKEN = "s3cret-T0ken-4711"
HTTP_LOGGER = "odoo.addons.okr_addon.connectors.http"
PAGINATION_LOGGER = "odoo.addons.okr_addon.connectors.pagination"


def record(badge, day, external_id=None, check_out="17:00:00+08:00"):
    return {
        "emp_no": badge,
        "in": f"2026-11-{day:02d}T08:00:00+08:00",
        "out": f"2026-11-{day:02d}T{check_out}" if check_out else None,
        "id": external_id or f"att-{badge}-{day}",
    }


@tagged("post_install", "-at_install")
class TestConnectorRest(ConnectorCase):
    def setUp(self):
        super().setUp()
        self.remote = FakeRemote()
        self.remote.__enter__()
        self.addCleanup(self.remote.__exit__, None, None, None)
        self.clock = self._local_connector(
            name="Time clock cloud",
            kind="attendance_rest",
            endpoint_url=f"{self.remote.url}v1/attendances",
            auth_type="bearer",
            token=TOKEN,
            mapping='{"employee_code": "emp_no", "check_in": "in", "check_out": "out", '
            '"external_id": "id"}',
        )

    def _page(self, items, next_cursor=None):
        return Reply(body={"items": items, "next_cursor": next_cursor})

    def _run(self):
        action = self.clock.with_user(self.user_admin).action_run()
        return self.env["okr.sync.log"].browse(action["res_id"])

    def assertNoToken(self, *texts):
        for text in texts:
            self.assertNotIn(TOKEN, text or "")

    def test_run_imports_pages_and_stops_at_a_repeated_page(self):
        first = [record("1001", 2), record("1002", 2)]
        self.remote.script(
            "GET",
            "/v1/attendances",
            self._page(first, "c2"),
            self._page([record("1003", 2)], "c3"),
            self._page([record("1003", 2)], "c4"),  # a buggy remote repeats itself
        )
        with self.assertLogs(PAGINATION_LOGGER, "WARNING") as logged:
            log = self._run()
        self.assertCounts(log, created=3)
        self.assertEqual(log.state, "partial", "the list may be incomplete")
        self.assertIn("page 3 repeats page 2", log.message)
        self.assertIn("repeats page 2", logged.output[0])
        call = self.remote.calls("GET", "/v1/attendances")[0]
        self.assertEqual(call.headers["Authorization"], f"Bearer {TOKEN}")
        since = fields.Date.context_today(self.clock) - datetime.timedelta(days=7)
        self.assertEqual(call.query, {"since": since.isoformat(), "limit": "100"})
        wang_wu = self.by_badge["1001"].attendance_ids
        self.assertEqual(
            (wang_wu.check_in, wang_wu.check_out), (DT(2026, 11, 2, 0, 0), DT(2026, 11, 2, 9, 0))
        )

        # The next run (page repeat fixed) finds what is already there.
        self.remote.script("GET", "/v1/attendances", self._page([*first, record("1003", 2)]))
        again = self._run()
        self.assertCounts(again, unchanged=3)
        self.assertEqual(again.state, "success")
        self.assertEqual(len(self._attendances()), 3)

    def test_server_error_then_success_keeps_the_token_out_of_logs(self):
        self.remote.script(
            "GET",
            "/v1/attendances",
            Reply(500, body=f"upstream down (Authorization: Bearer {TOKEN})"),
            self._page([record("1001", 3, check_out=None), record("1999", 3)]),
        )
        with self.assertLogs(HTTP_LOGGER, "WARNING") as logged:
            log = self._run()
        self.assertEqual(len(self.remote.calls()), 2, "retried once")
        self.assertIn("HTTP 500", logged.output[0])
        self.assertNoToken(*logged.output)
        self.assertCounts(log, created=1, failed=1)
        self.assertEqual(log.line_ids.field, "emp_no")
        self.assertIn("no employee of Auto Parts Factory has Badge ID “1999”", log.line_ids.reason)
        self.assertNoToken(log.message, *log.line_ids.mapped("raw"))
        self.assertFalse(self.by_badge["1001"].attendance_ids.check_out, "open until checked out")

        # The check-out arrives with a later page of the same record: it completes it.
        self.remote.script("GET", "/v1/attendances", self._page([record("1001", 3)]))
        self.assertCounts(self._run(), updated=1)
        self.assertEqual(self.by_badge["1001"].attendance_ids.check_out, DT(2026, 11, 3, 9, 0))

    def test_scheduled_run_failure_is_logged_and_posted_without_the_token(self):
        self.clock.write({"scheduled": True, "next_run": DT(2026, 11, 1)})
        self.remote.script("GET", "/v1/attendances", Reply(401, body={"error": f"bad {TOKEN}"}))
        before = self.clock.next_run
        self.env["okr.connector"]._cron_run_due()
        log = self.clock.last_log_id
        self.assertEqual((log.trigger, log.state), ("cron", "failed"))
        self.assertIn("refused (HTTP 401): check the credentials", log.message)
        self.assertGreater(self.clock.next_run, before, "planned again, not retried in a loop")
        note = self.clock.message_ids[0]
        self.assertIn("Scheduled run failed", note.body)
        bodies = self.clock.message_ids.mapped("body")
        tracked = self.clock.message_ids.tracking_value_ids
        self.assertNoToken(log.message, *bodies, *tracked.mapped("old_value_char"))
        self.assertNoToken(*tracked.mapped("new_value_char"))

    def test_test_connection_gives_a_verdict(self):
        self.remote.script("GET", "/v1/attendances", self._page([record("1001", 2)]))
        verdict = self.clock.with_user(self.user_admin).action_test_connection()["params"]
        self.assertEqual(verdict["type"], "success")
        self.assertIn("answered with 1 record(s)", verdict["message"])
        self.assertEqual(self.remote.calls()[0].query, {"limit": "1"})

        self.remote.script("GET", "/v1/attendances", Reply(403, body=f"token {TOKEN} revoked"))
        verdict = self.clock.action_test_connection()["params"]
        self.assertEqual(verdict["type"], "danger")
        self.assertIn("refused (HTTP 403): check the credentials", verdict["message"])
        self.assertNoToken(verdict["message"])
