from odoo import fields, models


class OkrTrainingRecommendation(models.Model):
    """Training suggested to an employee after a missed target, for the skill gap."""

    _name = "okr.training.recommendation"
    _description = "Training Recommendation"
    _order = "create_date desc, id desc"
    _check_company_auto = True

    employee_id = fields.Many2one("hr.employee", required=True, index=True, ondelete="cascade")
    company_id = fields.Many2one(related="employee_id.company_id", store=True)
    skill_id = fields.Many2one("hr.skill", required=True)
    line_id = fields.Many2one(
        "okr.incentive.line", string="Because of", ondelete="set null", check_company=True
    )
    reason = fields.Char()
    state = fields.Selection(
        [("open", "Recommended"), ("done", "Completed"), ("dismissed", "Dismissed")],
        default="open",
        required=True,
    )

    def action_done(self):
        self.state = "done"

    def action_dismiss(self):
        self.state = "dismissed"
