"""A remote system that echoes a connector's credentials must not get them stored
where OKR managers read them: sync logs, their failed rows and the chatter."""

import base64
import json
from urllib.parse import quote, quote_plus

from odoo.addons.okr_addon.connectors.testing import FakeRemote, Reply
from odoo.tests import tagged

from .common import ConnectorCase

KEY = "Zx9-echo+K3y/4711="
PASSWORD = "pa55-w0rd+echo/99"


def forms(secret):
    """The ways a secret may come back inside a stored text."""
    return {
        secret,
        json.dumps(secret)[1:-1],
        quote(secret, safe=""),
        quote_plus(secret),
        base64.b64encode(secret.encode()).decode(),
    }


@tagged("post_install", "-at_install")
class TestConnectorSecrets(ConnectorCase):
    def setUp(self):
        super().setUp()
        self.remote = FakeRemote()
        self.remote.__enter__()
        self.addCleanup(self.remote.__exit__, None, None, None)
        self.clock = self._local_connector(
            name="Echoing time clock",
            kind="attendance_rest",
            endpoint_url=f"{self.remote.url}v1/attendances",
            auth_type="api_key",
            api_key=KEY,
            since_param=False,
            mapping='{"employee_code": "emp_no", "check_in": "in", "check_out": "out", '
            '"external_id": "id"}',
        )

    def _stored_texts(self, connector):
        """Every text kept about ``connector``'s runs (read as superuser)."""
        logs = self.env["okr.sync.log"].sudo().search([("connector_id", "=", connector.id)])
        lines = logs.line_ids
        messages = connector.message_ids
        return [
            *logs.mapped("message"),
            *lines.mapped("reason"),
            *lines.mapped("raw"),
            *lines.mapped("field"),
            *messages.mapped("body"),
            *messages.tracking_value_ids.mapped("new_value_char"),
        ]

    def assertNothingStored(self, connector, *secrets):
        texts = [text for text in self._stored_texts(connector) if text]
        self.assertTrue(texts, "the runs left something to read")
        for secret in secrets:
            for form in forms(secret):
                for text in texts:
                    self.assertNotIn(form, str(text), f"{form!r} is stored")

    def _run(self, connector):
        return connector.with_user(self.user_admin).action_run()

    def test_echoed_api_key_is_stored_nowhere(self):
        echo = {
            "emp_no": KEY,
            "in": "2026-11-02T08:00:00+08:00",
            "out": None,
            "id": f"att-{KEY}",
            "note": f"Authorization: {KEY}",
        }
        bad_time = {"emp_no": "1001", "in": f"at {KEY}", "out": None, "id": "att-2"}
        bad_field = {KEY: "1002", "in": "2026-11-02T08:00:00+08:00", "id": "att-3"}
        self.remote.script(
            "GET", "/v1/attendances", Reply(body={"items": [echo, bad_time, bad_field]})
        )
        self._run(self.clock)
        log = self.clock.last_log_id
        self.assertEqual(log.failed_count, 3, log.message)
        self.assertIn("***", "".join(log.line_ids.mapped("raw")), "the rows are kept, masked")

        # The remote rejects the request and echoes the key in its explanation...
        self.remote.script("GET", "/v1/attendances", Reply(422, body={"error": f"key {KEY}"}))
        self._run(self.clock)
        # ... in a body that is not JSON ...
        self.remote.script("GET", "/v1/attendances", Reply(body=f"<html>{KEY}</html>"))
        self._run(self.clock)
        # ... and in a scheduled run, whose failure is posted in the chatter.
        self.remote.script("GET", "/v1/attendances", Reply(400, body=f"bad key {quote(KEY)}"))
        self.clock.write({"scheduled": True, "next_run": "2026-11-01 00:00:00"})
        self.env["okr.connector"]._cron_run_due()
        self.assertEqual(self.clock.last_log_id.state, "failed")
        self.assertIn("Scheduled run failed", self.clock.message_ids[0].body)
        self.assertNothingStored(self.clock, KEY)

    def test_echoed_basic_password_is_stored_nowhere(self):
        self.clock.write({"auth_type": "basic", "username": "okr-sync", "password": PASSWORD})
        encoded = base64.b64encode(f"okr-sync:{PASSWORD}".encode()).decode()
        self.remote.script(
            "GET",
            "/v1/attendances",
            Reply(
                body={
                    "items": [
                        {"emp_no": PASSWORD, "in": "2026-11-02T08:00:00+08:00", "id": "a1"},
                        {"emp_no": encoded, "in": "2026-11-02T08:00:00+08:00", "id": "a2"},
                    ]
                }
            ),
        )
        self._run(self.clock)
        self.assertEqual(self.clock.last_log_id.failed_count, 2)
        self.assertNothingStored(self.clock, PASSWORD, encoded)
