from odoo import fields, models


class OkrSyncLog(models.Model):
    _inherit = "okr.sync.log"

    jobs_left = fields.Integer(
        readonly=True,
        help="Queue jobs of this run that have not written their batch yet; the last one "
        "closes the log.",
    )
    job_warnings = fields.Text(
        readonly=True, help="Warnings of the reading, added to the summary at the end."
    )
