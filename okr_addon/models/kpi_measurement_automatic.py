"""The values Odoo computes itself (the KPI refresh), written set-based."""

from odoo import api, models
from odoo.tools import SQL


class KpiMeasurement(models.Model):
    """Automatic values (Odoo data, attendance): the refresh makes a KPI's rows of a
    day equal what it measured with at most one SELECT, UPDATE, INSERT and
    DELETE, whatever the headcount."""

    _inherit = "kpi.measurement"

    @api.model
    def _replace_automatic(self, definition, date, values):
        """Make the automatic rows of ``definition`` on ``date`` equal ``values``
        ({employee id: value}): update changed ones, add new ones, drop the rest,
        and move the targets measured by what changed. Returns the measurements
        created or updated. Running it twice with the same values changes nothing.

        Set-based, whatever the headcount: one SELECT of the rows already there,
        then at most one UPDATE, one INSERT and one DELETE. Only this KPI's rows
        of its own automatic source on that date are touched; manual, imported
        and connector values never are.
        """
        values = {employee_id: float(value or 0.0) for employee_id, value in values.items()}
        Measurement = self.sudo()
        Measurement.flush_model()
        rows, stale_ids = Measurement._automatic_rows(definition, date, values)
        moved = [e for e, (_id, value) in rows.items() if abs(value - values[e]) > 1e-9]
        new = {e: value for e, value in values.items() if e not in rows}
        if not (moved or new or stale_ids):
            return Measurement
        # The targets of vanished rows are found while those rows still exist.
        stale = Measurement.browse(stale_ids).with_context(okr_kpi_batch=False)
        stale_targets = stale._affected_targets()
        updated_ids = Measurement._sql_update_values({rows[e][0]: values[e] for e in moved})
        created_ids = Measurement._sql_insert_values(definition, date, new)
        if stale_ids:
            self.env.cr.execute(SQL("DELETE FROM kpi_measurement WHERE id = ANY(%s)", stale_ids))
            # ondelete="cascade" removed their anomaly flags in the database
            self.env["okr.anomaly.flag"].invalidate_model(["measurement_id"], flush=False)
        Measurement.invalidate_model(flush=False)
        moved_targets = Measurement._targets_of_employees(definition, date, [*moved, *new])
        (stale_targets | moved_targets)._recompute_actuals()
        return Measurement.browse(updated_ids + created_ids)

    def _automatic_rows(self, definition, date, values):
        """({employee id: (row id, value)} of the automatic rows to keep, [row ids to
        delete]) for ``definition`` on ``date``: rows of employees without a value,
        rows without an employee and duplicates of an employee's row go."""
        self.env.cr.execute(
            SQL(
                """SELECT id, employee_id, value FROM kpi_measurement
                   WHERE definition_id = %s AND date = %s AND source = %s ORDER BY id""",
                definition.id,
                date,
                definition.source,
            )
        )
        rows, stale_ids = {}, []
        for row_id, employee_id, value in self.env.cr.fetchall():
            if employee_id in values and employee_id not in rows:
                rows[employee_id] = (row_id, value)
            else:
                stale_ids.append(row_id)
        return rows, stale_ids

    def _sql_update_values(self, changed):
        """Write {row id: value} in one UPDATE (with the writer and the time); return
        the row ids."""
        if not changed:
            return []
        self.env.cr.execute(
            SQL(
                """UPDATE kpi_measurement AS m
                   SET value = v.value, write_uid = %s, write_date = %s
                   FROM unnest(%s::int[], %s::float8[]) AS v(id, value)
                   WHERE m.id = v.id""",
                self.env.uid,
                self.env.cr.now(),
                list(changed),
                list(changed.values()),
            )
        )
        return list(changed)

    def _sql_insert_values(self, definition, date, new):
        """Insert {employee id: value} as automatic rows of ``definition`` on ``date``
        in one INSERT; return the new ids.

        Each row takes the KPI's company and the employee's current department, as
        the ORM would. A row another transaction inserted meanwhile is updated
        instead of duplicated (the unique index on KPI, subject, date and source).
        """
        if not new:
            return []
        self.env["hr.employee"].flush_model(["current_version_id"])
        self.env["hr.version"].flush_model(["department_id"])
        now = self.env.cr.now()
        self.env.cr.execute(
            SQL(
                """INSERT INTO kpi_measurement (definition_id, employee_id, department_id,
                       company_id, date, value, source, create_uid, create_date, write_uid,
                       write_date)
                   SELECT %(definition)s, v.employee_id, version.department_id,
                          %(company)s, %(date)s, v.value, %(source)s, %(uid)s, %(now)s,
                          %(uid)s, %(now)s
                   FROM unnest(%(employees)s::int[], %(values)s::float8[])
                            AS v(employee_id, value)
                   JOIN hr_employee employee ON employee.id = v.employee_id
                   LEFT JOIN hr_version version ON version.id = employee.current_version_id
                   ORDER BY v.employee_id
                   ON CONFLICT (definition_id, COALESCE(employee_id, 0),
                                COALESCE(department_id, 0), date, source)
                   DO UPDATE SET value = EXCLUDED.value, write_uid = EXCLUDED.write_uid,
                                 write_date = EXCLUDED.write_date
                   RETURNING id""",
                definition=definition.id,
                company=definition.company_id.id,
                date=date,
                source=definition.source,
                uid=self.env.uid,
                now=now,
                employees=list(new),
                values=list(new.values()),
            )
        )
        return [row_id for (row_id,) in self.env.cr.fetchall()]

    def _targets_of_employees(self, definition, date, employee_ids):
        """Employee targets of ``definition`` whose dates hold ``date`` (one query; the
        employees go as one array, not one parameter each)."""
        Target = self.env["kpi.target"].sudo()
        if not employee_ids:
            return Target
        Target.flush_model(["definition_id", "employee_id", "date_from", "date_to"])
        self.env.cr.execute(
            SQL(
                """SELECT id FROM kpi_target
                   WHERE definition_id = %s AND date_from <= %s AND date_to >= %s
                     AND employee_id = ANY(%s)""",
                definition.id,
                date,
                date,
                list(employee_ids),
            )
        )
        return Target.browse([target_id for (target_id,) in self.env.cr.fetchall()])
