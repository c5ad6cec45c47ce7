import json

from odoo.exceptions import AccessError, ValidationError
from odoo.modules.neutralize import get_neutralization_queries
from odoo.tests import tagged

from .common import ConnectorCase

TOKEN = "s3cret-T0ken-4711"


@tagged("post_install", "-at_install")
class TestConnectorSettings(ConnectorCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.payroll = cls._connector(
            name="Payroll bureau",
            kind="payroll_rest",
            endpoint_url="https://payroll.example.com/api/",
            auth_type="basic",
            username="okr",
            password=TOKEN,
        )

    def test_credentials_are_for_administrators_only(self):
        as_manager = self.payroll.with_user(self.user_manager)
        self.assertEqual(as_manager.read(["name", "auth_type"])[0]["auth_type"], "basic")
        for secret in ("password", "username", "api_key", "token"):
            with self.assertRaises(AccessError):
                as_manager.read([secret])
        self.assertNotIn("password", as_manager.read()[0])
        with self.assertRaises(AccessError):
            as_manager.write({"endpoint_url": "https://elsewhere.example.com/"})
        self.assertEqual(self.payroll.with_user(self.user_admin).password, TOKEN)

    def test_connector_form_shows_credentials_to_administrators_only(self):
        def form(user):
            views = self.env["okr.connector"].with_user(user).get_views([(False, "form")])
            return views["views"]["form"]["arch"]

        self.assertIn('name="password"', form(self.user_admin))
        self.assertIn('name="action_test_connection"', form(self.user_admin))
        manager_form = form(self.user_manager)
        self.assertIn('name="endpoint_url"', manager_form)
        for hidden in ('name="password"', 'name="token"', 'name="api_key"', "action_run"):
            self.assertNotIn(hidden, manager_form)

    def test_form_shows_the_settings_of_the_connector_kind(self):
        """Each kind shows what it uses: a terminal file its time zone and pairing, an
        attendance API its schedule, the payroll API its incentives path."""
        rest = self._connector(
            name="Clock API", kind="attendance_rest", endpoint_url="https://clock.example.com/api"
        )
        traits = (
            "is_file",
            "kind_runs",
            "kind_pushes",
            "kind_matches_employees",
            "kind_local_times",
            "kind_pairs_punches",
        )
        self.assertEqual(
            [
                [connector[name] for name in traits]
                for connector in (self.terminal, rest, self.payroll)
            ],
            [
                [True, False, False, True, True, True],
                [False, True, False, True, True, False],
                [False, False, True, False, False, False],
            ],
        )
        arch = self.env["okr.connector"].get_views([(False, "form")])["views"]["form"]["arch"]
        self.assertNotIn("payroll_rest", arch, "the form asks the kind's traits, not its code")

    def assertRefused(self, record, vals, message):
        with self.assertRaises(ValidationError) as caught:
            record.write(vals)
        self.assertIn(message, str(caught.exception))

    def test_missing_credentials_are_listed(self):
        self.assertRefused(
            self.payroll, {"password": False}, "Payroll bureau: Basic authentication needs Password"
        )
        self.assertRefused(
            self.payroll, {"auth_type": "api_key"}, "API Key authentication needs API Key"
        )
        self.assertRefused(
            self.payroll,
            {"endpoint_url": f"https://okr:{TOKEN}@payroll.example.com/api/"},
            "put the credentials in the Credentials tab, not in the endpoint URL",
        )
        self.assertRefused(
            self.payroll,
            {"endpoint_url": "https://payroll.example.com/api/?access_token=abc"},
            "not in the endpoint URL",
        )
        self.assertRefused(self.payroll, {"endpoint_url": False}, "needs its endpoint URL")
        self.assertEqual(self.payroll.password, TOKEN, "nothing was changed")

    def test_mapping_must_be_a_json_object_of_known_fields(self):
        self.assertRefused(
            self.terminal,
            {"mapping": '{"timestamp": Punch time}'},
            "Mapping of connector Press shop terminal: not valid JSON (line 1, column 15",
        )
        self.assertRefused(self.terminal, {"mapping": '["timestamp"]'}, "expected a JSON object")
        self.assertRefused(
            self.terminal,
            {"mapping": '{"when": "Punch time"}'},
            "unknown field(s) when; the fields are: employee_no, name, timestamp, state",
        )
        self.terminal.mapping = json.dumps({"timestamp": "Punch time"})
        self.assertEqual(self.terminal._mapping(), {"timestamp": "Punch time"})

    def test_neutralize_blanks_credentials_and_stops_connectors(self):
        self.payroll.write({"scheduled": True})
        self.env.flush_all()
        for query in get_neutralization_queries(["okr_addon"]):
            self.env.cr.execute(query)
        self.env.invalidate_all()
        payroll = self.payroll.with_context(active_test=False)
        self.assertFalse(payroll.active)
        self.assertFalse(payroll.scheduled)
        self.assertEqual((payroll.username, payroll.password), (False, False))
        self.assertFalse(self.env["okr.connector"].search([("id", "=", payroll.id)]))
