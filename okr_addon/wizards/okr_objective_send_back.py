from odoo import fields, models


class OkrObjectiveSendBack(models.TransientModel):
    """Ask the approver why objectives go back to their owner for revision."""

    _name = "okr.objective.send.back"
    _description = "Send OKR Objective Back for Revision"

    objective_ids = fields.Many2many("okr.objective", required=True)
    comment = fields.Text(required=True, help="Sent to the owner with the objective.")

    def action_confirm(self):
        self.ensure_one()
        self.objective_ids._send_back(self.comment)
        return {"type": "ir.actions.act_window_close"}
