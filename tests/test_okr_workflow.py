import datetime

from lxml import etree

from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import Form, freeze_time, tagged

from .common import OkrCase


@tagged("post_install", "-at_install")
class TestOkrWorkflow(OkrCase):
    def _flush_tracking(self):
        """Tracking values are written at commit time; each action is its own request."""
        self.env.flush_all()
        self.env.cr.precommit.run()

    def _approval_activities(self, objective):
        return objective.activity_ids.filtered(
            lambda a: a.activity_type_id == self.env.ref("okr_addon.mail_activity_okr_approval")
        )

    def test_approver_defaults_to_manager(self):
        objective = self._objective(self.emp_worker)
        self.assertEqual(objective.approver_id, self.user_manager)
        self.assertEqual(objective.department_id, self.department)
        department_objective = self.env["okr.objective"].create(
            {
                "name": "Workshop scrap at most 4.5%",
                "level": "department",
                "employee_id": False,
                "department_id": self.department.id,
                "cycle_id": self.cycle.id,
            }
        )
        self.assertEqual(department_objective.approver_id, self.user_manager)

    def test_submit_approve_close(self):
        objective = self._objective(self.emp_worker).with_user(self.user_worker)
        self._flush_tracking()  # created in an earlier request
        objective.action_submit()
        self._flush_tracking()
        self.assertEqual(objective.state, "submitted")
        activity = self._approval_activities(objective)
        self.assertEqual(len(activity), 1)
        self.assertEqual(activity.user_id, self.user_manager)

        with self.assertRaisesRegex(AccessError, "is your own objective: someone else"):
            objective.action_approve()
        with self.assertRaises(AccessError):
            objective.with_user(self.user_colleague).action_approve()

        objective.with_user(self.user_manager).action_approve()
        self.assertEqual(objective.state, "running")
        self.assertTrue(objective.date_approved)
        self.assertFalse(self._approval_activities(objective), "approving completes the request")
        self._flush_tracking()
        tracked = (
            self.env["mail.tracking.value"]
            .sudo()
            .search(
                [
                    ("mail_message_id.model", "=", "okr.objective"),
                    ("mail_message_id.res_id", "=", objective.id),
                    ("field_id.name", "=", "state"),
                ]
            )
        )
        self.assertEqual(
            sorted(tracked.mapped("new_value_char")),
            ["Running", "Submitted"],
            "every state change is in the chatter",
        )

        kr = objective.key_result_ids
        self.env["okr.checkin"].with_user(self.user_worker).create(
            {"key_result_id": kr.id, "value": 5.5}
        )
        objective.with_user(self.user_manager).action_close()
        self.assertEqual(objective.state, "closed")
        self.assertAlmostEqual(objective.score, 0.75)

    def test_submit_needs_key_results(self):
        objective = self._objective(self.emp_worker, krs=[])
        with self.assertRaisesRegex(UserError, "has no key result"):
            objective.action_submit()

    def test_send_back_with_comment(self):
        objective = self._objective(self.emp_worker)
        objective.with_user(self.user_worker).action_submit()
        action = objective.with_user(self.user_manager).action_send_back()
        wizard_form = Form(
            self.env[action["res_model"]]
            .with_user(self.user_manager)
            .with_context(action["context"])
        )
        wizard_form.comment = "Target too soft: aim for 4%"
        wizard_form.save().action_confirm()
        self.assertEqual(objective.state, "draft")
        self.assertFalse(self._approval_activities(objective))
        self.assertIn("Target too soft: aim for 4%", objective.message_ids[0].body)
        todo = objective.activity_ids
        self.assertEqual(todo.user_id, self.user_worker)
        self.assertIn("Revise objective", todo.summary)

    def test_score_override_needs_reason(self):
        objective = self._objective(self.emp_worker)
        objective.with_user(self.user_manager).action_approve()
        kr = objective.key_result_ids
        self.env["okr.checkin"].create({"key_result_id": kr.id, "value": 4})
        self.assertAlmostEqual(kr.score, 1.0, msg="score is progress capped at 1.0")
        with self.assertRaisesRegex(ValidationError, "say why its score is overridden"):
            kr.write({"score_override": True, "manual_score": 0.6})
        kr.write(
            {"score_override": True, "manual_score": 0.6, "score_reason": "Helped by a new die"}
        )
        objective.with_user(self.user_manager).action_close()
        self.assertAlmostEqual(objective.score, 0.6)

    def test_mid_cycle_target_change_is_audited(self):
        objective = self._objective(self.emp_worker)
        kr = objective.key_result_ids
        kr.target_value = 4.5  # still a draft: no audit note
        self.assertFalse(
            objective.message_ids.filtered(lambda m: "changed mid-cycle" in (m.body or ""))
        )
        objective.with_user(self.user_manager).action_approve()
        # Once approved, the owner no longer moves the goalposts; the approver may.
        with self.assertRaisesRegex(AccessError, "changed by its approver"):
            kr.with_user(self.user_worker).target_value = 4.0
        kr.with_user(self.user_manager).target_value = 4.0
        notes = objective.message_ids.filtered(lambda m: "changed mid-cycle" in (m.body or ""))
        self.assertEqual(len(notes), 1)
        self.assertIn("4.5 → 4.0", notes.body)
        self.assertEqual(notes.author_id, self.user_manager.partner_id)

    def test_cycle_close_scores_running_objectives(self):
        running = self._objective(self.emp_worker)
        running.with_user(self.user_manager).action_approve()
        draft = self._objective(self.emp_colleague)
        self.env["okr.checkin"].create({"key_result_id": running.key_result_ids.id, "value": 6})
        self.cycle.with_user(self.user_admin).action_close()
        self.assertEqual(self.cycle.state, "closed")
        self.assertEqual(running.state, "closed")
        self.assertAlmostEqual(running.score, 0.5)
        self.assertEqual(draft.state, "draft", "drafts are left alone")

    def test_alignment_rules(self):
        parent = self._objective(self.emp_manager)
        child = self._objective(self.emp_worker, parent_id=parent.id)
        self.assertEqual(parent.child_ids, child)
        month = self.env["okr.cycle"].create(
            {"cadence": "month", "date_start": datetime.date(2026, 11, 1)}
        )
        self.assertEqual(month.date_end, datetime.date(2026, 11, 30))
        self.assertEqual(month.name, "2026-11")
        monthly = self._objective(self.emp_colleague, cycle_id=month.id, parent_id=parent.id)
        self.assertEqual(monthly.parent_id, parent, "a month inside the quarter may align to it")
        next_quarter = self.env["okr.cycle"].create(
            {"cadence": "quarter", "date_start": datetime.date(2027, 1, 1)}
        )
        with self.assertRaisesRegex(ValidationError, "neither is nor encloses"):
            self._objective(self.emp_colleague, cycle_id=next_quarter.id, parent_id=parent.id)
        with self.assertRaisesRegex(ValidationError, "neither is nor encloses"):
            parent.cycle_id = month
        parent.invalidate_recordset()
        with self.assertRaisesRegex(ValidationError, "loop"):
            parent.parent_id = child

    def test_owner_required_by_level(self):
        with self.assertRaisesRegex(ValidationError, "needs an owner"):
            self.env["okr.objective"].create(
                {"name": "Nobody's", "employee_id": False, "cycle_id": self.cycle.id}
            )
        with self.assertRaisesRegex(ValidationError, "needs a department"):
            self.env["okr.objective"].create(
                {
                    "name": "No dept",
                    "level": "department",
                    "employee_id": False,
                    "cycle_id": self.cycle.id,
                }
            )

    def test_employee_and_department_buttons(self):
        objective = self._objective(self.emp_worker)
        self.assertEqual(self.emp_worker.okr_objective_count, 1)
        self.assertEqual(self.emp_worker.okr_objective_ids, objective)
        self.assertEqual(self.department.okr_objective_count, 1)
        action = self.emp_worker.action_open_okr_objectives()
        self.assertEqual(self.env["okr.objective"].search(action["domain"]), objective)

    def test_team_and_risk_filters(self):
        mine = self._objective(self.emp_manager)
        theirs = self._objective(self.emp_worker)
        frontline = self._objective(self.emp_frontline)
        Objective = self.env["okr.objective"].with_user(self.user_manager)
        team = Objective.search([("in_my_team", "=", True), ("cycle_id", "=", self.cycle.id)])
        self.assertEqual(team, theirs | frontline)
        self.assertNotIn(mine, team)
        with freeze_time("2026-10-05"):
            theirs.with_user(self.user_manager).action_approve()
            mine.with_user(self.user_admin).action_approve()
        self.env["okr.checkin"].create(
            {
                "key_result_id": mine.key_result_ids.id,
                "value": 5,
                "date": datetime.date(2026, 11, 20),
            }
        )
        with freeze_time("2026-12-01"):
            # two thirds into the quarter: no progress is at risk, 100% is not
            at_risk = Objective.search(
                [("is_at_risk", "=", True), ("cycle_id", "=", self.cycle.id)]
            )
            self.assertEqual(at_risk, theirs)
            self.assertTrue(theirs.is_at_risk)
            self.assertFalse(mine.is_at_risk)


