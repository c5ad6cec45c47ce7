from odoo import fields, models


class OkrIncentiveRule(models.Model):
    _inherit = "okr.incentive.rule"

    badge_id = fields.Many2one(
        "gamification.badge",
        string="Grant Badge",
        help="Granted once per line that earns a bonus (amount above zero).",
    )
