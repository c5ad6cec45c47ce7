"""Disputes from the phone page and the kiosk: one's own values only, crafted
POSTs refused, the settlement shown back to the employee."""

import datetime
import re

from odoo.tests import HttpCase, new_test_user, tagged

from .common import free_badges


@tagged("post_install", "-at_install")
class TestDisputePortal(HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        free_badges(cls.env, ["D1001", "D1002"])
        cls.portal_a = new_test_user(
            cls.env, "okr_dispute_a", groups="base.group_portal", password="okr_dispute_a"
        )
        cls.user_b = new_test_user(
            cls.env, "okr_dispute_b", groups="base.group_user", password="okr_dispute_b"
        )
        cls.manager = new_test_user(
            cls.env, "okr_dispute_mgr", groups="base.group_user,okr_addon.group_okr_manager"
        )
        Employee = cls.env["hr.employee"]
        boss = Employee.create({"name": "Li Na", "user_id": cls.manager.id})
        cls.emp_a, cls.emp_b = Employee.create(
            [
                {
                    "name": "Wang Wu",
                    "user_id": cls.portal_a.id,
                    "barcode": "D1001",
                    "pin": "1234",
                    "parent_id": boss.id,
                },
                {"name": "Zhang San", "user_id": cls.user_b.id, "parent_id": boss.id},
            ]
        )
        cls.defects = cls.env["kpi.definition"].create(
            {"name": "Daily defects", "code": "T_DISPUTE_DEFECTS", "direction": "lower_better"}
        )
        yesterday = datetime.date.today() - datetime.timedelta(days=1)
        cls.value_a, cls.value_b = cls.env["kpi.measurement"].create(
            [
                {
                    "definition_id": cls.defects.id,
                    "employee_id": employee.id,
                    "date": yesterday,
                    "value": value,
                }
                for employee, value in ((cls.emp_a, 7.0), (cls.emp_b, 9.0))
            ]
        )

    def _csrf(self, html):
        return re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)

    def _login(self, login):
        self.authenticate(login, login)
        page = self.url_open("/my/okr")
        self.assertEqual(page.status_code, 200)
        return page

    def _disputes(self, employee):
        return self.env["okr.dispute"].search([("employee_id", "=", employee.id)])

    def test_portal_worker_disputes_a_value_and_reads_the_answer(self):
        page = self._login("okr_dispute_a")
        self.assertIn("Is a number wrong?", page.text)
        self.assertIn(f'name="measurement_id" value="{self.value_a.id}"', page.text)
        self.assertNotIn(f'value="{self.value_b.id}"', page.text, "only one's own values")
        response = self.url_open(
            "/my/okr/dispute",
            data={
                "measurement_id": str(self.value_a.id),
                "reason": "Line 3 scrap booked on me",
                "csrf_token": self._csrf(page.text),
            },
        )
        self.assertEqual(response.status_code, 200)
        self.assertIn("your manager will look at it", response.text)
        dispute = self._disputes(self.emp_a)
        self.assertEqual(
            (dispute.measurement_id, dispute.state, dispute.disputed_value),
            (self.value_a, "open", 7.0),
        )
        self.assertEqual(dispute.activity_ids.user_id, self.manager)
        again = self.url_open(
            "/my/okr/dispute",
            data={
                "measurement_id": str(self.value_a.id),
                "reason": "Again",
                "csrf_token": self._csrf(page.text),
            },
        )
        self.assertIn("You already disputed this", again.text)
        dispute.with_user(self.manager).action_settle("Checked: 6 pieces were yours", 6.0)
        page = self.url_open("/my/okr")
        self.assertIn("Value Corrected", page.text)
        self.assertIn("Checked: 6 pieces were yours", page.text)

    def test_someone_elses_value_is_not_found(self):
        page = self._login("okr_dispute_a")
        for measurement_id in (str(self.value_b.id), "not-a-number", "999999999"):
            response = self.url_open(
                "/my/okr/dispute",
                data={
                    "measurement_id": measurement_id,
                    "reason": "Not mine",
                    "csrf_token": self._csrf(page.text),
                },
            )
            self.assertEqual(response.status_code, 404, measurement_id)
        self.assertFalse(self._disputes(self.emp_b))
        # The same from an internal user's own phone page.
        page = self._login("okr_dispute_b")
        response = self.url_open(
            "/my/okr/dispute",
            data={
                "measurement_id": str(self.value_a.id),
                "reason": "Not mine",
                "csrf_token": self._csrf(page.text),
            },
        )
        self.assertEqual(response.status_code, 404)
        self.assertFalse(self._disputes(self.emp_a))

    def test_attendance_day_reason_and_csrf(self):
        page = self._login("okr_dispute_a")
        csrf = self._csrf(page.text)
        no_token = self.url_open("/my/okr/dispute", data={"date": "2026-11-03", "reason": "x"})
        self.assertIn(no_token.status_code, (400, 403))
        for data, message in (
            ({"date": "2026-11-03", "reason": " "}, "Say in a few words"),
            ({"date": "2026-11-03", "reason": "x" * 301}, "under 300 characters"),
            ({"date": "not a day", "reason": "Absent?"}, "Choose a day that has passed"),
            ({"date": "2999-01-01", "reason": "Absent?"}, "Choose a day that has passed"),
        ):
            response = self.url_open("/my/okr/dispute", data={**data, "csrf_token": csrf})
            self.assertEqual(response.status_code, 200)
            self.assertIn(message, response.text)
        self.assertFalse(self._disputes(self.emp_a))
        response = self.url_open(
            "/my/okr/dispute",
            data={"date": "2026-11-03", "reason": "I was on the night shift", "csrf_token": csrf},
        )
        self.assertIn("your manager will look at it", response.text)
        dispute = self._disputes(self.emp_a)
        self.assertEqual((dispute.kind, str(dispute.date)), ("attendance", "2026-11-03"))
        self.assertIn("I was on the night shift", response.text, "listed on the page")

    def test_kiosk_disputes_for_the_identified_employee_only(self):
        self.env.company.action_okr_reset_kiosk_token()
        token = self.env.company.okr_kiosk_token
        csrf = self._csrf(self.url_open(f"/okr/kiosk/{token}").text)
        anonymous = self.url_open(
            f"/okr/kiosk/{token}/dispute",
            data={"measurement_id": str(self.value_a.id), "reason": "x", "csrf_token": csrf},
        )
        self.assertEqual(anonymous.status_code, 404, "nobody identified")
        page = self.url_open(
            f"/okr/kiosk/{token}/login", data={"badge": "D1001", "pin": "1234", "csrf_token": csrf}
        )
        self.assertIn("Hello Wang Wu", page.text)
        self.assertIn("Is a number wrong?", page.text)
        csrf = self._csrf(page.text)
        crafted = self.url_open(
            f"/okr/kiosk/{token}/dispute",
            data={"measurement_id": str(self.value_b.id), "reason": "x", "csrf_token": csrf},
        )
        self.assertEqual(crafted.status_code, 404)
        response = self.url_open(
            f"/okr/kiosk/{token}/dispute",
            data={"measurement_id": str(self.value_a.id), "reason": "Wrong", "csrf_token": csrf},
        )
        self.assertIn("your manager will look at it", response.text)
        self.assertEqual(self._disputes(self.emp_a).measurement_id, self.value_a)
        self.assertFalse(self._disputes(self.emp_b))
