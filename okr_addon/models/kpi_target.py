"""KPI targets: what a company, department or employee aims at, and how far they got.

This file holds the fields, the checks of a target's terms and who may set them.
Actuals (measured and rolled up, set-based) are in kpi_target_actuals.py, the
forecast and decline alert hooks in kpi_target_forecast.py, ranks in
kpi_target_rank.py.
"""

from odoo import api, fields, models
from odoo.exceptions import AccessError, ValidationError

from ..logic import kpi as kpi_logic
from ..logic import stats
from .okr_pay_guard import check_finite

# What a target asks and of whom: nobody below OKR administrator sets their own.
TERMS_FIELDS = (
    "definition_id",
    "level",
    "employee_id",
    "department_id",
    "date_from",
    "date_to",
    "floor",
    "target",
    "has_stretch",
    "stretch",
    "weight",
    "parent_id",
)

LEVELS = [("company", "Company"), ("department", "Department"), ("employee", "Employee")]
# What a target measures: changing one of them moves its actual.
MEASURED_BY = frozenset(
    {"definition_id", "level", "employee_id", "department_id", "date_from", "date_to", "parent_id"}
)


class KpiTarget(models.Model):
    """A KPI goal for a company, department or employee over a date range.

    Targets cascade: a company target has department children, which have
    employee children. A leaf's actual comes from its measurements; a
    parent's actual rolls up from its children of the same KPI (sum or mean,
    by the KPI's aggregation). Editing a child never changes its parent's
    target values.
    """

    _name = "kpi.target"
    _description = "KPI Target"
    _inherit = ["okr.pay.guard", "mail.thread", "okr.forecast.alert.mixin"]
    _order = "date_from desc, definition_id, level, id"
    # Measured by the refresh and the forecast, never typed.
    _okr_workflow_fields = (
        "actual",
        "has_actual",
        "forecast_value",
        "has_forecast",
        "forecast_low",
        "forecast_high",
        "forecast_note",
        "likely_to_miss",
        "decline_streak_date",
    )
    _parent_store = True
    _check_company_auto = True
    _okr_history = "days"

    name = fields.Char(compute="_compute_name", store=True)
    definition_id = fields.Many2one(
        "kpi.definition", string="KPI", required=True, index=True, check_company=True
    )
    direction = fields.Selection(related="definition_id.direction")
    unit = fields.Char(related="definition_id.unit")
    level = fields.Selection(LEVELS, default="employee", required=True)
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company, index=True
    )
    department_id = fields.Many2one(
        "hr.department",
        compute="_compute_department_id",
        store=True,
        readonly=False,
        index=True,
        check_company=True,
    )
    employee_id = fields.Many2one("hr.employee", index=True, check_company=True)
    parent_id = fields.Many2one(
        "kpi.target", string="Cascaded From", index=True, ondelete="cascade", check_company=True
    )
    parent_path = fields.Char(index=True)
    child_ids = fields.One2many("kpi.target", "parent_id", string="Cascaded To")
    date_from = fields.Date(required=True, tracking=True)
    date_to = fields.Date(required=True, tracking=True)
    floor = fields.Float(
        compute="_compute_floor",
        store=True,
        readonly=False,
        precompute=True,
        tracking=True,
        help="Worst acceptable value: scores 0. Defaults to 0 (higher is better) or "
        "twice the target (lower is better).",
    )
    target = fields.Float(required=True, tracking=True, help="Scores 1.0.")
    has_stretch = fields.Boolean(string="Stretch Goal")
    stretch = fields.Float(tracking=True, help="Scores the company's cap (1.2 by default).")
    weight = fields.Float(default=1.0, help="Weight in a scorecard of several KPIs.")
    actual = fields.Float(readonly=True, copy=False, aggregator="avg")
    has_actual = fields.Boolean(readonly=True, copy=False)
    completion = fields.Float(
        compute="_compute_score", store=True, aggregator="avg", help="1.0 = target met."
    )
    completion_percent = fields.Float(
        string="Completion (%)", compute="_compute_score", store=True, aggregator="avg"
    )
    score = fields.Float(compute="_compute_score", store=True, aggregator="avg")
    key_result_ids = fields.One2many("okr.key.result", "kpi_target_id", string="Key Results")
    suggestion_note = fields.Char(
        help="A personal target from the employee's history and the team's level.",
    )
    forecast_value = fields.Float(
        help="The actual the period is heading for at its end (linear trend of the values so far).",
    )
    decline_streak_date = fields.Date(
        readonly=True,
        copy=False,
        help="First day of the last decline streak the employee was told about.",
    )

    _dates = models.Constraint(
        "CHECK(date_from <= date_to)", "A target cannot end before it starts."
    )
    _weight = models.Constraint("CHECK(weight >= 0)", "A target's weight cannot be negative.")
    # One target per KPI, subject and period: a cascade run twice updates, never doubles.
    _one_per_employee = models.UniqueIndex(
        "(definition_id, employee_id, date_from, date_to) WHERE level = 'employee'",
        "An employee already has a target for this KPI and period.",
    )
    _one_per_department = models.UniqueIndex(
        "(definition_id, department_id, date_from, date_to) WHERE level = 'department'",
        "A department already has a target for this KPI and period.",
    )
    _one_per_company = models.UniqueIndex(
        "(definition_id, company_id, date_from, date_to) WHERE level = 'company'",
        "The company already has a target for this KPI and period.",
    )

    @api.depends("definition_id", "level", "employee_id", "department_id", "date_from", "date_to")
    def _compute_name(self):
        for target in self:
            subject = {
                "employee": target.employee_id.name,
                "department": target.department_id.name,
                "company": target.company_id.name,
            }.get(target.level)
            target.name = " · ".join(
                str(part) for part in (target.definition_id.name, subject, target.date_from) if part
            )

    @api.depends("employee_id")
    def _compute_department_id(self):
        for target in self.filtered("employee_id"):
            target.department_id = target.employee_id.department_id

    @api.depends("target", "definition_id.direction")
    def _compute_floor(self):
        for target in self:
            if not target.floor:
                target.floor = kpi_logic.default_floor(target.target, target.direction)

    @api.depends(
        "actual",
        "has_actual",
        "floor",
        "target",
        "stretch",
        "has_stretch",
        "definition_id.direction",
        "company_id.kpi_score_cap",
    )
    def _compute_score(self):
        for target in self:
            if not target.has_actual or not target.target:
                target.completion = target.completion_percent = target.score = 0.0
                continue
            direction = target.direction
            target.completion = kpi_logic.completion(target.actual, target.target, direction)
            target.completion_percent = target.completion * 100
            target.score = kpi_logic.score(
                target.actual,
                target.target,
                direction,
                floor=target.floor,
                stretch=target.stretch if target.has_stretch else None,
                cap=max(target.company_id.kpi_score_cap or kpi_logic.DEFAULT_CAP, 1.0),
            )

    @api.depends("definition_id", "employee_id", "date_from")
    def _compute_suggestion(self):
        """Suggest from the last 90 days before the target starts (one query for all)."""
        todo = self.filtered(lambda t: t.level == "employee" and t.employee_id and t.date_from)
        (self - todo).update({"suggested_target": 0.0, "suggestion_note": False})
        if not todo:
            return
        since = fields.Date.subtract(min(todo.mapped("date_from")), days=90)
        rows = (
            self.env["kpi.measurement"]
            .sudo()
            .search_read(
                [
                    ("definition_id", "in", todo.definition_id.ids),
                    ("date", ">=", since),
                    ("date", "<", max(todo.mapped("date_from"))),
                    "|",
                    ("employee_id", "in", todo.employee_id.ids),
                    ("department_id", "in", todo.employee_id.department_id.ids),
                ],
                ["definition_id", "employee_id", "department_id", "date", "value"],
            )
        )
        certified = self._certified(todo)
        by_definition = {}
        for row in rows:
            by_definition.setdefault(row["definition_id"][0], []).append(row)
        for target in todo:
            since_target = fields.Date.subtract(target.date_from, days=90)
            window = [
                r
                for r in by_definition.get(target.definition_id.id, [])
                if since_target <= r["date"] < target.date_from
            ]
            own = [
                r["value"]
                for r in window
                if r["employee_id"] and r["employee_id"][0] == target.employee_id.id
            ]
            team = [
                r["value"]
                for r in window
                if r["department_id"]
                and r["department_id"][0] == target.employee_id.department_id.id
                and (not r["employee_id"] or r["employee_id"][0] != target.employee_id.id)
            ]
            suggestion = stats.suggest_target(
                own,
                team,
                target._okr_lower_is_better(),
                certified=target in certified,
            )
            target._okr_suggest(suggestion, len(own))

    def _certified(self, targets):
        """Targets whose employee holds a valid skill related to the KPI."""
        skills = targets.definition_id.skill_ids
        if not skills:
            return self.browse()
        held = (
            self.env["hr.employee.skill"]
            .sudo()
            .search(
                [
                    ("employee_id", "in", targets.employee_id.ids),
                    ("skill_id", "in", skills.ids),
                    "|",
                    ("valid_to", "=", False),
                    ("valid_to", ">=", min(targets.mapped("date_from"))),
                ]
            )
        )
        pairs = {(s.employee_id.id, s.skill_id.id) for s in held}
        return targets.filtered(
            lambda t: any(
                (t.employee_id.id, skill.id) in pairs for skill in t.definition_id.skill_ids
            )
        )

    @api.constrains("level", "employee_id", "department_id")
    def _check_subject(self):
        for target in self:
            if target.level == "employee" and not target.employee_id:
                raise ValidationError(
                    self.env._("KPI target “%(name)s”: choose the employee.", name=target.name)
                )
            if target.level == "department" and not target.department_id:
                raise ValidationError(
                    self.env._("KPI target “%(name)s”: choose the department.", name=target.name)
                )

    def _okr_check_create(self, vals_list):
        mine = self.env.user.employee_ids
        if mine and not self._okr_is_admin():
            for vals in vals_list:
                if vals.get("employee_id") in mine.ids:
                    self._okr_refuse_own_target()

    def _okr_check_write(self, vals):
        if self._okr_is_admin() or not any(name in vals for name in TERMS_FIELDS):
            return
        mine = self.env.user.employee_ids
        for target in self:
            changed = any(
                n in vals and not self._okr_same(target, n, vals[n]) for n in TERMS_FIELDS
            )
            if changed and (target.employee_id in mine or vals.get("employee_id") in mine.ids):
                self._okr_refuse_own_target()

    def _okr_refuse_own_target(self):
        raise AccessError(
            self.env._(
                "Your own KPI target is set by your manager or an OKR administrator, not by you."
            )
        )

    @api.constrains("floor", "target", "stretch", "weight")
    def _check_finite(self):
        for target in self:
            check_finite(
                self.env,
                self.env._("KPI target “%(name)s”", name=target.name),
                target.floor,
                target.target,
                target.stretch,
                target.weight,
            )

    @api.constrains("floor", "target", "stretch", "has_stretch", "definition_id")
    def _check_bands(self):
        for target in self:
            try:
                kpi_logic.check_bands(
                    target.floor,
                    target.target,
                    target.stretch if target.has_stretch else None,
                    target.direction,
                )
            except kpi_logic.KpiError as error:
                messages = {
                    "floor_order": self.env._("the floor must be worse than the target"),
                    "stretch_order": self.env._("the stretch must be better than the target"),
                }
                raise ValidationError(
                    self.env._(
                        "KPI target “%(name)s” (%(direction)s): %(reason)s "
                        "(floor %(floor)s, target %(target)s, stretch %(stretch)s).",
                        name=target.name,
                        direction=dict(
                            target.definition_id._fields["direction"]._description_selection(
                                self.env
                            )
                        )[target.direction],
                        reason=messages.get(error.code, str(error)),
                        floor=target.floor,
                        target=target.target,
                        stretch=target.stretch if target.has_stretch else "-",
                    )
                ) from error

    @api.constrains("parent_id")
    def _check_parent(self):
        if self._has_cycle():
            raise ValidationError(self.env._("KPI targets cannot cascade in a loop."))

    @api.model_create_multi
    def create(self, vals_list):
        targets = super().create(vals_list)
        targets._recompute_actuals()  # values measured before the target count at once
        return targets

    def write(self, vals):
        moved = MEASURED_BY & set(vals)
        former_parents = self.parent_id if "parent_id" in vals else self.browse()
        res = super().write(vals)
        if moved:
            (self | former_parents).exists()._recompute_actuals()
        return res

    # ------------------------------------------------------------------
    # Actuals
    # ------------------------------------------------------------------

    def action_recompute(self):
        self._recompute_actuals()
        return True

    def action_cascade(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Cascade %(name)s", name=self.name),
            "res_model": "kpi.cascade.wizard",
            "view_mode": "form",
            "target": "new",
            "context": {"default_target_id": self.id},
        }

    # ------------------------------------------------------------------
    # Hooks of okr.forecast.alert.mixin
    # ------------------------------------------------------------------
