"""The rule's honour-certificate option (the printing lives with the lines:
okr_incentive_line_certificate.py)."""

from odoo import fields, models


class OkrIncentiveRule(models.Model):
    """Print honour certificates when the rule's runs are posted."""

    _inherit = "okr.incentive.rule"

    print_certificate = fields.Boolean(
        string="Print Honour Certificate",
        help="When the run is posted, employees who reach a paying tier or the promotion "
        "threshold get an honour certificate (PDF, in their language), attached to their "
        "employee record and posted in the announcement channel.",
    )
