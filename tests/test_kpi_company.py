import datetime
from unittest.mock import patch

from odoo import SUPERUSER_ID
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import freeze_time, new_test_user, tagged
from odoo.tools import mute_logger

from .test_kpi_refresh import KpiRefreshCase

D = datetime.date
DT = datetime.datetime

# Company-bound comodels a relation may point to without check_company, and why.
UNCHECKED_COMODELS = {
    "res.company",  # the company itself
    "res.currency",  # shared by all companies
    "res.partner",  # followers and contacts may come from anywhere
    "res.users",  # users work for several companies
    "discuss.channel",  # announcements may go to a shared channel
}


class CompanyCase(KpiRefreshCase):
    """The main company's KPIs next to a second plant with a welder of its own."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.plant = cls.env["res.company"].create({"name": "Second Plant"})
        cls.welder = cls.env["hr.employee"].create({"name": "Welder", "company_id": cls.plant.id})
        cls.wage_vals = {
            "name": "Wage",
            "code": "T_WAGE",
            "source": "odoo",
            "aggregation": "sum",
            "model_id": cls.env["ir.model"]._get("hr.version").id,
            "date_field_id": cls.fields_of("hr.version", "date_version").id,
            "employee_path": "employee_id",
            "value_field_id": cls.fields_of("hr.version", "wage").id,
            "value_aggregate": "sum",
        }

    @classmethod
    def _okr_company_models(cls):
        """okr_addon's own stored models holding a company."""
        return [
            cls.env[name]
            for name in sorted(cls.env.registry)
            if cls.env[name]._original_module == "okr_addon"
            and not cls.env[name]._abstract
            and not cls.env[name]._transient
            and "company_id" in cls.env[name]._fields
        ]


@tagged("post_install", "-at_install")
class TestCompaniesStayApart(CompanyCase):
    def test_every_company_model_has_a_multi_company_rule(self):
        models = self._okr_company_models()
        self.assertIn("okr.incentive.posting", [model._name for model in models])
        missing = []
        for model in models:
            rules = self.env["ir.rule"].search(
                [("model_id.model", "=", model._name), ("global", "=", True)]
            )
            if not any("company_ids" in rule.domain_force for rule in rules):
                missing.append(model._name)
        self.assertEqual(missing, [], "models holding company data without a company rule")

    def test_company_bound_relations_are_checked(self):
        def company_follows(model, field):
            """The record's company is the one of this relation (related company)."""
            related = model._fields["company_id"].related or ""
            return related.split(".")[0] == field.name

        unchecked = []
        for model in self._okr_company_models():
            if not model._auto:  # SQL views are read-only
                continue
            for field in model._fields.values():
                if (
                    field.type in ("many2one", "many2many")
                    and field.store
                    and not field.related
                    and field.name != "company_id"
                    and not company_follows(model, field)
                    and field.comodel_name not in UNCHECKED_COMODELS
                    and "company_id" in self.env[field.comodel_name]._fields
                    and not (field.check_company and model._check_company_auto)
                ):
                    unchecked.append(f"{model._name}.{field.name}")
        self.assertEqual(
            sorted(unchecked),
            [],
            "relations that may point to another company",
        )

    def test_okr_administrator_does_not_read_other_companies_postings(self):
        rule = self.env["okr.incentive.rule"].create(
            {
                "name": "Plant bonus",
                "code": "PLANT",
                "basis": "okr_score",
                "company_id": self.plant.id,
            }
        )
        run = self.env["okr.incentive.run"].create(
            {"company_id": self.plant.id, "date_from": D(2026, 11, 1), "rule_ids": rule.ids}
        )
        line = self.env["okr.incentive.line"].create(
            {
                "run_id": run.id,
                "rule_id": rule.id,
                "employee_id": self.welder.id,
                "currency_id": self.plant.currency_id.id,
                "amount": 800.0,
                "explanation_data": "Plant bonus",
            }
        )
        posting = self.env["okr.incentive.posting"].create(
            {
                "line_id": line.id,
                "currency_id": self.plant.currency_id.id,
                "ledger_key": line.ledger_key,
                "input_code": "OKR_BONUS",
                "amount": 800.0,
                "explanation": "Plant bonus",
                "target_date": D(2026, 11, 30),
            }
        )
        recommendation = self.env["okr.training.recommendation"].create(
            {"employee_id": self.welder.id, "skill_id": self._skill().id, "line_id": line.id}
        )
        Posting = self.env["okr.incentive.posting"].with_user(self.user_admin)
        self.assertNotIn(posting, Posting.search([]))
        with self.assertRaises(AccessError):
            posting.with_user(self.user_admin).read(["amount"])
        Recommendation = self.env["okr.training.recommendation"].with_user(self.user_admin)
        self.assertNotIn(recommendation, Recommendation.search([]))
        # an administrator of both companies sees both
        self.user_admin.company_ids |= self.plant
        both = Posting.with_context(allowed_company_ids=[self.company.id, self.plant.id])
        self.assertIn(posting, both.search([]))

    def _skill(self):
        skill_type = self.env["hr.skill.type"].create(
            {
                "name": "Welding",
                "skill_level_ids": [(0, 0, {"name": "Certified", "level_progress": 100})],
                "skill_ids": [(0, 0, {"name": "TIG welding"})],
            }
        )
        return skill_type.skill_ids

    def test_incentive_line_refuses_another_companys_employee(self):
        rule = self.env["okr.incentive.rule"].create(
            {"name": "Main bonus", "code": "MAIN", "basis": "okr_score"}
        )
        run = self.env["okr.incentive.run"].create(
            {"date_from": D(2026, 11, 1), "rule_ids": rule.ids}
        )
        vals = {
            "run_id": run.id,
            "rule_id": rule.id,
            "currency_id": self.env.company.currency_id.id,
            "amount": 800.0,
            "explanation": "Main bonus",
        }
        with self.assertRaisesRegex(UserError, "Welder: Welder belongs to Second Plant"):
            self.env["okr.incentive.line"].create({**vals, "employee_id": self.welder.id})
        line = self.env["okr.incentive.line"].create({**vals, "employee_id": self.emp_worker.id})
        self.assertEqual(line.company_id, self.env.company)

    def test_kpi_measures_only_its_companys_employees(self):
        self._attend(self.emp_worker, DT(2026, 11, 2, 8), 8)
        self._attend(self.welder, DT(2026, 11, 2, 8), 10)
        values = self.hours._measure(D(2026, 11, 1), D(2026, 11, 30))
        self.assertIn(self.emp_worker.id, values)
        self.assertNotIn(self.welder.id, values, "the welder works for another company")
        self.hours.action_refresh(D(2026, 11, 15))
        measured = self.env["kpi.measurement"].search([("definition_id", "=", self.hours.id)])
        self.assertIn(self.emp_worker, measured.employee_id)
        self.assertNotIn(self.welder, measured.employee_id)

    def test_kpi_values_and_flags_stay_in_the_kpis_company(self):
        with self.assertRaises(UserError):
            self._measure(self.scrap, self.welder, D(2026, 11, 3), 4.0)
        with self.assertRaises(UserError):
            self._target(self.scrap, self.welder)
        plant_kpi = self.env["kpi.definition"].create(
            {"name": "Scrap", "code": "T_SCRAP", "company_id": self.plant.id}
        )
        value = self._measure(plant_kpi, self.welder, D(2026, 11, 3), 4.0)
        self.assertEqual(value.company_id, self.plant)
        with self.assertRaises(UserError):
            self.env["okr.anomaly.flag"].create(
                {
                    "employee_id": self.emp_worker.id,
                    "definition_id": plant_kpi.id,
                    "measurement_id": value.id,
                    "date": D(2026, 11, 3),
                    "reason": "far off",
                }
            )


