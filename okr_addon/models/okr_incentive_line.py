from markupsafe import Markup

from odoo import api, fields, models

from ..logic.incentive import split_by_code

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
    _order = "run_id desc, employee_id, rule_id"
    _check_company_auto = True

    run_id = fields.Many2one("okr.incentive.run", required=True, ondelete="cascade", index=True)
    rule_id = fields.Many2one(
        "okr.incentive.rule", required=True, ondelete="restrict", index=True, check_company=True
    )
    employee_id = fields.Many2one("hr.employee", required=True, index=True, check_company=True)
    department_id = fields.Many2one(
        "hr.department",
        compute="_compute_department_id",
        store=True,
        check_company=True,
        help="The employee's department when the line was computed.",
    )
    company_id = fields.Many2one(related="run_id.company_id", store=True)
    # Stored and given at creation: Monetary fields then need no per-record currency lookup.
    currency_id = fields.Many2one("res.currency", required=True)
    date_from = fields.Date(related="run_id.date_from", store=True)
    date_to = fields.Date(related="run_id.date_to", store=True)
    ledger_key = fields.Char(compute="_compute_ledger_key", store=True, index=True)
    basis_value = fields.Float(help="The basis value the tiers were applied to.")
    tier_name = fields.Char(string="Tier")
    amount_type = fields.Selection(related="rule_id.amount_type")
    amount = fields.Monetary(help="Signed: negative for a deduction.")
    explanation = fields.Char(required=True)
    state = fields.Selection(LINE_STATES, default="ok", required=True)
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

    @api.depends("employee_id")
    def _compute_department_id(self):
        for line in self:
            line.department_id = line.employee_id.department_id

    @api.depends("rule_id", "employee_id", "date_from", "date_to")
    def _compute_ledger_key(self):
        for line in self:
            line.ledger_key = (
                f"{line.rule_id.code}/{line.employee_id.id}/{line.date_from}/{line.date_to}"
            )

    @api.depends("posting_ids.amount", "posting_ids.payroll_reference")
    def _compute_posted_amount(self):
        for line in self:
            line.posted_amount = sum(line.posting_ids.mapped("amount"))
            line.payroll_reference = ", ".join(
                sorted(set(filter(None, line.posting_ids.mapped("payroll_reference"))))
            )

    def _wanted_by_key(self):
        """{ledger key/input code: amount} this line should have posted in total."""
        if self.state not in ("ok", "withdrawn") or self.amount_type == "points":
            amount = 0.0
        else:
            amount = self.amount if self.state == "ok" else 0.0
        return {
            f"{self.ledger_key}/{code}": value
            for code, value in split_by_code(
                amount, self.rule_id.input_code, self.rule_id.deduction_code
            ).items()
        }

    def _recognize(self):
        """Announce, mark promotion-eligible, recommend training: once per line.

        Each employee gets one note per run listing their amounts (zero amounts
        are not announced), logged in one batch.
        """
        todo = self.filtered(lambda line: line.state == "ok" and not line.recognized)
        bodies = {}
        for line in todo.filtered(lambda x: x.rule_id.post_chatter and x.amount):
            bodies.setdefault(line.employee_id.id, []).append(
                Markup("<p><b>%s</b>: %s</p>") % (line.rule_id.name, line.explanation)
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
        todo.recognized = True
