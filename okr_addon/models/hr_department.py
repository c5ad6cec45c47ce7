from odoo import fields, models


class HrDepartment(models.Model):
    _inherit = "hr.department"

    okr_objective_ids = fields.One2many(
        "okr.objective",
        "department_id",
        string="Current Objectives",
        domain=[("state", "in", ("draft", "submitted", "running"))],
    )
    kpi_target_ids = fields.One2many(
        "kpi.target",
        "department_id",
        string="KPI Targets",
        domain=[("level", "=", "department")],
    )
    okr_objective_count = fields.Integer(
        string="Objectives", compute="_compute_okr_objective_count"
    )

    def _compute_okr_objective_count(self):
        counts = dict(
            self.env["okr.objective"]._read_group(
                [("department_id", "in", self.ids)], ["department_id"], ["__count"]
            )
        )
        for department in self:
            department.okr_objective_count = counts.get(department, 0)

    def action_open_okr_objectives(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("okr_addon.okr_objective_action")
        action["domain"] = [("department_id", "child_of", self.id)]
        action["context"] = {
            "default_department_id": self.id,
            "default_level": "department",
            "search_default_running": 1,
        }
        return action
