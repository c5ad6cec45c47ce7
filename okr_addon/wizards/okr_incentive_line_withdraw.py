from odoo import fields, models


class OkrIncentiveLineWithdraw(models.TransientModel):
    """Ask HR why incentive lines are withdrawn (their amount becomes 0)."""

    _name = "okr.incentive.line.withdraw"
    _description = "Withdraw Incentive Lines"

    line_ids = fields.Many2many("okr.incentive.line", required=True)
    reason = fields.Char(required=True, help="Told in the run's chatter and kept on the line.")

    def action_confirm(self):
        self.ensure_one()
        self.line_ids.action_withdraw(self.reason)
        return {"type": "ir.actions.act_window_close"}
