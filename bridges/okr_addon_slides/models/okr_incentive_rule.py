from odoo import fields, models


class OkrIncentiveRule(models.Model):
    _inherit = "okr.incentive.rule"

    training_course_id = fields.Many2one(
        "slide.channel",
        string="Course on a Miss",
        help="eLearning course recommended with the training when the line is a deduction.",
    )
