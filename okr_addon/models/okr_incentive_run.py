from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError

from ..logic import incentive as inc_logic
from ..logic import periods
from .okr_pay_guard import trusted
from .okr_phrase import _lt, chain, dumps, tier_phrase

# A run that posted amounts keeps the period they were posted for.
PERIOD_FIELDS = ("date_from", "date_to", "period_type", "company_id")


class OkrIncentiveRun(models.Model):
    """One period's incentives: compute → approve → post, safe to repeat.

    Recomputing keeps each line's identity (its ledger key); posting hands
    payroll only the difference between what a line is worth now and what
    was already posted for it. With the company's Four-Eyes Approval, the
    user who last computed a run does not approve it; who did what is
    tracked in the chatter.
    """

    _name = "okr.incentive.run"
    _description = "Incentive Run"
    _inherit = ["okr.pay.guard", "mail.thread", "mail.activity.mixin"]
    _order = "date_from desc, id desc"
    _check_company_auto = True
    # Written by compute / approve / post / reset only (see okr.pay.guard).
    _okr_workflow_fields = ("state", "computed_by", "approved_by")

    name = fields.Char(
        compute="_compute_name", store=True, readonly=False, required=True, precompute=True
    )
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company, index=True
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    period_type = fields.Selection(
        [("month", "Month"), ("quarter", "Quarter")], default="month", required=True
    )
    date_from = fields.Date(
        required=True,
        default=lambda self: periods.month_bounds(fields.Date.context_today(self))[0],
        tracking=True,
    )
    date_to = fields.Date(
        compute="_compute_date_to",
        store=True,
        readonly=False,
        required=True,
        precompute=True,
        tracking=True,
    )
    rule_ids = fields.Many2many(
        "okr.incentive.rule",
        string="Rules",
        domain="[('company_id', '=', company_id), ('period_type', '=', period_type)]",
        check_company=True,
    )
    state = fields.Selection(
        [
            ("draft", "Draft"),
            ("computed", "Computed"),
            ("approved", "Approved"),
            ("posted", "Posted"),
        ],
        default="draft",
        required=True,
        tracking=True,
        copy=False,
    )
    computed_by = fields.Many2one(
        "res.users",
        readonly=True,
        copy=False,
        tracking=True,
        help="Who last computed the run (or withdrew one of its lines).",
    )
    approved_by = fields.Many2one(
        "res.users", readonly=True, copy=False, tracking=True, help="Who approved the run."
    )
    line_ids = fields.One2many("okr.incentive.line", "run_id", string="Lines", copy=False)
    line_count = fields.Integer(compute="_compute_totals")
    bonus_total = fields.Monetary(compute="_compute_totals")
    deduction_total = fields.Monetary(compute="_compute_totals")
    problem_count = fields.Integer(compute="_compute_totals", string="Blocked or in Error")
    posting_ids = fields.One2many("okr.incentive.posting", "run_id", string="Postings")
    payroll_connector_id = fields.Many2one(
        "okr.connector",
        string="External Payroll",
        check_company=True,
        domain="[('kind', '=', 'payroll_rest'), ('company_id', '=', company_id)]",
        help="Without a payroll module in Odoo: send the postings to this payroll API.",
    )

    def write(self, vals):
        self._check_period_kept(vals)
        moved = self.filtered("line_ids") if set(PERIOD_FIELDS) & set(vals) else self.browse()
        moved = moved.filtered(lambda run: run._period_key() != run._period_key(vals))
        res = super().write(vals)
        if moved:
            # Lines belong to their period (their ledger keys name it): a run moved
            # to another period before anything was posted starts again from draft.
            moved = trusted(moved)
            moved.line_ids.unlink()
            moved.write({"state": "draft", "approved_by": False})
        return res

    def _period_key(self, vals=None):
        """(date_from, date_to, period_type, company id) now, or after writing ``vals``."""
        vals = vals or {}
        return tuple(
            self._fields[name].convert_to_cache(vals[name], self)
            if name in vals
            else (self[name].id if name == "company_id" else self[name])
            for name in PERIOD_FIELDS
        )

    def _check_period_kept(self, vals):
        if not set(PERIOD_FIELDS) & set(vals):
            return
        for run in self.filtered("posting_ids"):
            if run._period_key() != run._period_key(vals):
                raise UserError(
                    self.env._(
                        "%(run)s already posted amounts for its period: its dates, period "
                        "type and company stay as they are. Create a run for the other "
                        "period instead.",
                        run=run.name,
                    )
                )

    @api.depends("date_from", "period_type")
    def _compute_name(self):
        for run in self:
            if not run.name and run.date_from:
                label = periods.cycle_name(run.period_type, run.date_from)
                run.name = self.env._("Incentives %(period)s", period=label)

    @api.depends("date_from", "period_type")
    def _compute_date_to(self):
        for run in self:
            if run.date_from:
                run.date_to = periods.cycle_bounds(run.period_type, run.date_from)[1]

    @api.depends("line_ids.amount", "line_ids.state")
    def _compute_totals(self):
        for run in self:
            ok = run.line_ids.filtered(lambda line: line.state == "ok")
            run.line_count = len(run.line_ids)
            run.bonus_total = sum(a for a in ok.mapped("amount") if a > 0)
            run.deduction_total = sum(a for a in ok.mapped("amount") if a < 0)
            run.problem_count = len(
                run.line_ids.filtered(lambda line: line.state in ("blocked", "error"))
            )

    # ------------------------------------------------------------------
    # Compute
    # ------------------------------------------------------------------
    def _check_hr(self):
        if not self.env.user.has_group("okr_addon.group_okr_admin"):
            raise AccessError(
                self.env._("Only OKR administrators (HR) can compute, approve or post incentives.")
            )

    def action_compute(self):
        """(Re)compute every line; lines keep their identity so posting stays exact."""
        self._check_hr()
        for run in self:
            if run.state == "posted" and not run.line_ids:
                continue
            # A run computes the rules it was given, archived or not, and every rule
            # it already paid under: archiving a rule keeps it out of new runs and
            # taking it off a run does not take back what the run paid.
            paid = run._paid_employees()
            rules = run.with_context(active_test=False).rule_ids
            if not rules:
                rules = self.env["okr.incentive.rule"].search(
                    [("company_id", "=", run.company_id.id), ("period_type", "=", run.period_type)]
                )
            rules |= self.env["okr.incentive.rule"].union(*paid)
            run._check_overlapping_runs(rules)
            if rules != run.with_context(active_test=False).rule_ids:
                run.rule_ids = rules
            wanted = {}
            for rule in rules:
                wanted.update(run._rule_line_values(rule, paid.get(rule)))
            run._apply_lawful_deductions(wanted)
            action = trusted(run)
            action._sync_lines(wanted)
            # The lines now read the settled values: corrected disputes release them.
            self.env["okr.dispute"]._refresh_holds(run.line_ids, recomputed=True)
            action.write({"state": "computed", "computed_by": self.env.uid, "approved_by": False})
        return True

    def _check_overlapping_runs(self, rules):
        """One rule pays one employee once per period: refuse another run that
        shares a rule and whose dates overlap this run's, whatever they are."""
        other = self.with_context(active_test=False).search(
            [
                ("id", "!=", self.id),
                ("company_id", "=", self.company_id.id),
                ("date_from", "<=", self.date_to),
                ("date_to", ">=", self.date_from),
                ("rule_ids", "in", rules.ids),
            ],
            limit=1,
        )
        if other:
            raise UserError(
                self.env._(
                    "%(other)s already covers this period with the same rules: recompute "
                    "that run instead, so nothing is paid twice.",
                    other=other.name,
                )
            )

    def _paid_employees(self):
        """{rule: employees (archived included) with postings under it in this run}."""
        lines = self.env["okr.incentive.line"].search(
            [("run_id", "=", self.id), ("posting_ids", "!=", False)]
        )
        return {
            rule: group.employee_id.sudo().with_context(active_test=False)
            for rule, group in lines.grouped("rule_id").items()
        }

    def _rule_line_values(self, rule, paid=None):
        """{(rule id, employee id): line values} for one rule, all employees at once.

        Employees already paid under the rule in this run are evaluated even when
        they left its scope (archived, moved): what was paid stays paid unless
        their basis itself says nothing is due."""
        employees = rule._scope_employees()
        if paid:
            employees |= paid
        basis = rule._basis_values(employees, self.date_from, self.date_to)
        employees = employees.filtered(lambda e: e.id in basis)
        gates = rule._gate_failures(employees, self.date_from, self.date_to)
        wages = (
            rule._wages(employees, self.date_from, self.date_to)
            if rule.amount_type == "wage_percent"
            else {}
        )
        tiers = [tier._as_logic() for tier in rule.tier_ids]
        # Tier bounds are percentages, except for quantities and attendance counts.
        quantity = rule.basis == "kpi_value" or (
            rule.basis == "attendance" and rule.attendance_metric != "attendance_rate"
        )
        unit = "" if quantity else "%"
        currency = self.currency_id.name or ""
        result = {}
        for employee in employees:
            value, steps = basis[employee.id]
            tier = inc_logic.find_tier(value, tiers)
            vals = {
                "rule_id": rule.id,
                "employee_id": employee.id,
                "basis_value": value,
                "tier_name": tier.label(unit) if tier else False,
                "state": "ok",
                "amount": 0.0,
                "currency_id": self.currency_id.id,
            }
            if employee.id in gates:
                vals.update(
                    state="blocked",
                    explanation_data=chain(
                        *steps, _lt("blocked: %(reason)s", reason=gates[employee.id])
                    ),
                )
            else:
                try:
                    tier, amount, arithmetic = inc_logic.evaluate(
                        value,
                        tiers,
                        rule.amount_type,
                        wages.get(employee.id),
                        floor=rule.floor if rule.use_floor else None,
                        cap=rule.cap if rule.use_cap else None,
                    )
                except inc_logic.IncentiveError:
                    vals.update(
                        state="error",
                        explanation_data=chain(
                            *steps,
                            _lt(
                                "no contract (hr.version) valid in the period: "
                                "a percentage of the wage cannot be computed"
                            ),
                        ),
                    )
                else:
                    vals["amount"] = amount
                    shown = currency if rule.amount_type in ("fixed", "wage_percent") else ""
                    vals["explanation_data"] = chain(
                        *steps,
                        arithmetic if arithmetic is not None else tier_phrase(tier, unit),
                        f"{amount:+.2f} {currency if arithmetic is not None else shown}".strip(),
                    )
            result[(rule.id, employee.id)] = vals
        return result

    def _sync_lines(self, wanted):
        """Update lines in place, create new ones. A line no longer wanted is
        removed when nothing was posted for it; when something was, the basis
        says nothing is due any more and the line is withdrawn (amount 0). A
        line HR withdrew by hand stays withdrawn."""
        existing = {(line.rule_id.id, line.employee_id.id): line for line in self.line_ids}
        for vals in wanted.values():  # compared with the stored text below
            if "explanation_data" in vals:
                vals["explanation_data"] = dumps(vals["explanation_data"])
        to_create = []
        for key, vals in wanted.items():
            line = existing.pop(key, None)
            if line is None:
                to_create.append({**vals, "run_id": self.id})
                continue
            if line.withdrawal_reason:
                continue
            changes = {
                field: value
                for field, value in vals.items()
                if (line[field].id if hasattr(line[field], "id") else line[field]) != value
            }
            if changes:
                line.write(changes)
        gone = self.env["okr.incentive.line"].concat(*existing.values())
        kept = gone.filtered(lambda line: line.posting_ids or line.withdrawal_reason)
        kept.filtered(lambda line: not line.withdrawal_reason).write(
            {
                "state": "withdrawn",
                "amount": 0.0,
                "explanation_data": _lt("no longer due: the amount posted is reversed"),
            }
        )
        (gone - kept).unlink()
        self.env["okr.incentive.line"].create(to_create)

    # ------------------------------------------------------------------
    # Approve and post
    # ------------------------------------------------------------------
    def action_approve(self):
        """Approve computed runs; with Four-Eyes Approval, not the user who computed them."""
        self._check_hr()
        if self.filtered(lambda r: r.state != "computed"):
            raise UserError(self.env._("Compute the run before approving it."))
        for run in self:
            if (
                run.company_id.okr_four_eyes
                and not self.env.su
                and run.computed_by == self.env.user
            ):
                raise UserError(
                    self.env._(
                        "%(run)s was last computed by you. With Four-Eyes Approval on, "
                        "another OKR administrator approves it.",
                        run=run.name,
                    )
                )
        trusted(self).write({"state": "approved", "approved_by": self.env.uid})
        return True

    def action_reset_draft(self):
        self._check_hr()
        trusted(self.filtered(lambda r: r.state in ("computed", "approved"))).write(
            {"state": "draft", "approved_by": False}
        )
        return True

    def _back_to_computed(self):
        """After a change to pay by hand: approve (and post) again."""
        trusted(self.filtered(lambda r: r.state in ("approved", "posted"))).write(
            {"state": "computed", "computed_by": self.env.uid, "approved_by": False}
        )

    def action_open_lines(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "okr_addon.okr_incentive_line_action"
        )
        action["domain"] = [("run_id", "=", self.id)]
        return action
