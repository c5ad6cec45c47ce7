"""With OCA queue_job installed, a connector run that has more than one batch to
write reads its source once, then hands each batch to a queue job: several Odoo
workers (or servers) write them side by side. When all of them are done, a last
job adds up their counts and closes the run's log. Batches never split one
employee's entries, so jobs never compete for the same attendances."""

from odoo import models
from odoo.addons.okr_addon.connectors.redact import redact_data
from odoo.addons.okr_addon.okr_addon.logic import sync
from odoo.addons.okr_addon.okr_addon.models.okr_connector_run import RUN_LOCK
from odoo.addons.queue_job.delay import group


class OkrConnector(models.Model):
    _inherit = "okr.connector"

    def _import_batches(self, log, entries, warnings):
        batches = self._batches(entries)
        if len(batches) < 2:
            return super()._import_batches(log, entries, warnings)
        log.job_count = len(batches)
        jobs = []
        secrets = self._secrets()
        for number, batch in enumerate(batches, 1):
            description = self.env._(
                "%(connector)s: batch %(number)s of %(count)s",
                connector=self.name,
                number=number,
                count=len(batches),
            )
            rows = [_job_row(entry, secrets) for entry in batch]
            jobs.append(self.delayable(description=description)._job_import_batch(log, rows))
        closing = self.delayable(
            description=self.env._("%(connector)s: close the run", connector=self.name)
        )._job_close_run(log, list(warnings))
        group(*jobs).on_done(closing).delay()
        return False

    def _job_import_batch(self, log, rows):
        """Write one batch of a run (a queue job).

        A job holds the run lock in shared mode: the jobs of one run go side by side,
        but a new run of the connector is refused while one of them is writing. It only
        inserts rows (its counts, its failed rows), never updates the run's log, so jobs
        committing side by side never make each other fail and start again."""
        self.ensure_one()
        self.env.cr.execute("SELECT pg_advisory_xact_lock_shared(%s, %s)", (RUN_LOCK, self.id))
        connector = self.with_company(self.company_id)
        entries = [sync.Entry(row, raws, item) for row, raws, item in rows]
        outcome = self.env[self._kind_spec().target_model]._okr_connector_import(connector, entries)
        self.env["okr.sync.log.batch"].create(
            {
                "log_id": log.id,
                "created_count": outcome.created,
                "updated_count": outcome.updated,
                "unchanged_count": outcome.unchanged,
                "failed_count": len(outcome.failures),
            }
        )
        log._add_failures(outcome.failures)
        log._add_kept(outcome.kept)
        return self.env._(
            "%(created)s created, %(updated)s updated, %(unchanged)s unchanged, %(failed)s failed.",
            created=outcome.created,
            updated=outcome.updated,
            unchanged=outcome.unchanged,
            failed=len(outcome.failures),
        )

    def _job_close_run(self, log, warnings):
        """Add the counts of the run's batches to its log (which holds the rows refused
        while reading) and close it: a queue job that runs when every batch job is done."""
        self.ensure_one()
        if log.state != "running":
            return log.message
        totals = {
            field: log[field]
            for field in ("created_count", "updated_count", "unchanged_count", "failed_count")
        }
        for batch in log.batch_ids:
            for field in totals:
                totals[field] += batch[field]
        log.write(totals)
        self._close_log(log, warnings)
        return log.message


def _job_row(entry, secrets):
    """What a batch job receives of ``entry``; stored with the job, so without any of
    the connector's ``secrets`` that the remote may have echoed in its rows."""
    if not secrets:
        return [entry.row, entry.raws, entry.item]
    item = {
        name: redact_data(value, secrets) if isinstance(value, str) else value
        for name, value in entry.item.items()
    }
    return [entry.row, redact_data(entry.raws, secrets), item]
