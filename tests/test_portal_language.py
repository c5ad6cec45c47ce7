"""The goals page speaks the worker's language and shows one figure per thing."""

import datetime

from odoo.tests import HttpCase, new_test_user, tagged


@tagged("post_install", "-at_install")
class TestPortalLanguage(HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["res.lang"]._activate_lang("zh_CN")
        cls.env["ir.module.module"]._load_module_terms(["okr_addon"], ["zh_CN"], overwrite=True)
        cls.worker = new_test_user(
            cls.env, "okr_lang_worker", groups="base.group_portal", password="okr_lang_worker"
        )
        cls.worker.lang = "zh_CN"
        cls.employee = cls.env["hr.employee"].create(
            {"name": "Wang Wu (lang)", "user_id": cls.worker.id}
        )
        today = datetime.date.today()
        cycle = cls.env["okr.cycle"].create(
            {
                "name": "Now",
                "cadence": "custom",
                "date_start": today - datetime.timedelta(days=30),
                "date_end": today + datetime.timedelta(days=60),
                "state": "running",
            }
        )
        scrap = cls.env["kpi.definition"].create(
            {"name": "Scrap rate", "code": "T_LANG_SCRAP", "direction": "lower_better"}
        )
        cls.target = cls.env["kpi.target"].create(
            {
                "definition_id": scrap.id,
                "level": "employee",
                "employee_id": cls.employee.id,
                "date_from": today - datetime.timedelta(days=5),
                "date_to": today + datetime.timedelta(days=5),
                "target": 4.0,
            }
        )
        cls.env["kpi.measurement"].create(
            {
                "definition_id": scrap.id,
                "employee_id": cls.employee.id,
                "date": today - datetime.timedelta(days=1),
                "value": 4.22,
            }
        )
        cls.objective = cls.env["okr.objective"].create(
            {
                "name": "Fewer defects",
                "employee_id": cls.employee.id,
                "cycle_id": cycle.id,
                "state": "running",
                "date_approved": today - datetime.timedelta(days=29),
                "key_result_ids": [
                    (
                        0,
                        0,
                        {
                            "name": "My scrap rate from 4.5% to 4.0%",
                            "start_value": 4.5,
                            "target_value": 4.0,
                            "direction": "decrease",
                            "kpi_target_id": cls.target.id,
                        },
                    ),
                    (0, 0, {"name": "Tidy audits", "start_value": 0, "target_value": 4}),
                ],
            }
        )

    def test_the_page_speaks_the_users_language_whatever_the_browser_says(self):
        self.authenticate("okr_lang_worker", "okr_lang_worker")
        self.opener.cookies.set("frontend_lang", "en_US")
        page = self.url_open("/my/okr", headers={"Accept-Language": "en-US,en;q=0.9"})
        self.assertEqual(page.status_code, 200)
        self.assertIn("我的关键结果", page.text)
        self.assertNotIn("My key results", page.text)

    def test_a_key_result_following_a_kpi_shows_its_figure_once(self):
        self.worker.lang = "en_US"
        self.authenticate("okr_lang_worker", "okr_lang_worker")
        page = self.url_open("/my/okr").text
        followed, tidy = self.objective.key_result_ids
        self.assertIn("Follows your KPI <b>Scrap rate</b>", page)
        self.assertNotIn(f"/my/okr/kr/{followed.id}/checkin", page, "no second figure to type")
        self.assertIn(f"/my/okr/kr/{tidy.id}/checkin", page)
        self.assertIn(f"/my/okr/kpi/{self.target.id}", page, "the figure is reported once, here")
