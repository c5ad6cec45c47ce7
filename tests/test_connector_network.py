"""Connectors stay on the network they are meant for; their runs stay in their company.

Refusals are tested at validation time and before any connection: every call
of ``requests`` fails the test, names are resolved by a stand-in resolver, and
the only server ever reached is the local one on 127.0.0.1."""

from unittest.mock import patch

import requests

from odoo.addons.okr_addon.connectors.network import AddressRefusedError
from odoo.addons.okr_addon.connectors.testing import FakeRemote, Reply
from odoo.exceptions import AccessError, ValidationError
from odoo.tests import new_test_user, tagged

from .common import ConnectorCase

NO_LOCAL = "connectors call public addresses only, unless a Settings administrator ticks"


@tagged("post_install", "-at_install")
class TestConnectorNetwork(ConnectorCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.user_system = new_test_user(
            cls.env,
            "conn_system",
            groups="base.group_system,okr_addon.group_okr_admin",
            company_id=cls.factory.id,
            company_ids=[(6, 0, cls.factory.ids)],
        )
        cls.clock = cls._connector(
            name="Cloud time clock",
            kind="attendance_rest",
            endpoint_url="https://clock.example.com/v1/attendances",
        )

    def setUp(self):
        super().setUp()
        sent = patch.object(requests.Session, "send", side_effect=AssertionError("connected"))
        self.send = sent.start()
        self.addCleanup(sent.stop)

    def assertRefused(self, url, message, user=None):
        clock = self.clock.with_user(user or self.user_admin)
        with self.assertRaises(ValidationError) as caught:
            clock.write({"endpoint_url": url})
        self.assertIn(message, str(caught.exception))

    def test_local_and_plain_http_addresses_are_refused_when_saved(self):
        self.assertRefused(
            "http://clock.example.com/v1/attendances", "the endpoint URL must start with https://"
        )
        for url, message in [
            ("https://10.0.0.5/api", "10.0.0.5 is a private network address (10.0.0.5)"),
            ("https://192.168.1.20:8443/api", "is a private network address"),
            ("https://169.254.169.254/latest/meta-data/", "is a link-local address"),
            ("https://127.0.0.1:8069/web", "127.0.0.1 is a loopback address"),
            ("https://[::1]/api", "::1 is a loopback address"),
            ("https://[::ffff:127.0.0.1]/api", "is a loopback address"),
            ("https://[fd00::5]/api", "is a private network address"),
            ("https://localhost:8069/api", "localhost is a loopback address"),
        ]:
            self.assertRefused(url, message)
            self.assertRefused(url, NO_LOCAL)
        self.dns["intranet.example.com"] = ["10.20.30.40"]
        self.assertRefused(
            "https://intranet.example.com/api",
            "intranet.example.com is a private network address (10.20.30.40)",
        )
        self.assertEqual(self.clock.endpoint_url, "https://clock.example.com/v1/attendances")
        self.send.assert_not_called()

    def test_only_settings_administrators_allow_the_local_network(self):
        as_admin = self.clock.with_user(self.user_admin)
        with self.assertRaisesRegex(AccessError, "Only a Settings administrator can allow"):
            as_admin.write({"allow_local_network": True})
        with self.assertRaisesRegex(AccessError, "Only a Settings administrator can allow"):
            self.env["okr.connector"].with_user(self.user_admin).create(
                {"name": "Terminal", "kind": "attendance_csv", "allow_local_network": True}
            )
        self.assertFalse(as_admin.can_allow_local_network)

        self.clock.with_user(self.user_system).write(
            {"allow_local_network": True, "endpoint_url": "http://10.0.0.5/v1/attendances"}
        )
        # The OKR administrator sees the setting and still edits the rest of the connector.
        self.assertTrue(as_admin.allow_local_network)
        as_admin.write({"name": "Press shop terminal (on premise)", "allow_local_network": True})
        copy = as_admin.copy({"endpoint_url": "https://clock.example.com/v1/attendances"})
        self.assertFalse(copy.allow_local_network, "a copy does not inherit the permission")
        with self.assertRaisesRegex(AccessError, "Only a Settings administrator"):
            as_admin.write({"allow_local_network": False})
        self.send.assert_not_called()

    def test_allowed_connector_form_shows_the_setting_read_only_to_okr_administrators(self):
        def form(user):
            views = self.env["okr.connector"].with_user(user).get_views([(False, "form")])
            return views["views"]["form"]["arch"]

        self.assertIn('name="allow_local_network"', form(self.user_admin))
        self.assertIn('readonly="not can_allow_local_network"', form(self.user_admin))
        self.assertTrue(self.clock.with_user(self.user_system).can_allow_local_network)

    def test_run_refuses_an_address_that_became_local_before_connecting(self):
        self.dns["clock.example.com"] = ["169.254.169.254"]  # DNS changed since it was saved
        action = self.clock.with_user(self.user_admin).action_run()
        log = self.env["okr.sync.log"].browse(action["res_id"])
        self.assertEqual(log.state, "failed")
        self.assertIn("clock.example.com is a link-local address (169.254.169.254)", log.message)
        verdict = self.clock.with_user(self.user_admin).action_test_connection()["params"]
        self.assertEqual(verdict["type"], "danger")
        self.assertIn("is a link-local address", verdict["message"])
        self.send.assert_not_called()

    def test_payroll_push_to_a_local_address_is_refused_before_connecting(self):
        payroll = self._connector(
            name="Payroll bureau",
            kind="payroll_rest",
            endpoint_url="https://payroll.example.com/api/",
        )
        self.dns["payroll.example.com"] = ["10.0.0.7"]
        client, path = payroll._api_client()
        refused = r"payroll\.example\.com \(10\.0\.0\.7\) is a private address"
        with client, self.assertRaisesRegex(AddressRefusedError, refused):
            client.get_json(path)
        verdict = payroll.with_user(self.user_admin).action_test_connection()["params"]
        self.assertIn(
            "payroll.example.com is a private network address (10.0.0.7)", verdict["message"]
        )
        self.send.assert_not_called()


@tagged("post_install", "-at_install")
class TestConnectorAnswerSize(ConnectorCase):
    def test_an_oversized_answer_fails_the_run(self):
        remote = FakeRemote()
        remote.__enter__()
        self.addCleanup(remote.__exit__, None, None, None)
        clock = self._local_connector(
            name="Chatty time clock",
            kind="attendance_rest",
            endpoint_url=f"{remote.url}v1/attendances",
        )
        remote.script("GET", "/v1/attendances", Reply(body={"items": [], "pad": "x" * 4000}))
        with patch("odoo.addons.okr_addon.connectors.http.MAX_RESPONSE_BYTES", 1000):
            log = self.env["okr.sync.log"].browse(
                clock.with_user(self.user_admin).action_run()["res_id"]
            )
        self.assertEqual(log.state, "failed")
        self.assertIn("is too large", log.message)


@tagged("post_install", "-at_install")
class TestConnectorCompanies(ConnectorCase):
    def test_okr_administrator_of_another_company_reads_no_run(self):
        log = self._upload(self._sample("zkteco_demo_broken.csv"))
        self.assertTrue(log.line_ids, "a failed row")
        bindings = self.env["okr.connector.binding"].search(
            [("connector_id", "=", self.terminal.id)]
        )
        self.assertTrue(bindings)
        self.assertEqual(
            (log.company_id, log.line_ids.company_id, bindings.company_id),
            (self.factory, self.factory, self.factory),
        )
        other = self.env["res.company"].create({"name": "Paint Works"})
        admin_b = new_test_user(
            self.env,
            "conn_admin_b",
            groups="base.group_user,okr_addon.group_okr_admin",
            company_id=other.id,
            company_ids=[(6, 0, other.ids)],
        )
        for model in ("okr.sync.log", "okr.sync.log.line", "okr.connector.binding"):
            self.assertFalse(self.env[model].with_user(admin_b).search([]), model)
        with self.assertRaises(AccessError):
            log.with_user(admin_b).read(["message"])
        with self.assertRaises(AccessError):
            log.line_ids.with_user(admin_b).read(["raw"])
        self.assertEqual(
            self.env["okr.sync.log"].with_user(self.user_admin).search([]), self.terminal.log_ids
        )
