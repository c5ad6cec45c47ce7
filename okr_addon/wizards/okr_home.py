"""okr.home: where the OKR app opens, by role.

HR (OKR administrators) land on the cycle's health: what waits for them today,
each figure one click from its list. Managers land on the Team Board, every
member of their team shown, those without an objective too. Everyone else
lands on their own objectives.
"""

import datetime

from odoo import api, fields, models
from odoo.fields import Domain

# How far back a failed connector run still counts as today's business.
SYNC_DAYS = 7


class OkrHome(models.TransientModel):
    _name = "okr.home"
    _description = "OKR Home"

    company_id = fields.Many2one("res.company", default=lambda self: self.env.company)
    cycle_id = fields.Many2one("okr.cycle", compute="_compute_health", string="Running Cycle")
    days_left = fields.Integer(compute="_compute_health")
    objectives_to_approve = fields.Integer(compute="_compute_health")
    objectives_at_risk = fields.Integer(compute="_compute_health")
    employees_without_objective = fields.Integer(compute="_compute_health")
    targets_likely_to_miss = fields.Integer(compute="_compute_health")
    runs_to_approve = fields.Integer(compute="_compute_health")
    runs_to_post = fields.Integer(compute="_compute_health")
    sync_failures = fields.Integer(compute="_compute_health")
    flags_to_review = fields.Integer(compute="_compute_health")

    # --- where each role lands ----------------------------------------------------
    @api.model
    def _action_for_user(self):
        """The window action the OKR app opens with for the current user."""
        user = self.env.user
        if user.has_group("okr_addon.group_okr_admin"):
            home = self.create({})
            return {
                "type": "ir.actions.act_window",
                "name": self.env._("Cycle Health"),
                "res_model": self._name,
                "res_id": home.id,
                "view_mode": "form",
                "views": [(self.env.ref("okr_addon.okr_home_view_form").id, "form")],
                "target": "current",
            }
        if user.has_group("okr_addon.group_okr_manager") and self._team():
            return self.env["ir.actions.act_window"]._for_xml_id(
                "okr_addon.okr_key_result_team_board_action"
            )
        return self.env["ir.actions.act_window"]._for_xml_id("okr_addon.okr_objective_my_action")

    @api.model
    def _team(self):
        """The employees below the current user in the manager chain."""
        mine = self.env.user.employee_ids
        if not mine:
            return self.env["hr.employee"]
        return self.env["hr.employee"].search(
            [("id", "child_of", mine.ids), ("id", "not in", mine.ids)]
        )

    # --- the cycle's health -------------------------------------------------------
    def _domains(self):
        """{figure: (model, domain)} for the home's company and running cycle."""
        self.ensure_one()
        company = self.company_id or self.env.company
        cycle = self._running_cycle()
        today = fields.Date.context_today(self)
        since = fields.Datetime.now() - datetime.timedelta(days=SYNC_DAYS)
        in_company = Domain("company_id", "=", company.id)
        return {
            "objectives_to_approve": (
                "okr.objective",
                in_company & Domain("state", "=", "submitted"),
            ),
            "objectives_at_risk": (
                "okr.objective",
                in_company & Domain("state", "=", "running") & Domain("is_at_risk", "=", True),
            ),
            "employees_without_objective": (
                "hr.employee",
                in_company
                & Domain(
                    "id",
                    "not in",
                    self.env["okr.objective"]
                    .search([("cycle_id", "=", cycle.id), ("state", "!=", "cancelled")])
                    .employee_id.ids,
                ),
            ),
            "targets_likely_to_miss": (
                "kpi.target",
                in_company
                & Domain("likely_to_miss", "=", True)
                & Domain("date_from", "<=", today)
                & Domain("date_to", ">=", today),
            ),
            "runs_to_approve": ("okr.incentive.run", in_company & Domain("state", "=", "computed")),
            "runs_to_post": ("okr.incentive.run", in_company & Domain("state", "=", "approved")),
            "sync_failures": (
                "okr.sync.log",
                in_company
                & Domain("state", "in", ("failed", "partial"))
                & Domain("date_start", ">=", since),
            ),
            "flags_to_review": ("okr.anomaly.flag", in_company & Domain("state", "=", "open")),
        }

    def _running_cycle(self):
        company = self.company_id or self.env.company
        return self.env["okr.cycle"].search(
            [("state", "=", "running"), ("company_id", "in", (company.id, False))],
            order="date_start desc, id desc",
            limit=1,
        )

    def _compute_display_name(self):
        for home in self:
            home.display_name = self.env._("Cycle Health")

    @api.depends("company_id")
    def _compute_health(self):
        today = fields.Date.context_today(self)
        for home in self:
            cycle = home._running_cycle()
            home.cycle_id = cycle
            home.days_left = max((cycle.date_end - today).days, 0) if cycle.date_end else 0
            for figure, (model, domain) in home._domains().items():
                home[figure] = self.env[model].search_count(domain)

    def action_open(self):
        """Open the list behind one figure (its name in the button's context)."""
        self.ensure_one()
        figure = self.env.context.get("okr_figure")
        domains = self._domains()
        if figure not in domains:
            return False
        model, domain = domains[figure]
        label = self._fields[figure].get_description(self.env)["string"]
        return {
            "type": "ir.actions.act_window",
            "name": label,
            "res_model": model,
            "view_mode": "list,form",
            "views": [(False, "list"), (False, "form")],
            "domain": list(domain),
            "target": "current",
        }
