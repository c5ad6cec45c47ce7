import datetime
import json

from odoo.tests import HttpCase, TransactionCase, new_test_user, tagged
from odoo.tools import mute_logger


@tagged("post_install", "-at_install")
class TestOkrDashboard(TransactionCase):
    """HR (the OKR administrators) opens the dashboard; nobody else sees it."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.dashboard = cls.env.ref("okr_addon_dashboard.spreadsheet_dashboard_okr")
        cls.user_hr = new_test_user(
            cls.env, "okr_dash_hr", groups="base.group_user,okr_addon.group_okr_admin"
        )
        cls.user_manager = new_test_user(
            cls.env, "okr_dash_manager", groups="base.group_user,okr_addon.group_okr_manager"
        )
        cls.user_worker = new_test_user(cls.env, "okr_dash_worker", groups="base.group_user")

    def test_hr_sees_the_dashboard_in_the_hr_group(self):
        Dashboard = self.env["spreadsheet.dashboard"].with_user(self.user_hr)
        self.assertIn(self.dashboard, Dashboard.search([]))
        self.assertEqual(
            self.dashboard.dashboard_group_id,
            self.env.ref("spreadsheet_dashboard.spreadsheet_dashboard_group_hr"),
        )
        self.assertTrue(self.dashboard.is_published)

    def test_others_do_not_see_it(self):
        # Runs are for OKR administrators: a manager's dashboard would be half errors.
        for user in (self.user_manager, self.user_worker):
            Dashboard = self.env["spreadsheet.dashboard"].with_user(user)
            self.assertNotIn(self.dashboard, Dashboard.search([]), user.login)

    def test_loads_for_hr(self):
        """What the dashboards app asks the server for when HR opens it."""
        dashboard = self.dashboard.with_user(self.user_hr)
        data = json.loads(dashboard._get_serialized_readonly_dashboard())
        self.assertEqual(data["translation_namespace"], "okr_addon_dashboard")
        snapshot = data["snapshot"]
        self.assertEqual([s["name"] for s in snapshot["sheets"]], ["Dashboard", "Data"])
        self.assertTrue(snapshot["pivots"])
        self.assertIn("locale", snapshot["settings"])

    def test_menu_opens_this_dashboard(self):
        action = self.env.ref("okr_addon_dashboard.okr_dashboard_action")
        self.assertEqual(action.tag, "action_spreadsheet_dashboard")
        self.assertEqual(action.params, {"dashboard_id": self.dashboard.id})
        menu = self.env.ref("okr_addon_dashboard.okr_menu_dashboard")
        self.assertEqual(menu.action, action)
        visible = self.env["ir.ui.menu"].with_user(self.user_hr)._visible_menu_ids()
        self.assertIn(menu.id, visible)
        hidden = self.env["ir.ui.menu"].with_user(self.user_manager)._visible_menu_ids()
        self.assertNotIn(menu.id, hidden)


@tagged("post_install", "-at_install")
class TestLastPaidRun(TransactionCase):
    """The incentive distribution shows the company's latest approved or posted run."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company = cls.env["res.company"].create({"name": "Dashboard Shop"})
        cls.user_hr = new_test_user(
            cls.env,
            "okr_dash_hr2",
            groups="base.group_user,okr_addon.group_okr_admin",
            company_id=cls.company.id,
            company_ids=[cls.company.id],
        )
        cls.employee = cls.env["hr.employee"].create(
            {"name": "Chen Jie", "company_id": cls.company.id}
        )
        cls.rule = cls.env["okr.incentive.rule"].create(
            {
                "name": "Objectives bonus",
                "code": "OKR",
                "basis": "okr_score",
                "company_id": cls.company.id,
            }
        )
        Run = cls.env["okr.incentive.run"]
        cls.runs = {}
        for month, state in ((1, "posted"), (2, "approved"), (3, "computed")):
            run = Run.create(
                {
                    "company_id": cls.company.id,
                    "date_from": datetime.date(2026, month, 1),
                    "rule_ids": [(6, 0, cls.rule.ids)],
                }
            )
            # the superuser stands in for the workflow actions here
            run.state = state
            cls.env["okr.incentive.line"].create(
                {
                    "run_id": run.id,
                    "rule_id": cls.rule.id,
                    "employee_id": cls.employee.id,
                    "currency_id": cls.company.currency_id.id,
                    "explanation_data": f"month {month}",
                    "amount": 100.0 * month,
                }
            )
            cls.runs[state] = run

    def _lines(self, user, domain):
        return (
            self.env["okr.incentive.line"]
            .with_user(user)
            .with_company(self.company)
            .search([("run_id.company_id", "=", self.company.id), *domain])
        )

    def test_latest_approved_or_posted_run_only(self):
        lines = self._lines(self.user_hr, [("in_last_paid_run", "=", True)])
        self.assertEqual(lines.run_id, self.runs["approved"])
        others = self._lines(self.user_hr, [("in_last_paid_run", "=", False)])
        self.assertEqual(others.run_id, self.runs["posted"] | self.runs["computed"])
        self.assertEqual(lines.with_user(self.user_hr).mapped("in_last_paid_run"), [True])

    def test_readers_without_runs_see_no_run(self):
        worker = new_test_user(
            self.env,
            "okr_dash_worker2",
            groups="base.group_user",
            company_id=self.company.id,
            company_ids=[self.company.id],
        )
        self.employee.user_id = worker
        lines = self._lines(worker, [("in_last_paid_run", "=", True)])
        self.assertFalse(lines)


@tagged("post_install", "-at_install")
class TestOkrDashboardRoute(HttpCase):
    def test_hr_downloads_the_dashboard_others_do_not(self):
        """The route the dashboards app reads the spreadsheet from."""
        dashboard = self.env.ref("okr_addon_dashboard.spreadsheet_dashboard_okr")
        new_test_user(
            self.env, "okr_dash_route_hr", groups="base.group_user,okr_addon.group_okr_admin"
        )
        new_test_user(
            self.env, "okr_dash_route_mgr", groups="base.group_user,okr_addon.group_okr_manager"
        )
        url = f"/spreadsheet/dashboard/data/{dashboard.id}"
        self.authenticate("okr_dash_route_hr", "okr_dash_route_hr")
        response = self.url_open(url)
        self.assertEqual(response.status_code, 200)
        body = response.json()
        self.assertEqual(body["translation_namespace"], "okr_addon_dashboard")
        self.assertIn("Dashboard", [s["name"] for s in body["snapshot"]["sheets"]])
        self.authenticate("okr_dash_route_mgr", "okr_dash_route_mgr")
        with mute_logger("odoo.http"):
            response = self.url_open(url)
        self.assertNotEqual(response.status_code, 200)
