from odoo import api, fields, models
from odoo.exceptions import AccessError, ValidationError

from .okr_pay_guard import check_finite, is_trusted, trusted

MEASUREMENT_SOURCES = [
    ("manual", "Manual"),
    ("odoo", "Odoo Data"),
    ("attendance", "Attendance"),
    ("import", "Import"),
    ("connector", "Connector"),
    ("portal", "Portal"),
    ("kiosk", "Kiosk"),
]
AUTOMATIC_SOURCES = ("odoo", "attendance")
_BATCH = object()


def batched(measurements):
    """``measurements`` whose creates and writes leave the targets' actuals and the
    anomaly check to their caller, who runs them once for the whole batch
    (:meth:`KpiMeasurement._after_batch`). The context carries a private object: an
    RPC call cannot send it, so a user's own call never leaves an actual behind its
    values."""
    return measurements.with_context(okr_kpi_batch=_BATCH)


# Values a person typed (backend form, phone, kiosk, file import): they must
# respect the KPI's plausible range, and are refused on KPIs Odoo computes.
TYPED_SOURCES = ("manual", "portal", "kiosk", "import")
# The values an employee typed themselves (a file is imported by HR or a manager).
OWN_TYPED_SOURCES = ("manual", "portal", "kiosk")
# Who a value measures and how it came in: changed by an OKR administrator only.
SUBJECT_FIELDS = ("definition_id", "employee_id", "department_id")


