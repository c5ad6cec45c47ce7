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

    okr_profile_html = fields.Html(
        string="Capability Profile",
        compute="_compute_okr_profile_html",
        sanitize=False,
        groups="hr.group_hr_user",
        help="Performance per cycle, skills and certifications, behaviour and attendance "
        "against the team.",
    )

    def _compute_okr_profile_html(self):
        employees = self.filtered(lambda e: e._origin.id)
        builder = self._okr_profile_builder()
        profiles = builder._profile_values(employees._origin) if employees else {}
        QWeb = self.env["ir.qweb"]
        for employee in self:
            values = profiles.get(employee._origin.id)
            employee.okr_profile_html = (
                QWeb._render("okr_addon.employee_profile_content", {"profile": values})
                if values
                else False
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

    def action_open_okr_behaviour_scores(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "okr_addon.okr_behaviour_score_action"
        )
        action["domain"] = [("employee_id", "=", self.id)]
        action["context"] = {"default_employee_id": self.id}
        return action

    # --- capability profile --------------------------------------------------------------
    # Built by the report model; these read its parts for a set of employees.
    def _okr_profile_builder(self):
        return self.env["report.okr_addon.report_employee_profile"]

    def _okr_profile_history(self):
        return self._okr_profile_builder()._history(self)

    def _okr_profile_skills(self, today):
        return self._okr_profile_builder()._skills(self, today)

    def _okr_profile_behaviour(self):
        return self._okr_profile_builder()._behaviour(self)

    def _okr_profile_attendance(self, date_from, date_to):
        return self._okr_profile_builder()._attendance(self, date_from, date_to)
