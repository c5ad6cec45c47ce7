"""The shop-floor kiosk as a worker meets it: keypad, cards, "Are you sure?", the
countdown, their own language; and what a crafted post must not get."""

import datetime
import re

from odoo.addons.okr_addon.okr_addon.controllers.kiosk import IDLE_SECONDS, SESSION_SECONDS
from odoo.tests import HttpCase, new_test_user, tagged


@tagged("post_install", "-at_install")
class TestKiosk(HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["res.lang"]._activate_lang("zh_CN")
        cls.env["ir.module.module"]._load_module_terms(["okr_addon"], ["zh_CN"], overwrite=True)
        cls.env.company.partner_id.lang = "en_US"
        cls.env.company.action_okr_reset_kiosk_token()
        cls.token = cls.env.company.okr_kiosk_token
        cls.user_zh = new_test_user(
            cls.env, "okr_kiosk_zh", groups="base.group_portal", lang="zh_CN"
        )
        Employee = cls.env["hr.employee"]
        cls.emp_a = Employee.create({"name": "Wang Wu", "barcode": "4711", "pin": "2580"})
        cls.emp_b = Employee.create({"name": "Zhang San", "barcode": "4712", "pin": "9876"})
        cls.emp_zh = Employee.create(
            {"name": "Li Lei", "barcode": "4713", "pin": "1357", "user_id": cls.user_zh.id}
        )
        today = datetime.date.today()
        cls.today = today
        cycle = cls.env["okr.cycle"].create(
            {
                "name": "Now",
                "cadence": "custom",
                "date_start": today - datetime.timedelta(days=30),
                "date_end": today + datetime.timedelta(days=60),
                "state": "running",
            }
        )

        def key_result(employee, name):
            objective = cls.env["okr.objective"].create(
                {
                    "name": f"Objective of {employee.name}",
                    "employee_id": employee.id,
                    "cycle_id": cycle.id,
                    "state": "running",
                    "date_approved": today - datetime.timedelta(days=29),
                    "key_result_ids": [
                        (0, 0, {"name": name, "start_value": 30, "target_value": 50, "unit": "pcs"})
                    ],
                }
            )
            return objective.key_result_ids

        cls.kr_a = key_result(cls.emp_a, "Parts per hour")
        cls.kr_b = key_result(cls.emp_b, "Parts per hour of Zhang San")
        cls.kr_zh = key_result(cls.emp_zh, "Parts per hour of Li Lei")
        Checkin = cls.env["okr.checkin"]
        for kr in cls.kr_a | cls.kr_b | cls.kr_zh:
            for days, value in ((3, 35), (1, 40)):
                Checkin.create(
                    {
                        "key_result_id": kr.id,
                        "date": today - datetime.timedelta(days=days),
                        "value": value,
                    }
                )
        cls.changeover = cls.env["kpi.definition"].create(
            {
                "name": "Changeover time",
                "code": "T_CHANGEOVER",
                "direction": "lower_better",
                "unit": "min",
            }
        )
        cls.defects = cls.env["kpi.definition"].create(
            {
                "name": "Daily defects",
                "code": "T_KIOSK_DEFECTS",
                "direction": "lower_better",
                "has_plausible_range": True,
                "plausible_min": 0,
                "plausible_max": 100,
            }
        )
        Target = cls.env["kpi.target"]
        Measurement = cls.env["kpi.measurement"]
        cls.targets = {}
        for employee in cls.emp_a | cls.emp_b | cls.emp_zh:
            for definition, target in ((cls.changeover, 25), (cls.defects, 3)):
                cls.targets[employee, definition] = Target.create(
                    {
                        "definition_id": definition.id,
                        "employee_id": employee.id,
                        "date_from": today - datetime.timedelta(days=5),
                        "date_to": today + datetime.timedelta(days=5),
                        "target": target,
                    }
                )
                for days, value in ((2, 30), (1, 35)):
                    Measurement.create(
                        {
                            "definition_id": definition.id,
                            "employee_id": employee.id,
                            "date": today - datetime.timedelta(days=days),
                            "value": value,
                        }
                    )

    def _csrf(self, html):
        return re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)

    def _login(self, badge, pin):
        start = self.url_open(f"/okr/kiosk/{self.token}")
        page = self.url_open(
            f"/okr/kiosk/{self.token}/login",
            data={"badge": badge, "pin": pin, "csrf_token": self._csrf(start.text)},
        )
        self.assertEqual(page.status_code, 200)
        return page

    def _post(self, page, kind, record, **data):
        return self.url_open(
            f"/okr/kiosk/{self.token}/{kind}/{record.id}",
            data={"csrf_token": self._csrf(page.text), **data},
        )

    def _kiosk_values(self, employee, definition):
        return self.env["kpi.measurement"].search(
            [
                ("employee_id", "=", employee.id),
                ("definition_id", "=", definition.id),
                ("source", "=", "kiosk"),
            ]
        )

    def test_start_screen_logo_clock_keypad_without_needing_javascript(self):
        page = self.url_open(f"/okr/kiosk/{self.token}").text
        self.assertIn(f"/web/binary/company_logo?company={self.env.company.id}", page)
        self.assertIn(self.env.company.name, page)
        self.assertIn("o_okr_kiosk_clock", page)
        self.assertEqual(len(re.findall(r'class="[^"]*o_okr_kiosk_key[ "]', page)), 12)
        for name in ("badge", "pin"):
            field = re.search(rf'<input[^>]*name="{name}"[^>]*>', page).group(0)
            self.assertIn('inputmode="numeric"', field)
        # The plain form posts badge and PIN, keypad or not.
        self.assertIn(f'action="/okr/kiosk/{self.token}/login"', page)
        self.assertIn("Scan or type your badge, then your PIN", page)

    def test_cards_show_current_value_and_target_and_the_countdown(self):
        page = self._login("4711", "2580").text
        self.assertIn("Hello Wang Wu", page)
        card = re.search(rf'data-key-result-id="{self.kr_a.id}".*?</form>', page, re.S).group(0)
        self.assertRegex(card, r'class="o_okr_current">40</span>\s*<small>pcs</small>')
        self.assertRegex(card, r'class="o_okr_target">50</span>\s*<small>pcs</small>')
        self.assertIn('aria-valuenow="50"', card, "30 → 50, now 40: half way")
        kpi = self.targets[self.emp_a, self.changeover]
        card = re.search(rf'data-kpi-target-id="{kpi.id}".*?</form>', page, re.S).group(0)
        self.assertRegex(card, r'class="o_okr_target">25</span>\s*<small>min</small>')
        self.assertNotIn("Zhang San", page)
        self.assertIn(f'data-idle-seconds="{IDLE_SECONDS}"', page)
        self.assertIn(f'data-seconds-left="{SESSION_SECONDS}"', page)
        self.assertIn(f'action="/okr/kiosk/{self.token}/logout"', page)
        self.assertIn("Is a number wrong?", page, "the dispute forms stay")

    def test_implausible_value_asks_first_then_saves_and_flags(self):
        page = self._login("4711", "2580")
        kpi = self.targets[self.emp_a, self.changeover]
        asked = self._post(page, "kpi", kpi, value="4.1")
        self.assertIn(
            "Are you sure? Your last value was 35 min, the target 25 min: 4.1 min would be 108%.",
            asked.text,
        )
        self.assertFalse(self._kiosk_values(self.emp_a, self.changeover), "nothing saved yet")
        self.assertIn('name="confirm" value="1"', asked.text)
        self.assertIn('name="value" value="4.1"', asked.text)
        saved = self._post(asked, "kpi", kpi, value="4.1", confirm="1")
        self.assertIn("Saved, thank you!", saved.text)
        value = self._kiosk_values(self.emp_a, self.changeover)
        self.assertEqual(value.value, 4.1)
        flag = self.env["okr.anomaly.flag"].search([("measurement_id", "=", value.id)])
        self.assertEqual((flag.state, flag.against, flag.usual_value), ("open", "own", 32.5))
        self.assertEqual(
            flag.reason, "Changeover time 4.1 min — only about 13% of Wang Wu's usual 32.5 min"
        )

        # A key result: 40 pcs last time, 300 would be 1350% of the way.
        asked = self._post(page, "kr", self.kr_a, value="300", confidence="0.9", note="Big day")
        self.assertIn(
            "Your last value was 40 pcs, the target 50 pcs: 300 pcs would be 1350%.", asked.text
        )
        self.assertEqual(self.kr_a.checkin_ids.mapped("value"), [40, 35], "nothing saved yet")
        self.assertIn('name="confidence" value="0.9"', asked.text)
        saved = self._post(
            asked, "kr", self.kr_a, value="300", confidence="0.9", confirm="1", note="Big day"
        )
        self.assertIn("Saved, thank you!", saved.text)
        self.env.invalidate_all()
        checkin = self.kr_a.checkin_ids.sorted("id")[-1]
        self.assertEqual((checkin.value, checkin.source, checkin.note), (300, "kiosk", "Big day"))
        flag = self.env["okr.anomaly.flag"].search([("checkin_id", "=", checkin.id)])
        self.assertEqual(len(flag), 1)
        self.assertEqual((flag.against, flag.step), ("own", 1300))
        self.assertIn("moved it 1300% of the way", flag.reason)

    def test_plausible_values_save_at_once_and_the_range_decides(self):
        page = self._login("4711", "2580")
        self.assertIn("Saved, thank you!", self._post(page, "kr", self.kr_a, value="45").text)
        self.assertEqual(self.kr_a.checkin_ids.sorted("id")[-1].value, 45)
        defects = self.targets[self.emp_a, self.defects]
        # Inside HR's plausible range (0 to 100): trusted, however far from 30 and 35.
        self.assertIn("Saved, thank you!", self._post(page, "kpi", defects, value="2").text)
        self.assertEqual(self._kiosk_values(self.emp_a, self.defects).value, 2)
        # A KPI that adds its days up: where the period's total would stand.
        parts = self.env["kpi.definition"].create(
            {"name": "Parts", "code": "T_KIOSK_PARTS", "aggregation": "sum", "unit": "pcs"}
        )
        for days, value in ((2, 30), (1, 35)):
            self.env["kpi.measurement"].create(
                {
                    "definition_id": parts.id,
                    "employee_id": self.emp_a.id,
                    "date": self.today - datetime.timedelta(days=days),
                    "value": value,
                }
            )
        parts_target = self.env["kpi.target"].create(
            {
                "definition_id": parts.id,
                "employee_id": self.emp_a.id,
                "date_from": self.today - datetime.timedelta(days=5),
                "date_to": self.today,
                "target": 1000,
            }
        )
        self.assertIn(
            "Your last value was 35 pcs, the target 1000 pcs: 405 pcs would be 47%.",
            self._post(page, "kpi", parts_target, value="405").text,
            "30 + 35 + 405 of 1000",
        )
        refused = self._post(page, "kpi", defects, value="120", confirm="1").text
        self.assertIn("outside the plausible range", refused)
        self.assertEqual(self._kiosk_values(self.emp_a, self.defects).value, 2)
        self.assertFalse(self.env["okr.anomaly.flag"].search([("employee_id", "=", self.emp_a.id)]))

    def test_confirmation_for_someone_elses_record_is_refused(self):
        page = self._login("4711", "2580")
        other_kpi = self.targets[self.emp_b, self.changeover]
        for kind, record in (("kr", self.kr_b), ("kpi", other_kpi)):
            for data in ({"value": "4.1", "confirm": "1"}, {"value": "4.1"}):
                response = self._post(page, kind, record, **data)
                self.assertEqual(response.status_code, 404, (kind, data))
                self.assertNotIn("Are you sure", response.text)
        self.assertEqual(self.kr_b.checkin_ids.mapped("value"), [40, 35])
        self.assertFalse(self._kiosk_values(self.emp_b, self.changeover))
        # One's own KPI that a connector brings: not typed at the kiosk, not even asked.
        connector = self.env["kpi.definition"].create(
            {"name": "From the line", "code": "T_KIOSK_LINE", "source": "connector"}
        )
        own_connector = self.env["kpi.target"].create(
            {
                "definition_id": connector.id,
                "employee_id": self.emp_a.id,
                "date_from": self.today,
                "date_to": self.today,
                "target": 160,
            }
        )
        for data in ({"value": "4000", "confirm": "1"}, {"value": "4000"}):
            response = self._post(page, "kpi", own_connector, **data)
            self.assertEqual(response.status_code, 404, data)
        self.assertFalse(self._kiosk_values(self.emp_a, connector))
        # Without a CSRF token the confirmation is refused too.
        response = self.url_open(
            f"/okr/kiosk/{self.token}/kpi/{self.targets[self.emp_a, self.changeover].id}",
            data={"value": "4.1", "confirm": "1"},
        )
        self.assertEqual(response.status_code, 400)
        self.assertFalse(self._kiosk_values(self.emp_a, self.changeover))
        # Logged out: nobody to confirm for.
        self.url_open(f"/okr/kiosk/{self.token}/logout", data={"csrf_token": self._csrf(page.text)})
        response = self._post(
            page, "kpi", self.targets[self.emp_a, self.changeover], value="4.1", confirm="1"
        )
        self.assertEqual(response.status_code, 404)
        self.assertFalse(self._kiosk_values(self.emp_a, self.changeover))

    def test_the_kiosk_speaks_the_employees_language(self):
        start = self.url_open(f"/okr/kiosk/{self.token}").text
        self.assertIn("Scan or type your badge, then your PIN", start, "the company's language")
        page = self._login("4713", "1357")
        self.assertIn("您好 Li Lei", page.text)
        self.assertIn('lang="zh-CN"', page.text)
        asked = self._post(page, "kpi", self.targets[self.emp_zh, self.changeover], value="4.1")
        self.assertIn(
            "确定吗？您上次的数值是 35 min，目标是 25 min：4.1 min 将达到 108%。", asked.text
        )
        refused = self._post(page, "kr", self.kr_zh, value="abc")
        self.assertIn("不是数字", refused.text)
        self.url_open(f"/okr/kiosk/{self.token}/logout", data={"csrf_token": self._csrf(page.text)})
        # A Chinese company: its start screen in Chinese, an English speaker's cards in English.
        self.env.company.partner_id.lang = "zh_CN"
        start = self.url_open(f"/okr/kiosk/{self.token}").text
        self.assertNotIn("Scan or type your badge", start)
        self.assertIn("工牌", start)
        self.assertIn("您好 Wang Wu", self._login("4711", "2580").text, "no user: the company's")

    def test_keypad_cards_and_countdown_in_a_browser(self):
        self.start_tour(f"/okr/kiosk/{self.token}", "okr_kiosk_keypad")
