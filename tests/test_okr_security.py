from odoo.exceptions import AccessError
from odoo.tests import new_test_user, tagged

from .common import OkrCase


@tagged("post_install", "-at_install")
class TestOkrSecurity(OkrCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.own = cls._objective(cls.emp_worker)
        cls.colleague = cls._objective(cls.emp_colleague)
        cls.outsider = cls._objective(cls.emp_outsider)

    def test_user_reads_company_but_changes_only_own(self):
        Objective = self.env["okr.objective"].with_user(self.user_worker)
        visible = Objective.search([("cycle_id", "=", self.cycle.id)])
        self.assertEqual(visible, self.own | self.colleague | self.outsider)
        self.own.with_user(self.user_worker).name = "My better objective"
        with self.assertRaises(AccessError):
            self.colleague.with_user(self.user_worker).name = "Hijacked"
        with self.assertRaises(AccessError):
            self.colleague.key_result_ids.with_user(self.user_worker).target_value = 1
        with self.assertRaises(AccessError):
            self.env["okr.checkin"].with_user(self.user_worker).create(
                {"key_result_id": self.colleague.key_result_ids.id, "value": 6}
            )
        checkin = (
            self.env["okr.checkin"]
            .with_user(self.user_worker)
            .create({"key_result_id": self.own.key_result_ids.id, "value": 6})
        )
        self.assertEqual(self.own.key_result_ids.current_value, 6)
        self.assertEqual(checkin.employee_id, self.emp_worker)
        with self.assertRaises(AccessError):
            Objective.create(
                {
                    "name": "For someone else",
                    "employee_id": self.emp_colleague.id,
                    "cycle_id": self.cycle.id,
                }
            )

    def test_user_cannot_delete_submitted_objective(self):
        self.own.with_user(self.user_worker).action_submit()
        with self.assertRaises(AccessError):
            self.own.with_user(self.user_worker).unlink()

    def test_manager_changes_team_only(self):
        self.own.with_user(self.user_manager).name = "Reworded by manager"
        self.env["okr.checkin"].with_user(self.user_manager).create(
            {"key_result_id": self.colleague.key_result_ids.id, "value": 6.5}
        )
        with self.assertRaises(AccessError):
            self.outsider.with_user(self.user_manager).name = "Not my team"
        with self.assertRaises(AccessError):
            self.own.with_user(self.user_outsider).name = "Not my team either"

    def test_cycles_are_admin_only(self):
        with self.assertRaises(AccessError):
            self.env["okr.cycle"].with_user(self.user_manager).create({"name": "Rogue"})
        self.assertTrue(self.env["okr.cycle"].with_user(self.user_worker).search([]))
        cycle = self.env["okr.cycle"].with_user(self.user_admin).create({"name": "2027-Q1"})
        self.assertEqual(cycle.state, "draft")

    def test_admin_changes_everything(self):
        for objective in self.own | self.colleague | self.outsider:
            objective.with_user(self.user_admin).name = "Edited by HR"
        self.outsider.with_user(self.user_admin).action_approve()
        self.assertEqual(self.outsider.state, "running")

    def test_other_company_sees_nothing(self):
        other = self.env["res.company"].create({"name": "Other Plant"})
        stranger = new_test_user(
            self.env,
            "okr_stranger",
            groups="base.group_user,okr_addon.group_okr_admin",
            company_id=other.id,
            company_ids=[(6, 0, other.ids)],
        )
        self.assertFalse(
            self.env["okr.objective"].with_user(stranger).search([("id", "=", self.own.id)])
        )
        with self.assertRaises(AccessError):
            self.own.with_user(stranger).read(["name"])

    def test_portal_user_has_no_backend_access(self):
        portal = new_test_user(self.env, "okr_portal", groups="base.group_portal")
        with self.assertRaises(AccessError):
            self.env["okr.objective"].with_user(portal).search([])
