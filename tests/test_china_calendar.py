"""China's official calendar in a working schedule: holidays off, make-up
Saturdays and Sundays on, in hours, days and the attendance KPIs."""

import datetime
from unittest.mock import patch

import pytz
from chinese_calendar import constants

from odoo.exceptions import AccessError, UserError
from odoo.tests import freeze_time, new_test_user, tagged

from ..okr_addon.models import resource_calendar_china
from .common import OkrCase

D = datetime.date
SHANGHAI = pytz.timezone("Asia/Shanghai")


def local(day, hour=0, minute=0):
    return SHANGHAI.localize(datetime.datetime.combine(day, datetime.time(hour, minute)))


@tagged("post_install", "-at_install", "okr_china_calendar")
class TestChinaCalendar(OkrCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # the standard 40 hours: Monday to Friday 08:00-12:00, lunch, 13:00-17:00
        cls.calendar = cls.env.ref("resource.resource_calendar_std").copy(
            {"name": "Factory 40h", "tz": "Asia/Shanghai", "company_id": cls.company.id}
        )
        cls.emp_worker.write({"resource_calendar_id": cls.calendar.id, "tz": "Asia/Shanghai"})

    def _import(self, years="2025", user=None, calendar=None):
        wizard = (
            self.env["okr.china.calendar.import"]
            .with_user(user or self.user_admin)
            .create({"calendar_id": (calendar or self.calendar).id, "years": years})
        )
        return wizard.action_import()

    def _hours(self, day_from, day_to):
        return self.calendar.get_work_hours_count(local(day_from), local(day_to, 23, 59))

    def _official(self, calendar=None):
        calendar = calendar or self.calendar
        leaves = self.env["resource.calendar.leaves"].search(
            [("calendar_id", "=", calendar.id), ("okr_official_key", "!=", False)]
        )
        return leaves, calendar.okr_workday_ids

    def test_make_up_saturday_works_and_national_day_rests(self):
        self.assertEqual(self._hours(D(2025, 10, 11), D(2025, 10, 11)), 0, "a Saturday")
        self.assertEqual(self._hours(D(2025, 10, 1), D(2025, 10, 8)), 48)
        self._import("2025")
        self.assertEqual(self._hours(D(2025, 10, 11), D(2025, 10, 11)), 8)
        self.assertEqual(self._hours(D(2025, 9, 28), D(2025, 9, 28)), 8, "make-up Sunday")
        self.assertEqual(self._hours(D(2025, 10, 1), D(2025, 10, 8)), 0)
        self.assertEqual(self._hours(D(2025, 10, 12), D(2025, 10, 12)), 0, "ordinary Sunday")
        # the lunch break of the weekday it works is kept
        intervals = self.calendar._work_intervals_batch(
            local(D(2025, 10, 11)), local(D(2025, 10, 11), 23, 59)
        )[False]
        self.assertEqual(
            [
                (start.astimezone(SHANGHAI).hour, stop.astimezone(SHANGHAI).hour)
                for start, stop, _m in intervals
            ],
            [(8, 12), (13, 17)],
        )
        lunch = self.calendar._attendance_intervals_batch(
            local(D(2025, 10, 11)), local(D(2025, 10, 11), 23, 59), lunch=True
        )[False]
        self.assertEqual([start.astimezone(SHANGHAI).hour for start, _s, _m in lunch], [12])
        # the employee's days: Sep 28 (Sun), 29, 30, Oct 9, 10 and 11 (Sat)
        days = self.emp_worker._get_work_days_data_batch(
            local(D(2025, 9, 28)), local(D(2025, 10, 12), 23, 59)
        )[self.emp_worker.id]
        self.assertEqual(days, {"days": 6, "hours": 48})
        national = self.env["resource.calendar.leaves"].search(
            [
                ("calendar_id", "=", self.calendar.id),
                ("okr_official_key", "=", "2025:national_day:1"),
            ]
        )
        self.assertEqual(national.name, "国庆节、中秋节 / National Day, Mid-autumn Festival")
        self.assertFalse(national.resource_id)
        self.assertEqual(national.date_from, datetime.datetime(2025, 9, 30, 16, 0))

    def test_attendance_rate_counts_make_up_days_not_the_holiday_week(self):
        attended = [D(2025, 9, 28), D(2025, 9, 29), D(2025, 9, 30), D(2025, 10, 9), D(2025, 10, 10)]
        for day in attended:
            start = local(day, 8).astimezone(pytz.utc).replace(tzinfo=None)
            self.env["hr.attendance"].create(
                {
                    "employee_id": self.emp_worker.id,
                    "check_in": start,
                    "check_out": start + datetime.timedelta(hours=9),
                }
            )
        Attendance = self.env["hr.attendance"]
        args = ("attendance_rate", self.company, D(2025, 9, 28), D(2025, 10, 12))
        before = Attendance._okr_kpi_values(*args, employees=self.emp_worker)
        # without the official calendar: ten weekdays, the holiday week among them
        self.assertAlmostEqual(before[self.emp_worker.id], 40.0)
        self._import("2025")
        after = Attendance._okr_kpi_values(*args, employees=self.emp_worker)
        # six working days (two make-up days among them), five attended
        self.assertAlmostEqual(after[self.emp_worker.id], 5 / 6 * 100)
        starts = Attendance._okr_scheduled_starts(self.calendar, D(2025, 9, 28), D(2025, 10, 12))
        self.assertEqual(
            sorted(starts),
            [
                D(2025, 9, 28),
                D(2025, 9, 29),
                D(2025, 9, 30),
                D(2025, 10, 9),
                D(2025, 10, 10),
                D(2025, 10, 11),
            ],
        )
        self.assertEqual(starts[D(2025, 10, 11)], local(D(2025, 10, 11), 8))

    def test_import_twice_creates_nothing(self):
        self._import("2024, 2025")
        leaves, workdays = self._official()
        self.assertTrue(leaves and workdays)
        self.assertIn(D(2024, 5, 11), workdays.mapped("date"))
        self.assertTrue(all(workdays.mapped("is_official")))
        self.assertEqual(set(workdays.mapped("weekday")), {"0"}, "the first working weekday")
        action = self._import("2025")
        self.assertIn(
            "0 days or holidays added, 0 updated, 0 removed, 0 left", action["params"]["message"]
        )
        self.assertEqual(self._official(), (leaves, workdays))
        self.assertEqual(self.calendar._okr_china_years(), {2024, 2025})
        # a year counts as there from its make-up days alone (holidays entered by hand)
        leaves.filtered(lambda leave: leave.okr_official_key.startswith("2024:")).unlink()
        self.assertEqual(self.calendar._okr_china_years(), {2024, 2025})

    def test_later_notice_updates_official_days_and_keeps_hand_made_ones(self):
        self._import("2025")
        by_hand_day = self.env["okr.calendar.workday"].create(
            {"calendar_id": self.calendar.id, "date": D(2025, 12, 27), "name": "Stocktaking"}
        )
        by_hand_leave = self.env["resource.calendar.leaves"].create(
            {
                "name": "Factory anniversary",
                "calendar_id": self.calendar.id,
                "date_from": datetime.datetime(2025, 11, 2, 16, 0),
                "date_to": datetime.datetime(2025, 11, 3, 15, 59, 59),
            }
        )
        # a later notice: the holiday ends on 10-07 and 10-11 becomes 10-12
        holidays = dict(constants.holidays)
        del holidays[D(2025, 10, 8)]
        workdays = dict(constants.workdays)
        workdays[D(2025, 10, 12)] = workdays.pop(D(2025, 10, 11))
        with (
            patch.object(constants, "holidays", holidays),
            patch.object(constants, "workdays", workdays),
        ):
            self._import("2025")
        leaves, days = self._official()
        national = leaves.filtered(lambda leave: leave.okr_official_key == "2025:national_day:1")
        self.assertEqual(national.date_to, datetime.datetime(2025, 10, 7, 15, 59, 59))
        self.assertIn(D(2025, 10, 12), days.mapped("date"))
        self.assertNotIn(D(2025, 10, 11), days.mapped("date"))
        self.assertTrue(by_hand_day.exists())
        self.assertFalse(by_hand_day.is_official)
        self.assertTrue(by_hand_leave.exists())
        self.assertEqual(self._hours(D(2025, 10, 8), D(2025, 10, 8)), 8)
        self.assertEqual(self._hours(D(2025, 12, 27), D(2025, 12, 27)), 8, "HR's own Saturday")

    def test_unknown_year_is_refused_with_a_clear_message(self):
        with self.assertRaisesRegex(UserError, "2099 is not published in chinesecalendar"):
            self._import("2099")
        with self.assertRaisesRegex(UserError, "not a year"):
            self._import("next year")
        self.assertFalse(any(self._official()))

    def test_cron_imports_the_missing_year(self):
        other = self.calendar.copy({"name": "Office"})
        self.calendar.sudo().okr_china_official = True
        self._import("2025")
        self.assertEqual(self.calendar._okr_china_years(), {2025})
        with freeze_time("2025-06-01"):
            self.env["resource.calendar"]._cron_okr_import_china_calendar()
        self.assertEqual(self.calendar._okr_china_years(), {2025, 2026})
        self.assertEqual(other._okr_china_years(), set(), "a schedule without the flag")
        before = self._official()
        with (
            freeze_time("2026-12-06"),
            patch.object(resource_calendar_china._logger, "info") as info,
        ):
            self.env["resource.calendar"]._cron_okr_import_china_calendar()
        self.assertEqual(self._official(), before)
        skipped = [call.args for call in info.call_args_list if "skipped" in call.args[0]]
        self.assertEqual(len(skipped), 1)
        self.assertEqual(skipped[0][1], 2027)
        self.assertIn("not published in chinesecalendar", str(skipped[0][2]))

    def test_wizard_default_years_and_follow_flag(self):
        with freeze_time("2025-03-01"):
            wizard = (
                self.env["okr.china.calendar.import"]
                .with_user(self.user_admin)
                .create({"calendar_id": self.calendar.id})
            )
            self.assertEqual(wizard.years, "2025, 2026")
        wizard.years = "2025"
        wizard.action_import()
        self.assertTrue(self.calendar.sudo().okr_china_official)

    def test_only_okr_administrators_import(self):
        for user in (self.user_worker, self.user_manager):
            with self.subTest(user=user.login), self.assertRaises(AccessError):
                self._import("2025", user=user)
            with self.assertRaises(AccessError):
                self.calendar.with_user(user)._okr_import_china_years([2025])
            with self.assertRaises(AccessError):
                self.calendar.with_user(user).action_okr_import_china_calendar()
            with self.assertRaises(AccessError):
                self.env["okr.calendar.workday"].with_user(user).create(
                    {"calendar_id": self.calendar.id, "date": D(2025, 12, 27), "name": "Mine"}
                )
        company_b = self.env["res.company"].create({"name": "Other Plant"})
        admin_b = new_test_user(
            self.env,
            "okr_china_admin_b",
            groups="base.group_user,okr_addon.group_okr_admin",
            company_id=company_b.id,
            company_ids=[(6, 0, company_b.ids)],
        )
        with self.assertRaises(AccessError):
            self._import("2025", user=admin_b)
        self.assertFalse(any(self._official()))
