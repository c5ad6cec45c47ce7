import datetime

from odoo.exceptions import ValidationError
from odoo.tests import HttpCase, freeze_time, new_test_user, tagged

from .i18n_common import TranslationChecks
from .test_kpi import KpiCase


@tagged("post_install", "-at_install")
class TestTranslations(TranslationChecks, HttpCase):
    """Chinese companies run okr_addon in Simplified Chinese, down to the phone pages."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["res.lang"]._activate_lang("zh_CN")
        cls.env["ir.module.module"]._load_module_terms(["okr_addon"], ["zh_CN"], overwrite=True)
        cls.env_zh = cls.env(context=dict(cls.env.context, lang="zh_CN"))

    def test_labels_in_chinese(self):
        env = self.env_zh
        self.assertEqual(env["ir.model"]._get("okr.objective").name, "OKR 目标")
        states = dict(env["okr.objective"]._fields["state"]._description_selection(env))
        self.assertEqual(states["running"], "进行中")
        self.assertEqual(env.ref("okr_addon.okr_menu_objectives").name, "目标")
        self.assertEqual(env.ref("okr_addon.okr_menu_key_results").name, "关键结果")
        self.assertEqual(
            env["okr.key.result"]._fields["weight"].get_description(env)["string"], "权重"
        )

    def test_error_message_in_chinese(self):
        env = self.env_zh
        employee = env["hr.employee"].create({"name": "Wang Wu"})
        cycle = env["okr.cycle"].create(
            {"cadence": "quarter", "date_start": datetime.date(2026, 10, 1), "state": "running"}
        )
        with self.assertRaises(ValidationError) as caught:
            env["okr.objective"].create(
                {
                    "name": "Less scrap",
                    "employee_id": employee.id,
                    "cycle_id": cycle.id,
                    "key_result_ids": [
                        (
                            0,
                            0,
                            {
                                "name": "Scrap",
                                "start_value": 7,
                                "target_value": 5,
                                "direction": "decrease",
                                "weight": -1,
                            },
                        )
                    ],
                }
            )
        self.assertEqual(str(caught.exception), "关键结果“Scrap”：权重不能为负数（-1.0）。")

    def test_setting_range_message_in_chinese(self):
        cap = self.env.company.okr_progress_cap
        with self.assertRaises(ValidationError) as caught:
            self.env_zh.company.okr_progress_cap = 0.8
        self.assertEqual(str(caught.exception), "OKR 进度上限至少为 1.0（100%）。")
        self.assertEqual(self.env.company.okr_progress_cap, cap, "the refused value is gone")

    def test_portal_page_in_chinese(self):
        user = new_test_user(
            self.env,
            "okr_portal_zh",
            groups="base.group_portal",
            password="okr_portal_zh",
            lang="zh_CN",
        )
        self.env["hr.employee"].create({"name": "Wang Wu", "user_id": user.id})
        path = "/my/okr"
        if "website" in self.env:
            # With the website module, pages come in the website's languages only.
            lang = self.env["res.lang"]._lang_get("zh_CN")
            self.env["website"].search([]).language_ids |= lang
            path = f"/{lang.url_code}/my/okr"
        self.authenticate("okr_portal_zh", "okr_portal_zh")
        html = self.url_open(path).text
        self.assertIn("我的关键结果", html)
        self.assertIn("暂无进行中的关键结果。", html)
        self.assertNotIn("My key results", html)


@tagged("post_install", "-at_install")
class TestMessagesInReaderLanguage(KpiCase):
    """Reminders, alerts and feedback reach a Chinese-speaking worker in Chinese,
    whatever the language of the scheduler or of the manager who writes."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["res.lang"]._activate_lang("zh_CN")
        cls.user_worker.lang = "zh_CN"
        cls.objective = cls._objective(cls.emp_worker)
        cls.objective.write({"state": "running", "date_approved": datetime.date(2026, 10, 1)})
        cls.kr = cls.objective.key_result_ids

    def test_stale_reminders(self):
        portal = new_test_user(self.env, "okr_portal_zh_stale", groups="base.group_portal")
        portal.lang = "zh_CN"
        employee = self.env["hr.employee"].create({"name": "Ma Lin", "user_id": portal.id})
        portal_kr = self._objective(employee).key_result_ids
        portal_kr.objective_id.write(
            {"state": "running", "date_approved": datetime.date(2026, 10, 1)}
        )
        with freeze_time("2026-10-20"):
            self.env["okr.key.result"]._cron_remind_stale()
        self.assertEqual(self.kr.activity_ids.summary, "更新进展：Scrap rate 7% to 5%")
        self.assertEqual(self.kr.activity_ids.user_id, self.user_worker)
        e_mail = portal_kr.message_ids.filtered(lambda m: m.partner_ids == portal.partner_id)
        self.assertIn("“Scrap rate 7% to 5%”已有一段时间没有更新进展：进展如何？", e_mail.body)

    def test_decline_alert(self):
        for day, value in ((2, 6.5), (3, 6.7), (4, 6.9), (5, 7.1)):
            self.env["okr.checkin"].create(
                {"key_result_id": self.kr.id, "date": datetime.date(2026, 11, day), "value": value}
            )
        self.env["okr.key.result"]._cron_decline_alerts()
        self.assertIn(
            "“Scrap rate 7% to 5%”已连续 3 次进展更新变差（当前 7.1 ）。",
            self.kr.message_ids[0].body,
        )

    def test_approval_round_trip(self):
        objective = self._objective(self.emp_worker)
        objective.with_user(self.user_worker).with_context(lang="zh_CN").action_submit()
        self.assertEqual(objective.activity_ids.user_id, self.user_manager)
        self.assertEqual(objective.activity_ids.summary, f"Review objective: {objective.name}")
        objective.with_user(self.user_manager).with_context(lang="en_US")._send_back("Aim for 4%")
        self.assertIn("已退回修改：", objective.message_ids[0].body)
        self.assertEqual(objective.activity_ids.user_id, self.user_worker)
        self.assertEqual(objective.activity_ids.summary, f"修改目标：{objective.name}")

    def test_kpi_decline_alert(self):
        ticket = self.env["kpi.definition"].create(
            {"name": "Average ticket", "code": "T_TICKET_ZH", "unit": "CNY"}
        )
        ticket.with_context(lang="zh_CN").name = "平均客单价"
        target = self._target(ticket, self.emp_worker, target=90, floor=60)
        for day, value in ((16, 88), (17, 86), (18, 85), (19, 83)):
            self._measure(ticket, self.emp_worker, datetime.date(2026, 11, day), value)
        with freeze_time("2026-11-19"):
            self.env["kpi.target"]._cron_decline_alerts()
        self.assertIn(
            "Wang Wu 的 平均客单价 已连续 3 天变差（最近一次：83 CNY）。是否出了什么问题？",
            target.message_ids[0].body,
        )

    def test_feedback_from_an_english_speaking_manager(self):
        self.assertEqual(self.user_manager.lang, "en_US")
        checkin = self.env["okr.checkin"].create(
            {"key_result_id": self.kr.id, "value": 6.9, "date": datetime.date(2026, 10, 5)}
        )
        wizard = (
            self.env["okr.checkin.feedback"]
            .with_user(self.user_manager)
            .create({"checkin_id": checkin.id, "message": "Check the die setup."})
        )
        wizard.action_send()
        body = self.kr.message_ids[0].body
        self.assertIn("关于您 2026-10-05 的进展更新（6.9 ）：", body)
        self.assertIn("Check the die setup.", body)
