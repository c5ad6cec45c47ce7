from odoo import api, fields, models


class OkrTrainingRecommendation(models.Model):
    _inherit = "okr.training.recommendation"

    course_id = fields.Many2one("slide.channel", string="eLearning Course")

    @api.model_create_multi
    def create(self, vals_list):
        """Recommend the rule's course with the skill, when the rule names one."""
        lines = self.env["okr.incentive.line"].browse(
            [vals["line_id"] for vals in vals_list if vals.get("line_id")]
        )
        courses = {line.id: line.rule_id.training_course_id.id for line in lines}
        for vals in vals_list:
            if not vals.get("course_id") and courses.get(vals.get("line_id")):
                vals["course_id"] = courses[vals["line_id"]]
        return super().create(vals_list)
