import datetime
import logging
import math

from odoo import SUPERUSER_ID, api, fields, models
from odoo.exceptions import ValidationError

from ..logic import periods
from .okr_pay_guard import check_finite

_logger = logging.getLogger(__name__)

# Fields that say what an "Odoo data" KPI reads: writing one makes the writer the
# person the KPI reads as.
SOURCE_FIELDS = frozenset(
    {
        "source",
        "company_id",
        "model_id",
        "domain",
        "date_field_id",
        "employee_path",
        "value_field_id",
        "is_ratio",
        "denominator_domain",
        "denominator_field_id",
        "source_user_id",
    }
)
AGGREGATES = [
    ("sum", "Sum"),
    ("avg", "Average"),
    ("count", "Count"),
    ("min", "Min"),
    ("max", "Max"),
]
ATTENDANCE_METRICS = [
    ("attendance_rate", "Attendance Rate"),
    ("late_arrivals", "Late Arrivals"),
    ("worked_hours", "Worked Hours"),
    ("overtime_hours", "Overtime Hours"),
]


class KpiDefinition(models.Model):
    """How a KPI is measured: where its values come from and what "good" means.

    Sources: typed in by hand, computed from any Odoo model (one grouped query
    per period for all employees), from attendances against the working
    schedule, or pushed by a connector.
    """

    _name = "kpi.definition"
    _description = "KPI Definition"
    _inherit = ["mail.thread"]
    _order = "sequence, code"

    name = fields.Char(required=True, translate=True, tracking=True)
    code = fields.Char(required=True, tracking=True, help="Unique per company, e.g. SCRAP_RATE.")
    description = fields.Text(translate=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company, index=True
    )
    unit = fields.Char(help="Shown after the values: %, pcs, CNY, h…")
    direction = fields.Selection(
        [("higher_better", "Higher is better"), ("lower_better", "Lower is better")],
        default="higher_better",
        required=True,
        tracking=True,
    )
    period_type = fields.Selection(
        [("month", "Month"), ("quarter", "Quarter")],
        string="Measured per",
        default="month",
        required=True,
        help="Automatic sources store one value per employee and period.",
    )
    aggregation = fields.Selection(
        [("sum", "Sum"), ("avg", "Average"), ("min", "Min"), ("max", "Max"), ("last", "Latest")],
        default="avg",
        required=True,
        help="How the values measured within a target's dates make its actual, and how "
        "children's actuals roll up to their parent (sum adds them, anything else averages).",
    )
    source = fields.Selection(
        [
            ("manual", "Manual"),
            ("odoo", "Odoo Data"),
            ("attendance", "Attendance"),
            ("connector", "Connector"),
        ],
        default="manual",
        required=True,
        tracking=True,
    )
    # --- Odoo query --------------------------------------------------------
    model_id = fields.Many2one("ir.model", ondelete="cascade")
    model_name = fields.Char(related="model_id.model", string="Model Name")
    domain = fields.Char(default="[]", help="Which records count, as an Odoo domain.")
    date_field_id = fields.Many2one(
        "ir.model.fields",
        ondelete="cascade",
        domain="[('model_id', '=', model_id), ('ttype', 'in', ('date', 'datetime'))]",
    )
    employee_path = fields.Char(
        default="employee_id",
        help="Field path from the record to the employee: employee_id, worker_id, "
        "user_id.employee_id…",
    )
    value_field_id = fields.Many2one(
        "ir.model.fields",
        ondelete="cascade",
        domain="[('model_id', '=', model_id), ('ttype', 'in', ('integer', 'float', 'monetary'))]",
    )
    value_aggregate = fields.Selection(AGGREGATES, default="sum")
    is_ratio = fields.Boolean(
        string="Ratio", help="Divide by a second measure of the same model (scrap / produced)."
    )
    denominator_domain = fields.Char(default="[]")
    denominator_field_id = fields.Many2one(
        "ir.model.fields",
        ondelete="cascade",
        domain="[('model_id', '=', model_id), ('ttype', 'in', ('integer', 'float', 'monetary'))]",
    )
    denominator_aggregate = fields.Selection(AGGREGATES, default="sum")
    ratio_factor = fields.Float(default=1.0, help="100 to express the ratio in %.")
    # --- Attendance ------------------------------------------------------------
    attendance_metric = fields.Selection(ATTENDANCE_METRICS)
    late_tolerance = fields.Integer(
        string="Late Tolerance (min)", default=5, help="Minutes of grace before a late arrival."
    )
    # --- Rank ---------------------------------------------------------------------
    show_rank = fields.Boolean(
        string="Show Rank to Employees",
        help="On the phone page, each employee sees their own rank in this KPI within "
        "a comparable group (“Rank 3 of 12”), never the others' names or values — "
        "when the company's setting allows ranks.",
    )
    rank_group = fields.Selection(
        [
            ("department_job", "Same department and job"),
            ("department", "Same department"),
            ("tag", "Same employee tag"),
        ],
        string="Compared With",
        default="department_job",
        required=True,
    )
    rank_tag_ids = fields.Many2many(
        "hr.employee.category",
        string="Rank Tags",
        help="With “Same employee tag”: employees sharing these tags (a shift, a store "
        "size) are compared.",
    )
    # --- Typed-in values ----------------------------------------------------------
    has_plausible_range = fields.Boolean(
        string="Plausible Range",
        help="Refuse typed-in values (backend, phone, kiosk, file import) outside "
        "a minimum and a maximum, e.g. a scrap rate between 0 and 100%.",
    )
    plausible_min = fields.Float(string="Minimum")
    plausible_max = fields.Float(string="Maximum")
    # ----------------------------------------------------------------------------
    skill_ids = fields.Many2many(
        "hr.skill",
        string="Related Skills",
        help="Skills or certifications that help on this KPI: a holder gets a more ambitious "
        "suggested target, and a miss recommends training in them.",
    )
    target_ids = fields.One2many("kpi.target", "definition_id", string="Targets")
    target_count = fields.Integer(compute="_compute_counts")
    measurement_count = fields.Integer(compute="_compute_counts")
    source_user_id = fields.Many2one(
        "res.users",
        string="Reads As",
        readonly=True,
        copy=False,
        help="Who last defined where an Odoo-data KPI reads: the refresh reads only what "
        "this person may read.",
    )
    last_refresh = fields.Datetime(readonly=True, copy=False)
    last_refresh_error = fields.Text(
        readonly=True, copy=False, help="Why the last scheduled refresh of this KPI failed."
    )

    _code_company_uniq = models.Constraint(
        "UNIQUE(code, company_id)", "A KPI code must be unique per company."
    )

    @api.model_create_multi
    def create(self, vals_list):
        definitions = super().create(
            [{**vals, **self._source_user_vals(vals)} for vals in vals_list]
        )
        definitions._check_readers()
        return definitions

    def write(self, vals):
        if not SOURCE_FIELDS & set(vals):
            return super().write(vals)
        res = super().write({**vals, **self._source_user_vals(vals)})
        self._check_readers()
        return res

    def _check_readers(self):
        """Refuse an Odoo-data source the writing user may not read (constraints run
        as superuser, so this is checked here, as the user). System flows (data
        files, scripts) are trusted."""
        if self.env.su:
            return
        for definition in self.filtered(lambda d: d.source == "odoo"):
            definition._check_reader(self.env.user)

    @api.model
    def _source_user_vals(self, vals):
        """Whoever defines where a KPI reads becomes the person it reads as: a user
        cannot name someone else; system flows read as the superuser unless they say."""
        if not self.env.su:
            return {"source_user_id": self.env.uid}
        return {"source_user_id": vals.get("source_user_id") or SUPERUSER_ID}

    def _compute_counts(self):
        targets = dict(
            self.env["kpi.target"]._read_group(
                [("definition_id", "in", self.ids)], ["definition_id"], ["__count"]
            )
        )
        measurements = dict(
            self.env["kpi.measurement"]._read_group(
                [("definition_id", "in", self.ids)], ["definition_id"], ["__count"]
            )
        )
        for definition in self:
            definition.target_count = targets.get(definition, 0)
            definition.measurement_count = measurements.get(definition, 0)

    @api.depends("code", "name")
    def _compute_display_name(self):
        for definition in self:
            definition.display_name = f"[{definition.code}] {definition.name}"

    # ------------------------------------------------------------------
    # Validation
    # ------------------------------------------------------------------
    def _plausible_range(self):
        """(lowest, highest) value a person may type in for this KPI."""
        self.ensure_one()
        if not self.has_plausible_range:
            return -math.inf, math.inf
        return self.plausible_min, self.plausible_max

    @api.constrains("has_plausible_range", "plausible_min", "plausible_max")
    def _check_plausible_range(self):
        for definition in self.filtered("has_plausible_range"):
            low, high = definition.plausible_min, definition.plausible_max
            check_finite(self.env, definition.display_name, low, high)
            if low >= high:
                raise definition._config_error(
                    self.env._("Plausible Range"),
                    self.env._("the minimum must be below the maximum"),
                )

    def _config_error(self, field_label, reason):
        return ValidationError(
            self.env._(
                "KPI “%(kpi)s”, %(field)s: %(reason)s",
                kpi=self.display_name,
                field=field_label,
                reason=reason,
            )
        )

    @api.constrains(
        "source",
        "model_id",
        "domain",
        "date_field_id",
        "employee_path",
        "value_field_id",
        "value_aggregate",
        "is_ratio",
        "denominator_domain",
        "denominator_field_id",
        "denominator_aggregate",
        "attendance_metric",
    )
    def _check_source(self):
        for definition in self:
            if definition.source == "odoo":
                definition._check_odoo_query()
            elif definition.source == "attendance" and not definition.attendance_metric:
                raise definition._config_error(
                    self.env._("Attendance Metric"), self.env._("choose a metric")
                )

    def _period_bounds(self, day):
        return periods.cycle_bounds(self.period_type, day)

    def _measure(self, date_from, date_to):
        """{employee id: value} of this KPI for the period, from its automatic source."""
        self.ensure_one()
        if self.source == "odoo":
            return self._odoo_values(date_from, date_to)
        if self.source == "attendance":
            return self.env["hr.attendance"]._okr_kpi_values(
                self.attendance_metric,
                self.company_id,
                date_from,
                date_to,
                self.late_tolerance,
            )
        return {}

    def action_refresh(self, day=None):
        """Recompute this period's automatic measurements; safe to run again.

        Whoever may edit the KPI may refresh it: its configuration (models and fields
        of ``ir.model``) is read as superuser, the Odoo data as the KPI's reader
        (:meth:`_source_reader`), the values are stamped with the user."""
        self.check_access("write")
        day = day or fields.Date.context_today(self)
        Measurement = self.env["kpi.measurement"]
        for definition in self.sudo().filtered(lambda d: d.source in ("odoo", "attendance")):
            date_from, date_to = definition._period_bounds(day)
            values = definition._measure(date_from, date_to)
            Measurement._replace_automatic(definition, date_from, values)
            definition.write({"last_refresh": fields.Datetime.now(), "last_refresh_error": False})
        return True

    @api.model
    def _cron_refresh(self):
        """Refresh every automatic KPI for the current period (and the previous one
        during its first week, so late data still counts).

        Each KPI is refreshed in its own savepoint: one that fails is rolled back,
        keeps the reason in ``last_refresh_error`` and its chatter, and the others
        are refreshed all the same."""
        today = fields.Date.context_today(self)
        definitions = self.search([("source", "in", ("odoo", "attendance"))])
        for definition in definitions:
            start, _end = definition._period_bounds(today)
            days = [today]
            if (today - start).days < 7:
                days.append(start - datetime.timedelta(days=1))
            try:
                with self.env.cr.savepoint():
                    for day in days:
                        definition.action_refresh(day)
            except Exception as error:  # whatever fails stays on its KPI
                definition._log_refresh_error(error)
        return definitions

    def _log_refresh_error(self, error):
        """Keep why the refresh of this KPI failed where its owners see it (in the
        chatter once, not every day while the reason stays the same)."""
        _logger.warning("Refresh of KPI %s failed", self.display_name, exc_info=error)
        reason = str(error) or type(error).__name__
        if reason == self.last_refresh_error:
            return
        self.sudo().last_refresh_error = reason
        self.sudo().message_post(
            body=self.env._("The scheduled refresh failed: %(reason)s", reason=reason),
            subtype_xmlid="mail.mt_note",
        )

    def action_open_targets(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("okr_addon.kpi_target_action")
        action["domain"] = [("definition_id", "=", self.id)]
        action["context"] = {"default_definition_id": self.id}
        return action

    def action_open_measurements(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("okr_addon.kpi_measurement_action")
        action["domain"] = [("definition_id", "=", self.id)]
        action["context"] = {"default_definition_id": self.id}
        return action
