from odoo import api, fields, models


class OkrSyncLog(models.Model):
    _inherit = "okr.sync.log"

    job_count = fields.Integer(
        string="Queue Jobs", readonly=True, help="Batches of this run written by queue jobs."
    )
    batch_ids = fields.One2many("okr.sync.log.batch", "log_id", string="Batches", readonly=True)
    jobs_left = fields.Integer(
        compute="_compute_jobs_left",
        help="Queue jobs of this run that have not written their batch yet.",
    )

    @api.depends("job_count", "batch_ids")
    def _compute_jobs_left(self):
        for log in self:
            log.jobs_left = max(log.job_count - len(log.batch_ids), 0)
