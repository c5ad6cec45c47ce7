"""China's official working calendar on a working schedule: its public holidays
become public time off of the schedule (resource.calendar.leaves without a
resource), its make-up working days (调休上班) become okr.calendar.workday rows.

An import is idempotent: what it brought carries a key (leaves) or the Official
mark (working days); importing a year again updates what a later notice changed,
removes what it withdrew, and never touches what HR entered by hand. A schedule
that follows the official calendar gets this year's and next year's days from a
daily scheduled action as soon as the library knows them.
"""

import datetime
import logging

import pytz

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError

from ..logic import china_calendar

_logger = logging.getLogger(__name__)


class ResourceCalendar(models.Model):
    _inherit = "resource.calendar"

    okr_china_official = fields.Boolean(
        string="Follow China's Official Calendar",
        groups="okr_addon.group_okr_admin",
        help="Import China's public holidays and make-up working days (调休) into this "
        "schedule, and each new year as soon as it is published.",
    )
    okr_workday_ids = fields.One2many(
        "okr.calendar.workday", "calendar_id", string="Make-up Working Days"
    )

    def action_okr_import_china_calendar(self):
        """Open the import dialog (HR chooses the years)."""
        self.ensure_one()
        self._okr_check_china_importer()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Import Official Calendar"),
            "res_model": "okr.china.calendar.import",
            "view_mode": "form",
            "target": "new",
            "context": {"default_calendar_id": self.id},
        }

    def _okr_check_china_importer(self):
        """Only an OKR administrator of these schedules' companies imports into them
        (working schedules themselves are readable across companies)."""
        if self.env.is_superuser():
            return
        if not self.env.user.has_group("okr_addon.group_okr_admin"):
            raise AccessError(
                self.env._("Only an OKR administrator imports China's official calendar.")
            )
        self.check_access("read")
        foreign = self.filtered(
            lambda calendar: (
                calendar.company_id and calendar.company_id not in self.env.user.company_ids
            )
        )
        if foreign:
            raise AccessError(
                self.env._(
                    "%(schedules)s belongs to a company you do not administer.",
                    schedules=", ".join(foreign.mapped("display_name")),
                )
            )
        self._okr_check_shared_schedule()

    def _okr_check_shared_schedule(self):
        """A schedule without a company serves every company: its public holidays and
        make-up working days (the days every company's attendance KPIs expect) are
        changed only by someone allowed in every company."""
        if self.env.is_superuser() or not self.filtered(lambda c: not c.company_id):
            return
        elsewhere = [("id", "not in", self.env.user.company_ids.ids)]
        if self.env["res.company"].sudo().search_count(elsewhere, limit=1):
            raise AccessError(
                self.env._(
                    "%(schedules)s is shared by every company: its holidays and make-up "
                    "working days are changed by someone allowed in all of them.",
                    schedules=", ".join(
                        self.filtered(lambda c: not c.company_id).mapped("display_name")
                    ),
                )
            )

    def _okr_china_years(self):
        """Years already imported into this schedule (an official holiday or
        make-up day of the year is there)."""
        self.ensure_one()
        keys = (
            self.env["resource.calendar.leaves"]
            .search([("calendar_id", "=", self.id), ("okr_official_key", "!=", False)])
            .mapped("okr_official_key")
        )
        workdays = self.env["okr.calendar.workday"].search(
            [("calendar_id", "=", self.id), ("is_official", "=", True)]
        )
        return {int(key.split(":", 1)[0]) for key in keys} | {
            day.year for day in workdays.mapped("date")
        }

    def _okr_import_china_years(self, years):
        """Import the official days of ``years`` into these schedules; returns
        {"created": n, "updated": n, "removed": n, "kept": n} (kept: holidays
        left alone because HR entered time off of their own on those days).
        Raises UnknownYear for a year the library does not have, before
        changing anything."""
        self._okr_check_china_importer()
        official = {year: china_calendar.official_year(year) for year in years}
        counts = {"created": 0, "updated": 0, "removed": 0, "kept": 0}
        # sudo: the caller is an OKR administrator allowed on these schedules
        # (checked above); public time off and make-up days are written for them.
        for calendar in self.sudo():
            for year, (days_off, make_up) in official.items():
                calendar._okr_import_holidays(year, china_calendar.holiday_blocks(days_off), counts)
                calendar._okr_import_workdays(year, make_up, counts)
        return counts

    def _okr_day_bounds(self, date_from, date_to):
        """Naive UTC bounds of full local days in the schedule's timezone."""
        tz = pytz.timezone(self.tz or "UTC")
        start = tz.localize(datetime.datetime.combine(date_from, datetime.time.min))
        stop = tz.localize(datetime.datetime.combine(date_to, datetime.time(23, 59, 59)))
        return (
            start.astimezone(pytz.utc).replace(tzinfo=None),
            stop.astimezone(pytz.utc).replace(tzinfo=None),
        )

    def _okr_import_holidays(self, year, blocks, counts):
        Leave = self.env["resource.calendar.leaves"]
        public = [("calendar_id", "in", [self.id, False]), ("resource_id", "=", False)]
        existing = {
            leave.okr_official_key: leave
            for leave in Leave.search(
                [*public, ("calendar_id", "=", self.id), ("okr_official_key", "=like", f"{year}:%")]
            )
        }
        company = self.company_id or self.env.company
        by_hand = Leave.search(
            [*public, ("okr_official_key", "=", False), ("company_id", "=", company.id)]
        )
        for block in blocks:
            date_from, date_to = self._okr_day_bounds(block.date_from, block.date_to)
            vals = {"name": block.label, "date_from": date_from, "date_to": date_to}
            leave = existing.pop(block.key, None)
            if leave:
                if any(leave[field] != value for field, value in vals.items()):
                    leave.write(vals)
                    counts["updated"] += 1
                continue
            if any(hand.date_from <= date_to and hand.date_to >= date_from for hand in by_hand):
                # HR entered time off of their own on these days: theirs stays
                # (public holidays of one schedule may not overlap)
                counts["kept"] += 1
                continue
            leave = Leave.create({**vals, "calendar_id": self.id, "okr_official_key": block.key})
            if (leave.date_from, leave.date_to) != (date_from, date_to):
                # Time Off reads the dates of a new public holiday in the user's
                # timezone; these are already the schedule's full local days.
                leave.write({"date_from": date_from, "date_to": date_to})
            counts["created"] += 1
        withdrawn = Leave.union(*existing.values())
        counts["removed"] += len(withdrawn)
        withdrawn.unlink()

    def _okr_import_workdays(self, year, make_up, counts):
        Workday = self.env["okr.calendar.workday"]
        existing = {
            workday.date: workday
            for workday in Workday.search(
                [
                    ("calendar_id", "=", self.id),
                    ("date", ">=", datetime.date(year, 1, 1)),
                    ("date", "<=", datetime.date(year, 12, 31)),
                ]
            )
        }
        for day in make_up:
            workday = existing.pop(day.date, None)
            if not workday:
                Workday.create(
                    {
                        "calendar_id": self.id,
                        "date": day.date,
                        "name": day.label,
                        "is_official": True,
                    }
                )
                counts["created"] += 1
            elif workday.is_official and workday.name != day.label:
                workday.name = day.label
                counts["updated"] += 1
        withdrawn = Workday.union(*existing.values()).filtered("is_official")
        counts["removed"] += len(withdrawn)
        withdrawn.unlink()

    @api.model
    def _cron_okr_import_china_calendar(self):
        """Give every schedule that follows the official calendar this year's and
        next year's days as soon as the library knows them."""
        known, unknown = china_calendar.years_to_follow(
            fields.Date.today(), china_calendar.known_years()
        )
        for year in unknown:
            try:
                china_calendar.official_year(year)
            except china_calendar.UnknownYear as error:
                _logger.info("China's official calendar: %s skipped, %s", year, error)
        calendars = (
            self.sudo().with_context(active_test=False).search([("okr_china_official", "=", True)])
        )
        for calendar in calendars:
            missing = [year for year in known if year not in calendar._okr_china_years()]
            if not missing:
                continue
            try:
                with self.env.cr.savepoint():
                    counts = calendar._okr_import_china_years(missing)
            except (UserError, ValidationError) as error:
                _logger.warning(
                    "China's official calendar: %s not imported into %s: %s",
                    missing,
                    calendar.display_name,
                    error,
                )
                continue
            _logger.info(
                "China's official calendar: %s imported into %s (%s)",
                missing,
                calendar.display_name,
                counts,
            )
