import datetime

from odoo.exceptions import ValidationError
from odoo.tests import tagged

from .test_kpi import KpiCase

D = datetime.date
DT = datetime.datetime


@tagged("post_install", "-at_install")
class TestKpiRefresh(KpiCase):
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
