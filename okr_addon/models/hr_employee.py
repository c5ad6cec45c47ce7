from odoo import fields, models


class HrEmployee(models.Model):
    _inherit = "hr.employee"

    okr_objective_ids = fields.One2many(
        "okr.objective",
        "employee_id",
        string="Current Objectives",
        domain=[("state", "in", ("draft", "submitted", "running"))],
        groups="hr.group_hr_user",
    )
    kpi_target_ids = fields.One2many(
        "kpi.target", "employee_id", string="KPI Targets", groups="hr.group_hr_user"
    )
    okr_incentive_line_ids = fields.One2many(
        "okr.incentive.line", "employee_id", string="Incentives", groups="hr.group_hr_user"
    )
    okr_training_ids = fields.One2many(
        "okr.training.recommendation",
        "employee_id",
        string="Recommended Trainings",
        groups="hr.group_hr_user",
    )
    okr_promotion_eligible = fields.Boolean(
        string="Promotion-Eligible", groups="hr.group_hr_user", tracking=True
    )
    okr_promotion_reason = fields.Char(string="Promotion Reason", groups="hr.group_hr_user")
    okr_kiosk_failures = fields.Integer(groups="hr.group_hr_user", copy=False)
    okr_kiosk_locked_until = fields.Datetime(groups="hr.group_hr_user", copy=False)
    okr_objective_count = fields.Integer(
        string="Objectives",
        compute="_compute_okr_objective_count",
        groups="hr.group_hr_user",
    )

    def _compute_okr_objective_count(self):
        counts = dict(
            self.env["okr.objective"]._read_group(
                [("employee_id", "in", self.ids)], ["employee_id"], ["__count"]
            )
        )
        for employee in self:
            employee.okr_objective_count = counts.get(employee, 0)

    def action_open_okr_objectives(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("okr_addon.okr_objective_action")
        action["domain"] = [("employee_id", "=", self.id)]
        action["context"] = {"default_employee_id": self.id, "search_default_running": 1}
        return action
