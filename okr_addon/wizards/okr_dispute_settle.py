from odoo import api, fields, models


class OkrDisputeSettle(models.TransientModel):
    """Settle a disputed value: confirm it or correct it, with a note the employee reads."""

    _name = "okr.dispute.settle"
    _description = "Settle Disputed Value"

    dispute_id = fields.Many2one("okr.dispute", required=True, ondelete="cascade")
    kind = fields.Selection(related="dispute_id.kind")
    disputed_value = fields.Float(related="dispute_id.disputed_value")
    mode = fields.Selection(
        [("confirm", "Confirm Value"), ("correct", "Correct Value")],
        required=True,
        default="confirm",
    )
    corrected_value = fields.Float(
        string="Correct Value",
        help="Written to the KPI value with your rights and checks, and kept on the dispute.",
    )
    note = fields.Char(required=True, help="Shown to the employee on their phone page.")

    @api.onchange("mode")
    def _onchange_mode(self):
        if self.mode == "correct" and not self.corrected_value:
            self.corrected_value = self.disputed_value

    def action_settle(self):
        self.ensure_one()
        corrected = None
        if self.mode == "correct":
            corrected = self.corrected_value if self.kind == "kpi" else 0.0
        self.dispute_id.action_settle(self.note, corrected_value=corrected)
        return {"type": "ir.actions.act_window_close"}
