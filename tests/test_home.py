"""Where each role lands when opening the OKR app, and the phone page for
frontline workers with a portal login."""

import datetime

from odoo.tests import HttpCase, new_test_user, tagged

from .common import OkrCase


@tagged("post_install", "-at_install")
class TestHome(OkrCase):
    def _landing(self, user):
        action = self.env.ref("okr_addon.okr_home_action").with_user(user).run()
        return action

    def test_hr_lands_on_the_cycle_health_with_what_waits(self):
        Home = self.env["okr.home"].with_user(self.user_admin)
        action = self._landing(self.user_admin)
        self.assertEqual(action["res_model"], "okr.home")
        home = Home.browse(action["res_id"])
        self.assertEqual(home.display_name, "Cycle Health", "the breadcrumb reads the page's name")
        before = home.objectives_to_approve
        objective = self._objective(self.emp_worker)
        objective.with_user(self.user_worker).action_submit()
        home.invalidate_recordset()
        self.assertEqual(home.objectives_to_approve, before + 1)
        self.assertEqual(home.cycle_id.state, "running")
        self.assertGreaterEqual(home.employees_without_objective, 1)
        opened = home.with_context(okr_figure="objectives_to_approve").action_open()
        listed = self.env["okr.objective"].with_user(self.user_admin).search(opened["domain"])
        self.assertIn(objective, listed)
        self.assertEqual(len(listed), home.objectives_to_approve)
        self.assertFalse(home.with_context(okr_figure="unlink").action_open())

    def test_a_manager_lands_on_the_team_board_with_everyone_of_the_team(self):
        action = self._landing(self.user_manager)
        board = self.env.ref("okr_addon.okr_key_result_team_board_action")
        self.assertEqual(action["id"], board.id)
        self._objective(self.emp_worker).write({"state": "running"})
        KeyResult = (
            self.env["okr.key.result"]
            .with_user(self.user_manager)
            .with_context(okr_team_board=True, read_group_expand=True)
        )
        groups = KeyResult.formatted_read_group(
            [("objective_id.in_my_team", "=", True)], ["employee_id"], ["__count"]
        )
        counts = {group["employee_id"][0]: group["__count"] for group in groups}
        self.assertGreater(counts[self.emp_worker.id], 0)
        self.assertEqual(counts[self.emp_colleague.id], 0, "no objective: an empty column")
        self.assertEqual(counts[self.emp_frontline.id], 0)
        self.assertNotIn(self.emp_outsider.id, counts, "only the manager's team")
        plain = self.env["okr.key.result"].with_user(self.user_manager)
        plain = plain.with_context(read_group_expand=True)
        groups = plain.formatted_read_group(
            [("objective_id.in_my_team", "=", True)], ["employee_id"], ["__count"]
        )
        self.assertEqual({g["employee_id"][0] for g in groups}, {self.emp_worker.id})

    def test_an_employee_lands_on_their_own_objectives(self):
        action = self._landing(self.user_worker)
        self.assertEqual(action["id"], self.env.ref("okr_addon.okr_objective_my_action").id)
        # A manager without anybody below them lands on their own objectives too.
        lonely = new_test_user(
            self.env, "okr_lonely", groups="base.group_user,okr_addon.group_okr_manager"
        )
        action = self._landing(lonely)
        self.assertEqual(action["id"], self.env.ref("okr_addon.okr_objective_my_action").id)


@tagged("post_install", "-at_install")
class TestPhoneLanding(HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.worker = new_test_user(
            cls.env, "okr_press_op", groups="base.group_portal", password="okr_press_op"
        )
        cls.customer = new_test_user(
            cls.env, "okr_customer", groups="base.group_portal", password="okr_customer"
        )
        cls.env["hr.employee"].create({"name": "Press Operator", "user_id": cls.worker.id})
        cls.env["okr.cycle"].create(
            {"cadence": "quarter", "date_start": datetime.date(2026, 10, 1), "state": "running"}
        )

    def test_a_frontline_worker_lands_on_the_phone_page(self):
        self.authenticate("okr_press_op", "okr_press_op")
        response = self.url_open("/")
        self.assertTrue(response.url.endswith("/my/okr"), response.url)
        self.assertEqual(response.status_code, 200)

    def test_a_portal_customer_keeps_the_portal(self):
        self.authenticate("okr_customer", "okr_customer")
        response = self.url_open("/")
        self.assertEqual(response.status_code, 200)
        self.assertFalse(response.url.endswith("/my/okr"), "not an employee: no goals page")
