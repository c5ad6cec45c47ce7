import datetime

from odoo.addons.okr_addon.okr_addon.logic import kpi as kpi_logic
from odoo.exceptions import AccessError, ValidationError
from odoo.tests import new_test_user, tagged

from .test_kpi import KpiCase

D = datetime.date
DT = datetime.datetime


class KpiRefreshCase(KpiCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.attendance_model = cls.env["ir.model"]._get("hr.attendance")
        cls.fields_of = cls.env["ir.model.fields"]._get
        cls.hours = cls.env["kpi.definition"].create(
            {
                "name": "Worked hours",
                "code": "HOURS",
                "source": "odoo",
                "aggregation": "sum",
                "model_id": cls.attendance_model.id,
                "date_field_id": cls.fields_of("hr.attendance", "date").id,
                "employee_path": "employee_id",
                "value_field_id": cls.fields_of("hr.attendance", "worked_hours").id,
                "value_aggregate": "sum",
            }
        )

    def _attend(self, employee, start, hours):
        return self.env["hr.attendance"].create(
            {
                "employee_id": employee.id,
                "check_in": start,
                "check_out": start + datetime.timedelta(hours=hours),
            }
        )

    def _values(self, definition):
        """This test's measurements (the demo company has attendances of its own)."""
        return self.env["kpi.measurement"].search(
            [
                ("definition_id", "=", definition.id),
                ("employee_id", "in", (self.emp_worker | self.emp_colleague).ids),
            ],
            order="employee_id",
        )

    def _hours(self, employee):
        return sum(
            self.env["hr.attendance"]
            .search([("employee_id", "=", employee.id), ("date", ">=", D(2026, 11, 1))])
            .mapped("worked_hours")
        )


@tagged("post_install", "-at_install")
class TestKpiRefresh(KpiRefreshCase):
    def test_refresh_is_idempotent_and_replaces_its_own_rows(self):
        self._attend(self.emp_worker, DT(2026, 11, 2, 8), 8)
        self._attend(self.emp_worker, DT(2026, 11, 3, 8), 9)
        self._attend(self.emp_colleague, DT(2026, 11, 2, 8), 4)
        self._attend(self.emp_colleague, DT(2026, 10, 30, 8), 8)  # previous month
        target = self._target(self.hours, self.emp_worker, target=160)
        self.hours.action_refresh(D(2026, 11, 15))
        values = self._values(self.hours)
        worker_hours = self._hours(self.emp_worker)
        self.assertGreater(worker_hours, 14, "8 h + 9 h, less any lunch break")
        self.assertEqual(
            {(v.employee_id, v.date, v.value, v.source) for v in values},
            {
                (self.emp_worker, D(2026, 11, 1), worker_hours, "odoo"),
                (self.emp_colleague, D(2026, 11, 1), self._hours(self.emp_colleague), "odoo"),
            },
        )
        self.assertEqual(target.actual, worker_hours)
        self.hours.action_refresh(D(2026, 11, 15))
        self.assertEqual(self._values(self.hours), values, "running twice changes nothing")
        self._attend(self.emp_worker, DT(2026, 11, 4, 8), 8)
        self.env["hr.attendance"].search([("employee_id", "=", self.emp_colleague.id)]).unlink()
        self.hours.action_refresh(D(2026, 11, 15))
        after = self._values(self.hours)
        self.assertEqual(after, values.exists(), "the worker's row is updated in place")
        self.assertEqual(after.employee_id, self.emp_worker, "the colleague's row is gone")
        self.assertEqual(after.value, self._hours(self.emp_worker))
        self.assertGreater(after.value, worker_hours)
        self.assertEqual(target.actual, after.value)

    def test_one_grouped_query_whatever_the_headcount(self):
        def queries_for(employees):
            for employee in employees:
                self._attend(employee, DT(2026, 11, 2, 8), 8)
            self.env.flush_all()
            self.env.invalidate_all()
            before = self.env.cr.sql_log_count
            values = self.hours._measure(D(2026, 11, 1), D(2026, 11, 30))
            return self.env.cr.sql_log_count - before, values

        few = self.env["hr.employee"].create([{"name": f"A{i}"} for i in range(2)])
        many = self.env["hr.employee"].create([{"name": f"B{i}"} for i in range(20)])
        count_few, _values_few = queries_for(few)
        count_many, values_many = queries_for(many)
        self.assertLessEqual(set((few | many).ids), set(values_many))
        self.assertEqual(count_few, count_many, "query count does not grow with employees")

    def test_ratio_and_employee_path_through_users(self):
        long_days = self.env["kpi.definition"].create(
            {
                "name": "Long days",
                "code": "LONG",
                "source": "odoo",
                "model_id": self.attendance_model.id,
                "date_field_id": self.fields_of("hr.attendance", "check_in").id,
                "employee_path": "employee_id",
                "domain": "[('worked_hours', '>', 9)]",
                "value_aggregate": "count",
                "is_ratio": True,
                "denominator_aggregate": "count",
                "ratio_factor": 100,
            }
        )
        for day, hours in ((2, 8), (3, 12), (4, 13), (5, 8)):
            self._attend(self.emp_worker, DT(2026, 11, day, 7), hours)
        values = long_days._measure(D(2026, 11, 1), D(2026, 11, 30))
        self.assertEqual(values[self.emp_worker.id], 50.0)
        self.assertNotIn(self.emp_frontline.id, values, "no denominator, no value")

        activities = self.env["kpi.definition"].create(
            {
                "name": "Follow-ups",
                "code": "FOLLOW",
                "source": "odoo",
                "model_id": self.env["ir.model"]._get("mail.activity").id,
                "date_field_id": self.fields_of("mail.activity", "date_deadline").id,
                "employee_path": "user_id.employee_id",
                "value_aggregate": "count",
            }
        )
        objective = self._objective(self.emp_worker)
        for day in (3, 4):
            objective.activity_schedule(
                "mail.mail_activity_data_todo",
                date_deadline=D(2026, 11, day),
                user_id=self.user_worker.id,
            )
        follow_ups = activities._measure(D(2026, 11, 1), D(2026, 11, 30))
        self.assertEqual(follow_ups[self.emp_worker.id], 2)

    def test_bad_configuration_names_kpi_and_field(self):
        base = {
            "name": "Broken",
            "code": "BROKEN",
            "source": "odoo",
            "model_id": self.attendance_model.id,
            "date_field_id": self.fields_of("hr.attendance", "date").id,
            "employee_path": "employee_id",
            "value_field_id": self.fields_of("hr.attendance", "worked_hours").id,
        }
        Definition = self.env["kpi.definition"]
        cases = [
            ({"domain": "[('no_such_field', '=', 1)]"}, r"\[BROKEN[01]\] Broken.*Domain"),
            ({"domain": "[('worked_hours', '>'"}, r"\[BROKEN[01]\] Broken.*Domain"),
            (
                {"value_field_id": self.fields_of("hr.attendance", "in_location").id},
                "Value Field: in_location is a char field",
            ),
            ({"employee_path": "create_uid"}, "leads to res.users, not to an employee"),
            ({"employee_path": "check_in"}, "check_in is not a stored many-to-one"),
            ({"date_field_id": False}, "Date Field"),
        ]
        for number, (vals, message) in enumerate(cases):
            with self.subTest(vals=vals), self.assertRaisesRegex(ValidationError, message):
                Definition.create({**base, "code": f"BROKEN{number}", **vals})
        with self.assertRaisesRegex(ValidationError, "Attendance Metric"):
            Definition.create({"name": "Att", "code": "ATT", "source": "attendance"})

    def test_attendance_metrics_against_the_schedule(self):
        calendar = self.env.ref("resource.resource_calendar_std").copy({"tz": "UTC"})
        self.emp_worker.resource_calendar_id = calendar
        self.emp_colleague.resource_calendar_id = calendar
        # Monday 2 - Friday 6 November 2026, work starts at 08:00 UTC
        self._attend(self.emp_worker, DT(2026, 11, 2, 8, 2), 9)
        self._attend(self.emp_worker, DT(2026, 11, 3, 8, 30), 8)  # late
        self._attend(self.emp_worker, DT(2026, 11, 5, 7, 55), 9)
        self._attend(self.emp_worker, DT(2026, 11, 6, 8, 0), 9)
        self._attend(self.emp_worker, DT(2026, 11, 7, 9, 0), 4)  # Saturday: extra
        Attendance = self.env["hr.attendance"]
        args = (self.company, D(2026, 11, 2), D(2026, 11, 6))
        late = Attendance._okr_kpi_values("late_arrivals", *args, 5)
        rate = Attendance._okr_kpi_values("attendance_rate", *args, 5)
        self.assertEqual(late[self.emp_worker.id], 1)
        self.assertEqual(rate[self.emp_worker.id], 80.0)
        self.assertEqual(rate[self.emp_colleague.id], 0.0, "scheduled but never came")
        self.assertEqual(late[self.emp_colleague.id], 0)
        hours = Attendance._okr_kpi_values("worked_hours", *args)
        worked = Attendance.search(
            [("employee_id", "=", self.emp_worker.id), ("date", "<=", D(2026, 11, 6))]
        )
        self.assertEqual(len(worked), 4)
        self.assertAlmostEqual(hours[self.emp_worker.id], sum(worked.mapped("worked_hours")))
        self.assertGreater(hours[self.emp_worker.id], 30)


@tagged("post_install", "-at_install")
class TestKpiRefreshSetBased(KpiRefreshCase):
    """The refresh writes its rows with a few set-based statements: what the ORM
    guaranteed must still hold (targets, key results, other sources, companies)."""

    NOV = D(2026, 11, 1)

    def _automatic(self, definition, employees=None):
        domain = [("definition_id", "=", definition.id), ("source", "=", definition.source)]
        if employees is not None:
            domain.append(("employee_id", "in", employees.ids))
        return self.env["kpi.measurement"].search(domain, order="employee_id, id")

    def test_targets_key_results_and_other_sources_follow(self):
        self._attend(self.emp_worker, DT(2026, 11, 2, 8), 8)
        self._attend(self.emp_colleague, DT(2026, 11, 2, 8), 6)
        # the department target rolls its two employees' targets up (sum KPI)
        team = self._target(
            self.hours, level="department", department_id=self.department.id, target=300
        )
        worker_target, colleague_target = (
            self._target(self.hours, employee, target=150, parent_id=team.id)
            for employee in (self.emp_worker, self.emp_colleague)
        )
        objective = self._objective(
            self.emp_worker,
            krs=[{"name": "Hours", "start_value": 0, "target_value": 150, "direction": "increase"}],
        )
        kr = objective.key_result_ids
        kr.kpi_target_id = worker_target
        # a typed-in value on the same KPI, employee and date is not the refresh's to touch
        manual = self._measure(self.hours, self.emp_worker, self.NOV, 1.0)

        self.hours.action_refresh(D(2026, 11, 15))
        first = self._hours(self.emp_worker)
        self.assertEqual(worker_target.actual, first + 1.0, "automatic + manual value")
        self.assertTrue(worker_target.has_actual)
        self.assertAlmostEqual(worker_target.completion, (first + 1.0) / 150)
        self.assertEqual(colleague_target.actual, self._hours(self.emp_colleague))
        self.assertEqual(team.actual, worker_target.actual + colleague_target.actual)
        self.assertEqual(kr.current_value, first + 1.0)

        # new hours for the worker, the colleague's attendance disappears
        self._attend(self.emp_worker, DT(2026, 11, 3, 8), 9)
        self.env["hr.attendance"].search([("employee_id", "=", self.emp_colleague.id)]).unlink()
        self.hours.action_refresh(D(2026, 11, 15))
        second = self._hours(self.emp_worker)
        self.assertGreater(second, first)
        self.assertEqual(
            {(m.employee_id, m.source, m.value) for m in self._values(self.hours)},
            {(self.emp_worker, "odoo", second), (self.emp_worker, "manual", 1.0)},
            "worker updated, colleague's automatic row gone, manual row kept",
        )
        self.assertEqual(manual.value, 1.0)
        self.assertEqual(manual.source, "manual")
        self.assertEqual(worker_target.actual, second + 1.0)
        self.assertAlmostEqual(
            worker_target.score,
            kpi_logic.score(second + 1.0, 150, "higher_better", floor=worker_target.floor),
        )
        self.assertFalse(colleague_target.has_actual, "nothing measured any more")
        self.assertEqual(colleague_target.actual, 0.0)
        self.assertEqual(team.actual, second + 1.0)
        self.assertEqual(kr.current_value, second + 1.0)
        self.assertAlmostEqual(objective.progress, (second + 1.0) / 150)

    def test_rows_look_like_orm_rows_and_are_never_duplicated(self):
        self._attend(self.emp_worker, DT(2026, 11, 2, 8), 8)
        self._attend(self.emp_colleague, DT(2026, 11, 2, 8), 6)
        refresher = new_test_user(
            self.env, "kpi_refresher", groups="base.group_user,okr_addon.group_okr_admin"
        )
        # an OKR administrator (no access to Odoo's model and field records) refreshes
        self.hours.with_user(refresher).action_refresh(D(2026, 11, 15))
        with self.assertRaises(AccessError):
            self.hours.with_user(self.user_worker).action_refresh(D(2026, 11, 15))
        rows = self._automatic(self.hours, self.emp_worker | self.emp_colleague)
        self.assertEqual(len(rows), 2)
        for row in rows:
            self.assertEqual(row.company_id, self.company)
            self.assertEqual(row.department_id, self.department)
            self.assertEqual(row.date, self.NOV)
            self.assertEqual(row.create_uid, refresher)
            self.assertEqual(row.write_uid, refresher)
            self.assertTrue(row.create_date)
        # an extra automatic row for the worker (as left by an older version under
        # another department) is removed, not kept next to the refreshed one
        self.env.cr.execute(
            """INSERT INTO kpi_measurement (definition_id, employee_id, company_id, date,
                   value, source)
               VALUES (%s, %s, %s, %s, 99, 'odoo')""",
            [self.hours.id, self.emp_worker.id, self.company.id, self.NOV],
        )
        self.hours.action_refresh(D(2026, 11, 15))
        self.hours.action_refresh(D(2026, 11, 15))
        again = self._automatic(self.hours, self.emp_worker | self.emp_colleague)
        self.assertEqual(again, rows, "one row per employee, the same rows as before")
        self.assertEqual(again.mapped("value"), [self._hours(e) for e in again.employee_id])

    def test_second_run_changes_nothing_and_counts_no_queries_per_employee(self):
        employees = self.env["hr.employee"].create([{"name": f"C{i}"} for i in range(30)])
        for number, employee in enumerate(employees):
            self._attend(employee, DT(2026, 11, 2, 8), 4 + number % 5)
        self.hours.action_refresh(D(2026, 11, 15))
        rows = self._automatic(self.hours, employees)
        self.assertEqual(len(rows), 30)
        stamps = rows.mapped("write_date")

        def refresh_queries():
            self.env.flush_all()
            self.env.invalidate_all()
            before = self.env.cr.sql_log_count
            touched = self.env["kpi.measurement"]._replace_automatic(
                self.hours, self.NOV, self.hours._measure(self.NOV, D(2026, 11, 30))
            )
            self.env.flush_all()
            return self.env.cr.sql_log_count - before, touched

        unchanged, touched = refresh_queries()
        self.assertFalse(touched, "nothing changed, nothing written")
        self.assertEqual(self._automatic(self.hours, employees).mapped("write_date"), stamps)
        for employee in employees:
            self._attend(employee, DT(2026, 11, 3, 8), 2)
        changed, touched = refresh_queries()
        self.assertEqual(touched, rows, "every value moved, updated in place")
        for employee in employees:
            self._attend(employee, DT(2026, 11, 4, 8), 1)
        before = rows.mapped("value")  # now in the ORM's cache
        self.hours.action_refresh(D(2026, 11, 15))
        self.assertEqual(
            rows.mapped("value"),
            [self._hours(employee) for employee in rows.employee_id],
            "records read before the refresh show the new values",
        )
        self.assertNotEqual(rows.mapped("value"), before)
        self.assertLessEqual(unchanged, 12)
        self.assertLessEqual(changed, unchanged + 12, "a few statements, not one per row")

    def test_each_company_keeps_its_own_rows(self):
        factory = self.env["res.company"].create({"name": "Second Plant"})
        hall = self.env["hr.department"].create({"name": "Hall", "company_id": factory.id})
        welder = self.env["hr.employee"].create(
            {"name": "Welder", "company_id": factory.id, "department_id": hall.id}
        )
        hours_here, hours_there = self.env["kpi.definition"].create(
            [
                {
                    "name": "Hours worked",
                    "code": "ATT_HOURS",
                    "source": "attendance",
                    "attendance_metric": "worked_hours",
                    "company_id": company.id,
                }
                for company in (self.company, factory)
            ]
        )
        self._attend(self.emp_worker, DT(2026, 11, 2, 8), 8)
        self._attend(welder, DT(2026, 11, 2, 8), 10)
        target = self._target(hours_there, welder, company_id=factory.id, target=100)
        (hours_here | hours_there).action_refresh(D(2026, 11, 15))
        here = self._automatic(hours_here)
        there = self._automatic(hours_there)
        self.assertIn(self.emp_worker, here.employee_id)
        self.assertNotIn(welder, here.employee_id)
        self.assertEqual(there.employee_id, welder)
        self.assertEqual(there.company_id, factory)
        self.assertEqual(there.department_id, hall)
        self.assertEqual(here.company_id, self.company)
        self.assertEqual(target.actual, there.value)
        self.assertGreater(target.actual, 8)

    def test_ratio_is_one_grouped_query_with_each_measure_filtered(self):
        def count_on(domain, denominator_domain=None):
            vals = {
                "name": "Later days",
                "code": f"LATER{len(domain)}{bool(denominator_domain)}",
                "source": "odoo",
                "model_id": self.attendance_model.id,
                "date_field_id": self.fields_of("hr.attendance", "check_in").id,
                "domain": domain,
                "value_aggregate": "count",
            }
            if denominator_domain:
                vals.update(
                    is_ratio=True,
                    denominator_domain=denominator_domain,
                    denominator_aggregate="count",
                    ratio_factor=100,
                )
            return self.env["kpi.definition"].create(vals)

        for employee, days in (
            (self.emp_worker, (2, 3, 4)),
            (self.emp_colleague, (2,)),
            (self.emp_frontline, (5,)),
        ):
            for day in days:
                self._attend(employee, DT(2026, 11, day, 7), 8)
        # from the 3rd / before the 4th: the worker 2 of 2, the colleague 0 of 1, and
        # nothing for Li Si, who has no attendance before the 4th
        ratio = count_on(
            "[('check_in', '>=', '2026-11-03 00:00:00')]",
            "[('check_in', '<', '2026-11-04 00:00:00')]",
        )
        plain = count_on("[('check_in', '>=', '2026-11-03 00:00:00')]")
        self.env.flush_all()

        def measured(definition):
            before = self.env.cr.sql_log_count
            values = definition._measure(D(2026, 11, 1), D(2026, 11, 30))
            return values, self.env.cr.sql_log_count - before

        values, ratio_queries = measured(ratio)
        self.assertEqual(values[self.emp_worker.id], 100.0)
        self.assertEqual(values[self.emp_colleague.id], 0.0)
        self.assertNotIn(self.emp_frontline.id, values, "no denominator, no value")
        counts, plain_queries = measured(plain)
        self.assertEqual(counts[self.emp_worker.id], 2)
        self.assertEqual(counts[self.emp_frontline.id], 1)
        self.assertNotIn(self.emp_colleague.id, counts)
        self.assertEqual(ratio_queries, plain_queries, "numerator and denominator in one query")
