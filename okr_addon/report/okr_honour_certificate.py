"""Values of the honour certificate (report ``okr_addon.report_honour_certificate``)."""

from odoo import api, fields, models


class ReportHonourCertificate(models.AbstractModel):
    _name = "report.okr_addon.report_honour_certificate"
    _description = "Honour Certificate Report"

    @api.model
    def _get_report_values(self, docids, data=None):
        """Each line with its reader's language, what was achieved and who signs."""
        lines = self.env["okr.incentive.line"].browse(docids)
        today = fields.Date.context_today(self)
        return {
            "doc_ids": docids,
            "doc_model": "okr.incentive.line",
            "docs": lines,
            "certificates": {
                line.id: {
                    "lang": line._certificate_lang(),
                    "tier": line.tier_name if line.amount > 0 else False,
                    "promotion": bool(
                        line.rule_id.promotion_threshold
                        and line.basis_value >= line.rule_id.promotion_threshold
                    ),
                    "manager": line.employee_id.sudo().parent_id.name or "",
                    "date": today,
                }
                for line in lines
            },
        }
