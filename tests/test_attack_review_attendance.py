"""Attacks on attendance reconciliation and the make-up working days, each tried as
the person who would gain from it. Every test here says what must be refused."""

import datetime

from odoo.exceptions import AccessError
from odoo.tests import new_test_user, tagged

from .test_attendance_reconcile import ReconcileCase
from .test_connector_platforms import PlatformCase, month_punches

D = datetime.date
DAY = D(2026, 11, 3)


@tagged("post_install", "-at_install")
class TestAttackReconcile(ReconcileCase):
    def _reconcile(self):
        self.Day._okr_reconcile_period(D(2026, 11, 1), D(2026, 11, 30), self.env.company)

    def test_a_check_in_on_a_day_the_platform_calls_absent_waits_for_the_manager(self):
        """The platform says Wang Wu was absent; he checks in at the kiosk (or from the
        systray at home) anyway. The day is not "single" and paid: it disagrees."""
        self._kiosk(self.emp_worker, "08:00", "17:00")
        # The platform's verdict of the day, as a DingTalk/WeCom/Feishu run hands it on.
        self.Day._okr_note_statuses(self.terminal, {(self.emp_worker.id, DAY): "absent"})
        day = self._day(self.emp_worker)
        self.assertEqual(day.state, "disagree")
        self.assertIn("Terminal Absent", day.summary)
        self.assertEqual(day.activity_ids.user_id, self.user_manager, "the manager reviews it")
        run = self._computed_run()
        line = self._line(run, self.emp_worker)
        self.assertTrue(line.held)
        # The manager agrees with the platform: the day keeps no attendance.
        self._source(day, self.terminal).with_user(self.user_manager).action_use_source()
        self.assertEqual((day.state, day.resolution), ("resolved", "replaced"))
        self.assertFalse(
            self.env["hr.attendance"].search([("employee_id", "=", self.emp_worker.id)])
        )
        self._reconcile()
        self.assertEqual(day.state, "resolved", "nothing changed since")
        run.with_user(self.user_admin).action_compute()
        self.assertFalse(line.held)

    def test_a_kiosk_check_in_delays_a_deduction_only_until_the_manager_resolves(self):
        """Zhang San (a deduction of the gated rule) makes his day disagree at the
        kiosk: the deduction waits, his manager gets the to-do, and once resolved the
        deduction posts, once (docs/security.md, Known limits)."""
        day = self._disagreement(self.emp_colleague)
        self.assertEqual(day.activity_ids.user_id, self.user_manager)
        run = self._approve(self._computed_run())
        line = self._line(run, self.emp_colleague)
        self.assertLess(line.amount, 0)
        self.assertTrue(line.held)
        posted = run.with_user(self.user_admin).action_post()
        self.assertEqual(self._amounts(posted), [("Wang Wu", 500.0)], "the rest posts")
        with self.assertRaises(AccessError):
            self._source(day).with_user(self.user_colleague).action_use_source()
        self._source(day).with_user(self.user_manager).action_use_source()
        posted = run.with_user(self.user_admin).action_post()
        self.assertEqual(self._amounts(posted), [("Zhang San", -300.0)])
        self.assertFalse(run.with_user(self.user_admin).action_post(), "never twice")

    def test_a_resolved_day_whose_attendances_change_is_reconciled_again(self):
        """Once the manager resolved the day, an attendance added to it (a kiosk
        check-in, a hand entry) does not pass as resolved: the day disagrees again
        and the line of the gated rule is held again."""
        day = self._disagreement()
        self._source(day).with_user(self.user_manager).action_use_source()
        self.assertEqual((day.state, day.resolution), ("resolved", "confirmed"))
        self._reconcile()
        self.assertEqual(day.state, "resolved", "an unchanged day stays resolved")
        run = self._computed_run()
        line = self._line(run, self.emp_worker)
        self.assertFalse(line.held)

        self._kiosk(self.emp_worker, "18:00", "22:00")
        # HR computes before any import or schedule came by: the day is compared again.
        run.with_user(self.user_admin).action_compute()
        self.assertEqual(day.state, "disagree")
        self.assertFalse(day.resolution or day.resolved_by)
        self.assertEqual(day.activity_ids.user_id, self.user_manager, "reviewed again")
        self.assertIn("changed after it was resolved", " ".join(day.message_ids.mapped("body")))
        self.assertTrue(line.held)

    def test_an_attendance_added_after_approval_does_not_post_unreviewed(self):
        day = self._disagreement()
        self._source(day).with_user(self.user_manager).action_use_source()
        run = self._approve(self._computed_run())
        self._kiosk(self.emp_worker, "18:00", "22:00")
        posted = run.with_user(self.user_admin).action_post()
        self.assertEqual(self._amounts(posted), [("Zhang San", -300.0)], "Wang Wu waits")
        self.assertEqual(day.state, "disagree")
        self.assertTrue(self._line(run, self.emp_worker).held)

    def test_a_replaced_day_stays_resolved_through_later_imports(self):
        day = self._disagreement()
        self._source(day, self.terminal).with_user(self.user_manager).action_use_source()
        self.assertEqual((day.state, day.resolution), ("resolved", "replaced"))
        self._terminal_file(self.emp_worker, "08:02", "17:05")
        self._reconcile()
        self.assertEqual((day.state, day.resolution), ("resolved", "replaced"))


