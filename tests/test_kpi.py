import base64
import datetime
import io

import openpyxl
from psycopg2 import IntegrityError

from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import Form, tagged
from odoo.tools import mute_logger

from .common import OkrCase

D = datetime.date


@tagged("post_install", "-at_install")
class KpiCase(OkrCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.scrap = cls.env["kpi.definition"].create(
            {"name": "Scrap rate", "code": "T_SCRAP", "unit": "%", "direction": "lower_better"}
        )
        cls.output = cls.env["kpi.definition"].create(
            {"name": "Output", "code": "T_OUTPUT", "unit": "pcs", "aggregation": "sum"}
        )

    @classmethod
    def _target(cls, definition, employee=None, **vals):
        values = {
            "definition_id": definition.id,
            "level": "employee" if employee else "company",
            "employee_id": employee.id if employee else False,
            "date_from": D(2026, 11, 1),
            "date_to": D(2026, 11, 30),
            "target": 4.0,
        }
        values.update(vals)
        return cls.env["kpi.target"].create(values)

    def _measure(self, definition, employee, day, value, source="manual"):
        return self.env["kpi.measurement"].create(
            {
                "definition_id": definition.id,
                "employee_id": employee.id,
                "date": day,
                "value": value,
                "source": source,
            }
        )


@tagged("post_install", "-at_install")
class TestKpiTargets(KpiCase):
    def test_actual_completion_and_score_follow_measurements(self):
        target = self._target(self.scrap, self.emp_worker, floor=6.0, has_stretch=True, stretch=3.0)
        self.assertFalse(target.has_actual)
        self.assertEqual(target.score, 0.0)
        self._measure(self.scrap, self.emp_worker, D(2026, 11, 3), 4.0)
        last = self._measure(self.scrap, self.emp_worker, D(2026, 11, 4), 3.0)
        self._measure(self.scrap, self.emp_worker, D(2026, 12, 1), 9.0)  # outside the month
        self._measure(self.scrap, self.emp_colleague, D(2026, 11, 4), 9.0)  # someone else
        self.assertTrue(target.has_actual)
        self.assertAlmostEqual(target.actual, 3.5, msg="average of the month's values")
        self.assertAlmostEqual(target.completion, 1.125, msg="lower is better: 2 - 3.5/4")
        self.assertAlmostEqual(target.score, 1.1)
        last.value = 6.0
        self.assertAlmostEqual(target.actual, 5.0)
        self.assertAlmostEqual(target.score, 0.5, msg="proportional, not all-or-nothing")
        last.unlink()
        self.assertAlmostEqual(target.actual, 4.0)

    def test_sum_kpi_and_score_cap_setting(self):
        target = self._target(
            self.output, self.emp_worker, target=1000, floor=0, has_stretch=True, stretch=1200
        )
        self._measure(self.output, self.emp_worker, D(2026, 11, 3), 700)
        self._measure(self.output, self.emp_worker, D(2026, 11, 4), 600)
        self.assertEqual(target.actual, 1300)
        self.assertAlmostEqual(target.score, 1.2)
        self.company.kpi_score_cap = 1.5
        self.assertAlmostEqual(target.score, 1.5)

    def test_bad_bands_are_rejected_by_name(self):
        with self.assertRaisesRegex(
            ValidationError, r"Scrap rate · Wang Wu.*floor must be worse than the target"
        ):
            self._target(self.scrap, self.emp_worker, floor=3.0)
        with self.assertRaisesRegex(ValidationError, "stretch must be better than the target"):
            self._target(self.scrap, self.emp_colleague, floor=6.0, has_stretch=True, stretch=5.0)

    def test_default_floor(self):
        self.assertEqual(self._target(self.scrap, self.emp_worker).floor, 8.0)
        self.assertEqual(self._target(self.output, self.emp_worker, target=100).floor, 0.0)

    @mute_logger("odoo.sql_db")
    def test_duplicate_measurement_is_refused(self):
        self._measure(self.scrap, self.emp_worker, D(2026, 11, 3), 4.0)
        with self.assertRaises(IntegrityError), self.cr.savepoint():
            self._measure(self.scrap, self.emp_worker, D(2026, 11, 3), 5.0)
        self._measure(self.scrap, self.emp_worker, D(2026, 11, 3), 5.0, source="import")

    def test_key_result_follows_kpi_target(self):
        target = self._target(self.scrap, self.emp_worker)
        objective = self._objective(self.emp_worker)
        kr = objective.key_result_ids
        kr.kpi_target_id = target
        self.assertEqual(kr.current_value, 7.0)
        self._measure(self.scrap, self.emp_worker, D(2026, 11, 3), 6.0)
        self.assertEqual(kr.current_value, 6.0)
        self.assertAlmostEqual(kr.progress, 0.5)
        self.assertAlmostEqual(objective.progress, 0.5)


@tagged("post_install", "-at_install")
class TestKpiCascade(KpiCase):
    def test_factor_cascade_and_mean_roll_up(self):
        workshop = self._target(
            self.scrap, level="department", department_id=self.department.id, target=4.5, floor=7.0
        )
        form = Form(self.env["kpi.cascade.wizard"].with_context(default_target_id=workshop.id))
        form.child_level = "employee"
        form.rule = "factor"
        form.factor = 4.0 / 4.5
        form.employee_ids.clear()  # pre-filled with the whole department
        form.employee_ids.add(self.emp_worker)
        form.employee_ids.add(self.emp_colleague)
        children = self.env["kpi.target"].search(form.save().action_confirm()["domain"])
        self.assertEqual(len(children), 2)
        self.assertEqual(children.parent_id, workshop)
        for child in children:
            self.assertAlmostEqual(child.target, 4.0)
            self.assertAlmostEqual(child.floor, 7.0 * 4.0 / 4.5)
        self._measure(self.scrap, self.emp_worker, D(2026, 11, 3), 3.0)
        self._measure(self.scrap, self.emp_colleague, D(2026, 11, 3), 5.0)
        self.assertAlmostEqual(workshop.actual, 4.0, msg="scrap rates average up")
        children[0].target = 3.0
        self.assertAlmostEqual(workshop.target, 4.5, msg="editing a child never moves its parent")

    def test_equal_and_headcount_splits_sum_up(self):
        company = self._target(self.output, target=1000)
        form = Form(self.env["kpi.cascade.wizard"].with_context(default_target_id=company.id))
        form.rule = "equal"
        for employee in (self.emp_worker, self.emp_colleague, self.emp_manager, self.emp_frontline):
            form.employee_ids.add(employee)
        children = self.env["kpi.target"].search(form.save().action_confirm()["domain"])
        self.assertEqual(children.mapped("target"), [250.0] * 4)
        self._measure(self.output, self.emp_worker, D(2026, 11, 3), 300)
        self._measure(self.output, self.emp_colleague, D(2026, 11, 3), 200)
        self.assertEqual(company.actual, 500, msg="output adds up")

        other = self.env["hr.department"].create({"name": "Welding"})
        self.env["hr.employee"].create({"name": "Sun Mei", "department_id": other.id})
        form = Form(self.env["kpi.cascade.wizard"].with_context(default_target_id=company.id))
        form.child_level = "department"
        form.rule = "headcount"
        form.department_ids.add(self.department)
        form.department_ids.add(other)
        departments = self.env["kpi.target"].search(form.save().action_confirm()["domain"])
        by_department = {t.department_id: t.target for t in departments}
        headcount = len(self.department.member_ids)
        self.assertAlmostEqual(by_department[other], 1000 / (headcount + 1))
        self.assertAlmostEqual(by_department[self.department], 1000 * headcount / (headcount + 1))

    def test_cascade_without_subjects_is_refused(self):
        company = self._target(self.output, target=1000)
        wizard = self.env["kpi.cascade.wizard"].create({"target_id": company.id})
        with self.assertRaisesRegex(UserError, "Choose the departments or employees"):
            wizard.action_confirm()


@tagged("post_install", "-at_install")
class TestKpiImport(KpiCase):
    """The KPI menu's import is the upload front of the company's KPI file connector:
    one reader, one per-row report (the sync log), for HR and for managers."""

    def _import(self, data, filename="scrap.csv", user=None, **vals):
        Wizard = self.env["kpi.measurement.import"].with_user(user or self.user_admin)
        wizard = Wizard.create({"file": base64.b64encode(data), "filename": filename, **vals})
        action = wizard.action_import()
        self.assertEqual(action["res_model"], "okr.sync.log")
        return self.env["okr.sync.log"].browse(action["res_id"])

    def _reasons(self, log):
        return {line.row: (line.field, line.reason) for line in log.line_ids}

    def test_valid_rows_land_and_bad_rows_are_named(self):
        self.emp_worker.barcode = "1001"
        self.emp_colleague.barcode = "1002"
        target = self._target(self.scrap, self.emp_worker)
        csv_text = (
            "kpi,employee,date,value,note\n"
            "T_SCRAP,1001,2026-11-03,4.4,\n"
            "T_SCRAP,9999,2026-11-03,4.0,\n"
            "T_SCRAP,1002,2026-11-03,abc,\n"
            "NOPE,1002,2026-11-03,4.0,\n"
            "T_SCRAP,1002,03/11/26,4.0,\n"
            "T_SCRAP,1002,2026-11-04,3.9,good\n"
        )
        log = self._import(csv_text.encode())
        self.assertEqual((log.created_count, log.failed_count), (2, 4))
        self.assertEqual(log.state, "partial")
        reasons = self._reasons(log)
        self.assertEqual(sorted(reasons), [3, 4, 5, 6])
        self.assertEqual(reasons[3][0], "employee")
        self.assertIn("“9999”", reasons[3][1])
        self.assertEqual(reasons[4], ("value", "not a number: 'abc'"))
        self.assertEqual(reasons[5][0], "kpi")
        self.assertEqual(reasons[6][0], "date")
        self.assertAlmostEqual(target.actual, 4.4)
        noted = self.env["kpi.measurement"].search([("note", "=", "good")])
        self.assertEqual((noted.source, noted.value), ("import", 3.9))
        connector = log.connector_id
        self.assertEqual((connector.kind, connector.company_id), ("kpi_csv", self.env.company))

        again = self._import(csv_text.replace("4.4", "4.2").encode())
        self.assertEqual(again.connector_id, connector, "one KPI file connector per company")
        self.assertEqual((again.updated_count, again.unchanged_count), (1, 1))
        values = self.env["kpi.measurement"].search([("definition_id", "=", self.scrap.id)])
        self.assertEqual(len(values), 2, "re-importing updates, never duplicates")
        self.assertAlmostEqual(target.actual, 4.2)

    def test_wrong_header_rejects_the_file_in_the_log(self):
        log = self._import(b"code,who,value\nSCRAP,1,2\n", filename="x.csv")
        self.assertEqual(log.state, "failed")
        self.assertIn("no column for kpi_code", log.message)
        self.assertFalse(self.env["kpi.measurement"].search([("source", "=", "import")]))

    def test_xlsx_file_and_plausible_range_per_row(self):
        self.emp_worker.barcode = "1001"
        self.scrap.write({"has_plausible_range": True, "plausible_min": 0, "plausible_max": 100})
        book = openpyxl.Workbook()
        book.active.append(["KPI", "Employee", "Date", "Value"])
        book.active.append(["T_SCRAP", 1001, D(2026, 11, 3), 4.1])
        book.active.append(["T_SCRAP", 1001, D(2026, 11, 4), 410])
        buffer = io.BytesIO()
        book.save(buffer)
        log = self._import(buffer.getvalue(), filename="scrap.xlsx")
        self.assertEqual((log.created_count, log.failed_count), (1, 1))
        self.assertEqual(
            self._reasons(log)[3],
            ("Value", "410 is outside the plausible range of KPI [T_SCRAP] Scrap rate (0 to 100)"),
        )

    def test_a_manager_imports_for_their_team_only(self):
        for employee, badge in (
            (self.emp_worker, "K7001"),
            (self.emp_frontline, "K7002"),
            (self.emp_outsider, "K7003"),
        ):
            employee.barcode = badge
        csv_text = (
            "KPI Code,Employee Code,Date,Value\n"
            "T_SCRAP,K7001,2026-11-03,4.4\n"
            "T_SCRAP,K7002,2026-11-03,3.1\n"
            "T_SCRAP,K7003,2026-11-03,1.0\n"
        )
        brought = self._measure(self.scrap, self.emp_worker, D(2026, 11, 3), 9.9, "connector")
        log = self._import(csv_text.encode(), user=self.user_manager)
        self.assertEqual((log.created_count, log.failed_count), (2, 1))
        self.assertEqual(brought.value, 9.9, "a file never rewrites a value an API brought")
        brought.unlink()
        self.assertEqual(
            self._reasons(log)[4],
            (
                "Employee Code",
                "nobody in your team has Badge ID “K7003”: only HR imports values for others",
            ),
        )
        values = self.env["kpi.measurement"].search([("definition_id", "=", self.scrap.id)])
        self.assertEqual(values.employee_id, self.emp_worker | self.emp_frontline)
        self.assertEqual(set(values.mapped("source")), {"import"})
        self.assertEqual(log.create_uid, self.user_manager, "the log says who uploaded")
        # Retrying the failed row is still bound to the manager's team.
        retried = self.env["okr.sync.log"].browse(
            log.with_user(self.user_manager).action_retry_failed()["res_id"]
        )
        self.assertEqual((retried.created_count, retried.failed_count), (0, 1))
        # The same file by HR reaches everybody.
        again = self._import(csv_text.encode())
        self.assertEqual((again.created_count, again.unchanged_count), (1, 2))

    def test_only_okr_managers_import_and_only_file_connectors(self):
        with self.assertRaises(AccessError):
            self._import(b"KPI,Employee,Date,Value\n", user=self.user_worker)
        api = self.env["okr.connector"].create(
            {
                "name": "MES API",
                "kind": "kpi_rest",
                "endpoint_url": "https://mes.example.com/api",
            }
        )
        with self.assertRaisesRegex(UserError, "reads a remote API, not files"):
            api.with_user(self.user_admin)._upload(b"KPI,Employee,Date,Value\n", "x.csv")
        terminal = self.env["okr.connector"].create({"name": "Gate", "kind": "attendance_csv"})
        with self.assertRaisesRegex(
            AccessError, "Only OKR administrators import files through Gate"
        ):
            terminal.with_user(self.user_manager)._upload(b"No.,Time\n", "gate.csv")


@tagged("post_install", "-at_install")
class TestKpiAccess(KpiCase):
    def test_employees_see_own_targets_managers_their_team(self):
        mine = self._target(self.scrap, self.emp_worker)
        colleague = self._target(self.scrap, self.emp_colleague)
        outsider = self._target(self.scrap, self.emp_outsider)
        company = self._target(self.output, target=1000)
        Target = self.env["kpi.target"]
        self.assertEqual(
            Target.with_user(self.user_worker).search(
                [("id", "in", (mine | colleague | company).ids)]
            ),
            mine | company,
        )
        self.assertEqual(
            Target.with_user(self.user_manager).search(
                [("id", "in", (mine | colleague | outsider).ids)]
            ),
            mine | colleague,
        )
        with self.assertRaises(AccessError):
            mine.with_user(self.user_worker).target = 1.0
        colleague.with_user(self.user_manager).target = 3.8
        with self.assertRaises(AccessError):
            outsider.with_user(self.user_manager).target = 3.8

    def test_employees_enter_own_numbers_but_not_automatic_ones(self):
        Measurement = self.env["kpi.measurement"].with_user(self.user_worker)
        own = Measurement.create(
            {"definition_id": self.scrap.id, "employee_id": self.emp_worker.id, "value": 4.1}
        )
        self.assertEqual(own.source, "manual")
        with self.assertRaises(AccessError):
            Measurement.create(
                {"definition_id": self.scrap.id, "employee_id": self.emp_colleague.id, "value": 4.1}
            )
        automatic = self._measure(self.scrap, self.emp_worker, D(2026, 11, 5), 5.0, source="odoo")
        with self.assertRaises(AccessError):
            automatic.with_user(self.user_worker).value = 1.0
        with self.assertRaises(AccessError):
            self.env["kpi.definition"].with_user(self.user_manager).create(
                {"name": "Rogue", "code": "ROGUE"}
            )


@tagged("post_install", "-at_install")
class TestKpiSuggestion(KpiCase):
    def test_personal_target_from_history_team_and_certification(self):
        for day, (mine, theirs) in enumerate(
            ((4.1, 6.0), (3.9, 5.8), (4.0, 6.3), (4.2, 6.1)), start=1
        ):
            self._measure(self.scrap, self.emp_worker, D(2026, 10, day), mine)
            self._measure(self.scrap, self.emp_colleague, D(2026, 10, day), theirs)
        target = self._target(self.scrap, self.emp_worker, target=4.5)
        self.assertAlmostEqual(target.suggested_target, 4.05 * 0.95)
        self.assertEqual(target.suggestion_note, "your level 4.05; team 6.05 → suggest 3.848")
        skill_type = self.env["hr.skill.type"].create(
            {
                "name": "Quality",
                "skill_ids": [(0, 0, {"name": "QC training"})],
                "skill_level_ids": [(0, 0, {"name": "Done", "level_progress": 100})],
            }
        )
        self.scrap.skill_ids = skill_type.skill_ids
        self.env["hr.employee.skill"].create(
            {
                "employee_id": self.emp_worker.id,
                "skill_id": skill_type.skill_ids.id,
                "skill_type_id": skill_type.id,
                "skill_level_id": skill_type.skill_level_ids.id,
            }
        )
        target.invalidate_recordset()
        self.assertAlmostEqual(target.suggested_target, 4.05 * 0.9)
        self.assertIn("certified", target.suggestion_note)
        target.action_use_suggestion()
        self.assertAlmostEqual(target.target, 3.645)

    def test_too_little_history_says_so(self):
        self._measure(self.scrap, self.emp_worker, D(2026, 10, 1), 4.0)
        target = self._target(self.scrap, self.emp_worker)
        self.assertFalse(target.suggested_target)
        self.assertIn("Too little history", target.suggestion_note)


@tagged("post_install", "-at_install")
class TestKpiCascadeNeverDoubles(KpiCase):
    def _workshop(self):
        return self._target(
            self.scrap, level="department", department_id=self.department.id, target=4.5
        )

    def test_prefilled_with_the_departments_employees_only(self):
        form = Form(
            self.env["kpi.cascade.wizard"].with_context(default_target_id=self._workshop().id)
        )
        self.assertEqual(
            set(form.employee_ids.ids),
            {self.emp_manager.id, self.emp_worker.id, self.emp_colleague.id},
            "Stamping's employees, not Li Si nor Liu Yang",
        )
        form.employee_ids.add(self.emp_outsider)
        with self.assertRaisesRegex(UserError, "Liu Yang not in Stamping"):
            form.save().action_confirm()

    def test_cascading_again_updates_instead_of_doubling(self):
        workshop = self._workshop()
        own = self._target(self.scrap, self.emp_worker, target=5.0)
        form = Form(self.env["kpi.cascade.wizard"].with_context(default_target_id=workshop.id))
        form.rule = "factor"
        form.factor = 4.0 / 4.5
        form.save().action_confirm()
        form = Form(self.env["kpi.cascade.wizard"].with_context(default_target_id=workshop.id))
        form.save().action_confirm()  # run twice: still one target each
        targets = self.env["kpi.target"].search(
            [("definition_id", "=", self.scrap.id), ("level", "=", "employee")]
        )
        self.assertEqual(len(targets), 3)
        self.assertIn(own, targets, "the existing target was updated, not replaced")
        self.assertEqual((own.parent_id, own.target), (workshop, 4.5))

    def test_a_second_target_for_the_same_subject_and_period_is_refused(self):
        self._target(self.scrap, self.emp_worker)
        with self.assertRaises(IntegrityError), mute_logger("odoo.sql_db"):
            self._target(self.scrap, self.emp_worker, target=3.0)
