"""Several attendance sources for one day: each source's view is kept, a day whose
sources disagree waits for the manager, and a rule paying only on reconciled
attendance holds the line of that employee (only) until the day is resolved."""

import datetime

from odoo.addons.okr_addon.okr_addon.models.okr_pay_guard import trusted
from odoo.exceptions import AccessError, UserError
from odoo.tests import new_test_user, tagged

from .common import free_badges
from .test_incentive import IncentiveCase

D = datetime.date
DT = datetime.datetime
ODOO = "Odoo (kiosk / manual)"


def csv_bytes(*lines):
    return "\n".join(["No.,Name,Time,State", *lines]).encode()


class ReconcileCase(IncentiveCase):
    """A terminal beside the kiosk for Wang Wu, Li Na and Chen Jing, in Shanghai; the
    rule pays only on reconciled attendance."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # Working hours in Shanghai (the attendance's day and the times shown).
        people = cls.emp_worker | cls.emp_colleague | cls.emp_manager
        people.write({"tz": "Asia/Shanghai"})
        people.resource_calendar_id.write({"tz": "Asia/Shanghai"})
        free_badges(cls.env, ["9109"])
        cls.emp_manager.barcode = "9109"
        cls.terminal = cls.env["okr.connector"].create(
            {"name": "Terminal", "kind": "attendance_csv", "tz": "Asia/Shanghai"}
        )
        cls.rule.okr_reconciled_only = True
        cls.Day = cls.env["okr.attendance.day"]

    # Wall-clock times in Shanghai (UTC+8) on 2026-11-03.
    def _kiosk(self, employee, start, end):
        def utc(hhmm):
            hour, minute = map(int, hhmm.split(":"))
            return DT(2026, 11, 3, hour, minute) - datetime.timedelta(hours=8)

        return self.env["hr.attendance"].create(
            {"employee_id": employee.id, "check_in": utc(start), "check_out": utc(end)}
        )

    def _terminal_file(self, employee, start, end):
        rows = [
            f"{employee.barcode},{employee.name},2026-11-03 {start}:00,C/In",
            f"{employee.barcode},{employee.name},2026-11-03 {end}:00,C/Out",
        ]
        return self.terminal.with_user(self.user_admin)._upload(csv_bytes(*rows), "t.csv")

    def _day(self, employee):
        return self.Day.search([("employee_id", "=", employee.id), ("date", "=", D(2026, 11, 3))])

    def _source(self, day, connector=None):
        return day.source_ids.filtered(
            lambda s: s.connector_id == (connector or s.connector_id.browse())
        )

    def _disagreement(self, employee=None):
        """The kiosk has 08:31–17:04, the terminal 08:02–17:05: 29 minutes apart."""
        employee = employee or self.emp_worker
        self._kiosk(employee, "08:31", "17:04")
        self._terminal_file(employee, "08:02", "17:05")
        return self._day(employee)

    def _amounts(self, postings):
        return sorted((p.employee_id.name, p.amount) for p in postings)

    def _computed_run(self):
        run = self._run()
        run.with_user(self.user_admin).action_compute()
        return run


@tagged("post_install", "-at_install")
class TestAttendanceReconcile(ReconcileCase):
    def test_terminal_and_kiosk_agreeing_within_tolerance_and_the_kept_row(self):
        kiosk = self._kiosk(self.emp_worker, "08:00", "17:00")
        log = self._terminal_file(self.emp_worker, "08:02", "17:05")
        # The terminal's attendance overlaps the kiosk's: kept as the terminal's view of
        # the day, not an error, and not written twice.
        self.assertEqual((log.failed_count, log.created_count, log.state), (0, 0, "success"))
        self.assertEqual(log.line_ids.mapped("kind"), ["kept"])
        self.assertIn(f"kept for reconciliation: {ODOO} already has this day", log.line_ids.reason)
        self.assertFalse(log.line_ids.raw, "nothing to retry")
        attendances = self.env["hr.attendance"].search([("employee_id", "=", self.emp_worker.id)])
        self.assertEqual(attendances, kiosk)
        day = self._day(self.emp_worker)
        self.assertEqual(day.state, "agreed")
        self.assertEqual(sorted(day.source_ids.mapped("name")), sorted([ODOO, "Terminal"]))
        terminal = self._source(day, self.terminal)
        self.assertEqual(
            (terminal.first_in, terminal.last_out), (DT(2026, 11, 3, 0, 2), DT(2026, 11, 3, 9, 5))
        )
        self.assertEqual(day.used_source_id, self._source(day))
        self.assertFalse(day.activity_ids)
        # Re-importing the same file keeps one view, still agreed.
        self._terminal_file(self.emp_worker, "08:02", "17:05")
        self.assertEqual(len(self._day(self.emp_worker).source_ids), 2)
        # A tolerance of one minute makes the same day disagree.
        self.env.company.okr_attendance_tolerance = 1
        self.Day.with_user(self.user_admin)._okr_reconcile_period(
            D(2026, 11, 1), D(2026, 11, 30), self.env.company
        )
        self.assertEqual(day.state, "disagree")

    def test_the_review_to_do_speaks_the_managers_language(self):
        """Whoever's import found the disagreement (HR in English, the nightly
        schedule), a Chinese workshop lead reads the to-do in Chinese."""
        self.env["res.lang"]._activate_lang("zh_CN")
        self.env["ir.module.module"]._load_module_terms(["okr_addon"], ["zh_CN"], overwrite=True)
        self.user_manager.lang = "zh_CN"
        day = self._disagreement()
        activity = day.activity_ids
        self.assertEqual(activity.user_id, self.user_manager)
        self.assertEqual(activity.summary, f"核对 {day.display_name} 的考勤")
        self.assertIn("Odoo（自助终端 / 手工） 08:31–17:04", str(activity.note))

    def test_disagreement_holds_the_gated_line_the_rest_posts_and_resolving_pays_once(self):
        day = self._disagreement()
        self.assertEqual(day.state, "disagree")
        self.assertIn("Terminal 08:02–17:05", day.summary)
        self.assertIn(f"{ODOO} 08:31–17:04", day.summary)
        self.assertEqual(day.activity_ids.user_id, self.user_manager, "the manager reviews it")
        run = self._computed_run()
        held = self._line(run, self.emp_worker)
        self.assertTrue(held.held)
        self.assertIn("held: attendance of 2026-11-03 not reconciled (", held.hold_reason)
        self.assertIn("Terminal 08:02–17:05", held.hold_reason)
        self.assertFalse(self._line(run, self.emp_colleague).held, "a day of Wang Wu only")
        self._approve(run)
        posted = run.with_user(self.user_admin).action_post()
        self.assertEqual(self._amounts(posted), [("Zhang San", -300.0)], "the rest posts")
        chatter = " ".join(run.message_ids.mapped("body"))
        self.assertIn("Not posted, attendance not reconciled: Wang Wu", chatter)
        self.assertNotIn("disputed value", chatter)

        # Li Na keeps the kiosk's times, which the attendances already hold.
        self._source(day).with_user(self.user_manager).action_use_source()
        self.assertEqual(
            (day.state, day.resolution, day.resolved_by, day.used_source_id),
            ("resolved", "confirmed", self.user_manager, self._source(day)),
        )
        self.assertFalse(day.activity_ids, "the to-do is done")
        self.assertFalse(held.held)
        self.assertEqual(run.released_count, 1)
        posted = run.with_user(self.user_admin).action_post()
        self.assertEqual(self._amounts(posted), [("Wang Wu", 500.0)], "the released line")
        self.assertFalse(run.with_user(self.user_admin).action_post(), "never twice")
        self.assertEqual(held.posted_amount, 500.0)

    def test_resolving_with_the_other_source_replaces_the_attendance_until_recompute(self):
        day = self._disagreement()
        run = self._approve(self._computed_run())
        run.with_user(self.user_admin).action_post()
        held = self._line(run, self.emp_worker)
        self._source(day, self.terminal).with_user(self.user_manager).action_use_source()
        self.assertEqual((day.state, day.resolution), ("resolved", "replaced"))
        self.assertEqual(day.used_source_id.connector_id, self.terminal)
        attendance = self.env["hr.attendance"].search([("employee_id", "=", self.emp_worker.id)])
        self.assertEqual(
            [(a.check_in, a.check_out) for a in attendance],
            [(DT(2026, 11, 3, 0, 2), DT(2026, 11, 3, 9, 5))],
            "the kiosk's attendance is replaced by the terminal's times",
        )
        self.assertIn("were replaced", " ".join(day.message_ids.mapped("body")))
        # Still held: the run has not read the replaced attendance yet.
        self.assertTrue(held.held)
        self.assertIn("was replaced; recompute the run", held.hold_reason)
        self.assertFalse(run.with_user(self.user_admin).action_post())
        run.with_user(self.user_admin).action_compute()
        self.assertFalse(held.held)
        self._approve(run)
        posted = run.with_user(self.user_admin).action_post()
        self.assertEqual(self._amounts(posted), [("Wang Wu", 500.0)])
        # A later import of the same file finds the replaced attendance: nothing new.
        log = self._terminal_file(self.emp_worker, "08:02", "17:05")
        self.assertEqual((log.created_count, log.failed_count), (0, 0))

    def test_a_check_out_in_a_later_file_closes_the_kept_check_in(self):
        self._kiosk(self.emp_worker, "07:50", "17:04")
        rows = ("1001,Wang Wu,2026-11-03 08:02:00,C/In", "1001,Wang Wu,2026-11-03 17:05:00,C/Out")
        upload = self.terminal.with_user(self.user_admin)._upload
        morning = upload(csv_bytes(rows[0]), "morning.csv")
        evening = upload(csv_bytes(rows[1]), "evening.csv")
        for log in (morning, evening):
            self.assertEqual((log.failed_count, log.line_ids.kind), (0, "kept"), log.message)
        self.assertIn("closes a check-in kept for reconciliation", evening.line_ids.reason)
        terminal = self._source(self._day(self.emp_worker), self.terminal)
        self.assertEqual(
            (terminal.first_in, terminal.last_out),
            (DT(2026, 11, 3, 0, 2), DT(2026, 11, 3, 9, 5)),
        )
        self.assertAlmostEqual(terminal.hours, 9 + 3 / 60, places=3)
        self.assertEqual(self._day(self.emp_worker).state, "agreed")

    def test_a_day_whose_sources_come_to_agree_needs_no_review(self):
        day = self._disagreement()
        self.assertTrue(day.activity_ids)
        self.env.company.okr_attendance_tolerance = 30
        self.Day._okr_reconcile_period(D(2026, 11, 1), D(2026, 11, 30), self.env.company)
        self.assertEqual(day.state, "agreed")
        self.assertFalse(day.activity_ids)
        self.assertFalse(self._computed_run().line_ids.filtered("held"))

    def test_a_single_source_is_single_and_holds_nothing(self):
        log = self._terminal_file(self.emp_worker, "08:02", "17:05")
        self.assertEqual(log.created_count, 1)
        day = self._day(self.emp_worker)
        self.assertEqual(day.state, "single")
        self.assertEqual(day.used_source_id.connector_id, self.terminal)
        run = self._computed_run()
        self.assertFalse(run.line_ids.filtered("held"))

    def test_a_rule_without_the_option_is_not_held(self):
        self.rule.okr_reconciled_only = False
        self._disagreement()
        self.assertFalse(self._computed_run().line_ids.filtered("held"))

    def test_odoo_own_attendances_reconciled_over_a_period(self):
        self._kiosk(self.emp_colleague, "08:00", "17:00")
        with self.assertRaises(AccessError):
            self.Day.with_user(self.user_manager).action_reconcile_recent()
        # The schedule's call: every company.
        self.Day._okr_reconcile_period(D(2026, 11, 1), D(2026, 11, 30))
        day = self._day(self.emp_colleague)
        self.assertEqual((day.state, day.source_ids.name), ("single", ODOO))
        self.assertAlmostEqual(day.source_ids.hours, 9.0)

    def test_platform_statuses_are_kept_on_the_source_line(self):
        self._terminal_file(self.emp_worker, "08:02", "17:05")
        self.Day._okr_note_statuses(self.terminal, {(self.emp_worker.id, D(2026, 11, 3)): "late"})
        day = self._day(self.emp_worker)
        self.assertEqual(self._source(day, self.terminal).status, "late")
        self.assertEqual(len(day.source_ids), 1)
        with self.assertRaises(ValueError):
            self.Day._okr_note_statuses(
                self.terminal, {(self.emp_worker.id, D(2026, 11, 3)): "lazy"}
            )

    def test_the_company_check_holds_for_days_built_in_batches(self):
        """Days are company-checked once per distinct company and relations: a
        department of another company among them is still refused."""
        other = self.env["res.company"].create({"name": "Other Plant"})
        elsewhere = self.env["hr.department"].create({"name": "Elsewhere", "company_id": other.id})
        Day = trusted(self.Day.sudo())
        base = {"employee_id": self.emp_worker.id, "company_id": self.env.company.id}
        with self.assertRaises(UserError):
            Day.create(
                [
                    {**base, "date": D(2026, 11, 4), "department_id": self.department.id},
                    {**base, "date": D(2026, 11, 5), "department_id": elsewhere.id},
                ]
            )

    # ------------------------------------------------------------------
    def test_who_may_resolve(self):
        day = self._disagreement()
        source = self._source(day, self.terminal)
        with self.assertRaises(AccessError, msg="the employee never resolves their own day"):
            source.with_user(self.user_worker).action_use_source()
        with self.assertRaises(AccessError, msg="RPC-style write of the state"):
            day.with_user(self.user_worker).write({"state": "resolved"})
        with self.assertRaises(AccessError, msg="nor HR by a generic write"):
            day.with_user(self.user_admin).write({"used_connector_id": self.terminal.id})
        with self.assertRaises(AccessError, msg="a manager of another team"):
            source.with_user(self.user_outsider).action_use_source()
        own = self._disagreement(self.emp_manager)
        with self.assertRaises(AccessError, msg="a manager, for their own day"):
            self._source(own).with_user(self.user_manager).action_use_source()
        self._source(own).with_user(self.user_admin).action_use_source()
        self.assertEqual(own.state, "resolved")
        other_company = self.env["res.company"].create({"name": "Other Plant"})
        admin_b = new_test_user(
            self.env,
            "reconcile_admin_b",
            groups="base.group_user,okr_addon.group_okr_admin",
            company_id=other_company.id,
            company_ids=[(6, 0, other_company.ids)],
        )
        with self.assertRaises(AccessError, msg="another company's administrator"):
            day.with_user(admin_b).read(["state"])
        with self.assertRaises(AccessError):
            source.with_user(admin_b).action_use_source()
        # The employee reads their own day; a colleague does not.
        self.assertEqual(day.with_user(self.user_worker).read(["state"])[0]["state"], "disagree")
        with self.assertRaises(AccessError):
            day.with_user(self.user_colleague).read(["state"])
        source.with_user(self.user_manager).action_use_source()
        with self.assertRaises(UserError, msg="resolved once"):
            source.with_user(self.user_manager).action_use_source()
