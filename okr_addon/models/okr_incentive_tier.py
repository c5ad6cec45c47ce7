from odoo import api, fields, models

from ..logic.incentive import Tier


class OkrIncentiveTier(models.Model):
    """A band of basis values [lower, upper) and what it pays (negative: a deduction)."""

    _name = "okr.incentive.tier"
    _description = "Incentive Tier"
    _order = "rule_id, sequence, lower, id"

    rule_id = fields.Many2one("okr.incentive.rule", required=True, ondelete="cascade", index=True)
    sequence = fields.Integer(default=10)
    name = fields.Char(compute="_compute_name", store=True, readonly=False)
    has_lower = fields.Boolean(string="From", default=True)
    lower = fields.Float(help="Included: a value equal to it is in this tier.")
    has_upper = fields.Boolean(string="Up To", default=True)
    upper = fields.Float(help="Excluded: a value equal to it is in the next tier.")
    amount = fields.Float(
        help="Fixed amount, % of wage, coefficient delta or points, per the rule's amount type. "
        "Negative for a deduction."
    )

    @api.depends("has_lower", "lower", "has_upper", "upper")
    def _compute_name(self):
        for tier in self:
            tier.name = tier._as_logic().label()

    def _as_logic(self):
        return Tier(
            self.name or "",
            self.lower if self.has_lower else None,
            self.upper if self.has_upper else None,
            self.amount,
        )
