"""The "Import Official Calendar" dialog of a working schedule: HR chooses the
years (default: this year and the next one when already published)."""

from odoo import api, fields, models
from odoo.exceptions import UserError

from ..logic import china_calendar


class OkrChinaCalendarImport(models.TransientModel):
    _name = "okr.china.calendar.import"
    _description = "Import China's Official Calendar"

    calendar_id = fields.Many2one("resource.calendar", string="Working Schedule", required=True)
    years = fields.Char(
        required=True,
        default=lambda self: self._default_years(),
        help="Years to import, e.g. 2025, 2026 or 2024-2026.",
    )
    follow = fields.Boolean(
        string="Keep Following",
        default=True,
        help="Import each new year automatically as soon as it is published.",
    )
    available = fields.Char(string="Available Years", compute="_compute_available")

    @api.model
    def _default_years(self):
        known, _unknown = china_calendar.years_to_follow(
            fields.Date.context_today(self), china_calendar.known_years()
        )
        return ", ".join(str(year) for year in known)

    def _compute_available(self):
        years = china_calendar.known_years()
        for wizard in self:
            wizard.available = self.env._(
                "%(first)s to %(last)s (chinesecalendar %(version)s)",
                first=years[0],
                last=years[-1],
                version=china_calendar.library_version(),
            )

    def action_import(self):
        self.ensure_one()
        calendar = self.calendar_id
        calendar._okr_check_china_importer()
        try:
            years = china_calendar.parse_years(self.years)
        except ValueError as error:
            raise UserError(
                self.env._("Years: %(part)s is not a year; write e.g. 2025, 2026.", part=error)
            ) from error
        if not years:
            raise UserError(self.env._("Choose at least one year."))
        try:
            counts = calendar._okr_import_china_years(years)
        except china_calendar.UnknownYear as error:
            if error.year > error.last:
                message = self.env._(
                    "The official calendar of %(year)s is not published in chinesecalendar "
                    "%(version)s yet: update it.",
                    year=error.year,
                    version=error.version,
                )
            else:
                message = self.env._(
                    "chinesecalendar %(version)s covers %(first)s to %(last)s, not %(year)s.",
                    version=error.version,
                    first=error.first,
                    last=error.last,
                    year=error.year,
                )
            raise UserError(message) from error
        # sudo: the caller is an OKR administrator allowed on this schedule
        # (checked above); the flag is theirs even without Employees rights.
        calendar.sudo().okr_china_official = self.follow
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "type": "success",
                "title": self.env._("China's official calendar imported"),
                "message": self.env._(
                    "%(created)s days or holidays added, %(updated)s updated, %(removed)s removed, "
                    "%(kept)s left as entered by hand.",
                    **counts,
                ),
                "next": {"type": "ir.actions.act_window_close"},
            },
        }
