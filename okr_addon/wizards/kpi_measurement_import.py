import base64

from odoo import api, fields, models
from odoo.exceptions import AccessError

from ..models.okr_connector_run import MANAGER_MATCH_KEYS


class KpiMeasurementImport(models.TransientModel):
    """Import KPI values from a CSV or XLSX file: the upload front of the company's
    KPI file connector (kind ``kpi_csv``).

    The connector reads the file (encodings, column names, its mapping, how
    employees are matched) and writes a sync log: every good row lands, every
    bad row is listed with its number, column and reason, and can be retried
    once fixed. Importing the same rows again updates them. Managers import for
    the employees they manage; OKR administrators for everybody.
    """

    _name = "kpi.measurement.import"
    _description = "Import KPI Values"

    connector_id = fields.Many2one(
        "okr.connector",
        string="Read By",
        domain=[("kind", "=", "kpi_csv")],
        default=lambda self: self._company_connector(),
        help="The KPI file connector whose settings read the file. Left empty, one is "
        "created for the company with the employee key below.",
    )
    employee_key = fields.Selection(
        lambda self: self.env["okr.connector"]._fields["employee_key"].selection,
        string="Match Employees By",
        default="barcode",
        required=True,
        help="How the file names employees, for the company's first KPI file.",
    )
    connector_employee_key = fields.Selection(
        related="connector_id.employee_key", string="Employees Matched By"
    )
    file = fields.Binary(required=True)
    filename = fields.Char()

    @api.model
    def _company_connector(self):
        return self.env["okr.connector"].search(
            [("kind", "=", "kpi_csv"), ("company_id", "=", self.env.company.id)],
            order="id",
            limit=1,
        )

    def action_import(self):
        """Read the file through the connector; open its sync log."""
        self.ensure_one()
        connector = self.connector_id or self._company_connector() or self._create_connector()
        log = connector._upload(base64.b64decode(self.file), self.filename)
        return log._open()

    def _create_connector(self):
        """The company's KPI file connector, made on the company's first import (by an
        OKR manager or administrator: the ones who may import). A manager's matches
        employees by a code printed on badges or papers, never the kiosk PIN."""
        if not self.env.user.has_group("okr_addon.group_okr_manager"):
            raise AccessError(self.env._("Only OKR managers and administrators import KPI values."))
        if (
            self.env["okr.connector"]
            .sudo()
            .search_count(
                [("kind", "=", "kpi_csv"), ("company_id", "=", self.env.company.id)], limit=1
            )
        ):
            raise AccessError(
                self.env._("Import through the company's KPI file connector, set up by HR.")
            )
        admin = self.env.user.has_group("okr_addon.group_okr_admin")
        if not admin and self.employee_key not in MANAGER_MATCH_KEYS:
            raise AccessError(
                self.env._("A kiosk PIN is a secret: match employees by badge, ID or name.")
            )
        return (
            self.env["okr.connector"]
            .sudo()
            .create(
                {
                    "name": self.env._("KPI values (file)"),
                    "kind": "kpi_csv",
                    "company_id": self.env.company.id,
                    "employee_key": self.employee_key,
                }
            )
            .sudo(False)
        )
