"""With OCA queue_job installed, a connector run that has more than one batch to
write reads its source once, then hands each batch to a queue job: several Odoo
workers (or servers) write them side by side, and the last job closes the run's
log. Batches never split one employee's entries, so jobs never compete for the
same attendances."""

import json

from odoo import models
from odoo.addons.okr_addon.okr_addon.logic import sync
from odoo.addons.okr_addon.okr_addon.models.okr_connector import RUN_LOCK, TARGET_MODELS


class OkrConnector(models.Model):
    _inherit = "okr.connector"

    def _import_batches(self, log, entries, warnings):
        batches = self._batches(entries)
        if len(batches) < 2:
            return super()._import_batches(log, entries, warnings)
        log.write({"jobs_left": len(batches), "job_warnings": json.dumps(list(warnings))})
        for number, batch in enumerate(batches, 1):
            description = self.env._(
                "%(connector)s: batch %(number)s of %(count)s",
                connector=self.name,
                number=number,
                count=len(batches),
            )
            rows = [[entry.row, entry.raws, entry.item] for entry in batch]
            self.with_delay(description=description)._job_import_batch(log, rows)
        return False

    def _job_import_batch(self, log, rows):
        """Write one batch of a run (a queue job); the last batch closes the log.

        A job holds the run lock in shared mode: the jobs of one run go side by side,
        but a new run of the connector is refused while one of them is writing."""
        self.ensure_one()
        self.env.cr.execute("SELECT pg_advisory_xact_lock_shared(%s, %s)", (RUN_LOCK, self.id))
        connector = self.with_company(self.company_id)
        entries = [sync.Entry(row, raws, item) for row, raws, item in rows]
        outcome = self.env[TARGET_MODELS[self.kind]]._okr_connector_import(connector, entries)
        # Lock the log row: two jobs finishing together must not both (or neither) close it.
        self.env.cr.execute("SELECT id FROM okr_sync_log WHERE id = %s FOR UPDATE", (log.id,))
        log.invalidate_recordset(["jobs_left", "created_count", "updated_count"])
        log.invalidate_recordset(["unchanged_count", "failed_count", "state"])
        log._add(outcome)
        log.jobs_left -= 1
        if log.jobs_left <= 0 and log.state == "running":
            connector._close_log(log, json.loads(log.job_warnings or "[]"))
        return log.jobs_left
