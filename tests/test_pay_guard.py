"""What decides pay changes only through the workflow, whoever calls and however.

Each test is an attack an employee, a manager or an HR officer could try
through JSON-RPC (``with_user`` + ``write``/``create`` is exactly what an RPC
call does): it must be refused, and the workflow action must still work.
"""

import contextlib
import datetime

from odoo.exceptions import AccessError, ValidationError
from odoo.tests import Form, new_test_user, tagged

from .test_kpi import KpiCase

D = datetime.date


class RefusalCase(KpiCase):
    @contextlib.contextmanager
    def refused(self, exception, pattern):
        """assertRaisesRegex inside a savepoint (what was written before the refusal
        is rolled back, as the request's transaction would be)."""
        with self.assertRaises(exception) as caught:
            yield caught
        self.assertRegex(str(caught.exception), pattern)


@tagged("post_install", "-at_install")
class TestObjectiveWorkflowOnly(RefusalCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.own = cls._objective(cls.emp_worker)

    def test_owner_cannot_score_close_or_approve_by_write(self):
        mine = self.own.with_user(self.user_worker)
        for vals in (
            {"score": 1.0},
            {"state": "closed"},
            {"state": "running"},
            {"date_approved": D(2026, 10, 2)},
        ):
            with self.refused(AccessError, "set by its workflow actions"):
                mine.write(vals)
        with self.refused(AccessError, "only an OKR administrator can choose"):
            mine.write({"approver_id": self.user_colleague.id})
        with self.refused(ValidationError, "owner cannot be its approver"):
            mine.write({"approver_id": self.user_worker.id})
        # The stored progress is computed, not typed either.
        with self.refused(AccessError, "set by its workflow actions"):
            mine.write({"progress": 1.0})
        self.assertEqual((self.own.state, self.own.score), ("draft", 0.0))
        self.assertEqual(self.own.approver_id, self.user_manager)
        mine.name = "Still mine to word"  # the rest stays editable

    def test_owner_cannot_approve_own_objective_even_as_okr_admin(self):
        boss = new_test_user(
            self.env, "okr_boss", groups="base.group_user,okr_addon.group_okr_admin"
        )
        boss_employee = self.env["hr.employee"].create({"name": "Boss", "user_id": boss.id})
        objective = self._objective(boss_employee)
        self.assertFalse(objective.approver_id, "nobody above: an administrator approves")
        with self.refused(AccessError, "is your own objective"):
            objective.with_user(boss).action_approve()
        objective.with_user(self.user_admin).action_approve()
        self.assertEqual(objective.state, "running")
        with self.refused(AccessError, "is your own objective"):
            objective.with_user(boss).action_close()

    def test_no_closed_scored_objective_for_a_colleague(self):
        Objective = self.env["okr.objective"].with_user(self.user_worker)
        base = {
            "name": "Gift",
            "employee_id": self.emp_colleague.id,
            "cycle_id": self.cycle.id,
        }
        with self.refused(AccessError, "set by its workflow actions"):
            Objective.create({**base, "state": "closed", "score": 1.0})
        # Naming oneself the approver is what the record rule would have let through.
        with self.assertRaises(AccessError):
            Objective.create({**base, "approver_id": self.user_worker.id})
        self.assertFalse(self.env["okr.objective"].search([("name", "=", "Gift")]))

    def test_running_objective_changes_hands_only_through_hr(self):
        self.own.with_user(self.user_manager).action_approve()
        with self.refused(AccessError, "only while it is a draft"):
            self.own.with_user(self.user_worker).employee_id = self.emp_colleague
        with self.refused(AccessError, "only while it is a draft"):
            self.own.with_user(self.user_manager).employee_id = self.emp_colleague
        self.own.with_user(self.user_admin).employee_id = self.emp_colleague
        self.assertEqual(self.own.employee_id, self.emp_colleague)

    def test_forms_save_for_owner_and_approver_without_touching_workflow_fields(self):
        draft = Form(self.env["okr.objective"].with_user(self.user_worker))
        draft.name = "Fewer setup errors"
        with draft.key_result_ids.new() as kr:
            kr.name = "Setup errors per week"
            kr.start_value, kr.target_value = 0, 10
        created = draft.save()
        self.assertEqual(created.approver_id, self.user_manager, "the manager, by default")
        self.assertTrue(created.with_user(self.user_worker).can_choose_approver is False)
        created.with_user(self.user_worker).action_submit()
        self.assertFalse(created.with_user(self.user_worker).is_reviewer)
        self.assertTrue(created.with_user(self.user_manager).is_reviewer)
        created.with_user(self.user_manager).action_approve()
        form = Form(created.with_user(self.user_worker))
        form.name = "Fewer setup errors, every shift"
        form.save()
        form = Form(created.with_user(self.user_manager))
        with form.key_result_ids.edit(0) as kr:
            kr.target_value = 12
        form.save()
        self.assertEqual(created.key_result_ids.target_value, 12)

    def test_key_results_of_a_running_objective_and_overrides(self):
        self.own.with_user(self.user_manager).action_approve()
        kr = self.own.key_result_ids
        mine = kr.with_user(self.user_worker)
        for vals in (
            {"target_value": 6.9},
            {"weight": 5.0},
            {"score_override": True, "manual_score": 1.0, "score_reason": "I deserve it"},
        ):
            with self.refused(AccessError, "changed by its approver"):
                mine.write(vals)
        with self.refused(AccessError, "changed by its approver"):
            self.env["okr.key.result"].with_user(self.user_worker).create(
                {"name": "Easy one", "objective_id": self.own.id, "target_value": 1}
            )
        with self.refused(AccessError, "changed by its approver"):
            mine.unlink()
        kr.with_user(self.user_manager).write(
            {"score_override": True, "manual_score": 0.8, "score_reason": "New die helped"}
        )
        self.assertAlmostEqual(kr.score, 0.8)
        with self.refused(ValidationError, "not a real number"):
            kr.with_user(self.user_manager).manual_score = float("nan")

    def test_key_result_follows_only_its_owners_kpi_target(self):
        colleague_target = self._target(self.scrap, self.emp_colleague)
        with self.refused(ValidationError, "only follow a KPI target of its own"):
            self.own.key_result_ids.with_user(self.user_worker).kpi_target_id = colleague_target

    def test_cycle_close_scores_an_administrators_own_objective(self):
        admin_employee = self.env["hr.employee"].create(
            {"name": "HR Officer", "user_id": self.user_admin.id}
        )
        objective = self._objective(admin_employee)
        # nobody above: another administrator approves
        other_admin = new_test_user(
            self.env, "okr_admin_2", groups="base.group_user,okr_addon.group_okr_admin"
        )
        objective.with_user(other_admin).action_approve()
        self.cycle.with_user(self.user_admin).with_context(okr_skip_next_cycle=True).action_close()
        self.assertEqual(objective.state, "closed")


@tagged("post_install", "-at_install")
class TestValuesAreRealNumbers(RefusalCase):
    def test_nan_inf_and_huge_values_are_refused_everywhere(self):
        objective = self._objective(self.emp_worker)
        kr = objective.key_result_ids
        for bad in (float("nan"), float("inf"), float("-inf"), 1e308):
            with self.refused(ValidationError, "not a real number"):
                self._measure(self.scrap, self.emp_worker, D(2026, 11, 3), bad)
            with self.refused(ValidationError, "not a real number"):
                self.env["okr.checkin"].create({"key_result_id": kr.id, "value": bad})
            with self.refused(ValidationError, "not a real number"):
                self._target(self.scrap, self.emp_colleague, target=bad)
            with self.refused(ValidationError, "not a real number"):
                kr.target_value = bad

    def test_typed_values_respect_the_plausible_range(self):
        self.scrap.write({"has_plausible_range": True, "plausible_min": 0, "plausible_max": 100})
        with self.refused(ValidationError, "outside the plausible range"):
            self._measure(self.scrap, self.emp_worker, D(2026, 11, 3), 150)
        self._measure(self.scrap, self.emp_worker, D(2026, 11, 3), 4.2)
        with self.refused(ValidationError, "minimum must be below the maximum"):
            self.scrap.plausible_min = 200

    def test_source_of_a_value_cannot_be_flipped(self):
        own = (
            self.env["kpi.measurement"]
            .with_user(self.user_worker)
            .create({"definition_id": self.scrap.id, "employee_id": self.emp_worker.id, "value": 9})
        )
        for source in ("odoo", "attendance", "connector", "portal"):
            with self.assertRaises(AccessError):
                own.write({"source": source})
            with self.assertRaises(AccessError):
                self.env["kpi.measurement"].with_user(self.user_worker).create(
                    {
                        "definition_id": self.scrap.id,
                        "employee_id": self.emp_worker.id,
                        "value": 1,
                        "date": D(2026, 11, 4),
                        "source": source,
                    }
                )
        self.assertEqual(own.source, "manual")
        with self.assertRaises(AccessError):
            own.with_user(self.user_worker).employee_id = self.emp_colleague

    def test_employees_type_nothing_into_kpis_odoo_computes(self):
        hours = self.env["kpi.definition"].create(
            {
                "name": "Hours worked",
                "code": "T_HOURS_GUARD",
                "source": "attendance",
                "attendance_metric": "worked_hours",
                "aggregation": "sum",
            }
        )
        for user in (self.user_worker, self.user_manager):
            with self.refused(AccessError, "computed by Odoo"):
                self.env["kpi.measurement"].with_user(user).create(
                    {"definition_id": hours.id, "employee_id": self.emp_worker.id, "value": 200}
                )
        # HR may still correct such a KPI by hand.
        self.env["kpi.measurement"].with_user(self.user_admin).create(
            {"definition_id": hours.id, "employee_id": self.emp_worker.id, "value": 1}
        )

    def test_manager_cannot_rewrite_automatic_values_nor_actuals(self):
        automatic = self._measure(self.scrap, self.emp_worker, D(2026, 11, 5), 5.0, source="odoo")
        with self.refused(AccessError, "corrected at its source"):
            automatic.with_user(self.user_manager).value = 1.0
        with self.refused(AccessError, "corrected at its source"):
            automatic.with_user(self.user_manager).unlink()
        target = self._target(self.scrap, self.emp_worker)
        for vals in ({"actual": 0.1}, {"has_actual": False}, {"completion": 2.0}):
            with self.refused(AccessError, "set by its workflow actions"):
                target.with_user(self.user_manager).write(vals)

    def test_a_manager_does_not_set_their_own_target(self):
        own_target = self._target(self.scrap, self.emp_manager, target=4.0)
        with self.refused(AccessError, "Your own KPI target"):
            own_target.with_user(self.user_manager).target = 9.0
        with self.refused(AccessError, "Your own KPI target"):
            self.env["kpi.target"].with_user(self.user_manager).create(
                {
                    "definition_id": self.output.id,
                    "employee_id": self.emp_manager.id,
                    "date_from": D(2026, 11, 1),
                    "date_to": D(2026, 11, 30),
                    "target": 1,
                }
            )
        team_target = self._target(self.scrap, self.emp_worker, target=4.0)
        team_target.with_user(self.user_manager).target = 3.8
        self.assertEqual(team_target.target, 3.8)

    def test_rewriting_a_value_runs_the_anomaly_check(self):
        for day, value in enumerate((4.1, 3.9, 4.0, 4.2, 4.0, 3.8), start=1):
            self._measure(self.scrap, self.emp_worker, D(2026, 10, day), value)
        today = self._measure(self.scrap, self.emp_worker, D(2026, 11, 2), 4.0)
        Flag = self.env["okr.anomaly.flag"]
        self.assertFalse(Flag.search([("measurement_id", "=", today.id)]))
        today.with_user(self.user_worker).value = 0.01
        flag = Flag.search([("measurement_id", "=", today.id)])
        self.assertEqual(len(flag), 1)
        self.assertAlmostEqual(flag.value, 0.01)

    def test_nobody_reviews_a_flag_on_their_own_value(self):
        flag = self.env["okr.anomaly.flag"]._create_flags(
            [
                {
                    "employee_id": self.emp_manager.id,
                    "definition_id": self.scrap.id,
                    "date": D(2026, 11, 2),
                    "value": 0.01,
                    "reason": "far below usual",
                }
            ]
        )
        with self.refused(AccessError, "flag on your own value"):
            flag.with_user(self.user_manager).action_dismiss()
        with self.refused(AccessError, "set by its workflow actions"):
            flag.with_user(self.user_manager).state = "dismissed"
        flag.with_user(self.user_admin).action_dismiss()
        self.assertEqual(flag.state, "dismissed")

    def test_check_ins_are_in_ones_own_name_and_typed(self):
        objective = self._objective(self.emp_worker)
        Checkin = self.env["okr.checkin"].with_user(self.user_worker)
        with self.refused(AccessError, "in your own name"):
            Checkin.create(
                {
                    "key_result_id": objective.key_result_ids.id,
                    "value": 6,
                    "employee_id": self.emp_manager.id,
                }
            )
        with self.assertRaises(AccessError):
            Checkin.create(
                {"key_result_id": objective.key_result_ids.id, "value": 6, "source": "connector"}
            )
        checkin = Checkin.create({"key_result_id": objective.key_result_ids.id, "value": 6})
        self.assertEqual((checkin.source, checkin.employee_id), ("manual", self.emp_worker))
        with self.assertRaises(AccessError):
            checkin.write({"source": "kiosk"})
