"""Make-up working days (调休上班) of a working schedule: a date on which the
schedule works the hours of one of its weekdays, although it is a rest day.

Odoo's schedule lines (resource.calendar.attendance) repeat every week and have
no date, so a working Saturday cannot be one of them; these rows are added to
the schedule's working intervals by resource_calendar_workdays.py. China's
official ones are imported (resource_calendar_china.py); HR may add their own,
which an import never touches.
"""

from odoo import api, fields, models

WEEKDAYS = [
    ("0", "Monday"),
    ("1", "Tuesday"),
    ("2", "Wednesday"),
    ("3", "Thursday"),
    ("4", "Friday"),
    ("5", "Saturday"),
    ("6", "Sunday"),
]


class OkrCalendarWorkday(models.Model):
    _name = "okr.calendar.workday"
    _description = "Make-up Working Day"
    _order = "date desc, id"
    _check_company_auto = True

    calendar_id = fields.Many2one(
        "resource.calendar",
        string="Working Schedule",
        required=True,
        index=True,
        ondelete="cascade",
        check_company=True,
    )
    company_id = fields.Many2one(
        related="calendar_id.company_id", store=True, index=True, string="Company"
    )
    date = fields.Date(required=True)
    name = fields.Char(string="Reason", required=True)
    weekday = fields.Selection(
        WEEKDAYS,
        string="Works the Hours of",
        required=True,
        compute="_compute_weekday",
        store=True,
        readonly=False,
        precompute=True,
        help="Which weekday's hours of the schedule are worked on this day.",
    )
    is_official = fields.Boolean(
        string="Official",
        readonly=True,
        help="Imported from China's official calendar: a later import updates or "
        "removes it. Days added by hand are never touched by an import.",
    )

    _calendar_date_uniq = models.Constraint(
        "UNIQUE(calendar_id, date)",
        "A working schedule has one make-up working day per date.",
    )

    @api.depends("calendar_id")
    def _compute_weekday(self):
        for day in self:
            if not day.weekday:
                day.weekday = day.calendar_id._okr_first_working_weekday()

    # --- a shared schedule serves every company (resource_calendar_china.py) ----------
    @api.model_create_multi
    def create(self, vals_list):
        ids = {vals.get("calendar_id") for vals in vals_list} - {None, False}
        self.env["resource.calendar"].browse(ids)._okr_check_shared_schedule()
        return super().create(vals_list)

    def write(self, vals):
        calendars = self.calendar_id
        if vals.get("calendar_id"):
            calendars |= calendars.browse(vals["calendar_id"])
        calendars._okr_check_shared_schedule()
        return super().write(vals)

    def unlink(self):
        self.calendar_id._okr_check_shared_schedule()
        return super().unlink()
