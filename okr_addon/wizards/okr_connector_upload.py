import base64

from odoo import fields, models

from ...connectors import kinds


class OkrConnectorUpload(models.TransientModel):
    """Import a file (terminal export, KPI values) through a file connector.

    The connector says how to read it: column mapping, time zone, how
    employees are matched. The run is logged like any other; importing the
    same file again changes nothing.
    """

    _name = "okr.connector.upload"
    _description = "Import a File through a Connector"

    connector_id = fields.Many2one(
        "okr.connector",
        required=True,
        domain=[("kind", "in", kinds.FILE_KINDS)],
        default=lambda self: self._default_connector(),
    )
    kind = fields.Selection(related="connector_id.kind")
    file = fields.Binary(required=True)
    filename = fields.Char()

    def _default_connector(self):
        connectors = self.env["okr.connector"].search([("kind", "in", kinds.FILE_KINDS)], limit=2)
        return connectors if len(connectors) == 1 else False

    def action_import(self):
        """Run the connector on the file; open the sync log."""
        self.ensure_one()
        log = self.connector_id._upload(base64.b64decode(self.file), self.filename)
        return log._open()
