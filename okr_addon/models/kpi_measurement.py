from odoo import api, fields, models
from odoo.exceptions import ValidationError

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


class KpiMeasurement(models.Model):
    """One value of a KPI for an employee (or a department) on a date."""

    _name = "kpi.measurement"
    _description = "KPI Measurement"
    _order = "date desc, id desc"

    definition_id = fields.Many2one(
        "kpi.definition", string="KPI", required=True, ondelete="cascade", index=True
    )
    employee_id = fields.Many2one("hr.employee", index=True, ondelete="cascade")
    department_id = fields.Many2one(
        "hr.department",
        compute="_compute_department_id",
        store=True,
        readonly=False,
        index=True,
        ondelete="cascade",
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

    @api.model_create_multi
    def create(self, vals_list):
        measurements = super().create(vals_list)
        measurements._affected_targets()._recompute_actuals()
        return measurements

    def write(self, vals):
        moved = {"employee_id", "department_id", "date", "definition_id"} & set(vals)
        before = self._affected_targets() if moved else self.env["kpi.target"]
        res = super().write(vals)
        (before | self._affected_targets())._recompute_actuals()
        return res

    def unlink(self):
        targets = self._affected_targets()
        res = super().unlink()
        targets.exists()._recompute_actuals()
        return res

    def _affected_targets(self):
        """Leaf targets whose actual depends on these measurements (one search).

        Batch jobs set the context key ``kpi_defer_targets`` and recompute once.
        """
        if not self or self.env.context.get("kpi_defer_targets"):
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

    @api.model
    def _replace_automatic(self, definition, date, values):
        """Make the automatic rows of ``definition`` on ``date`` equal ``values``
        ({employee id: value}): update changed ones, add new ones, drop the rest.
        Running it twice with the same values changes nothing."""
        source = definition.source
        Measurement = self.sudo().with_context(kpi_defer_targets=True)
        existing = Measurement.search(
            [("definition_id", "=", definition.id), ("date", "=", date), ("source", "=", source)]
        )
        by_employee = {m.employee_id.id: m for m in existing}
        to_create = []
        for employee_id, value in values.items():
            current = by_employee.pop(employee_id, None)
            if current is None:
                to_create.append(
                    {
                        "definition_id": definition.id,
                        "employee_id": employee_id,
                        "date": date,
                        "value": value,
                        "source": source,
                    }
                )
            elif abs(current.value - value) > 1e-9:
                current.value = value
        stale = Measurement.browse([m.id for m in by_employee.values()])
        stale_targets = stale.with_context(kpi_defer_targets=False)._affected_targets()
        stale.unlink()
        touched = existing.exists() | Measurement.create(to_create)
        (
            stale_targets | touched.with_context(kpi_defer_targets=False)._affected_targets()
        )._recompute_actuals()
        return touched