@tagged("post_install", "-at_install")
class TestAtRiskSinceRunning(OkrCase):
    """At risk compares progress with the time since the objective started running."""

    def test_approved_late_in_the_cycle_is_not_at_risk_on_day_one(self):
        self.assertEqual(self.company.okr_at_risk_grace_days, 7, "a week by default")
        late = self._objective(self.emp_worker)
        Objective = self.env["okr.objective"].with_user(self.user_manager)
        risky = [("is_at_risk", "=", True), ("cycle_id", "=", self.cycle.id)]
        with freeze_time("2026-12-01"):  # two thirds into Q4, no progress at all
            late.with_user(self.user_manager).action_approve()
            self.assertEqual(late.date_approved, datetime.date(2026, 12, 1))
            self.assertFalse(late.is_at_risk)
            self.assertEqual(late.expected_progress, 0.0)
            self.assertNotIn(late, Objective.search(risky))
        with freeze_time("2026-12-07"):  # still within the week's grace
            late.invalidate_recordset(["is_at_risk"])
            self.assertFalse(late.is_at_risk)
        with freeze_time("2026-12-11"):  # 10 of its 30 days gone, nothing done
            late.invalidate_recordset(["is_at_risk", "expected_progress"])
            self.assertTrue(late.is_at_risk)
            self.assertAlmostEqual(late.expected_progress, 10 / 30)
            self.assertIn(late, Objective.search(risky))

    def test_grace_period_is_a_company_setting(self):
        late = self._objective(self.emp_worker)
        with freeze_time("2026-12-02"):
            late.with_user(self.user_manager).action_approve()
            # the owner does not believe in it: a low confidence flags it, after the grace
            self.env["okr.checkin"].create(
                {"key_result_id": late.key_result_ids.id, "value": 6.9, "confidence": 0.1}
            )
        settings = self.env["res.config.settings"].create({"okr_at_risk_grace_days": 14})
        settings.execute()
        self.assertEqual(self.company.okr_at_risk_grace_days, 14)
        with freeze_time("2026-12-12"):
            late.invalidate_recordset(["is_at_risk"])
            self.assertFalse(late.is_at_risk, "two weeks of grace now")
        self.company.okr_at_risk_grace_days = 0
        with freeze_time("2026-12-03"):
            late.invalidate_recordset(["is_at_risk"])
            self.assertTrue(late.is_at_risk, "no grace: the low confidence counts at once")
        with self.assertRaises(ValidationError):
            self.company.okr_at_risk_grace_days = -1
        self.assertEqual(self.company.okr_at_risk_grace_days, 0)


