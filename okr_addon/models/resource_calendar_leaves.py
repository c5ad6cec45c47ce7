"""Public holidays imported from China's official calendar carry the key of
their block, so that a later import finds, updates or removes them, and leaves
alone the time off HR entered by hand."""

from odoo import fields, models


class ResourceCalendarLeaves(models.Model):
    _inherit = "resource.calendar.leaves"

    okr_official_key = fields.Char(
        string="Official Holiday",
        readonly=True,
        copy=False,
        index="btree_not_null",
        help="Set on public holidays imported from China's official calendar.",
    )
