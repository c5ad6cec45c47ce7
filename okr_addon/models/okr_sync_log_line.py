from odoo import api, fields, models

from ...connectors.redact import redact_json

# Texts of a failed row that may quote the remote's answer.
REDACTED_TEXTS = ("reason", "field")


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
    _check_company_auto = True

    log_id = fields.Many2one(
        "okr.sync.log", required=True, ondelete="cascade", index=True, check_company=True
    )
    connector_id = fields.Many2one(related="log_id.connector_id")
    company_id = fields.Many2one(related="log_id.company_id", store=True, index=True)
    row = fields.Integer(
        help="Line number in the file (the header is line 1), or position "
        "of the record across the pages of the API's answer."
    )
    field = fields.Char(help="Column or remote field at fault; empty when the whole row is.")
    reason = fields.Text(required=True)
    kind = fields.Selection(
        [("failed", "Failed"), ("kept", "Kept for Reconciliation")],
        default="failed",
        required=True,
        help="Kept: not written because another attendance source already has the day; "
        "kept as this source's view of the day (OKR > Attendance > Reconciliation).",
    )
    raw = fields.Text(string="Raw Row", help="The row as read, in JSON.")

    @api.model_create_multi
    def create(self, vals_list):
        connectors = {}
        for vals in vals_list:
            if vals.get("log_id"):
                if vals["log_id"] not in connectors:
                    log = self.env["okr.sync.log"].browse(vals["log_id"])
                    connectors[vals["log_id"]] = log.connector_id
                vals.update(self._redacted(connectors[vals["log_id"]], vals))
        return super().create(vals_list)

    def write(self, vals):
        return super().write({**vals, **self._redacted(self.connector_id, vals)})

    @api.model
    def _redacted(self, connectors, vals):
        """The texts of ``vals`` without the secrets of ``connectors``: a row is stored
        as the remote sent it, except for the credentials it may echo."""
        secrets = connectors._secrets()
        if not secrets:
            return {}
        redacted = {
            name: connectors._redact(vals[name]) for name in REDACTED_TEXTS if vals.get(name)
        }
        if vals.get("raw"):
            redacted["raw"] = redact_json(vals["raw"], secrets)
        return redacted
