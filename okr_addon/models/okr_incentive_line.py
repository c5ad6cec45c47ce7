from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import format_list

from ..logic.incentive import split_by_code
from .okr_pay_guard import trusted
from .okr_phrase import _lt, dumps, loads, render

LINE_STATES = [
    ("ok", "Ready"),
    ("blocked", "Blocked"),
    ("error", "Error"),
    ("withdrawn", "Withdrawn"),
]


class OkrIncentiveLine(models.Model):
    """One employee's result under one rule for one period: the amount and why.

    The ledger key (employee, period, rule) identifies it across recomputes;
    what was already posted for it lives in its postings.
    """

    _name = "okr.incentive.line"
    _description = "Incentive Line"
    _inherit = ["okr.pay.guard"]
    # Created, changed and withdrawn by the run's actions only (see okr.pay.guard).
    _okr_actions_only = True
    _order = "run_id desc, employee_id, rule_id"
    _check_company_auto = True

    run_id = fields.Many2one(
        "okr.incentive.run", required=True, ondelete="cascade", index=True, readonly=True
    )
    rule_id = fields.Many2one(
        "okr.incentive.rule",
        required=True,
        ondelete="restrict",
        index=True,
        readonly=True,
        check_company=True,
    )
    employee_id = fields.Many2one(
        "hr.employee", required=True, index=True, readonly=True, check_company=True
    )
    department_id = fields.Many2one(
        "hr.department",
        compute="_compute_department_id",
        store=True,
        check_company=True,
        help="The employee's department when the line was computed.",
    )
    company_id = fields.Many2one(related="run_id.company_id", store=True)
    # Stored and given at creation: Monetary fields then need no per-record currency lookup.
    currency_id = fields.Many2one("res.currency", required=True, readonly=True)
    date_from = fields.Date(related="run_id.date_from", store=True)
    date_to = fields.Date(related="run_id.date_to", store=True)
    ledger_key = fields.Char(
        readonly=True,
        copy=False,
        index=True,
        help="Identity of the line in the payroll ledger, set once when the line is "
        "created: renaming the rule or changing its codes never changes it.",
    )
    basis_value = fields.Float(readonly=True, help="The basis value the tiers were applied to.")
    tier_name = fields.Char(string="Tier", readonly=True)
    team_key = fields.Char(
        readonly=True,
        help="Team pools: the team this share came from (department:<id> or category:<id>); "
        "a member paid in a run stays in that team when the run is recomputed.",
    )
    amount_type = fields.Selection(related="rule_id.amount_type")
    amount = fields.Monetary(readonly=True, help="Signed: negative for a deduction.")
    deduction_cut = fields.Monetary(
        readonly=True,
        help="How much of this deduction was cut by law: the period's deductions take at "
        "most the company's share of the wage and leave at least the minimum wage.",
    )
    label = fields.Char(
        compute="_compute_label",
        help="What the line is: the rule's name, or for a negative amount a deduction "
        "(never “… bonus”).",
    )
    explanation_data = fields.Text(
        readonly=True, help="How the amount came about, as facts (okr_phrase.py)."
    )
    explanation = fields.Char(
        compute="_compute_explanation",
        help="How the amount came about, worded in the reader's language.",
    )
    state = fields.Selection(LINE_STATES, default="ok", required=True, readonly=True)
    withdrawal_reason = fields.Char(
        readonly=True,
        copy=False,
        help="Why HR withdrew the line by hand; a withdrawn line stays withdrawn on recompute.",
    )
    recognized = fields.Boolean(
        readonly=True, copy=False, help="Recognition actions already ran for this line."
    )
    posting_ids = fields.One2many("okr.incentive.posting", "line_id", string="Postings")
    posted_amount = fields.Monetary(compute="_compute_posted_amount")
    payroll_reference = fields.Char(compute="_compute_posted_amount")

    _ledger_uniq = models.UniqueIndex(
        "(rule_id, employee_id, date_from, date_to)",
        "An employee has one incentive line per rule and period.",
    )

    _rec_names_search = ["employee_id", "rule_id"]

    @api.depends("explanation_data")
    @api.depends_context("lang")
    def _compute_explanation(self):
        for line in self:
            line.explanation = render(self.env, loads(line.explanation_data)) or ""

    @api.depends("amount", "rule_id.name", "rule_id.deduction_name", "rule_id.definition_id")
    @api.depends_context("lang")
    def _compute_label(self):
        # Whoever may read a line (an employee: their own) reads its rule's names with
        # it, though employees have no access to the rules themselves.
        readable = self._filtered_access("read")
        (self - readable).label = False
        for line in readable:
            rule = line.rule_id.sudo()
            line.label = line._deduction_label(rule) if line.amount < 0 else rule.name

    def _deduction_label(self, rule):
        """A deduction's name: the rule's own, else "<KPI or basis> deduction"."""
        if rule.deduction_name:
            return rule.deduction_name
        subject = rule.definition_id.name or {
            "okr_score": self.env._("OKR score"),
            "attendance": self.env._("Attendance"),
        }.get(rule.basis, self.env._("Incentive"))
        return self.env._("%(subject)s deduction", subject=subject)

    @api.depends("label", "employee_id")
    @api.depends_context("lang")
    def _compute_display_name(self):
        readable = self._filtered_access("read")
        (self - readable).display_name = False
        for line in readable:  # the line's own employee, like its label's rule
            line.display_name = f"{line.label} · {line.employee_id.sudo().name}"

    @api.depends("employee_id")
    def _compute_department_id(self):
        for line in self:
            line.department_id = line.employee_id.department_id

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            if "explanation_data" in vals:
                vals["explanation_data"] = dumps(vals["explanation_data"])
        return super().create(self._with_ledger_keys(vals_list))

    def write(self, vals):
        if "explanation_data" in vals:
            vals = {**vals, "explanation_data": dumps(vals["explanation_data"])}
        return super().write(vals)

    def _check_company(self, fnames=None):
        """The rule, employee and department of each line belong to the run's company
        (or one above it). One pass over the batch: the generic check evaluates a
        domain per line and field, most of the time of a 10,000-employee compute."""
        names = [
            name
            for name in (fnames if fnames and "company_id" not in fnames else self._fields)
            if self._fields[name].relational and self._fields[name].check_company
        ]
        for line in self:
            allowed = line.company_id.parent_ids
            for name in names:
                # Several companies for a many2many (the disputes holding the line).
                for company in line[name].company_id:
                    if company not in allowed:
                        record = line[name].filtered(lambda r, c=company: r.company_id == c)
                        raise UserError(
                            self.env._(
                                "Incentive line of %(employee)s: %(record)s belongs to "
                                "%(other)s, not to %(company)s.",
                                employee=line.employee_id.name,
                                record=record[:1].display_name,
                                other=company.name,
                                company=line.company_id.name,
                            )
                        )

    def _with_ledger_keys(self, vals_list):
        """Give new lines their ledger key: rule code, employee and period as they
        are at creation, never recomputed. A key already used by another line (a
        new rule took an old rule's code) gets the rule id appended, so a key
        names one line only."""
        vals_list = [dict(vals) for vals in vals_list]
        todo = [vals for vals in vals_list if not vals.get("ledger_key")]
        if not todo:
            return vals_list
        sudo = self.sudo().with_context(active_test=False)
        codes = {
            rule.id: rule.code
            for rule in sudo.env["okr.incentive.rule"].browse({v["rule_id"] for v in todo})
        }
        periods = {
            run.id: f"{run.date_from}/{run.date_to}"
            for run in sudo.env["okr.incentive.run"].browse({v["run_id"] for v in todo})
        }
        keys = [f"{codes[v['rule_id']]}/{v['employee_id']}/{periods[v['run_id']]}" for v in todo]
        taken = set(sudo.search([("ledger_key", "in", keys)]).mapped("ledger_key"))
        for vals, key in zip(todo, keys, strict=True):
            vals["ledger_key"] = f"{key}#{vals['rule_id']}" if key in taken else key
            taken.add(vals["ledger_key"])
        return vals_list

    @api.depends("posting_ids.amount", "posting_ids.payroll_reference")
    def _compute_posted_amount(self):
        for line in self:
            line.posted_amount = sum(line.posting_ids.mapped("amount"))
            line.payroll_reference = ", ".join(
                sorted(set(filter(None, line.posting_ids.mapped("payroll_reference"))))
            )

    def _wanted_by_code(self, posted):
        """{input code: amount} this line should have posted in total, given
        ``posted`` ({input code: amount} already posted for it).

        A ready line wants its amount under the rule's current codes (an amount
        posted under an old code is reversed there). A withdrawn line wants
        nothing. A blocked or failed line cannot say what is due, so it keeps
        what was posted: a gate or a missing contract never claws back a payment.
        A line held by a disputed value keeps what was posted too, until the
        dispute is settled.
        """
        if self.state == "withdrawn":
            return {}
        if self.state != "ok" or self.held:
            return dict(posted)
        amount = 0.0 if self.amount_type == "points" else self.amount
        return split_by_code(amount, self.rule_id.input_code, self.rule_id.deduction_code)

    def action_open_withdraw(self):
        """Open the withdrawal dialog, which asks for the reason."""
        self.env["okr.incentive.run"]._check_hr()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Withdraw Incentive"),
            "res_model": "okr.incentive.line.withdraw",
            "view_mode": "form",
            "target": "new",
            "context": {"default_line_ids": self.ids},
        }

    def action_withdraw(self, reason):
        """Withdraw lines by hand (HR), with a reason told in the run's chatter.

        The amount becomes 0 and stays so on recompute; the run goes back to
        Computed, so the reversal of anything posted is approved, then posted.
        """
        self.env["okr.incentive.run"]._check_hr()
        reason = (reason or "").strip()
        if not reason:
            raise UserError(self.env._("A reason is required to withdraw an incentive line."))
        explanation = _lt(
            "withdrawn by %(user)s: %(reason)s", user=self.env.user.name, reason=reason
        )
        trusted(self).write(
            {
                "state": "withdrawn",
                "amount": 0.0,
                "withdrawal_reason": reason,
                "explanation_data": explanation,
            }
        )
        for run, lines in self.grouped("run_id").items():
            run._back_to_computed()
            run.message_post(
                body=self.env._(
                    "%(user)s withdrew the incentive of %(employees)s (%(rule)s): %(reason)s",
                    user=self.env.user.name,
                    employees=format_list(self.env, lines.employee_id.mapped("name")),
                    rule=format_list(self.env, lines.rule_id.mapped("name")),
                    reason=reason,
                )
            )
        return True

    def _recognize(self):
        """Announce, mark promotion-eligible, recommend training, print honour
        certificates (rules asking for them): once per line.

        Each employee gets one note per run listing their amounts (zero amounts
        are not announced), logged in one batch.
        """
        todo = self.filtered(lambda line: line.state == "ok" and not line.recognized)
        todo._certificates_on_post()
        bodies = {}
        announced = todo.filtered(lambda x: x.rule_id.post_chatter and x.amount)
        # The note is the employee's: worded in their language, one batch per language.
        by_lang = announced.grouped(lambda x: x.employee_id.sudo().user_id.lang or self.env.lang)
        for lang, lines in by_lang.items():
            for line in lines.with_context(lang=lang):
                bodies.setdefault(line.employee_id.id, []).append(
                    Markup("<p><b>%s</b>: %s</p>") % (line.label, line.explanation)
                )
        if bodies:
            self.env["hr.employee"].sudo().browse(list(bodies))._message_log_batch(
                {employee_id: Markup("").join(parts) for employee_id, parts in bodies.items()}
            )
        for rule, lines in todo.grouped("rule_id").items():
            if rule.channel_id:
                rule.channel_id.sudo().message_post(
                    body=Markup("").join(
                        Markup("<p>%s: %s</p>") % (line.employee_id.name, line.explanation)
                        for line in lines
                    ),
                    message_type="comment",
                    subtype_xmlid="mail.mt_comment",
                    attachments=lines._certificate_channel_files(),
                )
            if rule.promotion_threshold:
                for line in lines.filtered(
                    lambda x, r=rule: x.basis_value >= r.promotion_threshold
                ):
                    line.employee_id.sudo().write(
                        {"okr_promotion_eligible": True, "okr_promotion_reason": line.explanation}
                    )
            if rule.training_skill_id:
                self.env["okr.training.recommendation"].sudo().create(
                    [
                        {
                            "employee_id": line.employee_id.id,
                            "skill_id": rule.training_skill_id.id,
                            "line_id": line.id,
                            "reason": line.explanation,
                        }
                        for line in lines.filtered(lambda x: x.amount < 0)
                    ]
                )
        trusted(todo).write({"recognized": True})
