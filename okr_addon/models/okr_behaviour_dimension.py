from odoo import fields, models


class OkrBehaviourDimension(models.Model):
    """A behaviour HR wants scored each cycle (teamwork, reliability, …)."""

    _name = "okr.behaviour.dimension"
    _description = "Behaviour Dimension"
    _order = "sequence, id"

    name = fields.Char(required=True, translate=True)
    description = fields.Text(translate=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    company_id = fields.Many2one(
        "res.company",
        default=lambda self: self.env.company,
        index=True,
        help="Empty: used by every company.",
    )
