from odoo import fields, models


class OkrObjective(models.Model):
    _inherit = "okr.objective"

    # Stored so that the dashboard's trend reads the cycles in time order
    # (grouping by the cycle itself lists the newest first).
    cycle_date_start = fields.Date(store=True, index=True)
