"""okr.objective: its fields, constraints, health (progress, at risk, stale) and the
helpers its views read. A little over 400 lines because these belong to one record;
the workflow actions live in ``okr_objective_workflow.py``.
"""

from odoo import api, fields, models
from odoo.exceptions import AccessError, ValidationError
from odoo.fields import Domain

from ..logic import periods
from ..logic import progress as okr_progress
from .okr_pay_guard import is_trusted

LEVELS = [
    ("company", "Company"),
    ("department", "Department"),
    ("team", "Team"),
    ("individual", "Individual"),
]
STATES = [
    ("draft", "Draft"),
    ("submitted", "Submitted"),
    ("running", "Running"),
    ("closed", "Closed"),
    ("cancelled", "Cancelled"),
]


class OkrObjective(models.Model):
    """An objective owned by an employee, a department or the company.

    Life cycle: the owner drafts it and submits it; the approver (the owner's
    manager by default) approves it (running) or sends it back with a comment
    (draft); at the end of the cycle it is closed with a score, or cancelled.
    """

    _name = "okr.objective"
    _description = "OKR Objective"
    _inherit = ["okr.pay.guard", "mail.thread", "mail.activity.mixin"]
    _order = "cycle_id desc, sequence, id"
    # Written by submit / approve / send back / close / cancel only.
    _okr_workflow_fields = ("state", "score", "date_approved")
    # Who owns it and where it counts: changed by its owner only while a draft.
    _okr_draft_fields = ("employee_id", "level", "department_id", "cycle_id", "company_id")
    _parent_name = "parent_id"
    _check_company_auto = True

    name = fields.Char(required=True, tracking=True)
    description = fields.Html()
    sequence = fields.Integer(default=10)
    color = fields.Integer()
    level = fields.Selection(LEVELS, default="individual", required=True, tracking=True)
    employee_id = fields.Many2one(
        "hr.employee",
        string="Owner",
        tracking=True,
        check_company=True,
        index=True,
        default=lambda self: self.env.user.employee_id,
    )
    department_id = fields.Many2one(
        "hr.department",
        compute="_compute_department_id",
        store=True,
        readonly=False,
        check_company=True,
        index=True,
        tracking=True,
    )
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company, index=True
    )
    cycle_id = fields.Many2one(
        "okr.cycle",
        required=True,
        check_company=True,
        index=True,
        tracking=True,
        default=lambda self: self._default_cycle(),
        domain="[('state', '!=', 'closed')]",
    )
    cycle_date_start = fields.Date(related="cycle_id.date_start")
    cycle_date_end = fields.Date(related="cycle_id.date_end")
    parent_id = fields.Many2one(
        "okr.objective",
        string="Aligned To",
        index=True,
        ondelete="set null",
        tracking=True,
        check_company=True,
        help="The objective this one contributes to.",
    )
    child_ids = fields.One2many("okr.objective", "parent_id", string="Aligned Objectives")
    state = fields.Selection(
        STATES, default="draft", required=True, tracking=True, copy=False, index=True
    )
    approver_id = fields.Many2one(
        "res.users",
        compute="_compute_approver_id",
        store=True,
        readonly=False,
        tracking=True,
        help="Who approves this objective: the owner's manager by default. "
        "OKR administrators can always approve.",
    )
    date_approved = fields.Date(readonly=True, copy=False)
    key_result_ids = fields.One2many(
        "okr.key.result", "objective_id", string="Key Results", copy=True
    )
    key_result_count = fields.Integer(compute="_compute_key_result_count")
    progress = fields.Float(
        compute="_compute_progress",
        store=True,
        aggregator="avg",
        help="Weighted mean of the key results' progress (0 to the progress cap).",
    )
    progress_percent = fields.Float(
        string="Progress (%)", compute="_compute_progress", store=True, aggregator="avg"
    )
    confidence = fields.Float(
        compute="_compute_progress",
        store=True,
        aggregator="avg",
        help="Weighted mean of the key results' latest confidence (0 to 1).",
    )
    score = fields.Float(
        readonly=True,
        copy=False,
        aggregator="avg",
        tracking=True,
        help="Set at close: weighted mean of the key results' scores (0 to 1).",
    )
    retro_worked = fields.Text(string="What Worked")
    retro_not_worked = fields.Text(string="What Did Not Work")
    retro_next = fields.Text(string="Next Steps")
    is_at_risk = fields.Boolean(
        string="At Risk",
        compute="_compute_health",
        search="_search_is_at_risk",
        help="Running objective whose progress lags the time elapsed since it started "
        "running (its approval, or its cycle's start if later) by more than 20 points, "
        "or whose confidence is low; never during the company's at-risk grace period.",
    )
    expected_progress = fields.Float(
        compute="_compute_health",
        help="Where a linear plan from the day it started running to the cycle end would be.",
    )
    in_my_team = fields.Boolean(
        compute="_compute_in_my_team",
        search="_search_in_my_team",
        help="Owned by someone below me in the manager chain.",
    )
    is_stale = fields.Boolean(
        string="Stale",
        compute="_compute_health",
        search="_search_is_stale",
        help="Running objective with a key result not checked in for the "
        "company's stale check-in days.",
    )

    is_reviewer = fields.Boolean(
        string="I Review It",
        compute="_compute_is_reviewer",
        help="I may approve, send back, close and change the key results of this "
        "objective once submitted: its approver or an OKR administrator, not its owner.",
    )
    can_choose_approver = fields.Boolean(
        string="I Choose the Approver", compute="_compute_is_reviewer"
    )

    @api.depends("approver_id", "employee_id")
    @api.depends_context("uid")
    def _compute_is_reviewer(self):
        admin = self._is_okr_admin()
        for objective in self:
            owner = objective.employee_id.sudo().user_id
            objective.is_reviewer = owner != self.env.user and (
                admin or objective.approver_id == self.env.user
            )
            objective.can_choose_approver = admin

    @api.model
    def _default_cycle(self):
        return self.env["okr.cycle"].search(
            [("state", "=", "running"), ("company_id", "=", self.env.company.id)],
            limit=1,
        )

    @api.depends("employee_id")
    def _compute_department_id(self):
        for objective in self:
            if objective.employee_id:
                objective.department_id = objective.employee_id.department_id

    @api.depends("level", "employee_id", "department_id")
    def _compute_approver_id(self):
        for objective in self:
            objective.approver_id = objective._expected_approver()

    def _expected_approver(self):
        """The owner's manager (or the department's parent manager), never the owner:
        an owner without anyone above is approved by an OKR administrator."""
        self.ensure_one()
        manager = self.env["hr.employee"]
        if self.level in ("individual", "team") and self.employee_id:
            manager = self.employee_id.parent_id
        elif self.level == "department" and self.department_id:
            department = self.department_id
            manager = department.parent_id.manager_id or department.manager_id
        user = manager.sudo().user_id
        return user if user != self.employee_id.sudo().user_id else self.env["res.users"]

    @api.depends("key_result_ids")
    def _compute_key_result_count(self):
        for objective in self:
            objective.key_result_count = len(objective.key_result_ids)

    @api.depends("key_result_ids.progress", "key_result_ids.weight", "key_result_ids.confidence")
    def _compute_progress(self):
        for objective in self:
            results = objective.key_result_ids
            weights = [max(kr.weight, 0.0) for kr in results]
            if not sum(weights):
                objective.progress = objective.confidence = 0.0
            else:
                objective.progress = okr_progress.weighted_mean(
                    zip(results.mapped("progress"), weights, strict=True)
                )
                objective.confidence = okr_progress.weighted_mean(
                    zip(results.mapped("confidence"), weights, strict=True)
                )
            objective.progress_percent = objective.progress * 100

    @api.depends(
        "state",
        "progress",
        "confidence",
        "cycle_id",
        "date_approved",
        "company_id.okr_at_risk_grace_days",
    )
    def _compute_health(self):
        today = fields.Date.context_today(self)
        stale = self._stale_ids(today)
        for objective in self:
            cycle = objective.cycle_id
            has_checkins = any(objective.key_result_ids.mapped("last_checkin_date"))
            expected, at_risk = okr_progress.objective_health(
                objective.progress,
                cycle.date_start,
                cycle.date_end,
                objective.date_approved,
                today,
                confidence=objective.confidence if has_checkins else None,
                grace_days=objective.company_id.okr_at_risk_grace_days,
            )
            objective.expected_progress = expected
            objective.is_at_risk = objective.state == "running" and at_risk
            objective.is_stale = objective.id in stale

    def _compute_in_my_team(self):
        team = self.search([("id", "in", self.ids), ("in_my_team", "=", True)])
        for objective in self:
            objective.in_my_team = objective in team

    def _stale_ids(self, today):
        key_results = self.env["okr.key.result"].search(
            self.env["okr.key.result"]._stale_domain(today)
        )
        return set(key_results.objective_id.ids)

    def _search_is_at_risk(self, operator, value):
        if operator not in ("in", "not in"):
            return NotImplemented
        running = self.search([("state", "=", "running")])
        at_risk = running.filtered("is_at_risk")
        wanted = True in value
        if (operator == "in") == wanted:
            return [("id", "in", at_risk.ids)]
        return [("id", "not in", at_risk.ids)]

    def _search_is_stale(self, operator, value):
        if operator not in ("in", "not in"):
            return NotImplemented
        stale = self._stale_ids(fields.Date.context_today(self))
        wanted = True in value
        if (operator == "in") == wanted:
            return [("id", "in", list(stale))]
        return [("id", "not in", list(stale))]

    # ------------------------------------------------------------------
    # Constraints
    # ------------------------------------------------------------------
    @api.constrains("level", "employee_id", "department_id")
    def _check_owner(self):
        for objective in self:
            if objective.level in ("individual", "team") and not objective.employee_id:
                raise ValidationError(
                    self.env._(
                        "Objective “%(name)s”: an individual or team objective needs an owner.",
                        name=objective.name,
                    )
                )
            if objective.level == "department" and not objective.department_id:
                raise ValidationError(
                    self.env._(
                        "Objective “%(name)s”: a department objective needs a department.",
                        name=objective.name,
                    )
                )

    @api.constrains("parent_id", "cycle_id")
    def _check_alignment(self):
        if self._has_cycle():
            raise ValidationError(
                self.env._(
                    "Objectives cannot be aligned in a loop: “%(name)s” would end up "
                    "contributing to itself.",
                    name=self.filtered("parent_id")[:1].name or self[:1].name,
                )
            )
        # A changed cycle must still fit the objective it aligns to and enclose the
        # cycles of the objectives aligned to it.
        for objective in self.filtered("parent_id") | self.child_ids:
            parent_cycle, cycle = objective.parent_id.cycle_id, objective.cycle_id
            if not periods.encloses(
                parent_cycle.date_start, parent_cycle.date_end, cycle.date_start, cycle.date_end
            ):
                raise ValidationError(
                    self.env._(
                        "Objective “%(name)s” (cycle %(cycle)s) cannot align to "
                        "“%(parent)s”: its cycle %(parent_cycle)s neither is nor "
                        "encloses %(cycle)s.",
                        name=objective.name,
                        cycle=cycle.name,
                        parent=objective.parent_id.name,
                        parent_cycle=parent_cycle.name,
                    )
                )

    @api.constrains("approver_id", "employee_id")
    def _check_approver_not_owner(self):
        for objective in self:
            owner = objective.employee_id.sudo().user_id
            if owner and objective.approver_id == owner:
                raise ValidationError(
                    self.env._(
                        "Objective “%(name)s”: its owner cannot be its approver.",
                        name=objective.name,
                    )
                )

    # ------------------------------------------------------------------
    # What a user may set by hand (see okr.pay.guard)
    # ------------------------------------------------------------------
    @api.model_create_multi
    def create(self, vals_list):
        objectives = super().create(vals_list)
        if not is_trusted(self.env):
            chosen = [vals.get("approver_id") for vals in vals_list]
            objectives._okr_check_chosen_approver(chosen)
        return objectives

    def write(self, vals):
        res = super().write(vals)
        if not is_trusted(self.env) and "approver_id" in vals:
            self._okr_check_chosen_approver([vals["approver_id"]] * len(self))
        return res

    def _okr_check_chosen_approver(self, chosen):
        """Only OKR administrators choose an approver; anyone else gets the owner's
        manager (an approver of one's own choosing would approve anything)."""
        if self._is_okr_admin():
            return
        for objective, approver_id in zip(self, chosen, strict=True):
            if approver_id and objective.approver_id != objective._expected_approver():
                raise AccessError(
                    self.env._(
                        "Objective “%(name)s”: only an OKR administrator can choose its "
                        "approver; it is the owner's manager (%(manager)s).",
                        name=objective.name,
                        manager=objective._expected_approver().name or self.env._("none"),
                    )
                )

    def _okr_check_write(self, vals):
        if self._is_okr_admin():
            return
        moved = [name for name in self._okr_draft_fields if name in vals]
        for objective in self.filtered(lambda o: o.state != "draft"):
            for name in moved:
                if not self._okr_same(objective, name, vals[name]):
                    raise AccessError(
                        self.env._(
                            "Objective “%(name)s” is %(state)s: its owner, level, cycle and "
                            "company change only while it is a draft (ask the approver to "
                            "send it back).",
                            name=objective.name,
                            state=objective._state_label(),
                        )
                    )

    def _state_label(self):
        return dict(self._fields["state"]._description_selection(self.env))[self.state]

    def action_open_key_results(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("okr_addon.okr_key_result_action")
        action["domain"] = [("objective_id", "=", self.id)]
        action["context"] = {"default_objective_id": self.id}
        return action

    def _search_in_my_team(self, operator, value):
        """Objectives of the employees below the current user in the manager chain."""
        if operator not in ("in", "not in"):
            return NotImplemented
        employees = self.env.user.employee_ids
        team = (
            Domain("employee_id", "child_of", employees.ids)
            & Domain("employee_id", "not in", employees.ids)
            if employees
            else Domain.FALSE
        )
        return team if (operator == "in") == (True in value) else ~team
