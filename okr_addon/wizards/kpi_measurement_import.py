import base64

from markupsafe import Markup

from odoo import fields, models
from odoo.exceptions import UserError

from ..logic import tabular
from ..models.kpi_measurement import batched

COLUMNS = ("kpi", "employee", "date", "value")


class KpiMeasurementImport(models.TransientModel):
    """Import KPI values from CSV or XLSX: valid rows land, bad rows are listed.

    Columns: ``kpi`` (KPI code), ``employee`` (badge/ID/name, see Employee Key),
    ``date``, ``value``, and optionally ``note``. Importing the same file
    again updates the values instead of adding rows.
    """

    _name = "kpi.measurement.import"
    _description = "Import KPI Values"

    file = fields.Binary(required=True)
    filename = fields.Char()
    employee_key = fields.Selection(
        [("barcode", "Badge ID"), ("identification_id", "Identification No"), ("name", "Name")],
        default="barcode",
        required=True,
    )
    imported_count = fields.Integer(readonly=True)
    error_count = fields.Integer(readonly=True)
    result = fields.Html(readonly=True, sanitize=False)

    def action_import(self):
        self.ensure_one()
        try:
            rows = list(tabular.read_rows(base64.b64decode(self.file), self.filename, COLUMNS))
        except tabular.FileFormatError as error:
            raise UserError(
                self.env._(
                    "%(file)s cannot be imported: %(reason)s",
                    file=self.filename or self.env._("The file"),
                    reason=str(error),
                )
            ) from error
        lookups = self._lookups(rows)
        good, errors = [], []
        for number, row in rows:
            vals, error = self._row_values(row, lookups)
            if error:
                errors.append((number, *error, row))
            else:
                vals["source_reference"] = f"{self.filename or 'import'}:{number}"
                good.append(vals)
        self._upsert(good)
        self.write(
            {
                "imported_count": len(good),
                "error_count": len(errors),
                "result": self._render(errors),
            }
        )
        return {
            "type": "ir.actions.act_window",
            "res_model": self._name,
            "res_id": self.id,
            "view_mode": "form",
            "target": "new",
        }

    def _lookups(self, rows):
        """KPIs by code and employees by key, each fetched with one query."""
        codes = {row["kpi"] for _n, row in rows}
        keys = {row["employee"] for _n, row in rows}
        definitions = self.env["kpi.definition"].search(
            [("code", "in", list(codes)), ("company_id", "in", self.env.companies.ids)]
        )
        employees = self.env["hr.employee"].search([(self.employee_key, "in", list(keys))])
        return (
            {d.code: d for d in definitions},
            {str(e[self.employee_key]): e for e in employees},
        )

    def _row_values(self, row, lookups):
        """(values, None) for a good row, or (None, (column, reason))."""
        definitions, employees = lookups
        definition = definitions.get(row["kpi"])
        if not definition:
            return None, ("kpi", self.env._("unknown KPI code “%s”", row["kpi"]))
        employee = employees.get(row["employee"])
        if not employee:
            return None, (
                "employee",
                self.env._(
                    "no employee with %(key)s “%(value)s”",
                    key=self.employee_key,
                    value=row["employee"],
                ),
            )
        try:
            day = tabular.parse_date(row["date"])
        except ValueError:
            return None, ("date", self.env._("“%s” is not a date (use 2026-11-23)", row["date"]))
        try:
            value = tabular.parse_number(row["value"])
        except ValueError:
            return None, ("value", self.env._("“%s” is not a number", row["value"]))
        return {
            "definition_id": definition.id,
            "employee_id": employee.id,
            "date": day,
            "value": value,
            "note": row.get("note") or False,
            "source": "import",
        }, None

    def _upsert(self, vals_list):
        """Update values already imported for the same KPI, employee and date; create the rest."""
        if not vals_list:
            return
        # One recomputation of the targets and one anomaly check for the whole file.
        Measurement = batched(self.env["kpi.measurement"])
        existing = Measurement.search(
            [
                ("source", "=", "import"),
                ("definition_id", "in", list({v["definition_id"] for v in vals_list})),
                ("employee_id", "in", list({v["employee_id"] for v in vals_list})),
                ("date", ">=", min(v["date"] for v in vals_list)),
                ("date", "<=", max(v["date"] for v in vals_list)),
            ]
        )
        index = {(m.definition_id.id, m.employee_id.id, m.date): m for m in existing}
        to_create, written = {}, Measurement
        for vals in vals_list:
            key = (vals["definition_id"], vals["employee_id"], vals["date"])
            if key in index:
                written |= index[key]
                index[key].write(
                    {
                        "value": vals["value"],
                        "note": vals["note"],
                        "source_reference": vals["source_reference"],
                    }
                )
            else:
                to_create[key] = vals  # a later row for the same key wins
        created = Measurement.create(list(to_create.values()))
        (written | created)._after_batch(written)

    def _render(self, errors):
        if not errors:
            return Markup("<p>%s</p>") % self.env._("Every row was imported.")
        head = Markup("<tr><th>%s</th><th>%s</th><th>%s</th><th>%s</th></tr>") % (
            self.env._("Row"),
            self.env._("Column"),
            self.env._("Reason"),
            self.env._("Data"),
        )
        body = Markup("").join(
            Markup("<tr><td>%s</td><td>%s</td><td>%s</td><td>%s</td></tr>")
            % (number, column, reason, ", ".join(row.values()))
            for number, column, reason, row in errors
        )
        return Markup('<table class="table table-sm">%s%s</table>') % (head, body)
