import datetime

from freezegun import freeze_time
from psycopg2 import IntegrityError

from odoo.exceptions import AccessError, ValidationError
from odoo.tests import new_test_user, tagged
from odoo.tools import mute_logger

from .test_kpi import KpiCase

D = datetime.date
DT = datetime.datetime


class ProfileCase(KpiCase):
    """Wang Wu's last two quarters: objectives, output targets and paid incentives."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.currency = cls.env.company.currency_id
        cls.eur = cls.env.ref("base.EUR")
        if cls.currency == cls.eur:
            cls.eur = cls.env.ref("base.USD")
        cls.q3 = cls.env["okr.cycle"].create(
            {"cadence": "quarter", "date_start": D(2026, 7, 1), "state": "running"}
        )
        # Q3: two objectives closed with 0.6 and 1.0; a colleague's must not count.
        q3_done = cls._objective(cls.emp_worker, cycle_id=cls.q3.id) | cls._objective(
            cls.emp_worker, cycle_id=cls.q3.id
        )
        other = cls._objective(cls.emp_colleague, cycle_id=cls.q3.id)
        (q3_done | other).write({"state": "closed"})
        q3_done[0].score, q3_done[1].score, other.score = 0.6, 1.0, 0.1
        # Q4: one running objective, one cancelled (left out).
        cls.running = cls._objective(cls.emp_worker)
        cls.running.state = "running"
        cls._objective(cls.emp_worker).state = "cancelled"
        # Output (higher is better, target 100): Sep 110, Oct 90, Nov 120, Dec no value yet.
        Measurement = cls.env["kpi.measurement"]
        for start, end, value in (
            (D(2026, 9, 1), D(2026, 9, 30), 110),
            (D(2026, 10, 1), D(2026, 10, 31), 90),
            (D(2026, 11, 1), D(2026, 11, 30), 120),
            (D(2026, 12, 1), D(2026, 12, 31), None),
        ):
            cls._target(cls.output, cls.emp_worker, date_from=start, date_to=end, target=100)
            if value is not None:
                Measurement.create(
                    {
                        "definition_id": cls.output.id,
                        "employee_id": cls.emp_worker.id,
                        "date": start + datetime.timedelta(days=3),
                        "value": value,
                    }
                )
        cls._incentives()

    @classmethod
    def _incentives(cls):
        tiers = [(0, 0, {"has_lower": False, "has_upper": False, "amount": 100})]
        kpi = {"definition_id": cls.output.id}
        Rule = cls.env["okr.incentive.rule"]
        bonus, extra, foreign, points = Rule.create(
            [
                {"name": "Output foreign", "code": "P_FOREIGN", "tier_ids": tiers, **kpi},
                {"name": "Output bonus", "code": "P_BONUS", "tier_ids": tiers, **kpi},
                {"name": "Output extra", "code": "P_EXTRA", "tier_ids": tiers, **kpi},
                {
                    "name": "Output points",
                    "code": "P_POINTS",
                    "amount_type": "points",
                    "tier_ids": tiers,
                    **kpi,
                },
            ]
        )
        Run = cls.env["okr.incentive.run"]
        september, october, november = Run.create(
            [
                {"date_from": D(2026, month, 1), "rule_ids": [(6, 0, bonus.ids)]}
                for month in (9, 10, 11)
            ]
        )
        september.state, october.state, november.state = "posted", "approved", "computed"

        def line(run, rule, amount, *, currency=cls.currency, state="ok", employee=cls.emp_worker):
            return {
                "run_id": run.id,
                "rule_id": rule.id,
                "employee_id": employee.id,
                "amount": amount,
                "currency_id": currency.id,
                "state": state,
                "explanation_data": "test",
            }

        cls.env["okr.incentive.line"].create(
            [
                line(september, bonus, 300),
                line(october, bonus, 500),
                line(october, extra, -100),
                line(october, points, 50),  # points are not money
                line(october, foreign, 20, currency=cls.eur),
                line(november, bonus, 700),  # run not approved yet
                line(september, extra, 999, state="blocked"),
                line(october, bonus, 800, employee=cls.emp_colleague),
            ]
        )


@tagged("post_install", "-at_install")
class TestProfileHistory(ProfileCase):
    def test_history_per_cycle(self):
        rows = self.emp_worker._okr_profile_history()[self.emp_worker.id]
        # Keyed by cycle: a database may hold other cycles of the same name and dates.
        by_cycle = {row.cycle_key: row for row in rows}
        q3, q4 = by_cycle[self.q3.id], by_cycle[self.cycle.id]
        self.assertAlmostEqual(q3.okr_score, 0.8)
        self.assertEqual(q3.objective_count, 2)
        self.assertAlmostEqual(q3.kpi_completion, 1.1)
        self.assertAlmostEqual(q3.kpi_score, 1.0)
        self.assertEqual(q3.incentives, {self.currency: 300.0})
        self.assertIsNone(q4.okr_score, "no objective closed yet in Q4")
        self.assertEqual(q4.objective_count, 1, "the cancelled objective is left out")
        self.assertAlmostEqual(q4.kpi_completion, 1.05)  # (0.9 + 1.2) / 2
        self.assertAlmostEqual(q4.kpi_score, 0.95)  # (0.9 + 1.0) / 2
        self.assertEqual(q4.kpi_count, 2, "December has no value yet")
        self.assertEqual(q4.incentives, {self.currency: 400.0, self.eur: 20.0})
        ours = [row.cycle_key for row in rows if row.cycle_key in (self.q3.id, self.cycle.id)]
        self.assertEqual(ours, [self.cycle.id, self.q3.id], "newest first")

    def test_history_is_batched(self):
        employees = self.emp_worker | self.emp_colleague | self.emp_manager
        with self.assertQueryCount(__system__=8):
            employees.invalidate_model()
            self.env["okr.cycle"].invalidate_model()
            history = employees._okr_profile_history()
        colleague = {row.cycle_key: row for row in history[self.emp_colleague.id]}
        self.assertAlmostEqual(colleague[self.q3.id].okr_score, 0.1)
        self.assertEqual(colleague[self.cycle.id].incentives, {self.currency: 800.0})
        self.assertEqual(history[self.emp_manager.id], [])

    def test_profile_is_for_hr_officers(self):
        officer = new_test_user(
            self.env, "okr_hr_officer", groups="base.group_user,hr.group_hr_user"
        )
        self.assertIn(
            "Performance per cycle", str(self.emp_worker.with_user(officer).okr_profile_html)
        )
        with self.assertRaises(AccessError):
            self.emp_worker.with_user(self.user_worker).read(["okr_profile_html"])
        action = self.emp_worker.action_open_okr_behaviour_scores()
        self.assertEqual(action["domain"], [("employee_id", "=", self.emp_worker.id)])

    def test_kpi_period_outside_every_cycle_gets_its_own_row(self):
        self._target(self.output, self.emp_worker, date_from=D(2026, 3, 1), date_to=D(2026, 3, 31))
        self._measure(self.output, self.emp_worker, D(2026, 3, 5), 2.0)
        rows = self.emp_worker._okr_profile_history()[self.emp_worker.id]
        (march,) = [row for row in rows if row.cycle_key is None]
        self.assertEqual((march.date_from, march.date_to), (D(2026, 3, 1), D(2026, 3, 31)))
        self.assertAlmostEqual(march.kpi_completion, 0.5)  # 2 against a target of 4

    @freeze_time("2026-11-23")
    def test_report_renders_the_figures(self):
        html, kind = self.env["ir.actions.report"]._render_qweb_html(
            "okr_addon.action_report_employee_profile", self.emp_worker.ids
        )
        self.assertEqual(kind, "html")
        html = html.decode()
        self.assertIn("Wang Wu", html)
        for figure in (
            "<span>80</span>%",  # Q3 OKR score
            "<span>110.0</span>%",  # Q3 KPI completion
            "<span>105.0</span>%",  # Q4 KPI completion
            "<span>0.95</span>",  # Q4 KPI score
            "300.00",
            "400.00",
            "20.00",
        ):
            self.assertIn(figure, html)
        self.assertNotIn("700.00", html, "an unapproved run is not earned yet")
        self.assertIn("07/01/2026", html, "dates in the reader's format, as Odoo shows them")
        self.assertNotIn("2026-07-01", html)
        self.assertIn("Teamwork", html)
        # The same content is the form's Profile tab.
        self.assertIn("<span>105.0</span>%", str(self.emp_worker.okr_profile_html))


@tagged("post_install", "-at_install")
class TestProfileSkills(ProfileCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.cert_type = cls.env["hr.skill.type"].create(
            {
                "name": "Safety certificates",
                "is_certification": True,
                "skill_ids": [
                    (0, 0, {"name": "Forklift licence"}),
                    (0, 0, {"name": "First aid"}),
                    (0, 0, {"name": "Press safety"}),
                    (0, 0, {"name": "Quality control"}),
                ],
                "skill_level_ids": [
                    (0, 0, {"name": "Certified", "level_progress": 100, "default_level": True})
                ],
            }
        )
        forklift, first_aid, press, quality = cls.cert_type.skill_ids
        level = cls.cert_type.skill_level_ids
        cls.env["hr.employee.skill"].create(
            [
                {
                    "employee_id": cls.emp_worker.id,
                    "skill_type_id": cls.cert_type.id,
                    "skill_id": skill.id,
                    "skill_level_id": level.id,
                    "valid_from": start,
                    "valid_to": end,
                }
                for skill, start, end in (
                    (forklift, D(2024, 1, 1), D(2026, 11, 18)),  # expired 5 days ago
                    (first_aid, D(2024, 1, 1), D(2025, 1, 1)),  # renewed below
                    (first_aid, D(2025, 1, 2), D(2027, 6, 30)),
                    (press, D(2026, 1, 1), D(2026, 12, 3)),  # expires in 10 days
                    (quality, D(2026, 1, 1), False),
                )
            ]
        )
        cls.env["hr.resume.line"].create(
            [
                {
                    "employee_id": cls.emp_worker.id,
                    "name": "Quality control basics",
                    "line_type_id": cls.env.ref("hr_skills.resume_type_training").id,
                    "date_start": D(2026, 5, 4),
                },
                {
                    "employee_id": cls.emp_worker.id,
                    "name": "Press operator at Acme",
                    "line_type_id": cls.env.ref("hr_skills.resume_type_experience").id,
                    "date_start": D(2020, 1, 1),
                },
            ]
        )

    def test_expiry_warnings(self):
        skills = self.emp_worker._okr_profile_skills(D(2026, 11, 23))
        states = {c["record"].skill_id.name: c["state"] for c in skills["certifications"]}
        self.assertEqual(
            states,
            {
                "Forklift licence": "expired",
                "Press safety": "expiring",
                "First aid": "valid",
                "Quality control": "permanent",
            },
            "a renewed certification shows only its latest validity",
        )
        warnings = [(w["record"].skill_id.name, w["days_left"]) for w in skills["warnings"]]
        self.assertEqual(warnings, [("Forklift licence", -5), ("Press safety", 10)])
        self.assertEqual(skills["trainings"].mapped("name"), ["Quality control basics"])

    def test_warning_days_are_a_company_setting(self):
        self.env.company.okr_certificate_warning_days = 5
        skills = self.emp_worker._okr_profile_skills(D(2026, 11, 23))
        self.assertEqual([w["state"] for w in skills["warnings"]], ["expired"])
        with self.assertRaises(ValidationError):
            self.env.company.okr_certificate_warning_days = -1

    @freeze_time("2026-11-23")
    def test_report_shows_the_warnings(self):
        html = (
            self.env["ir.actions.report"]
            ._render_qweb_html("okr_addon.action_report_employee_profile", self.emp_worker.ids)[0]
            .decode()
        )
        self.assertIn("Forklift licence</b> expired on", html)
        self.assertIn("expires in 10 day(s)", html)
        self.assertIn("Quality control basics", html)
        self.assertNotIn("Press operator at Acme", html)


@tagged("post_install", "-at_install")
class TestBehaviourScores(ProfileCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.teamwork = cls.env.ref("okr_addon.behaviour_teamwork")
        cls.reliability = cls.env.ref("okr_addon.behaviour_reliability")
        cls.emp_frontline.department_id = cls.department
        Score = cls.env["okr.behaviour.score"]
        cls.scores = Score.create(
            [
                cls._score(cls.emp_manager, cls.teamwork, 4),
                cls._score(cls.emp_colleague, cls.teamwork, 3),
                cls._score(cls.emp_frontline, cls.teamwork, 5),
                cls._score(cls.emp_manager, cls.reliability, 5),
                cls._score(cls.emp_manager, cls.teamwork, 2, cycle=cls.q3),
            ]
        )
        cls.about_colleague = Score.create(
            cls._score(cls.emp_manager, cls.teamwork, 3, employee=cls.emp_colleague)
        )

    @classmethod
    def _score(cls, reviewer, dimension, score, cycle=None, employee=None):
        return {
            "employee_id": (employee or cls.emp_worker).id,
            "reviewer_id": reviewer.id,
            "dimension_id": dimension.id,
            "cycle_id": (cycle or cls.cycle).id,
            "score": score,
        }

    def test_roles_and_latest_cycle_averages(self):
        self.assertEqual(
            self.scores.mapped("reviewer_role"), ["manager", "peer", "peer", "manager", "manager"]
        )
        behaviour = self.emp_worker._okr_profile_behaviour()[self.emp_worker.id]
        self.assertEqual(behaviour["cycle"], self.cycle, "the latest scored cycle")
        rows = {row["dimension"]: row for row in behaviour["rows"]}
        self.assertEqual(rows[self.teamwork]["manager"], 4.0, "Q3's 2 is not mixed in")
        self.assertEqual(rows[self.teamwork]["peer"], 4.0)  # (3 + 5) / 2
        self.assertEqual(rows[self.teamwork]["peer_count"], 2)
        self.assertEqual(rows[self.reliability]["manager"], 5.0)
        self.assertIsNone(rows[self.reliability]["peer"])
        self.assertIn(self.env.ref("okr_addon.behaviour_customer_focus"), rows)

    def test_validation(self):
        Score = self.env["okr.behaviour.score"]
        for bad in (0, 6):
            with self.assertRaisesRegex(ValidationError, "between 1 and 5"), self.cr.savepoint():
                Score.create(self._score(self.emp_colleague, self.reliability, bad))
        with (
            self.assertRaisesRegex(ValidationError, "nobody reviews themselves"),
            self.cr.savepoint(),
        ):
            Score.create(self._score(self.emp_worker, self.reliability, 3))
        with (
            self.assertRaisesRegex(ValidationError, "Zhang San is not their manager"),
            self.cr.savepoint(),
        ):
            Score.create(
                {**self._score(self.emp_colleague, self.reliability, 3), "reviewer_role": "manager"}
            )
        with mute_logger("odoo.sql_db"), self.assertRaises(IntegrityError), self.cr.savepoint():
            Score.create(self._score(self.emp_colleague, self.teamwork, 2))

    def test_access(self):
        Score = self.env["okr.behaviour.score"]
        as_worker = Score.with_user(self.user_worker)
        self.assertEqual(as_worker.search([]), self.scores, "own received scores only")
        with self.assertRaises(AccessError):
            as_worker.browse(self.about_colleague.id).read(["score"])
        with self.assertRaises(AccessError):
            as_worker.browse(self.scores[1].id).write({"score": 5})  # Zhang San's review
        # cannot write in the manager's name
        with self.assertRaises(AccessError), self.cr.savepoint():
            as_worker.create(
                self._score(self.emp_manager, self.reliability, 5, self.cycle, self.emp_colleague)
            )
        peer_review = as_worker.create(
            self._score(self.emp_worker, self.teamwork, 4, employee=self.emp_colleague)
        )
        self.assertEqual(peer_review.reviewer_role, "peer")
        as_colleague = Score.with_user(self.user_colleague)
        as_colleague.browse(self.scores[1].id).write({"comment": "Helps the night shift"})
        self.assertEqual(
            as_colleague.search([]), self.scores[1] | self.about_colleague | peer_review
        )
        team = Score.with_user(self.user_manager).search([])
        self.assertIn(self.scores[1], team, "a manager sees their team's peer scores")
        self.assertFalse(Score.with_user(self.user_outsider).search([]))
        self.assertEqual(Score.with_user(self.user_admin).search_count([]), len(Score.search([])))


@tagged("post_install", "-at_install")
class TestProfileAttendance(ProfileCase):
    def _attend(self, employee, start, hours):
        return self.env["hr.attendance"].create(
            {
                "employee_id": employee.id,
                "check_in": start,
                "check_out": start + datetime.timedelta(hours=hours),
            }
        )

    def test_attendance_against_the_department(self):
        calendar = self.env.ref("resource.resource_calendar_std").copy({"tz": "UTC"})
        (self.emp_worker | self.emp_colleague | self.emp_manager).resource_calendar_id = calendar
        self.emp_outsider.resource_calendar_id = calendar
        # Monday 2 - Friday 6 November 2026, work starts at 08:00 UTC.
        for day, hour, minute in ((2, 8, 0), (3, 8, 30), (4, 7, 55), (5, 8, 0), (6, 8, 2)):
            self._attend(self.emp_worker, DT(2026, 11, day, hour, minute), 10)
        for day in (2, 3, 4, 5):
            self._attend(self.emp_colleague, DT(2026, 11, day, 7, 58), 9)
        for day, hour in ((2, 9), (3, 9), (4, 8)):
            self._attend(self.emp_manager, DT(2026, 11, day, hour, 0), 9)
        for day in (2, 3, 4, 5, 6):  # another department: not the team
            self._attend(self.emp_outsider, DT(2026, 11, day, 10, 0), 8)
        rows = self.emp_worker._okr_profile_attendance(D(2026, 11, 2), D(2026, 11, 6))
        rate, late, overtime = (row[2] for row in rows[self.emp_worker.id])
        self.assertEqual(rate.value, 100.0)
        self.assertEqual(rate.team_average, 70.0)  # 80% and 60%
        self.assertEqual(rate.team_size, 2)
        self.assertEqual(rate.verdict, "better")
        self.assertEqual(late.value, 1)
        self.assertEqual(late.team_average, 1.0)  # 0 and 2
        self.assertEqual(late.verdict, "same")
        expected = self.env["hr.attendance"]._okr_kpi_values(
            "overtime_hours", self.env.company, D(2026, 11, 2), D(2026, 11, 6)
        )
        self.assertAlmostEqual(overtime.value, expected.get(self.emp_worker.id, 0.0))
        self.assertAlmostEqual(
            overtime.team_average,
            (expected.get(self.emp_colleague.id, 0.0) + expected.get(self.emp_manager.id, 0.0)) / 2,
        )
