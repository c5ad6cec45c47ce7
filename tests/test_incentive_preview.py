import datetime
import logging
import re

from odoo.addons.okr_addon.okr_addon.models.okr_pay_guard import trusted
from odoo.tests import HttpCase, new_test_user, tagged

_logger = logging.getLogger(__name__)


@tagged("post_install", "-at_install")
class TestIncentivePreview(HttpCase):
    """/my/okr: what the employee's own forecasts would pay, a preview, never others'."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # The demo's rules cover everybody: this story has its own.
        cls.env["okr.incentive.rule"].search([]).action_archive()
        Employee = cls.env["hr.employee"]
        cls.press = cls.env["hr.department"].create({"name": "Press shop"})
        cls.office = cls.env["hr.department"].create({"name": "Front office"})
        users = [
            new_test_user(cls.env, login, groups="base.group_portal", password=login)
            for login in ("okr_prev_a", "okr_prev_b", "okr_prev_c")
        ]
        cls.emp_a, cls.emp_b, cls.emp_c = Employee.create(
            [
                {"name": "Wang Wu", "user_id": users[0].id, "department_id": cls.press.id},
                {"name": "Zhang San", "user_id": users[1].id, "department_id": cls.press.id},
                {"name": "Liu Yang", "user_id": users[2].id, "department_id": cls.office.id},
            ]
        )
        Definition = cls.env["kpi.definition"]
        cls.parts = Definition.create(
            {"name": "Parts pressed", "code": "T_PV_PARTS", "unit": "pcs"}
        )
        cls.scrap = Definition.create(
            {
                "name": "Scrap rate",
                "code": "T_PV_SCRAP",
                "unit": "%",
                "direction": "lower_better",
                "aggregation": "avg",
            }
        )
        today = datetime.date.today()
        span = {
            "date_from": today - datetime.timedelta(days=3),
            "date_to": today + datetime.timedelta(days=3),
        }
        Target = cls.env["kpi.target"]
        cls.target_a, cls.target_b, cls.scrap_a = Target.create(
            [
                {
                    "definition_id": cls.parts.id,
                    "employee_id": cls.emp_a.id,
                    "target": 1000,
                    **span,
                },
                {
                    "definition_id": cls.parts.id,
                    "employee_id": cls.emp_b.id,
                    "target": 1000,
                    **span,
                },
                {"definition_id": cls.scrap.id, "employee_id": cls.emp_a.id, "target": 3, **span},
            ]
        )
        cls._forecast(cls.target_a, 1030)
        cls._forecast(cls.target_b, 800)
        cls._forecast(cls.scrap_a, 4.4)
        Rule = cls.env["okr.incentive.rule"]
        cls.output_rule = Rule.create(
            {
                "name": "Output bonus",
                "code": "T_PV_OUTPUT",
                "basis": "kpi_completion",
                "definition_id": cls.parts.id,
                "department_ids": [(6, 0, cls.press.ids)],
                "tier_ids": [
                    (0, 0, {"has_lower": False, "upper": 90, "amount": -100}),
                    (0, 0, {"lower": 90, "upper": 100, "amount": 0}),
                    (0, 0, {"lower": 100, "upper": 110, "amount": 300}),
                    (0, 0, {"lower": 110, "has_upper": False, "amount": 500}),
                ],
            }
        )
        cls.scrap_rule = Rule.create(
            {
                "name": "Scrap penalty",
                "code": "T_PV_SCRAP",
                "basis": "kpi_value",
                "definition_id": cls.scrap.id,
                "employee_ids": [(6, 0, cls.emp_a.ids)],
                "tier_ids": [
                    (0, 0, {"has_lower": False, "upper": 3, "amount": 200}),
                    (0, 0, {"lower": 3, "upper": 4, "amount": 0}),
                    (0, 0, {"lower": 4, "has_upper": False, "amount": -100}),
                ],
            }
        )
        cls.okr_rule = Rule.create(
            {
                "name": "Objectives award",
                "code": "T_PV_OKR",
                "basis": "okr_score",
                "employee_ids": [(6, 0, cls.emp_a.ids)],
                "tier_ids": [(0, 0, {"lower": 70, "has_upper": False, "amount": 100})],
            }
        )

    @classmethod
    def _forecast(cls, target, value):
        """The daily forecast's result, as _update_forecasts writes it."""
        trusted(target).write(
            {
                "has_forecast": True,
                "forecast_value": value,
                "forecast_low": value * 0.9,
                "forecast_high": value * 1.1,
                "forecast_note": f"Heading for {value}",
            }
        )

    def _page(self, login):
        self.authenticate(login, login)
        page = self.url_open("/my/okr")
        self.assertEqual(page.status_code, 200)
        return page.text

    def _money(self, amount):
        return self.env["okr.self.service"]._preview_amount(self.output_rule, amount)

    def test_worker_sees_their_own_preview(self):
        text = self._page("okr_prev_a")
        self.assertIn("Preview — the approved run decides.", text)
        # 1,030 of 1,000 parts: 103% → +300; 110% is 1,100 parts, 70 more.
        self.assertIn(
            "At your current pace (forecast) you reach tier 100–110% → "
            + self._money(300).replace("\u00a0", "&nbsp;"),
            text.replace("\u00a0", "&nbsp;"),
        )
        self.assertIn("70 pcs more (Parts pressed) to reach the next tier", text)
        # Scrap 4.4% (lower is better): −100, 0.4 points lower avoids it.
        self.assertIn("you would lose", text)
        self.assertIn("0.4 points lower (Scrap rate) avoids it.", text)
        self.assertIn("Not enough data for a forecast yet.", text)
        # Zhang San's 80% (a deduction in the "< 90%" tier) is nobody else's business.
        self.assertNotIn("tier &lt; 90%", text)
        self.assertNotIn("tier < 90%", text)
        self.assertNotIn("Zhang San", text)

    def test_colleague_sees_only_their_rule(self):
        text = self._page("okr_prev_b")
        self.assertIn("Output bonus", text)
        self.assertIn("tier &lt; 90%", text)
        self.assertNotIn("Scrap penalty", text, "a rule for Wang Wu only")
        self.assertNotIn("Objectives award", text)
        self.assertIn("100 pcs more (Parts pressed) avoids it.", text)

    def test_worker_under_no_rule_sees_no_preview(self):
        text = self._page("okr_prev_c")
        self.assertNotIn("What I could earn", text)
        self.assertNotIn("o_okr_preview", text)
        self.assertFalse(self.env["okr.self.service"]._incentive_previews(self.emp_c))

    def test_team_pool_has_no_personal_figure(self):
        self.output_rule.copy(
            {"code": "T_PV_POOL", "name": "Press shop pool", "pay_to": "team", "split_key": "equal"}
        )
        previews = {
            p["rule"]: p for p in self.env["okr.self.service"]._incentive_previews(self.emp_a)
        }
        pool = previews["Press shop pool"]
        self.assertFalse(pool["has_forecast"])
        self.assertIn("A team pool", pool["headline"])
        self.assertNotIn("amount", pool)

    def test_top_tier_and_cap(self):
        self._forecast(self.target_a, 1150)
        (preview,) = [
            p
            for p in self.env["okr.self.service"]._incentive_previews(self.emp_a)
            if p["rule"] == "Output bonus"
        ]
        self.assertEqual(preview["amount"], 500)
        self.assertEqual(preview["next"], "This is the top tier.")
        self.output_rule.write({"use_cap": True, "cap": 400})
        (preview,) = [
            p
            for p in self.env["okr.self.service"]._incentive_previews(self.emp_a)
            if p["rule"] == "Output bonus"
        ]
        self.assertEqual(preview["amount"], 400)
        self.assertEqual(preview["next"], "The rule's highest amount is reached.")

    def test_few_queries_for_many_rules(self):
        """Five rules cost no more queries than three (19 each today), not a round each."""
        service = self.env["okr.self.service"]
        service._incentive_previews(self.emp_a)
        self.env.invalidate_all()
        start = self.env.cr.sql_log_count
        service._incentive_previews(self.emp_a)
        three = self.env.cr.sql_log_count - start
        self.output_rule.copy({"code": "T_PV_2", "name": "Output bonus 2"})
        self.scrap_rule.copy({"code": "T_PV_3", "name": "Scrap penalty 2"})
        self.env.invalidate_all()
        start = self.env.cr.sql_log_count
        previews = service._incentive_previews(self.emp_a)
        five = self.env.cr.sql_log_count - start
        self.assertEqual(len(previews), 5)
        _logger.info("earnings preview: %s queries for 3 rules, %s for 5", three, five)
        self.assertLessEqual(five - three, 2, f"{three} queries for 3 rules, {five} for 5")

    def test_a_value_typed_on_the_phone_updates_the_forecast(self):
        crates = self.env["kpi.definition"].create({"name": "Crates packed", "code": "T_PV_CRATES"})
        today = datetime.date.today()
        target = self.env["kpi.target"].create(
            {
                "definition_id": crates.id,
                "employee_id": self.emp_c.id,
                "target": 100,
                "date_from": today - datetime.timedelta(days=3),
                "date_to": today + datetime.timedelta(days=3),
            }
        )
        self.env["kpi.measurement"].create(
            [
                {
                    "definition_id": crates.id,
                    "employee_id": self.emp_c.id,
                    "date": today - datetime.timedelta(days=days),
                    "value": 10,
                }
                for days in (3, 2, 1)
            ]
        )
        self.assertFalse(target.forecast_note, "the daily forecast has not run yet")
        page = self._page("okr_prev_c")
        csrf = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
        self.url_open(f"/my/okr/kpi/{target.id}", data={"value": "12", "csrf_token": csrf})
        self.assertIn("Heading for", target.forecast_note)
        self.assertGreater(target.forecast_value, 0)
