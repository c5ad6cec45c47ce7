from odoo import api, fields, models
from odoo.exceptions import ValidationError
from odoo.fields import Domain

from ..logic import incentive as inc_logic
from ..logic import kpi as kpi_logic
from .okr_phrase import _lt, label, ref

BASES = [
    ("kpi_completion", "KPI completion (%)"),
    ("kpi_score", "KPI score (%)"),
    ("kpi_scorecard", "Weighted KPI scorecard (%)"),
    ("okr_score", "OKR objective score (%)"),
    ("attendance", "Attendance metric"),
    ("kpi_value", "KPI value (units, sales…)"),
]
AMOUNT_TYPES = [
    ("fixed", "Fixed amount"),
    ("wage_percent", "% of wage"),
    ("coefficient", "Performance coefficient delta"),
    ("points", "Points"),
    ("per_unit", "Per unit (piece rate)"),
    ("commission", "% of the value (commission)"),
]
# Amount types that pay the basis value band by band (each tier's amount is a rate).
PROGRESSIVE_TYPES = inc_logic.PROGRESSIVE_TYPES


class OkrIncentiveRule(models.Model):
    """How results become money or recognition for the employees in scope.

    The basis gives one value per employee for the period; tiers turn it
    into an amount; gates can block the line; caps bound it; recognition
    actions run once when the line is posted.
    """

    _name = "okr.incentive.rule"
    _description = "Incentive Rule"
    _inherit = ["mail.thread"]
    _order = "sequence, id"
    _check_company_auto = True

    name = fields.Char(required=True, translate=True, tracking=True)
    code = fields.Char(required=True, tracking=True, help="Short code, e.g. SCRAP_BONUS.")
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company, index=True
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    # --- Scope (empty = everyone of the company) ---------------------------
    department_ids = fields.Many2many("hr.department", string="Departments", check_company=True)
    job_ids = fields.Many2many("hr.job", string="Job Positions", check_company=True)
    employee_ids = fields.Many2many("hr.employee", string="Employees", check_company=True)
    category_ids = fields.Many2many("hr.employee.category", string="Employee Tags")
    period_type = fields.Selection(
        [("month", "Month"), ("quarter", "Quarter")], default="month", required=True
    )
    # --- Basis ----------------------------------------------------------------
    basis = fields.Selection(BASES, default="kpi_completion", required=True, tracking=True)
    definition_id = fields.Many2one("kpi.definition", string="KPI", check_company=True)
    attendance_metric = fields.Selection(
        lambda self: self.env["kpi.definition"]._fields["attendance_metric"].selection
    )
    tier_ids = fields.One2many("okr.incentive.tier", "rule_id", string="Tiers", copy=True)
    amount_type = fields.Selection(AMOUNT_TYPES, default="fixed", required=True, tracking=True)
    use_cap = fields.Boolean(string="Cap per Employee")
    cap = fields.Float(string="Highest Amount")
    use_floor = fields.Boolean(string="Floor per Employee")
    floor = fields.Float(string="Lowest Amount", help="E.g. -500: a deduction never exceeds 500.")
    # --- Gates ------------------------------------------------------------------
    gate_attendance_rate = fields.Float(
        string="Minimum Attendance Rate (%)", help="0 = no attendance gate."
    )
    gate_skill_id = fields.Many2one(
        "hr.skill",
        string="Required Certification",
        help="Pay only employees holding this skill or certification, valid at the period end.",
    )
    gate_no_anomaly = fields.Boolean(
        string="No Open Anomaly Flag",
        help="Block the line while one of the employee's values in the period is flagged "
        "as suspicious and not reviewed.",
    )
    # --- Payroll ------------------------------------------------------------------
    input_code = fields.Char(
        string="Bonus Input Code",
        default="OKR_BONUS",
        required=True,
        help="Payslip input code for positive amounts.",
    )
    deduction_code = fields.Char(
        string="Deduction Input Code",
        default="KPI_DEDUCTION",
        required=True,
        help="Payslip input code for negative amounts (may equal the bonus code).",
    )
    deduction_name = fields.Char(
        string="Name of a Deduction",
        translate=True,
        help="What a negative amount under this rule is called on its lines, e.g. “Scrap "
        "deduction” for a rule named “Scrap bonus”. Empty: the KPI's or basis' name and "
        "“deduction”.",
    )
    # --- Recognition ------------------------------------------------------------------
    post_chatter = fields.Boolean(string="Announce on the Employee", default=True)
    channel_id = fields.Many2one("discuss.channel", string="Announce in Channel")
    promotion_threshold = fields.Float(
        help="Basis value from which the employee is marked promotion-eligible (0 = never)."
    )
    training_skill_id = fields.Many2one(
        "hr.skill",
        string="Training on a Miss",
        help="A deduction recommends training in this skill.",
    )

    _code_company_uniq = models.Constraint(
        "UNIQUE(code, company_id)", "An incentive rule code must be unique per company."
    )

    @api.constrains("tier_ids")
    def _check_tiers(self):
        for rule in self:
            try:
                inc_logic.check_tiers([tier._as_logic() for tier in rule.tier_ids])
            except inc_logic.IncentiveError as error:
                reasons = {
                    "empty": self.env._("a tier's lower bound must be below its upper bound"),
                    "overlap": self.env._("tiers overlap"),
                    "gap": self.env._("tiers leave a gap"),
                }
                raise ValidationError(
                    self.env._(
                        "Incentive rule “%(rule)s”: %(reason)s (%(tiers)s).",
                        rule=rule.name,
                        reason=reasons[error.code],
                        tiers=" / ".join(error.names),
                    )
                ) from error

    @api.constrains("basis", "definition_id", "attendance_metric", "amount_type")
    def _check_basis(self):
        for rule in self:
            if rule.amount_type in PROGRESSIVE_TYPES and rule.basis != "kpi_value":
                raise ValidationError(
                    self.env._(
                        "Incentive rule “%(rule)s”: a piece rate or a commission pays a "
                        "quantity: choose the basis “KPI value” (parts pressed, dishes "
                        "served, sales amount…).",
                        rule=rule.name,
                    )
                )
            if (
                rule.basis in ("kpi_completion", "kpi_score", "kpi_value")
                and not rule.definition_id
            ):
                raise ValidationError(
                    self.env._("Incentive rule “%(rule)s”: choose the KPI.", rule=rule.name)
                )
            if rule.basis == "attendance" and not rule.attendance_metric:
                raise ValidationError(
                    self.env._(
                        "Incentive rule “%(rule)s”: choose the attendance metric.", rule=rule.name
                    )
                )

    # ------------------------------------------------------------------
    # Batch evaluation: every method takes all employees at once
    # ------------------------------------------------------------------
    def _scope_employees(self):
        # Called by the run's compute after action_compute checked the HR role; the domain keeps the
        # rule's company.
        return self.env["hr.employee"].sudo().search(self._scope_domain())

    def _scope_domain(self):
        """The employees this rule concerns: its company's, narrowed by its
        departments (and their sub-departments), jobs, employees and tags."""
        domain = Domain("company_id", "=", self.company_id.id)
        if self.employee_ids:
            domain &= Domain("id", "in", self.employee_ids.ids)
        if self.department_ids:
            domain &= Domain("department_id", "child_of", self.department_ids.ids)
        if self.job_ids:
            domain &= Domain("job_id", "in", self.job_ids.ids)
        if self.category_ids:
            domain &= Domain("category_ids", "in", self.category_ids.ids)
        return domain

    def _basis_values(self, employees, date_from, date_to):
        """{employee id: (value, [explanation steps])} for employees with a basis."""
        if self.basis in ("kpi_completion", "kpi_score"):
            return self._kpi_values(employees, date_from, date_to)
        if self.basis == "kpi_scorecard":
            return self._scorecard_values(employees, date_from, date_to)
        if self.basis == "okr_score":
            return self._okr_values(employees, date_from, date_to)
        if self.basis == "kpi_value":
            return self._kpi_period_values(employees, date_from, date_to)
        values = self.env["hr.attendance"]._okr_kpi_values(
            self.attendance_metric, self.company_id, date_from, date_to
        )
        metric = label(self._name, "attendance_metric", self.attendance_metric)
        return {
            employee_id: (value, [_lt("%(metric)s %(value).4g", metric=metric, value=value)])
            for employee_id, value in values.items()
            if employee_id in set(employees.ids)
        }

    def _period_targets(self, employees, date_from, date_to, definition=None):
        domain = [
            ("employee_id", "in", employees.ids),
            ("level", "=", "employee"),
            ("date_from", "<=", date_to),
            ("date_to", ">=", date_from),
        ]
        if definition:
            domain.append(("definition_id", "=", definition.id))
        return self.env["kpi.target"].sudo().search(domain, order="date_from desc")

    def _kpi_values(self, employees, date_from, date_to):
        result = {}
        for target in self._period_targets(employees, date_from, date_to, self.definition_id):
            if target.employee_id.id in result or not target.has_actual:
                continue
            unit = target.unit or ""
            reference = _lt(
                "%(kpi)s %(actual).4g%(unit)s vs target %(target).4g%(unit)s",
                kpi=ref(target.definition_id),
                actual=target.actual,
                target=target.target,
                unit=unit,
            )
            if self.basis == "kpi_completion":
                value = round(target.completion * 100, 2)
                step = _lt("completion %(value).4g%%", value=value)
            else:
                value = round(target.score * 100, 2)
                step = _lt("score %(value).4g%%", value=value)
            result[target.employee_id.id] = (value, [reference, step])
        return result

    def _kpi_period_values(self, employees, date_from, date_to):
        """The KPI's value over the period for each employee (parts pressed, sales…):
        its daily values aggregated as the KPI says (sum, average…), one grouped
        query for everyone."""
        definition = self.definition_id
        groups = (
            self.env["kpi.measurement"]
            .sudo()
            ._read_group(
                [
                    ("definition_id", "=", definition.id),
                    ("employee_id", "in", employees.ids),
                    ("date", ">=", date_from),
                    ("date", "<=", date_to),
                ],
                ["employee_id", "date:day"],
                ["value:sum"],
                order="date:day",
            )
        )
        daily = {}
        for employee, _day, value in groups:
            daily.setdefault(employee.id, []).append(value)
        result = {}
        for employee_id, values in daily.items():
            value = round(kpi_logic.aggregate(values, definition.aggregation), 4)
            result[employee_id] = (value, [self._quantity_step(definition, value)])
        return result

    def _quantity_step(self, definition, value):
        """How a quantity reads in an explanation: "Parts pressed 1,200 pcs"."""
        return _lt(
            "%(kpi)s %(value)s%(unit)s",
            kpi=ref(definition),
            value=inc_logic.number(value),
            unit=f" {definition.unit}" if definition.unit else "",
        )

    def _scorecard_values(self, employees, date_from, date_to):
        cards = {}
        for target in self._period_targets(employees, date_from, date_to):
            if target.has_actual:
                cards.setdefault(target.employee_id.id, []).append(target)
        result = {}
        for employee_id, targets in cards.items():
            weights = [t.weight for t in targets]
            if not sum(weights):
                continue
            value = round(sum(t.score * t.weight for t in targets) / sum(weights) * 100, 2)
            result[employee_id] = (
                value,
                [
                    _lt(
                        "weighted score of %(count)s KPIs %(value).4g%%",
                        count=len(targets),
                        value=value,
                    )
                ],
            )
        return result

    def _okr_values(self, employees, date_from, date_to):
        groups = (
            self.env["okr.objective"]
            .sudo()
            ._read_group(
                [
                    ("employee_id", "in", employees.ids),
                    ("state", "=", "closed"),
                    ("cycle_id.date_end", ">=", date_from),
                    ("cycle_id.date_end", "<=", date_to),
                ],
                ["employee_id"],
                ["score:avg", "__count"],
            )
        )
        return {
            employee.id: (
                round(score * 100, 2),
                [_lt("OKR score %(score).2f over %(count)s objectives", score=score, count=count)],
            )
            for employee, score, count in groups
        }

    def _gate_failures(self, employees, date_from, date_to):
        """{employee id: reason} for employees a gate blocks (or whose gate data is missing)."""
        failures = {}
        if self.gate_attendance_rate:
            rates = self.env["hr.attendance"]._okr_kpi_values(
                "attendance_rate", self.company_id, date_from, date_to
            )
            for employee in employees:
                rate = rates.get(employee.id)
                if rate is None:
                    failures[employee.id] = _lt("attendance rate unknown (no working schedule)")
                elif rate < self.gate_attendance_rate:
                    failures[employee.id] = _lt(
                        "attendance rate %(rate).1f%% is below the %(gate).1f%% gate",
                        rate=rate,
                        gate=self.gate_attendance_rate,
                    )
        if self.gate_no_anomaly:
            flags = (
                self.env["okr.anomaly.flag"]
                .sudo()
                .search(
                    [
                        ("employee_id", "in", employees.ids),
                        ("state", "in", ("open", "confirmed")),
                        ("date", ">=", date_from),
                        ("date", "<=", date_to),
                    ]
                )
            )
            for flag in flags:
                failures.setdefault(
                    flag.employee_id.id,
                    _lt("open anomaly flag to review: %(reason)s", reason=ref(flag, "reason"))
                    if flag.state == "open"
                    else _lt(
                        "a value confirmed wrong waits for its correction: %(reason)s",
                        reason=ref(flag, "reason"),
                    ),
                )
        if self.gate_skill_id:
            holders = (
                self.env["hr.employee.skill"]
                .sudo()
                .search(
                    [
                        ("employee_id", "in", employees.ids),
                        ("skill_id", "=", self.gate_skill_id.id),
                        ("valid_from", "<=", date_to),
                        "|",
                        ("valid_to", "=", False),
                        ("valid_to", ">=", date_to),
                    ]
                )
                .employee_id
            )
            for employee in employees - holders:
                failures.setdefault(
                    employee.id,
                    _lt(
                        "no valid %(skill)s at %(date)s",
                        skill=ref(self.gate_skill_id),
                        date=date_to,
                    ),
                )
        return failures

    def _wages(self, employees, date_from, date_to):
        """{employee id: wage of the hr.version valid in the period} (missing: no version)."""
        versions = employees.sudo()._get_contracts(date_from, date_to)
        return {
            employee_id: version_set.sorted("date_version")[-1:].wage
            for employee_id, version_set in versions.items()
            if version_set
        }
