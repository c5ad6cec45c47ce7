"""kpi.measurement, values from outside: the rows of a KPI file uploaded by HR or
a manager (CSV or XLSX, the ``kpi_csv`` connector kind) and of a KPI REST API.

Both arrive as :class:`~okr_addon.logic.sync.Entry` batches of the measurement
dicts of :mod:`connectors.kpi`. There is one value per KPI, employee, day and
source (*Import* for files, *Connector* for APIs): importing it again updates
it (or leaves it unchanged); a file never rewrites a value an API brought. Each row is
checked on its own (KPI, employee, who may set it, plausible range) and a bad
row is reported in the sync log with its number and column; its neighbours
land.
"""

from odoo import api, models

from ..logic import sync
from .kpi_measurement import AUTOMATIC_SOURCES, batched


class KpiMeasurement(models.Model):
    _inherit = "kpi.measurement"

    @api.model
    def _okr_connector_import(self, connector, entries):
        """Create or update the values of ``entries``; return a sync.Outcome.

        Values of a file get the source *Import* (typed by people: the KPI's
        plausible range applies), values of an API *Connector*. A manager's upload
        (:meth:`okr.connector._upload`) reaches only the employees they manage.
        """
        outcome = sync.Outcome()
        source = "import" if connector._kind_spec().reads_file else "connector"
        Measurement = batched(self.sudo())
        definitions = {
            definition.code: definition
            for definition in self.env["kpi.definition"]
            .sudo()
            .search(
                [
                    ("code", "in", list({e.item["definition_code"] for e in entries})),
                    ("company_id", "=", connector.company_id.id),
                ]
            )
        }
        matches = connector._match_employees({e.item["employee_code"] for e in entries})
        existing = Measurement._okr_connector_existing(entries, definitions, matches[0], source)
        scope = connector._upload_scope()  # once per batch: the ids a manager may reach
        scope_ids = None if scope is None else set(scope.ids)
        to_create, touched = {}, Measurement
        for entry in entries:
            definition = self._okr_importable_definition(connector, entry, definitions, outcome)
            employee = definition and connector._employee_of(entry, matches, outcome)
            if not employee or not self._okr_importable_value(
                connector, entry, employee, definition, outcome, scope_ids=scope_ids
            ):
                continue
            key = (definition.id, employee.id, entry.item["date"])
            vals = {
                "value": entry.item["value"],
                "source_reference": entry.item["source_reference"],
            }
            if entry.item.get("note"):
                vals["note"] = entry.item["note"]
            current = existing.get(key)
            if key in to_create:
                outcome.unchanged += 1  # same KPI, employee and day twice: the first wins
            elif current is None:
                to_create[key] = {
                    **vals,
                    "definition_id": definition.id,
                    "employee_id": employee.id,
                    "date": entry.item["date"],
                    "source": source,
                }
            elif any(
                (abs(current.value - value) > 1e-9) if name == "value" else current[name] != value
                for name, value in vals.items()
            ):
                current.write(vals)
                touched |= current
                outcome.updated += 1
            else:
                outcome.unchanged += 1
        created = Measurement.create(list(to_create.values()))
        outcome.created += len(to_create)
        (touched | created)._after_batch(touched)
        return outcome

    def _okr_connector_existing(self, entries, definitions, employees, source):
        """{(definition id, employee id, date): measurement} of the values of
        ``source`` the entries may update (one search)."""
        if not entries or not definitions or not employees:
            return {}
        days = [entry.item["date"] for entry in entries]
        found = self.search(
            [
                ("source", "=", source),
                ("definition_id", "in", [d.id for d in definitions.values()]),
                ("employee_id", "in", [e.id for e in employees.values()]),
                ("date", ">=", min(days)),
                ("date", "<=", max(days)),
            ]
        )
        return {(m.definition_id.id, m.employee_id.id, m.date): m for m in found}

    @api.model
    def _okr_importable_definition(self, connector, entry, definitions, outcome):
        """The KPI of ``entry``, or None after recording why it cannot take the value."""
        code = entry.item["definition_code"]
        definition = definitions.get(code)
        reason = None
        if definition is None:
            reason = self.env._(
                "no KPI with code “%(code)s” in %(company)s",
                code=code,
                company=connector.company_id.name,
            )
        elif definition.source in AUTOMATIC_SOURCES:
            reason = self.env._(
                "KPI %(kpi)s is computed by Odoo (%(origin)s): its values cannot be imported",
                kpi=definition.display_name,
                origin=dict(definition._fields["source"]._description_selection(self.env))[
                    definition.source
                ],
            )
        if reason:
            outcome.fail(entry.row, connector._label("kpi", entry), reason, entry.raws)
            return None
        return definition

    @api.model
    def _okr_importable_value(
        self, connector, entry, employee, definition, outcome, *, scope_ids=None
    ):
        """Whether ``entry`` may set this value; if not, record why and return False.

        The uploader's reach (``scope_ids``, a manager's team; None: no limit) and,
        for values people made, the KPI's plausible range."""
        if scope_ids is not None and employee.id not in scope_ids:
            # Worded like an unknown code: a manager's file learns nothing of who
            # carries a badge or an ID outside their team.
            _key, key = connector._employee_match_key()
            outcome.fail(
                entry.row,
                connector._label("employee", entry),
                self.env._(
                    "nobody in your team has %(key)s “%(code)s”: only HR imports values for others",
                    key=key,
                    code=entry.item["employee_code"],
                ),
                entry.raws,
            )
            return False
        if scope_ids is not None and definition.source != "manual":
            outcome.fail(
                entry.row,
                connector._label("kpi", entry),
                self.env._(
                    "KPI %(kpi)s is fed by a connector: only HR imports its values",
                    kpi=definition.display_name,
                ),
                entry.raws,
            )
            return False
        value = entry.item["value"]
        low, high = definition._plausible_range()
        if connector._kind_spec().reads_file and not low <= value <= high:
            outcome.fail(
                entry.row,
                connector._label("value", entry),
                self.env._(
                    "%(value)g is outside the plausible range of KPI %(kpi)s (%(low)g to %(high)g)",
                    value=value,
                    kpi=definition.display_name,
                    low=low,
                    high=high,
                ),
                entry.raws,
            )
            return False
        return True