class KpiMeasurement(models.Model):
    """One value of a KPI for an employee (or a department) on a date."""

    _name = "kpi.measurement"
    _description = "KPI Measurement"
    _inherit = ["okr.pay.guard"]
    _order = "date desc, id desc"
    _check_company_auto = True

    definition_id = fields.Many2one(
        "kpi.definition", string="KPI", required=True, ondelete="cascade", index=True
    )
    employee_id = fields.Many2one("hr.employee", index=True, ondelete="cascade", check_company=True)
    department_id = fields.Many2one(
        "hr.department",
        compute="_compute_department_id",
        store=True,
        readonly=False,
        index=True,
        ondelete="cascade",
        check_company=True,
    )
    company_id = fields.Many2one(related="definition_id.company_id", store=True)
    unit = fields.Char(related="definition_id.unit")
    date = fields.Date(required=True, default=fields.Date.context_today, index=True)
    value = fields.Float(required=True, aggregator="avg")
    source = fields.Selection(MEASUREMENT_SOURCES, default="manual", required=True)
    source_reference = fields.Char(
        help="Identifier in the system the value came from (file row, external id)."
    )
    note = fields.Char()

    # NULL subjects compare equal here, so a department value is unique too.
    _subject_date_source_uniq = models.UniqueIndex(
        "(definition_id, COALESCE(employee_id, 0), COALESCE(department_id, 0), date, source)",
        "A KPI has one value per employee (or department), date and source.",
    )

    @api.depends("employee_id")
    def _compute_department_id(self):
        for measurement in self.filtered("employee_id"):
            measurement.department_id = measurement.employee_id.department_id

    @api.constrains("employee_id", "department_id")
    def _check_subject(self):
        for measurement in self:
            if not measurement.employee_id and not measurement.department_id:
                raise ValidationError(
                    self.env._(
                        "KPI value %(kpi)s on %(date)s: say which employee or department "
                        "it measures.",
                        kpi=measurement.definition_id.display_name,
                        date=measurement.date,
                    )
                )

    @api.constrains("value", "definition_id", "source")
    def _check_value(self):
        for measurement in self:
            definition = measurement.definition_id
            label = self.env._(
                "KPI value %(kpi)s on %(date)s", kpi=definition.display_name, date=measurement.date
            )
            check_finite(self.env, label, measurement.value)
            if measurement.source not in TYPED_SOURCES:
                continue
            low, high = definition._plausible_range()
            if not low <= measurement.value <= high:
                raise ValidationError(
                    self.env._(
                        "%(what)s: %(value)g is outside the plausible range of this KPI "
                        "(%(low)g to %(high)g).",
                        what=label,
                        value=measurement.value,
                        low=low,
                        high=high,
                    )
                )

    @api.model_create_multi
    def create(self, vals_list):
        measurements = super().create(vals_list)
        measurements._affected_targets()._recompute_actuals()
        self.env["okr.anomaly.flag"]._flag_measurements(measurements)
        return measurements

    def write(self, vals):
        before_values = {m.id: m.value for m in self} if "value" in vals else {}
        moved = {"employee_id", "department_id", "date", "definition_id"} & set(vals)
        before = self._affected_targets() if moved else self.env["kpi.target"]
        res = super().write(vals)
        (before | self._affected_targets())._recompute_actuals()
        if "value" in vals:
            self.filtered(
                lambda m: abs(m.value - before_values.get(m.id, m.value)) > 1e-9
            )._close_flags_as_corrected()
        if ("value" in vals or "date" in vals) and not self._in_batch():
            self.env["okr.anomaly.flag"]._flag_measurements(self)
        return res

    def _close_flags_as_corrected(self):
        """The flags of values just rewritten (the write above passed this user's
        rights on them), open or confirmed wrong, are settled: the value was
        corrected. The new value is checked again and flagged anew if it is still
        far off."""
        flags = (
            self.env["okr.anomaly.flag"]
            .sudo()
            .search([("measurement_id", "in", self.ids), ("state", "in", ("open", "confirmed"))])
        )
        if flags:
            trusted(flags).state = "corrected"

    def _in_batch(self):
        return self.env.context.get("okr_kpi_batch") is _BATCH

    def _after_batch(self, written):
        """What a batch writer left for the end: the actuals of the targets the batch
        moved (``self``: every value created or written) and the anomaly check of the
        values it rewrote (``written``; new values were checked when created)."""
        plain = self.with_context(okr_kpi_batch=False)
        plain._affected_targets()._recompute_actuals()
        self.env["okr.anomaly.flag"]._flag_measurements(written.with_context(okr_kpi_batch=False))

    def _okr_check_create(self, vals_list):
        """Where a value comes from is set by the path it came through: the phone page,
        the kiosk and the refresh write after their own checks. By hand: typed values;
        file imports for OKR managers; integrations (connector, import) for OKR
        administrators. Only administrators type values into a KPI Odoo computes."""
        admin = self._okr_is_admin()
        allowed = {"manual"}
        if self.env.user.has_group("okr_addon.group_okr_manager"):
            allowed.add("import")
        if admin:
            allowed.add("connector")
        definitions = self.env["kpi.definition"].browse(
            {vals["definition_id"] for vals in vals_list if vals.get("definition_id")}
        )
        computed = set(definitions.filtered(lambda d: d.source in AUTOMATIC_SOURCES).ids)
        # Values of a KPI fed by a connector come from the connector: a typed value
        # beside it would be added to the day's figure.
        brought = set(definitions.filtered(lambda d: d.source == "connector").ids)
        for vals in vals_list:
            if vals.get("source", "manual") not in allowed:
                self._okr_refuse("source")
            if vals.get("definition_id") in computed and not admin:
                raise AccessError(
                    self.env._(
                        "%(kpi)s is computed by Odoo: its values are not typed in.",
                        kpi=definitions.browse(vals["definition_id"]).display_name,
                    )
                )
            if vals.get("definition_id") in brought and not admin:
                raise AccessError(
                    self.env._(
                        "%(kpi)s is fed by a connector: its values come from there.",
                        kpi=definitions.browse(vals["definition_id"]).display_name,
                    )
                )

    def _okr_check_write(self, vals):
        if "source" in vals and not all(self._okr_same(m, "source", vals["source"]) for m in self):
            self._okr_refuse("source")
        if not self._okr_is_admin():
            for name in SUBJECT_FIELDS:
                if name in vals and not all(self._okr_same(m, name, vals[name]) for m in self):
                    self._okr_refuse(name)
        self._okr_check_typed()

    def _okr_check_typed(self):
        """Values Odoo computed or a connector brought are changed by their source
        (or an OKR administrator), not edited by hand."""
        if self._okr_is_admin():
            return
        # A file imported by HR or a manager is theirs: the employee types their own.
        typed = (
            TYPED_SOURCES
            if self.env.user.has_group("okr_addon.group_okr_manager")
            else OWN_TYPED_SOURCES
        )
        brought = self.filtered(lambda m: m.source not in typed)
        if brought:
            raise AccessError(
                self.env._(
                    "KPI value %(kpi)s on %(date)s came from %(origin)s: it is corrected "
                    "at its source, not edited here.",
                    kpi=brought[0].definition_id.display_name,
                    date=brought[0].date,
                    origin=dict(self._fields["source"]._description_selection(self.env))[
                        brought[0].source
                    ],
                )
            )

    def unlink(self):
        if not is_trusted(self.env):
            self._okr_check_typed()
        targets = self._affected_targets()
        res = super().unlink()
        targets.exists()._recompute_actuals()
        return res

    def _affected_targets(self):
        """Leaf targets whose actual depends on these measurements (one search).

        Batch writers (:func:`batched`) recompute once, in :meth:`_after_batch`.
        """
        if not self or self._in_batch():
            return self.env["kpi.target"]
        employees = self.employee_id
        # Only department-level values feed department targets.
        departments = self.filtered(lambda m: not m.employee_id).department_id
        subject = [("employee_id", "in", employees.ids)]
        if departments:
            subject = [
                "|",
                *subject,
                "&",
                ("level", "=", "department"),
                ("department_id", "in", departments.ids),
            ]
        return (
            self.env["kpi.target"]
            .sudo()
            .search(
                [
                    ("definition_id", "in", self.definition_id.ids),
                    ("date_from", "<=", max(self.mapped("date"))),
                    ("date_to", ">=", min(self.mapped("date"))),
                    *subject,
                ]
            )
        )