@tagged("post_install", "-at_install")
class TestKpiSourceAccess(CompanyCase):
    def test_okr_administrator_cannot_read_wages_through_a_kpi(self):
        Definition = self.env["kpi.definition"].with_user(self.user_admin)
        with self.assertRaises(ValidationError) as refused:
            Definition.create(self.wage_vals)
        self.assertIn(
            "only a Settings administrator may measure hr.version", str(refused.exception)
        )
        # a Settings administrator and HR officer reads versions, but not their wages
        settings_admin = new_test_user(
            self.env,
            "kpi_settings_admin",
            groups="base.group_user,base.group_system,hr.group_hr_user,okr_addon.group_okr_admin",
        )
        self.assertFalse(settings_admin.has_group("hr.group_hr_manager"))
        with self.assertRaises(ValidationError) as refused:
            Definition.with_user(settings_admin).create(self.wage_vals)
        self.assertIn("may not read this data", str(refused.exception))
        self.assertIn("wage", str(refused.exception))
        headcount = Definition.with_user(settings_admin).create(
            {
                **self.wage_vals,
                "code": "T_HEADS",
                "value_field_id": False,
                "value_aggregate": "count",
            }
        )
        self.assertEqual(headcount.source_user_id, settings_admin)
        hr_manager = new_test_user(
            self.env,
            "kpi_hr_manager",
            groups="base.group_user,base.group_system,hr.group_hr_manager,"
            "okr_addon.group_okr_admin",
        )
        wage = Definition.with_user(hr_manager).create(self.wage_vals)
        self.assertEqual(wage.source_user_id, hr_manager)

    def test_kpi_reads_within_what_its_definer_may_read(self):
        self._attend(self.emp_worker, DT(2026, 11, 2, 8), 8)
        admin_hours = (
            self.env["kpi.definition"]
            .with_user(self.user_admin)
            .create({**self._hours_vals(), "source_user_id": self.env.uid})
        )
        self.assertEqual(admin_hours.source_user_id, self.user_admin, "cannot name someone else")
        # an OKR administrator who is not an attendance officer only reads their own
        values = admin_hours.sudo()._measure(D(2026, 11, 1), D(2026, 11, 30))
        self.assertNotIn(self.emp_worker.id, values)
        self.assertIn(self.emp_worker.id, self.hours._measure(D(2026, 11, 1), D(2026, 11, 30)))
        # changed by the system, it reads as the system
        admin_hours.sudo().domain = "[('worked_hours', '>', 1)]"
        self.assertEqual(admin_hours.source_user_id.id, SUPERUSER_ID)

    def _hours_vals(self):
        return {
            "name": "Hours (admin)",
            "code": "ADMIN_HOURS",
            "source": "odoo",
            "aggregation": "sum",
            "model_id": self.attendance_model.id,
            "date_field_id": self.fields_of("hr.attendance", "date").id,
            "employee_path": "employee_id",
            "value_field_id": self.fields_of("hr.attendance", "worked_hours").id,
            "value_aggregate": "sum",
        }

    def test_refresh_refuses_what_the_reader_may_not_read(self):
        wage = self.env["kpi.definition"].create(self.wage_vals)
        self.assertEqual(wage.source_user_id.id, self.env.uid, "defined by the system")
        wage.source_user_id = self.user_admin
        with self.assertRaisesRegex(ValidationError, "only a Settings administrator"):
            wage.action_refresh(D(2026, 11, 15))