@tagged("post_install", "-at_install")
class TestAttackSharedSchedule(ReconcileCase):
    """A working schedule without a company serves every company: the OKR
    administrator of one of them does not change its make-up working days."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.shared = cls.env["resource.calendar"].create(
            {"name": "Shared 40h", "company_id": False}
        )
        cls.other = cls.env["res.company"].create({"name": "Other Plant"})
        cls.admin_b = new_test_user(
            cls.env,
            "calendar_admin_b",
            groups="base.group_user,okr_addon.group_okr_admin",
            company_id=cls.other.id,
            company_ids=[(6, 0, cls.other.ids)],
        )
        cls.admin_ab = new_test_user(
            cls.env,
            "calendar_admin_ab",
            groups="base.group_user,okr_addon.group_okr_admin",
            company_id=cls.other.id,
            company_ids=[(6, 0, cls.env["res.company"].search([]).ids)],
        )

    def test_another_company_admin_cannot_add_make_up_days_to_a_shared_schedule(self):
        Workday = self.env["okr.calendar.workday"]
        vals = {"calendar_id": self.shared.id, "date": D(2026, 12, 27), "name": "Extra Sunday"}
        with self.assertRaises(AccessError):
            Workday.with_user(self.admin_b).create(vals)
        with self.assertRaises(AccessError):
            self.shared.with_user(self.admin_b)._okr_import_china_years([2026])
        workday = Workday.with_user(self.admin_ab).create(vals)
        for change in ({"date": D(2026, 12, 20)}, {"weekday": "5"}):
            with self.assertRaises(AccessError):
                workday.with_user(self.admin_b).write(change)
        with self.assertRaises(AccessError):
            workday.with_user(self.admin_b).unlink()
        workday.with_user(self.admin_ab).write({"weekday": "5"})
        workday.with_user(self.admin_ab).unlink()


@tagged("post_install", "-at_install")
class TestAttackPlatformConnector(PlatformCase):
    def test_a_manager_cannot_test_the_connection_with_the_secrets(self):
        """Testing a platform connector asks the platform for a token with the App
        Secret (read with sudo) and keeps the token: HR's button, also over RPC."""
        self._double()
        connector = self._platform_connector()
        with self.assertRaises(AccessError):
            connector.with_user(self.user_manager).action_test_connection()
        self.assertFalse(connector.sudo().platform_token)
        notification = connector.with_user(self.user_admin).action_test_connection()
        self.assertEqual(notification["params"]["type"], "success")
        self.assertTrue(connector.sudo().platform_token)

    def test_re_pointing_a_platform_user_moves_no_attendance_already_imported(self):
        """HR points a platform user at another employee (a mistake, or on purpose):
        the hours already imported, maybe already paid, stay where they were."""
        self._double(month_punches(["u1001"], days=[2, 3]))
        connector = self._platform_connector()
        self._run(connector)
        user = self._users(connector).filtered(lambda u: u.platform_user_id == "u1001")
        user.with_user(self.user_admin).employee_id = self.by_badge["1002"]
        self.assertEqual(user.state, "manual")
        self._double(month_punches(["u1001"], days=[2, 3, 4]))
        log = self._run(connector)
        self.assertCounts(log, created=1, unchanged=2)

        def days_of(badge):
            attendances = self._attendances().filtered(lambda a: a.employee_id.barcode == badge)
            return sorted(a.check_in.day for a in attendances)

        self.assertEqual(days_of("1001"), [2, 3])
        self.assertEqual(days_of("1002"), [4], "only what came after the change")

    def test_an_employee_moved_to_another_company_takes_no_more_punches(self):
        """Company B's platform keeps a user whose employee HR moved to company A:
        B's connector does not write A's attendances (nor stop on them)."""
        self._double(month_punches(["u1001", "u1002"], days=[2]))
        connector = self._platform_connector()
        self._run(connector)
        other = self.env["res.company"].create({"name": "Other Plant"})
        moved = self.by_badge["1001"]
        moved.write({"company_id": other.id, "department_id": False, "parent_id": False})
        self._double(month_punches(["u1001", "u1002"], days=[2, 3]))
        log = self._run(connector)
        self.assertCounts(log, created=1, unchanged=1, failed=2)
        user = self._users(connector).filtered(lambda u: u.platform_user_id == "u1001")
        self.assertEqual((user.state, user.employee_id), ("unmatched", moved.browse()))
        for line in log.line_ids.filtered(lambda line: line.kind == "failed"):
            self.assertIn("(id u1001) is not matched to an employee", line.reason)
        attendances = self.env["hr.attendance"].search([("employee_id", "=", moved.id)])
        self.assertEqual(sorted(a.check_in.day for a in attendances), [2])

    def test_hr_cannot_dress_a_choice_up_as_a_match(self):
        """Pointing a platform user at someone is HR's right, and shows as *Set by
        HR*: a crafted write of the state or the key it was matched by (with the
        runs' former context key) is refused."""
        self._double(month_punches(["u1001"], days=[2]))
        connector = self._platform_connector()
        self._run(connector)
        user = self._users(connector).filtered(lambda u: u.platform_user_id == "u1001")
        as_hr = user.with_user(self.user_admin).with_context(okr_platform_sync=True)
        for vals in (
            {"state": "matched"},
            {"employee_id": self.by_badge["1002"].id, "match_key": "mobile"},
            {"mobile": "13800000002"},
        ):
            with self.assertRaises(AccessError):
                as_hr.write(vals)
        as_hr.write({"employee_id": self.by_badge["1002"].id})
        self.assertEqual((user.state, user.match_key), ("manual", False))
