from odoo import fields, models


class OkrSyncLogBatch(models.Model):
    """What one queue job of a connector run wrote: one row per batch, inserted by the
    job itself, added up into the run's log by the job that closes it."""

    _name = "okr.sync.log.batch"
    _description = "Connector Run Batch"
    _order = "id"
    _check_company_auto = True

    log_id = fields.Many2one(
        "okr.sync.log", required=True, ondelete="cascade", index=True, check_company=True
    )
    company_id = fields.Many2one(related="log_id.company_id", store=True, index=True)
    created_count = fields.Integer(string="Created")
    updated_count = fields.Integer(string="Updated")
    unchanged_count = fields.Integer(string="Unchanged")
    failed_count = fields.Integer(string="Failed")
