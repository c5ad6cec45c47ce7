"""Two transactions posting the same incentive run at the same moment post it once.

The data must be committed for a second cursor to see it, so this case builds
its own small run in a committed transaction and deletes it afterwards.
"""

import datetime

from odoo import SUPERUSER_ID, api
from odoo.exceptions import UserError
from odoo.modules.registry import Registry
from odoo.tests import tagged
from odoo.tests.common import BaseCase, get_db_name


@tagged("post_install", "-at_install")
class TestIncentivePostingLock(BaseCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.registry = Registry(get_db_name())
        with cls.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            employee = env["hr.employee"].create({"name": "Lock Test Worker"})
            rule = env["okr.incentive.rule"].create(
                {
                    "name": "Lock test bonus",
                    "code": "T_LOCK_TEST",
                    "basis": "kpi_scorecard",
                    "post_chatter": False,
                    "employee_ids": [(6, 0, employee.ids)],
                    "tier_ids": [(0, 0, {"has_lower": False, "has_upper": False, "amount": 100})],
                }
            )
            run = env["okr.incentive.run"].create(
                {"date_from": datetime.date(2031, 1, 1), "rule_ids": [(6, 0, rule.ids)]}
            )
            # Built directly (superuser): the test is about posting, not computing.
            env["okr.incentive.line"].create(
                {
                    "run_id": run.id,
                    "rule_id": rule.id,
                    "employee_id": employee.id,
                    "currency_id": run.currency_id.id,
                    "amount": 100.0,
                    "explanation_data": "lock test",
                }
            )
            run.state = "approved"
            cls.ids = {"employee": employee.id, "rule": rule.id, "run": run.id}
        cls.addClassCleanup(cls._delete_data)

    @classmethod
    def _delete_data(cls):
        with cls.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            run = env["okr.incentive.run"].browse(cls.ids["run"])
            run.posting_ids.unlink()
            run.line_ids.unlink()
            run.unlink()
            env["okr.incentive.rule"].browse(cls.ids["rule"]).unlink()
            env["hr.employee"].browse(cls.ids["employee"]).unlink()

    def _env(self, cr):
        return api.Environment(cr, SUPERUSER_ID, {})

    def test_two_transactions_post_the_run_once(self):
        with self.registry.cursor() as cr_a, self.registry.cursor() as cr_b:
            # B never waits long for A's rows (without the lock it would block on them).
            cr_b.execute("SET LOCAL lock_timeout = '3s'")
            run_a = self._env(cr_a)["okr.incentive.run"].browse(self.ids["run"])
            run_b = self._env(cr_b)["okr.incentive.run"].browse(self.ids["run"])
            first = run_a.action_post()
            run_a.env.flush_all()
            self.assertEqual(first.mapped("amount"), [100.0])
            # A has not committed yet: B posting the same run is turned away.
            with self.assertRaisesRegex(UserError, "being posted by someone else"):
                run_b.action_post()
            cr_b.rollback()
            cr_a.commit()
        with self.registry.cursor() as cr:
            run = self._env(cr)["okr.incentive.run"].browse(self.ids["run"])
            self.assertEqual(run.posting_ids.mapped("amount"), [100.0], "posted once")
            self.assertFalse(run.action_post(), "after A, posting again adds nothing")
            cr.rollback()
