from odoo import api, fields, models


class OkrConnectorBinding(models.Model):
    """Which Odoo record an external id of a connector became.

    One row per (connector, model, external id): importing the same file or
    API page again finds the record instead of creating a second one, and a
    run interrupted half-way can simply be started again. Several external
    ids may point to the same record: a check-in punch and the check-out
    punch that completed it in a later file.
    """

    _name = "okr.connector.binding"
    _description = "Connector External ID"
    _order = "id desc"
    _check_company_auto = True

    connector_id = fields.Many2one(
        "okr.connector", required=True, ondelete="cascade", index=True, check_company=True
    )
    company_id = fields.Many2one(related="connector_id.company_id", store=True, index=True)
    model = fields.Char(required=True)
    external_id = fields.Char(string="External ID", required=True)
    res_id = fields.Many2oneReference(string="Record ID", model_field="model", required=True)

    _external_uniq = models.Constraint(
        "UNIQUE(connector_id, model, external_id)",
        "An external ID is bound to one record per connector.",
    )
    _record_idx = models.Index("(model, res_id)")

    @api.model
    def _records(self, connector, model, external_ids):
        """{external id: record} of the bound ``external_ids`` whose record still exists."""
        bindings = self.search(
            [
                ("connector_id", "=", connector.id),
                ("model", "=", model),
                ("external_id", "in", list(external_ids)),
            ]
        )
        records = self.env[model].sudo().browse(bindings.mapped("res_id")).exists()
        alive = set(records.ids)
        return {
            binding.external_id: records.browse(binding.res_id)
            for binding in bindings
            if binding.res_id in alive
        }

    @api.model
    def _bind(self, connector, model, pairs):
        """Bind each ``(external id, record id)`` of ``pairs``, replacing stale bindings
        (whose record was deleted) of the same external ids."""
        if not pairs:
            return self
        stale = self.search(
            [
                ("connector_id", "=", connector.id),
                ("model", "=", model),
                ("external_id", "in", [external_id for external_id, _res_id in pairs]),
            ]
        )
        stale.unlink()
        return self.create(
            [
                {
                    "connector_id": connector.id,
                    "model": model,
                    "external_id": external_id,
                    "res_id": res_id,
                }
                for external_id, res_id in pairs
            ]
        )