@tagged("post_install", "-at_install")
class TestKpiRefreshIsolation(CompanyCase):
    def test_target_created_after_its_values_shows_its_actual(self):
        self._measure(self.scrap, self.emp_worker, D(2026, 11, 3), 4.0)
        self._measure(self.scrap, self.emp_worker, D(2026, 12, 3), 8.0)
        target = self._target(self.scrap, self.emp_worker)
        self.assertTrue(target.has_actual)
        self.assertEqual(target.actual, 4.0)
        target.write({"date_from": D(2026, 12, 1), "date_to": D(2026, 12, 31)})
        self.assertEqual(target.actual, 8.0)
        target.date_from = D(2026, 11, 1)
        self.assertEqual(target.actual, 6.0, "the mean of November and December")
        target.write({"date_from": D(2027, 1, 1), "date_to": D(2027, 1, 31)})
        self.assertFalse(target.has_actual)
        self.assertEqual(target.score, 0.0)

    def test_department_target_rolls_up_a_child_created_later(self):
        self._measure(self.output, self.emp_worker, D(2026, 11, 3), 40.0)
        team = self._target(
            self.output, level="department", department_id=self.department.id, target=100
        )
        self.assertFalse(team.has_actual)
        child = self._target(self.output, self.emp_worker, target=50, parent_id=team.id)
        self.assertEqual(child.actual, 40.0)
        self.assertEqual(team.actual, 40.0)
        child.parent_id = False
        self.assertFalse(team.has_actual, "nothing rolls up into it any more")

    @freeze_time("2026-11-15")
    @mute_logger("odoo.addons.okr_addon.okr_addon.models.kpi_definition")
    def test_one_failing_kpi_does_not_stop_the_others(self):
        self._attend(self.emp_worker, DT(2026, 11, 2, 8), 8)
        wage = self.env["kpi.definition"].create(self.wage_vals)
        wage.source_user_id = self.user_admin  # a reader who may not read wages
        broken = self.env["kpi.definition"].create({**self.wage_vals, "code": "BROKEN"})
        Definition = type(self.env["kpi.definition"])
        measure = Definition._measure

        def failing(definition, date_from, date_to):
            if definition == broken:
                raise ZeroDivisionError("division by zero")
            return measure(definition, date_from, date_to)

        with patch.object(Definition, "_measure", failing):
            refreshed = self.env["kpi.definition"]._cron_refresh()
        self.assertIn(self.hours, refreshed)
        self.assertTrue(self.hours.last_refresh)
        self.assertFalse(self.hours.last_refresh_error)
        worker = self._values(self.hours)
        self.assertEqual(worker.employee_id, self.emp_worker)
        self.assertEqual(worker.value, self._hours(self.emp_worker))
        self.assertFalse(wage.last_refresh)
        self.assertIn("only a Settings administrator", wage.last_refresh_error)
        self.assertIn("The scheduled refresh failed", wage.message_ids[0].body)
        self.assertEqual(broken.last_refresh_error, "division by zero")
        self.assertFalse(
            self.env["kpi.measurement"].search([("definition_id", "in", (wage | broken).ids)])
        )
        notes = len(wage.message_ids)
        with patch.object(Definition, "_measure", failing):
            self.env["kpi.definition"]._cron_refresh()
        self.assertEqual(len(wage.message_ids), notes, "the same failure is told once")
        # once the KPI works again, the error goes
        broken._cron_refresh()
        self.assertFalse(broken.last_refresh_error)
        self.assertTrue(broken.last_refresh)
