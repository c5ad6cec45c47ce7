"""Key results: the measurable results of an objective, moved by check-ins.

Why over 400 lines: one model that carries the score of an objective, so next
to its fields it holds who may change what decides the score (okr.pay.guard
checks), the constraints on its figures, the audit trail of mid-cycle changes
and the stale check-in reminders. Forecast, suggested target and decline alert
are okr.forecast.alert.mixin's (okr_forecast_alert_mixin.py); this file only
fills in its hooks and computes the forecast from the check-ins.
"""

from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import AccessError, ValidationError
from odoo.fields import Domain
from odoo.tools import SQL

from ..logic import progress as okr_progress
from ..logic import stats
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
    employee_id = fields.Many2one(related="objective_id.employee_id", store=True)
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

    @api.depends(
        "checkin_ids.value",
        "checkin_ids.date",
        "start_value",
        "target_value",
        "direction",
        "cumulative",
        "kind",
        "cycle_id.date_start",
        "cycle_id.date_end",
        "kpi_target_id.forecast_value",
        "kpi_target_id.forecast_note",
        "kpi_target_id.likely_to_miss",
    )
    def _compute_forecast(self):
        series = self._checkin_series()
        for result in self:
            kpi = result.kpi_target_id
            if kpi:
                result.update(
                    {
                        "forecast_value": kpi.forecast_value,
                        "forecast_low": kpi.forecast_low,
                        "forecast_high": kpi.forecast_high,
                        "forecast_note": kpi.forecast_note,
                        "likely_to_miss": kpi.likely_to_miss,
                    }
                )
                continue
            points = series.get(result.id, [])
            vals = result._okr_forecast_values(
                result._forecast(points), len({day for day, _value in points})
            )
            if result.kind == "milestone":
                vals["forecast_note"] = False  # done or not: nothing to forecast
            result.update(vals)

    @api.depends("name", "employee_id", "cycle_id", "direction", "kind", "kpi_target_id")
    def _compute_suggestion(self):
        """Suggest from the check-ins of the same-named key results of past cycles (the
        owner's, then the department's), one query for all key results."""
        todo = self.filtered(
            lambda r: (
                r.name
                and r.employee_id
                and r.cycle_id.date_start
                and r.kind != "milestone"
                and not r.kpi_target_id
                and not r.cumulative
            )
        )
        (self - todo).update({"suggested_target": 0.0, "suggestion_note": False})
        if not todo:
            return
        latest_start = max(todo.mapped("cycle_id.date_start"))
        history = (
            self.env["okr.checkin"]
            .sudo()
            .search(
                [
                    ("key_result_id.name", "in", list(set(todo.mapped("name")))),
                    ("key_result_id.cumulative", "=", False),
                    ("date", "<", latest_start),
                    ("date", ">=", fields.Date.subtract(latest_start, days=365)),
                    "|",
                    ("owner_id", "in", todo.employee_id.ids),
                    ("owner_id.department_id", "in", todo.employee_id.department_id.ids),
                ]
            )
        )
        by_name = history.grouped(lambda c: c.key_result_id.name)
        for result in todo:
            start = result.cycle_id.date_start
            window = by_name.get(result.name, history.browse()).filtered(
                lambda c, r=result, d=start: c.date < d and c.key_result_id.cycle_id != r.cycle_id
            )
            own = window.filtered(lambda c, r=result: c.owner_id == r.employee_id)
            team = (window - own).filtered(
                lambda c, r=result: (
                    r.employee_id.department_id
                    and c.owner_id.department_id == r.employee_id.department_id
                )
            )
            suggestion = stats.suggest_target(
                own.mapped("value"),
                team.mapped("value"),
                result._okr_lower_is_better(),
            )
            result._okr_suggest(suggestion, len(own))

    def _forecast(self, checkins):
        """Projection of the current value to the cycle end from ``checkins`` ((date,
        value) in date order; None: a milestone, no dated cycle, or check-ins on fewer
        than 3 days)."""
        cycle = self.cycle_id
        if self.kind == "milestone" or not cycle.date_start or not cycle.date_end:
            return None
        by_day = {}
        running = self.start_value
        for day, value in checkins or []:
            running = running + value if self.cumulative else value
            by_day[(day - cycle.date_start).days] = running
        return stats.forecast(by_day.items(), (cycle.date_end - cycle.date_start).days)

    def _checkin_series(self):
        """{key result id: [(date, value)] in date order}: one query for the saved key
        results, the check-ins in memory for one being edited in a form."""
        ids = [result_id for result_id in self.ids if isinstance(result_id, int)]
        series = {}
        if ids:
            self.env["okr.checkin"].flush_model(["key_result_id", "date", "value"])
            rows = self.env.execute_query(
                SQL(
                    """SELECT key_result_id, date, value FROM okr_checkin
                        WHERE key_result_id = ANY(%s) ORDER BY key_result_id, date, id""",
                    ids,
                )
            )
            for result_id, day, value in rows:
                series.setdefault(result_id, []).append((day, value))
        for result in self.filtered(lambda r: not isinstance(r.id, int)):
            checkins = result.checkin_ids.sorted(lambda c: (c.date, c.id))
            series[result.id] = [(c.date, c.value) for c in checkins]
        return series

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

    @api.model
    def _stale_domain(self, today, companies=None):
        """Running key results whose owner has not checked in for the stale days.

        Companies may set different stale days, so the domain is built per company
        (by default the user's allowed companies).
        """
        domains = []
        for company in companies or self.env.companies:
            limit = fields.Date.subtract(today, days=company.okr_stale_days)
            domains.append(
                Domain("company_id", "=", company.id)
                & (
                    Domain("last_checkin_date", "<=", limit)
                    | (
                        Domain("last_checkin_date", "=", False)
                        & Domain("objective_id.date_approved", "<=", limit)
                    )
                )
            )
        return (
            Domain("state", "=", "running")
            & Domain("cycle_id.state", "=", "running")
            & Domain.OR(domains)
        )

    @api.model
    def _cron_remind_stale(self):
        """Give the owner of each stale key result one reminder per check-in gap."""
        today = fields.Date.context_today(self)
        everywhere = self.sudo()
        companies = everywhere._read_group([("state", "=", "running")], ["company_id"])
        companies = self.env["res.company"].union(*(company for (company,) in companies))
        if not companies:
            return self
        stale = everywhere.search(everywhere._stale_domain(today, companies))
        # Already reminded since the last check-in: the same gap, no second reminder.
        todo = stale.filtered(
            lambda r: (
                not r.reminder_date
                or r.reminder_date <= (r.last_checkin_date or r.objective_id.date_approved)
            )
        )
        for result in todo:
            user = result.employee_id.user_id or result.objective_id.approver_id
            if not user:
                continue
            # Worded in the reader's language, not the scheduler's.
            reader = self.with_context(lang=user.lang or self.env.lang)
            if user.share:
                # Portal users (frontline staff) have no activities: e-mail them.
                result.message_post(
                    body=reader.env._(
                        "No check-in on “%(name)s” for a while: how is it going?", name=result.name
                    ),
                    partner_ids=user.partner_id.ids,
                    subtype_xmlid="mail.mt_comment",
                )
                continue
            result.activity_schedule(
                "okr_addon.mail_activity_okr_checkin",
                user_id=user.id,
                summary=reader.env._("Check in: %(name)s", name=result.name),
            )
        todo.reminder_date = today
        return todo

    def action_open_checkin(self):
        """Open a one-screen check-in for this key result."""
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Check in: %(name)s", name=self.name),
            "res_model": "okr.checkin",
            "view_mode": "form",
            "views": [(self.env.ref("okr_addon.okr_checkin_view_form_quick").id, "form")],
            "target": "new",
            "context": {
                "default_key_result_id": self.id,
                "default_value": self.current_value,
                "default_confidence": self.confidence or 0.7,
            },
        }

    # ------------------------------------------------------------------
    # Hooks of okr.forecast.alert.mixin
    # ------------------------------------------------------------------
    def _okr_lower_is_better(self):
        return self.direction == "decrease"

    @api.model
    def _okr_goal_field(self):
        return "target_value"

    def _okr_period_end(self):
        return self.cycle_id.date_end

    @api.model
    def _okr_alert_domain(self, today):
        """Running key results (of running objectives)."""
        return [("state", "=", "running")]

    def _okr_alert_series(self):
        """{key result id: [(check-in, value)] by date}, in one search for all."""
        checkins = (
            self.env["okr.checkin"]
            .sudo()
            .search([("key_result_id", "in", self.ids)], order="key_result_id, date, id")
        )
        return {
            result.id: [(checkin, checkin.value) for checkin in series]
            for result, series in checkins.grouped("key_result_id").items()
        }

    @api.model
    def _okr_alert_streak_field(self):
        return "decline_streak_checkin_id"

    def _okr_alert_subject(self, points):
        """The key result's name and its current value."""
        return self.name, self.current_value
