"""The first screens of each role in a real browser (Chromium): HR approves an
objective and posts a run from the cycle's health, a workshop lead finds the
whole team on the Team Board, a press operator lands on the phone page and
checks in on a 375 px screen. Tours: static/tests/tours/okr_first_screens.js."""

import datetime

from odoo.tests import HttpCase, new_test_user, tagged

D = datetime.date


class TourCase(HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        admin = "base.group_user,okr_addon.group_okr_admin"
        cls.hr = new_test_user(cls.env, "okr_tour_hr", groups=admin, password="okr_tour_hr")
        cls.hr2 = new_test_user(cls.env, "okr_tour_hr2", groups=admin, password="okr_tour_hr2")
        cls.lead = new_test_user(
            cls.env,
            "okr_tour_lead",
            groups="base.group_user,okr_addon.group_okr_manager",
            password="okr_tour_lead",
        )
        cls.operator = new_test_user(
            cls.env, "okr_tour_op", groups="base.group_portal", password="okr_tour_op"
        )
        Employee = cls.env["hr.employee"]
        cls.emp_lead = Employee.create({"name": "Tour Lead", "user_id": cls.lead.id})
        cls.wang, cls.zhang, cls.chen = Employee.create(
            [
                {"name": "Wang Wu (tour)", "parent_id": cls.emp_lead.id},
                {"name": "Zhang San (tour)", "parent_id": cls.emp_lead.id},
                {"name": "Chen Jie (tour)", "user_id": cls.operator.id},
            ]
        )
        today = datetime.date.today()
        cls.cycle = cls.env["okr.cycle"].create(
            {
                "cadence": "quarter",
                "date_start": today.replace(month=3 * ((today.month - 1) // 3) + 1, day=1),
                "state": "running",
            }
        )

    @classmethod
    def _objective(cls, employee, name, kr_name, state, **kr):
        objective = cls.env["okr.objective"].create(
            {
                "name": name,
                "employee_id": employee.id,
                "cycle_id": cls.cycle.id,
                "key_result_ids": [
                    (0, 0, {"name": kr_name, "start_value": 0, "target_value": 1000, **kr})
                ],
            }
        )
        objective.write({"state": state, "date_approved": cls.cycle.date_start})
        return objective


@tagged("post_install", "-at_install")
class TestFirstScreens(TourCase):
    def test_hr_approves_an_objective_and_posts_a_run_from_the_cycle_health(self):
        objective = self._objective(self.chen, "Tour: fewer defects", "Defects", "submitted")
        scrap = self.env["kpi.definition"].create(
            {"name": "Tour scrap", "code": "TOUR_SCRAP", "direction": "lower_better"}
        )
        month = self.cycle.date_start
        self.env["kpi.target"].create(
            {
                "definition_id": scrap.id,
                "level": "employee",
                "employee_id": self.wang.id,
                "date_from": month,
                "date_to": month + datetime.timedelta(days=27),
                "target": 4.0,
            }
        )
        self.env["kpi.measurement"].create(
            {"definition_id": scrap.id, "employee_id": self.wang.id, "date": month, "value": 3.5}
        )
        rule = self.env["okr.incentive.rule"].create(
            {
                "name": "Tour scrap bonus",
                "code": "TOUR_RUN_RULE",
                "definition_id": scrap.id,
                "employee_ids": [(6, 0, self.wang.ids)],
                "tier_ids": [(0, 0, {"has_lower": False, "has_upper": False, "amount": 100})],
            }
        )
        run = self.env["okr.incentive.run"].create(
            {"name": "Tour run", "date_from": month, "rule_ids": [(6, 0, rule.ids)]}
        )
        run.with_user(self.hr2).action_compute()
        self.start_tour("/odoo", "okr_hr_home_approve_and_post", login="okr_tour_hr")
        self.assertEqual(objective.state, "running")
        self.assertEqual(run.state, "posted")
        self.assertEqual(run.approved_by, self.hr)

    def test_a_workshop_lead_sees_the_whole_team_on_the_team_board(self):
        self._objective(self.wang, "Tour: quality", "Tour scrap rate", "running")
        self.start_tour("/odoo", "okr_manager_team_board", login="okr_tour_lead")


@tagged("post_install", "-at_install")
class TestPhoneTour(TourCase):
    browser_size = "375x667"
    touch_enabled = True

    def test_a_press_operator_lands_on_the_phone_page_and_checks_in(self):
        objective = self._objective(self.chen, "Tour: output", "Tour press output", "running")
        self.start_tour("/", "okr_worker_phone_checkin", login="okr_tour_op")
        result = objective.key_result_ids
        self.assertEqual(result.checkin_ids.mapped("value"), [640.0])
        self.assertEqual(result.checkin_ids.source, "portal")
