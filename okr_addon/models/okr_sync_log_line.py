from odoo import fields, models


class OkrSyncLogLine(models.Model):
    """One row a connector run could not import: where, which field, why, and the row itself.

    ``raw`` keeps the row as read (JSON; the two punches of an attendance as
    a list) so that *Retry Failed Rows* can process it again once the data
    or the connector's mapping is fixed; an administrator may also correct
    it here before retrying.
    """

    _name = "okr.sync.log.line"
    _description = "Connector Sync Failed Row"
    _order = "log_id, row, id"

    log_id = fields.Many2one("okr.sync.log", required=True, ondelete="cascade", index=True)
    connector_id = fields.Many2one(related="log_id.connector_id")
    row = fields.Integer(
        help="Line number in the file (the header is line 1), or position "
        "of the record across the pages of the API's answer."
    )
    field = fields.Char(help="Column or remote field at fault; empty when the whole row is.")
    reason = fields.Text(required=True)
    raw = fields.Text(string="Raw Row", help="The row as read, in JSON.")
