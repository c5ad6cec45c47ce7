"""Key results: the measurable results of an objective, moved by check-ins.

This file holds the fields, who may change what decides the score (okr.pay.guard
checks), the constraints on its figures and the audit trail of mid-cycle changes.
The forecast, suggestion and decline alert hooks are in okr_key_result_forecast.py,
the stale check-in reminders in okr_key_result_stale.py.
"""

from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import AccessError, ValidationError
from odoo.tools import SQL

from ..logic import progress as okr_progress
from .okr_pay_guard import check_finite, is_trusted

# Figures whose change on a running objective must leave an audit trail.
AUDITED_FIELDS = ("start_value", "target_value", "weight", "direction")
# What the score is measured against: once the objective left draft, only its
# approver or an OKR administrator (never its owner) changes them.
SCORED_FIELDS = (
    *AUDITED_FIELDS,
    "kind",
    "cumulative",
    "kpi_target_id",
    "objective_id",
)
# A score by hand: set by the approver or an OKR administrator, never the owner.
OVERRIDE_FIELDS = ("score_override", "manual_score", "score_reason")


class OkrKeyResult(models.Model):
    """A measurable result of an objective, moving from a start to a target value."""

    _name = "okr.key.result"
    _description = "OKR Key Result"
    _inherit = [
        "okr.pay.guard",
        "mail.thread",
        "mail.activity.mixin",
        "okr.forecast.alert.mixin",
    ]
    _order = "objective_id, sequence, id"
    _okr_workflow_fields = ("decline_streak_checkin_id", "reminder_date")
    _check_company_auto = True
    _okr_history = "checkins"

    name = fields.Char(required=True, tracking=True)
    sequence = fields.Integer(default=10)
    objective_id = fields.Many2one("okr.objective", required=True, ondelete="cascade", index=True)
    employee_id = fields.Many2one(
        related="objective_id.employee_id", store=True, group_expand="_group_expand_team"
    )
    department_id = fields.Many2one(related="objective_id.department_id", store=True)
    cycle_id = fields.Many2one(related="objective_id.cycle_id", store=True)
    company_id = fields.Many2one(related="objective_id.company_id", store=True)
    state = fields.Selection(related="objective_id.state", store=True, string="Status")
    kind = fields.Selection(
        [
            ("number", "Number"),
            ("percentage", "Percentage"),
            ("currency", "Currency"),
            ("milestone", "Milestone"),
        ],
        default="number",
        required=True,
    )
    direction = fields.Selection(
        [("increase", "Increase"), ("decrease", "Decrease")],
        default="increase",
        required=True,
        tracking=True,
        help="Decrease for results that improve by going down, e.g. scrap rate 7% → 5%.",
    )
    unit = fields.Char(help="Shown after the values, e.g. %, pcs, CNY.")
    cumulative = fields.Boolean(
        help="Check-ins add up (e.g. daily output): the current value is the start "
        "value plus the sum of check-ins. Otherwise it is the latest check-in.",
    )
    start_value = fields.Float(tracking=True)
    target_value = fields.Float(default=1.0, tracking=True)
    current_value = fields.Float(compute="_compute_from_checkins", store=True)
    weight = fields.Float(default=1.0, tracking=True)
    progress = fields.Float(compute="_compute_progress", store=True, aggregator="avg")
    progress_percent = fields.Float(
        string="Progress (%)", compute="_compute_progress", store=True, aggregator="avg"
    )
    confidence = fields.Float(
        compute="_compute_from_checkins",
        store=True,
        aggregator="avg",
        help="Owner's confidence (0 to 1) of reaching the target, from the latest check-in.",
    )
    checkin_ids = fields.One2many("okr.checkin", "key_result_id", string="Check-ins")
    kpi_target_id = fields.Many2one(
        "kpi.target",
        string="Fed by KPI Target",
        index="btree_not_null",
        check_company=True,
        help="The current value follows this KPI target's actual, so progress moves by itself.",
    )
    last_checkin_date = fields.Date(compute="_compute_from_checkins", store=True)
    score_override = fields.Boolean(
        string="Override Score",
        tracking=True,
        help="Score this key result by hand instead of by its progress (its approver or "
        "an OKR administrator, with a reason).",
    )
    manual_score = fields.Float(tracking=True)
    score_reason = fields.Text(string="Reason for Score Override", tracking=True)
    score = fields.Float(
        compute="_compute_score",
        store=True,
        aggregator="avg",
        help="0 to 1: the progress capped at 1.0, unless overridden with a reason.",
    )
    decline_streak_checkin_id = fields.Many2one(
        "okr.checkin",
        readonly=True,
        check_company=True,
        copy=False,
        help="First check-in of the last decline streak the owner was told about.",
    )
    reminder_date = fields.Date(
        readonly=True,
        copy=False,
        help="When the owner was last reminded of a missing check-in.",
    )
    suggestion_note = fields.Char(
        help="A target from the owner's check-ins on the same key result in past cycles "
        "and the team's.",
    )
    # The mixin's forecast fields, computed from the check-ins here (a KPI target's
    # are written by its daily forecast).
    forecast_value = fields.Float(
        compute="_compute_forecast",
        store=True,
        help="Where the check-ins so far lead by the end of the cycle (linear trend).",
    )
    has_forecast = fields.Boolean(compute="_compute_forecast", store=True)
    forecast_low = fields.Float(compute="_compute_forecast", store=True)
    forecast_high = fields.Float(compute="_compute_forecast", store=True)
    forecast_note = fields.Char(compute="_compute_forecast", store=True)
    likely_to_miss = fields.Boolean(compute="_compute_forecast", store=True)

    @api.depends(
        "checkin_ids.value",
        "checkin_ids.date",
        "checkin_ids.confidence",
        "start_value",
        "cumulative",
        "kpi_target_id.actual",
        "kpi_target_id.has_actual",
    )
    def _compute_from_checkins(self):
        summaries = self._checkin_summaries()
        for result in self:
            if result.id in summaries:
                last_value, confidence, last_date, total = summaries[result.id]
            else:  # no check-in yet, or a record being edited in a form
                checkins = result.checkin_ids.sorted(lambda c: (c.date, c.id))
                last = checkins[-1:]
                last_value, confidence, last_date = last.value, last.confidence, last.date
                total = sum(checkins.mapped("value"))
                if not checkins:
                    confidence, last_date = 0.0, False
            kpi = result.kpi_target_id
            if kpi:
                result.current_value = kpi.actual if kpi.has_actual else result.start_value
            elif last_date is False:
                result.current_value = result.start_value
            elif result.cumulative:
                result.current_value = result.start_value + total
            else:
                result.current_value = last_value
            result.confidence = confidence
            result.last_checkin_date = last_date

    def _checkin_summaries(self):
        """Per saved key result with check-ins: (latest value, latest confidence, latest
        date, sum of values), the latest by date then id, in one query for all of them.

        A check-in saves one row; reading every earlier check-in of the key result
        (a quarter of daily ones) to find the latest would make each check-in slower
        than the one before."""
        ids = [result_id for result_id in self.ids if isinstance(result_id, int)]
        if not ids:
            return {}
        self.env["okr.checkin"].flush_model(["key_result_id", "date", "value", "confidence"])
        rows = self.env.execute_query(
            SQL(
                """SELECT DISTINCT ON (key_result_id) key_result_id, value, confidence, date,
                          SUM(value) OVER (PARTITION BY key_result_id)
                     FROM okr_checkin
                    WHERE key_result_id = ANY(%s)
                 ORDER BY key_result_id, date DESC, id DESC""",
                ids,
            )
        )
        return {row[0]: tuple(row[1:]) for row in rows}

    @api.depends(
        "start_value",
        "target_value",
        "current_value",
        "kind",
        "company_id.okr_progress_cap",
    )
    def _compute_progress(self):
        for result in self:
            cap = result.company_id.okr_progress_cap or okr_progress.DEFAULT_CAP
            try:
                value = okr_progress.key_result_progress(
                    result.start_value,
                    result.target_value,
                    result.current_value,
                    result.kind,
                    max(cap, 1.0),
                )
            except okr_progress.ProgressError:
                value = 0.0  # rejected by _check_values before it can be saved
            result.progress = value
            result.progress_percent = value * 100

    @api.depends("progress", "score_override", "manual_score")
    def _compute_score(self):
        for result in self:
            result.score = (
                result.manual_score
                if result.score_override
                else okr_progress.default_score(result.progress)
            )

    @api.onchange("kind")
    def _onchange_kind(self):
        if self.kind == "milestone":
            self.update({"start_value": 0.0, "target_value": 1.0, "direction": "increase"})

    # ------------------------------------------------------------------
    # Who may change what decides the score (see okr.pay.guard)
    # ------------------------------------------------------------------
    def _okr_check_create(self, vals_list):
        guarded = self.env["okr.objective"]
        for vals in vals_list:
            objective = guarded.browse(vals.get("objective_id"))
            if objective.state not in (False, "draft") or vals.get("score_override"):
                guarded |= objective
        self._okr_check_scorer(guarded)

    def _okr_check_write(self, vals):
        def changing(names):
            return self.filtered(
                lambda r: any(n in vals and not self._okr_same(r, n, vals[n]) for n in names)
            )

        guarded = changing(SCORED_FIELDS).objective_id.filtered(lambda o: o.state != "draft")
        guarded |= changing(OVERRIDE_FIELDS).objective_id
        if vals.get("objective_id"):
            moved_to = guarded.browse(vals["objective_id"])
            guarded |= moved_to.filtered(lambda o: o.state != "draft")
        self._okr_check_scorer(guarded)

    def unlink(self):
        if not is_trusted(self.env):
            self._okr_check_scorer(self.objective_id.filtered(lambda o: o.state != "draft"))
        return super().unlink()

    def _okr_check_scorer(self, objectives):
        """Refuse unless the caller approves ``objectives`` (their approver or an OKR
        administrator) and owns none of them."""
        user = self.env.user
        admin = self._okr_is_admin()
        for objective in objectives:
            owner = objective.employee_id.sudo().user_id
            if owner == user or not (admin or objective.approver_id == user):
                raise AccessError(
                    self.env._(
                        "Objective “%(name)s”: once submitted, its key results (and any "
                        "score set by hand) are changed by its approver or an OKR "
                        "administrator, not by its owner.",
                        name=objective.name,
                    )
                )

    # ------------------------------------------------------------------
    # Constraints
    # ------------------------------------------------------------------
    @api.constrains("start_value", "target_value", "weight", "manual_score")
    def _check_finite(self):
        for result in self:
            check_finite(
                self.env,
                self.env._("Key result “%(name)s”", name=result.name),
                result.start_value,
                result.target_value,
                result.weight,
                result.manual_score,
            )

    @api.constrains("kpi_target_id", "objective_id")
    def _check_kpi_target_owner(self):
        for result in self.filtered("kpi_target_id"):
            target = result.kpi_target_id.sudo()
            if target.level == "employee" and target.employee_id != result.employee_id:
                raise ValidationError(
                    self.env._(
                        "Key result “%(name)s” can only follow a KPI target of its own "
                        "owner (%(target)s is %(employee)s's).",
                        name=result.name,
                        target=target.display_name,
                        employee=target.employee_id.name,
                    )
                )

    def _progress_error_message(self, code):
        messages = {
            "equal": self.env._("start and target values are equal"),
            "increase_below": self.env._("an increasing key result needs a target above its start"),
            "decrease_above": self.env._("a decreasing key result needs a target below its start"),
        }
        return messages.get(code, code)

    @api.constrains("start_value", "target_value", "direction", "kind")
    def _check_values(self):
        for result in self:
            try:
                okr_progress.check_key_result(
                    result.start_value, result.target_value, result.direction, result.kind
                )
            except okr_progress.ProgressError as error:
                raise ValidationError(
                    self.env._(
                        "Key result “%(name)s”: %(reason)s.",
                        name=result.name,
                        reason=self._progress_error_message(error.code),
                    )
                ) from error

    @api.constrains("weight", "objective_id")
    def _check_weight(self):
        for result in self:
            if result.weight < 0:
                raise ValidationError(
                    self.env._(
                        "Key result “%(name)s”: the weight cannot be negative (%(weight)s).",
                        name=result.name,
                        weight=result.weight,
                    )
                )
        for objective in self.objective_id:
            siblings = objective.key_result_ids
            if siblings and not any(siblings.mapped("weight")):
                raise ValidationError(
                    self.env._(
                        "Objective “%(objective)s”: every key result has a weight of 0 "
                        "(%(names)s); give at least one a weight above 0.",
                        objective=objective.name,
                        names=", ".join(siblings.mapped("name")),
                    )
                )

    @api.constrains("score_override", "manual_score", "score_reason")
    def _check_score_override(self):
        for result in self.filtered("score_override"):
            if not 0.0 <= result.manual_score <= 1.0:
                raise ValidationError(
                    self.env._(
                        "Key result “%(name)s”: a score is between 0 and 1.",
                        name=result.name,
                    )
                )
            if not (result.score_reason or "").strip():
                raise ValidationError(
                    self.env._(
                        "Key result “%(name)s”: say why its score is overridden.",
                        name=result.name,
                    )
                )

    # ------------------------------------------------------------------
    # Audit trail and reminders
    # ------------------------------------------------------------------
    def write(self, vals):
        audited = [f for f in AUDITED_FIELDS if f in vals]
        before = {}
        if audited:
            for result in self.filtered(lambda r: r.objective_id.state == "running"):
                before[result] = {f: result[f] for f in audited}
        res = super().write(vals)
        for result, old in before.items():
            result._post_audit_note(old)
        return res

    def _post_audit_note(self, old):
        changes = [
            (self._fields[f].get_description(self.env)["string"], old[f], self[f])
            for f in old
            if old[f] != self[f]
        ]
        if not changes:
            return
        items = Markup("").join(Markup("<li>%s: %s → %s</li>") % change for change in changes)
        self.objective_id.message_post(
            body=Markup("<p>%s</p><ul>%s</ul>")
            % (
                self.env._("Key result “%(name)s” changed mid-cycle:", name=self.name),
                items,
            ),
            subtype_xmlid="mail.mt_note",
        )
