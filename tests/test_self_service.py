import datetime
import re

from odoo.tests import HttpCase, new_test_user, tagged

D = datetime.date


@tagged("post_install", "-at_install")
class TestSelfService(HttpCase):
    """Frontline staff without an Odoo licence: portal check-ins and the kiosk."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.portal_a = new_test_user(
            cls.env, "okr_portal_a", groups="base.group_portal", password="okr_portal_a"
        )
        cls.portal_b = new_test_user(
            cls.env, "okr_portal_b", groups="base.group_portal", password="okr_portal_b"
        )
        Employee = cls.env["hr.employee"]
        cls.emp_a = Employee.create(
            {"name": "Wang Wu", "user_id": cls.portal_a.id, "barcode": "B1001", "pin": "1234"}
        )
        cls.emp_b = Employee.create(
            {"name": "Zhang San", "user_id": cls.portal_b.id, "barcode": "B1002", "pin": "9876"}
        )
        today = datetime.date.today()
        cls.cycle = cls.env["okr.cycle"].create(
            {
                "name": "Now",
                "cadence": "custom",
                "date_start": today - datetime.timedelta(days=30),
                "date_end": today + datetime.timedelta(days=60),
                "state": "running",
            }
        )

        def objective(employee, name):
            return cls.env["okr.objective"].create(
                {
                    "name": f"Objective of {employee.name}",
                    "employee_id": employee.id,
                    "cycle_id": cls.cycle.id,
                    "state": "running",
                    "date_approved": today - datetime.timedelta(days=29),
                    "key_result_ids": [
                        (
                            0,
                            0,
                            {
                                "name": name,
                                "start_value": 7,
                                "target_value": 5,
                                "direction": "decrease",
                                "unit": "%",
                            },
                        )
                    ],
                }
            )

        cls.kr_a = objective(cls.emp_a, "Defect rate 7% to 5%").key_result_ids
        cls.kr_b = objective(cls.emp_b, "Setup errors down").key_result_ids
        cls.scrap = cls.env["kpi.definition"].create(
            {"name": "Daily defects", "code": "T_DEFECTS", "direction": "lower_better"}
        )
        cls.target_a = cls.env["kpi.target"].create(
            {
                "definition_id": cls.scrap.id,
                "employee_id": cls.emp_a.id,
                "date_from": today - datetime.timedelta(days=5),
                "date_to": today + datetime.timedelta(days=5),
                "target": 3,
            }
        )

    def _csrf(self, html):
        return re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)

    def _login(self, login):
        self.authenticate(login, login)
        page = self.url_open("/my/okr")
        self.assertEqual(page.status_code, 200)
        return page

    def test_portal_user_checks_in_and_sees_progress(self):
        page = self._login("okr_portal_a")
        self.assertIn("Defect rate 7% to 5%", page.text)
        self.assertNotIn("Setup errors down", page.text, "nobody else's goals")
        response = self.url_open(
            f"/my/okr/kr/{self.kr_a.id}/checkin",
            data={
                "value": "6",
                "confidence": "0.9",
                "note": "new die",
                "csrf_token": self._csrf(page.text),
            },
        )
        self.assertEqual(response.status_code, 200)
        self.assertIn("is at 50%", response.text)
        self.assertIn("50%", response.text)
        checkin = self.kr_a.checkin_ids
        self.assertEqual(
            (checkin.value, checkin.source, checkin.employee_id), (6.0, "portal", self.emp_a)
        )
        self.assertAlmostEqual(self.kr_a.progress, 0.5)

    def test_kpi_value_of_the_day(self):
        page = self._login("okr_portal_a")
        self.assertIn("Daily defects", page.text)
        for value in ("4,5", "2.5"):
            self.url_open(
                f"/my/okr/kpi/{self.target_a.id}",
                data={"value": value, "csrf_token": self._csrf(page.text)},
            )
        values = self.env["kpi.measurement"].search([("definition_id", "=", self.scrap.id)])
        self.assertEqual(
            (len(values), values.value, values.source),
            (1, 2.5, "portal"),
            "one value per day: the second report replaces the first",
        )
        self.assertEqual(self.target_a.actual, 2.5)

    def test_someone_elses_key_result_is_not_found(self):
        page = self._login("okr_portal_b")
        self.assertEqual(self.url_open(f"/my/okr/kr/{self.kr_a.id}").status_code, 404)
        response = self.url_open(
            f"/my/okr/kr/{self.kr_a.id}/checkin",
            data={"value": "1", "csrf_token": self._csrf(page.text)},
        )
        self.assertEqual(response.status_code, 404)
        self.assertFalse(self.kr_a.checkin_ids)
        self.assertEqual(
            self.url_open(
                f"/my/okr/kpi/{self.target_a.id}",
                data={"value": "1", "csrf_token": self._csrf(page.text)},
            ).status_code,
            404,
        )

    def test_forms_need_the_csrf_token(self):
        self._login("okr_portal_a")
        response = self.url_open(f"/my/okr/kr/{self.kr_a.id}/checkin", data={"value": "6"})
        self.assertIn(response.status_code, (400, 403))
        self.assertFalse(self.kr_a.checkin_ids)

    def test_closed_cycle_refuses_check_ins_with_a_message(self):
        page = self._login("okr_portal_a")
        self.cycle.state = "closed"
        response = self.url_open(
            f"/my/okr/kr/{self.kr_a.id}/checkin",
            data={"value": "6", "csrf_token": self._csrf(page.text)},
        )
        self.assertIn("is closed", response.text)
        self.assertFalse(self.kr_a.checkin_ids)

    def test_phone_page_posts_through_the_json_route(self):
        page = self._login("okr_portal_a")
        self.assertIn(f'data-okr-fetch="/my/okr/kr/{self.kr_a.id}/checkin.json"', page.text)
        response = self.url_open(
            f"/my/okr/kr/{self.kr_a.id}/checkin.json",
            data={"value": "6", "confidence": "0.4", "csrf_token": self._csrf(page.text)},
        )
        self.assertEqual(response.status_code, 200)
        self.assertEqual(
            response.json(),
            {
                "ok": True,
                "key_result_id": self.kr_a.id,
                "message": "Saved: Defect rate 7% to 5% is at 50%",
                "progress": 50,
                "current_value": "6",
            },
        )
        checkin = self.kr_a.checkin_ids
        self.assertEqual(
            (checkin.value, checkin.confidence, checkin.source, checkin.employee_id),
            (6.0, 0.4, "portal", self.emp_a),
        )
        self.assertAlmostEqual(self.kr_a.objective_id.progress, 0.5)

    def test_phone_page_updates_the_card_in_place(self):
        """In a browser: Save posts through the script and the card shows the new figures,
        without leaving the page."""
        code = """
            const card = document.querySelector(".o_okr_kr");
            const form = card.querySelector("form[data-okr-fetch]");
            form.querySelector("input[name=value]").value = "6";
            form.requestSubmit();
            const check = () => {
                const status = card.querySelector(".o_okr_card_status");
                if (!status) {
                    setTimeout(check, 50);
                    return;
                }
                const figures = [
                    status.textContent,
                    card.querySelector(".o_okr_current").textContent,
                    card.querySelector(".o_okr_progress .progress-bar").textContent,
                    form.querySelector("input[name=value]").value,
                    window.location.pathname + window.location.search,
                ].join("|");
                const expected = "Saved: Defect rate 7% to 5% is at 50%|6|50%||/my/okr";
                if (figures === expected) {
                    console.log("test successful");
                } else {
                    console.error("the card shows " + figures);
                }
            };
            check();
        """
        self.browser_js(
            "/my/okr",
            code,
            # The frontend marks the body once its interactions have started.
            ready="odoo.loader.modules.has('@okr_addon/js/okr_portal_checkin')"
            " && document.body.getAttribute('is-ready') === 'true'",
            login="okr_portal_a",
        )
        self.env.invalidate_all()
        self.assertEqual(self.kr_a.checkin_ids.mapped("value"), [6.0])
        self.assertAlmostEqual(self.kr_a.progress, 0.5)

    def test_json_route_refuses_someone_elses_key_result(self):
        page = self._login("okr_portal_b")
        response = self.url_open(
            f"/my/okr/kr/{self.kr_a.id}/checkin.json",
            data={"value": "1", "csrf_token": self._csrf(page.text)},
        )
        self.assertEqual(response.status_code, 404)
        self.assertFalse(self.kr_a.checkin_ids)

    def test_json_route_needs_the_csrf_token(self):
        self._login("okr_portal_a")
        for data in ({"value": "6"}, {"value": "6", "csrf_token": "forged"}):
            response = self.url_open(f"/my/okr/kr/{self.kr_a.id}/checkin.json", data=data)
            self.assertEqual(response.status_code, 400)
        self.assertFalse(self.kr_a.checkin_ids)

    def test_json_route_refuses_a_closed_cycle_with_a_message(self):
        page = self._login("okr_portal_a")
        csrf = self._csrf(page.text)
        self.cycle.state = "closed"
        response = self.url_open(
            f"/my/okr/kr/{self.kr_a.id}/checkin.json", data={"value": "6", "csrf_token": csrf}
        )
        self.assertEqual(response.status_code, 422)
        self.assertFalse(response.json()["ok"])
        self.assertIn("is closed", response.json()["error"])
        self.assertFalse(self.kr_a.checkin_ids)
        self.cycle.state = "running"
        response = self.url_open(
            f"/my/okr/kr/{self.kr_a.id}/checkin.json", data={"value": "six", "csrf_token": csrf}
        )
        self.assertEqual(response.status_code, 422)
        self.assertIn("“six” is not a number", response.json()["error"])
        self.assertFalse(self.kr_a.checkin_ids)

    def test_kiosk_identifies_by_badge_and_pin_and_locks_after_five_failures(self):
        self.assertEqual(self.url_open("/okr/kiosk/not-a-token").status_code, 404)
        self.env.company.action_okr_reset_kiosk_token()
        token = self.env.company.okr_kiosk_token
        page = self.url_open(f"/okr/kiosk/{token}")
        self.assertEqual(page.status_code, 200)
        self.assertNotIn("Wang Wu", page.text, "the kiosk lists nobody")
        csrf = self._csrf(page.text)

        def login(badge, pin):
            return self.url_open(
                f"/okr/kiosk/{token}/login", data={"badge": badge, "pin": pin, "csrf_token": csrf}
            )

        self.assertIn("Badge or PIN not recognised", login("NOBODY", "0000").text)
        for _attempt in range(5):
            self.assertIn("Badge or PIN not recognised", login("B1001", "0000").text)
        # Locked: even the right PIN reads like an unknown badge (nothing tells which
        # badges exist or are locked).
        self.assertIn("Badge or PIN not recognised", login("B1001", "1234").text)
        self.assertNotIn("Hello Wang Wu", login("B1001", "1234").text)
        self.assertTrue(self.emp_a.okr_kiosk_locked_until)

        self.emp_a.okr_kiosk_locked_until = datetime.datetime(2020, 1, 1)
        page = login("B1001", "1234")
        self.assertIn("Hello Wang Wu", page.text)
        self.assertIn("Defect rate 7% to 5%", page.text)
        self.assertNotIn("Setup errors down", page.text)
        response = self.url_open(
            f"/okr/kiosk/{token}/kr/{self.kr_a.id}",
            data={"value": "5.5", "csrf_token": self._csrf(page.text)},
        )
        self.assertIn("Saved, thank you!", response.text)
        self.assertEqual(self.kr_a.checkin_ids.source, "kiosk")
        self.assertEqual(
            self.url_open(
                f"/okr/kiosk/{token}/kr/{self.kr_b.id}",
                data={"value": "1", "csrf_token": self._csrf(page.text)},
            ).status_code,
            404,
        )
        self.assertFalse(self.kr_b.checkin_ids)
        page = self.url_open(f"/okr/kiosk/{token}/logout", data={"csrf_token": csrf})
        self.assertNotIn("Hello Wang Wu", page.text)

    # ------------------------------------------------------------------
    # What a crafted POST or a curious worker must not get
    # ------------------------------------------------------------------
    def test_phone_refuses_nan_infinity_and_huge_values(self):
        page = self._login("okr_portal_a")
        csrf = self._csrf(page.text)
        for bad in ("nan", "inf", "-Infinity", "1e308"):
            response = self.url_open(
                f"/my/okr/kr/{self.kr_a.id}/checkin.json", data={"value": bad, "csrf_token": csrf}
            )
            self.assertEqual(response.status_code, 422, bad)
            self.assertIn("is not a number", response.json()["error"])
            response = self.url_open(
                f"/my/okr/kpi/{self.target_a.id}", data={"value": bad, "csrf_token": csrf}
            )
            self.assertIn("is not a number", response.text)
        self.assertFalse(self.kr_a.checkin_ids)
        self.assertFalse(
            self.env["kpi.measurement"].search([("definition_id", "=", self.scrap.id)])
        )
        self.assertFalse(self.target_a.has_actual)

    def test_malformed_confidence_gets_a_message_not_an_error(self):
        page = self._login("okr_portal_a")
        for confidence in ("high", "1.5", "nan"):
            response = self.url_open(
                f"/my/okr/kr/{self.kr_a.id}/checkin.json",
                data={"value": "6", "confidence": confidence, "csrf_token": self._csrf(page.text)},
            )
            self.assertEqual(response.status_code, 422, confidence)
            self.assertFalse(response.json()["ok"])
        self.assertFalse(self.kr_a.checkin_ids)

    def test_phone_writes_only_to_typed_in_kpis(self):
        today = datetime.date.today()
        for source, extra in (
            ("attendance", {"attendance_metric": "worked_hours"}),
            ("connector", {}),
        ):
            definition = self.env["kpi.definition"].create(
                {
                    "name": f"By {source}",
                    "code": f"T_BY_{source.upper()}",
                    "source": source,
                    **extra,
                }
            )
            target = self.env["kpi.target"].create(
                {
                    "definition_id": definition.id,
                    "employee_id": self.emp_a.id,
                    "date_from": today - datetime.timedelta(days=5),
                    "date_to": today + datetime.timedelta(days=5),
                    "target": 160,
                }
            )
            page = self._login("okr_portal_a")
            self.assertNotIn(f"By {source}", page.text, "not offered for typing")
            response = self.url_open(
                f"/my/okr/kpi/{target.id}",
                data={"value": "999", "csrf_token": self._csrf(page.text)},
            )
            self.assertEqual(response.status_code, 404, source)
            self.assertFalse(
                self.env["kpi.measurement"].search([("definition_id", "=", definition.id)])
            )

    def test_phone_shows_no_internal_note_and_no_unapproved_incentive(self):
        for body, subtype in (
            ("Between us: Wang Wu is slow", "mail.mt_note"),
            ("Great progress this week", "mail.mt_comment"),
        ):
            self.kr_a.message_post(body=body, message_type="comment", subtype_xmlid=subtype)
        rule = self.env["okr.incentive.rule"].create(
            {
                "name": "Defects bonus",
                "code": "T_DEFECTS_BONUS",
                "definition_id": self.scrap.id,
                "tier_ids": [(0, 0, {"lower": 0, "has_upper": False, "amount": 321})],
            }
        )
        run = self.env["okr.incentive.run"].create({"rule_ids": [(6, 0, rule.ids)]})
        self.env["okr.incentive.line"].create(
            {
                "run_id": run.id,
                "rule_id": rule.id,
                "employee_id": self.emp_a.id,
                "currency_id": self.env.company.currency_id.id,
                "amount": 321,
                "explanation_data": "Draft figure under review",
            }
        )
        page = self._login("okr_portal_a")
        self.assertIn("Great progress this week", page.text)
        self.assertNotIn("Wang Wu is slow", page.text)
        self.assertNotIn("Draft figure under review", page.text, "run not approved yet")
        run.sudo().state = "approved"
        self.assertIn("Draft figure under review", self.url_open("/my/okr").text)

    def test_kiosk_pauses_after_failures_across_badges_and_times_out(self):
        self.env.company.action_okr_reset_kiosk_token()
        token = self.env.company.okr_kiosk_token
        csrf = self._csrf(self.url_open(f"/okr/kiosk/{token}").text)

        def login(badge, pin):
            return self.url_open(
                f"/okr/kiosk/{token}/login", data={"badge": badge, "pin": pin, "csrf_token": csrf}
            ).text

        for attempt in range(10):  # one guess per badge: no badge gets locked
            self.assertIn("Badge or PIN not recognised", login(f"B{2000 + attempt}", "0000"))
        paused = login("B1001", "1234")
        self.assertIn("Too many attempts on this kiosk", paused)
        self.assertNotIn("Hello Wang Wu", paused)
        self.assertFalse(self.emp_a.okr_kiosk_locked_until, "the right badge was not locked")
        self.env.company.sudo().okr_kiosk_paused_until = datetime.datetime(2020, 1, 1)
        page = login("B1001", "1234")
        self.assertIn("Hello Wang Wu", page)
        refresh = re.search(r'http-equiv="refresh" content="(\d+);url=/okr/kiosk/([^"]+)"', page)
        self.assertTrue(refresh, "the page returns to the badge screen by itself")
        self.assertLessEqual(int(refresh.group(1)), 120)
        self.assertEqual(refresh.group(2), token)
