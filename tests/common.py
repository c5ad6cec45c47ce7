import datetime

from odoo.tests import TransactionCase, new_test_user


class OkrCase(TransactionCase):
    """A small company: a manager with two reports, an outsider and an OKR admin."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company = cls.env.company
        cls.user_manager = new_test_user(
            cls.env, "okr_manager", groups="base.group_user,okr_addon.group_okr_manager"
        )
        cls.user_worker = new_test_user(cls.env, "okr_worker", groups="base.group_user")
        cls.user_colleague = new_test_user(cls.env, "okr_colleague", groups="base.group_user")
        cls.user_outsider = new_test_user(
            cls.env, "okr_outsider", groups="base.group_user,okr_addon.group_okr_manager"
        )
        cls.user_admin = new_test_user(
            cls.env, "okr_admin", groups="base.group_user,okr_addon.group_okr_admin"
        )
        cls.department = cls.env["hr.department"].create({"name": "Stamping"})
        cls.emp_manager = cls.env["hr.employee"].create(
            {"name": "Li Na", "user_id": cls.user_manager.id, "department_id": cls.department.id}
        )
        cls.department.manager_id = cls.emp_manager
        Employee = cls.env["hr.employee"]
        cls.emp_worker, cls.emp_colleague, cls.emp_outsider, cls.emp_frontline = Employee.create(
            [
                {
                    "name": "Wang Wu",
                    "user_id": cls.user_worker.id,
                    "parent_id": cls.emp_manager.id,
                    "department_id": cls.department.id,
                },
                {
                    "name": "Zhang San",
                    "user_id": cls.user_colleague.id,
                    "parent_id": cls.emp_manager.id,
                    "department_id": cls.department.id,
                },
                {"name": "Liu Yang", "user_id": cls.user_outsider.id},
                {"name": "Li Si", "parent_id": cls.emp_manager.id},
            ]
        )
        cls.cycle = cls.env["okr.cycle"].create(
            {"cadence": "quarter", "date_start": datetime.date(2026, 10, 1), "state": "running"}
        )

    @classmethod
    def _objective(cls, employee, krs=None, **vals):
        krs = (
            krs
            if krs is not None
            else [
                {
                    "name": "Scrap rate 7% to 5%",
                    "start_value": 7,
                    "target_value": 5,
                    "direction": "decrease",
                }
            ]
        )
        return cls.env["okr.objective"].create(
            {
                "name": f"Objective of {employee.name}",
                "employee_id": employee.id,
                "cycle_id": cls.cycle.id,
                "key_result_ids": [(0, 0, kr) for kr in krs],
                **vals,
            }
        )