@tagged("post_install", "-at_install")
class TestKeyResultEditing(OkrCase):
    def test_direction_follows_start_and_target_and_can_be_overridden(self):
        form = Form(self.env["okr.objective"].with_user(self.user_worker))
        form.name = "Fewer defects"
        form.employee_id = self.emp_worker
        form.cycle_id = self.cycle
        with form.key_result_ids.new() as result:
            result.name = "Scrap rate 7% to 5%"
            result.start_value = 7
            result.target_value = 5
            self.assertEqual(result.direction, "decrease")
        with form.key_result_ids.new() as result:
            result.name = "Parts per shift 800 to 950"
            result.start_value = 800
            result.target_value = 950
            self.assertEqual(result.direction, "increase")
        objective = form.save()
        self.assertEqual(objective.key_result_ids.mapped("direction"), ["decrease", "increase"])

    def test_a_key_result_measuring_a_kpi_target_is_offered_to_follow_it(self):
        scrap = self.env["kpi.definition"].create(
            {"name": "Scrap rate", "code": "T_KR_SCRAP", "unit": "%", "direction": "lower_better"}
        )
        output = self.env["kpi.definition"].create(
            {"name": "Parts pressed", "code": "T_KR_OUT", "unit": "pcs"}
        )
        targets = self.env["kpi.target"].create(
            [
                {
                    "definition_id": definition.id,
                    "level": "employee",
                    "employee_id": self.emp_worker.id,
                    "date_from": datetime.date(2026, 10, 1),
                    "date_to": datetime.date(2026, 12, 31),
                    "target": value,
                }
                for definition, value in ((scrap, 4.0), (output, 950))
            ]
        )
        self.env["kpi.measurement"].create(
            {
                "definition_id": scrap.id,
                "employee_id": self.emp_worker.id,
                "date": datetime.date(2026, 11, 3),
                "value": 4.22,
            }
        )
        form = Form(self.env["okr.objective"].with_user(self.user_worker))
        form.name = "Fewer defects"
        form.employee_id = self.emp_worker
        form.cycle_id = self.cycle
        with form.key_result_ids.new() as result:
            result.name = "My scrap rate from 4.5% to 4.0%"
            result.start_value = 4.5
            result.target_value = 4.0
            self.assertEqual(result.kpi_target_id, targets[0], "same KPI, same direction")
        with form.key_result_ids.new() as result:
            result.name = "Tidy workplace audits"
            result.start_value = 0
            result.target_value = 4
            self.assertFalse(result.kpi_target_id, "nothing measures that")
        objective = form.save()
        followed = objective.key_result_ids[0]
        self.assertAlmostEqual(followed.current_value, 4.22, msg="one truth: the KPI's")
        objective.with_user(self.env.user).write(
            {"state": "running", "date_approved": datetime.date(2026, 10, 5)}
        )
        Checkin = self.env["okr.checkin"].with_user(self.user_worker)
        with self.assertRaisesRegex(ValidationError, "follows the KPI Scrap rate"):
            Checkin.create({"key_result_id": followed.id, "value": 4.0})
        confidence = Checkin.create(
            {"key_result_id": followed.id, "value": 4.22, "confidence": 0.6}
        )
        self.assertEqual(followed.confidence, 0.6)
        self.assertAlmostEqual(followed.current_value, 4.22)
        self.assertTrue(confidence)

    def test_the_key_result_list_shows_the_check_in_button_early(self):
        arch = self.env["okr.objective"].get_view(view_type="form")["arch"]
        tree = etree.fromstring(arch)
        columns = tree.xpath("//field[@name='key_result_ids']/list/*")
        names = [c.get("name") for c in columns]
        self.assertLess(names.index("action_open_checkin"), names.index("kind"))
        shown = [c.get("name") for c in columns if c.get("optional") != "hide"]
        self.assertLessEqual(len(shown), 12, "few enough columns to read the names")
