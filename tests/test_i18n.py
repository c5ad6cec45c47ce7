import datetime

from odoo.exceptions import ValidationError
from odoo.tests import HttpCase, new_test_user, tagged

from .i18n_common import placeholder_mismatches, untranslated_terms


@tagged("post_install", "-at_install")
class TestTranslations(HttpCase):
    """Chinese companies run okr_addon in Simplified Chinese, down to the phone pages."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["res.lang"]._activate_lang("zh_CN")
        cls.env["ir.module.module"]._load_module_terms(["okr_addon"], ["zh_CN"], overwrite=True)
        cls.env_zh = cls.env(context=dict(cls.env.context, lang="zh_CN"))

    def test_every_term_is_translated(self):
        missing = untranslated_terms(self.env, "okr_addon", "zh_CN")
        self.assertFalse(
            missing,
            f"{len(missing)} msgid(s) of okr_addon have no translation in i18n/zh_CN.po "
            "(run bin/i18n, then translate them):\n" + "\n".join(missing),
        )

    def test_placeholders_kept(self):
        problems = placeholder_mismatches("okr_addon", "zh_CN")
        self.assertFalse(problems, "zh_CN.po changes placeholders:\n" + "\n".join(problems))

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
