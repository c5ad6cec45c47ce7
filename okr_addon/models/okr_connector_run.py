"""okr.connector, a run: the run lock, the batches handed to the target model,
the sync log, and the scheduler that runs the due connectors.

A run reads its source (see ``okr_connector_read.py``), then writes the
entries into the target model of its kind, :data:`BATCH_SIZE` at a time. The
queue_job bridge overrides :meth:`_import_batches` to write the batches in
jobs; it takes :data:`RUN_LOCK` in shared mode while a job writes.
"""

import collections
import logging
import zlib

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError

from ...connectors import kinds
from ...connectors.errors import ConnectorError
from ..logic import sync

_logger = logging.getLogger(__name__)

# Entries written per transaction by a scheduled run (commit between batches).
BATCH_SIZE = 500
# First key of the PostgreSQL advisory lock held by a run (the second is the connector id).
RUN_LOCK = zlib.crc32(b"okr.connector run") & 0x7FFFFFFF


# How a manager's file may name employees: codes printed on badges and papers,
# never the kiosk PIN.
MANAGER_MATCH_KEYS = ("barcode", "identification_id", "name")


class _UploadScope:
    """The employees a manager's upload may write for. Only :meth:`OkrConnector._upload`
    makes one: no RPC context can carry this Python object."""

    __slots__ = ("employee_ids",)

    def __init__(self, employees):
        self.employee_ids = frozenset(employees.ids)


class OkrConnector(models.Model):
    _inherit = "okr.connector"

    # --- an upload ------------------------------------------------------------------------
    def _upload(self, data, filename):
        """Run this file connector on an uploaded file; return the ``okr.sync.log``."""
        self.ensure_one()
        if not self._kind_spec().reads_file:
            raise UserError(
                self.env._(
                    "%s reads a remote API, not files: use Run Now on the connector.", self.name
                )
            )
        return self._run_as_caller("upload", data=data, filename=filename)

    def _run_as_caller(self, trigger, **kwargs):
        """Run for the current user (an upload, a retry of failed rows); return the log.

        OKR administrators run any connector. OKR managers upload KPI files too
        (the KPI menu's *Import Values*) and retry their failed rows, for the
        employees they manage only: the run writes as the connector does, but
        every row for somebody else is refused (see :meth:`_upload_scope`)."""
        self.ensure_one()
        if self.has_access("write"):
            return self._run(trigger, **kwargs)
        self.check_access("read")
        if not (
            self.env.user.has_group("okr_addon.group_okr_manager")
            and self._kind_spec().reads_file
            and self._kind_spec().target_model == "kpi.measurement"
            # A kiosk PIN is a secret: a file of guesses must not learn whose it is.
            and self.employee_key in MANAGER_MATCH_KEYS
        ):
            raise AccessError(
                self.env._("Only OKR administrators import files through %s.", self.name)
            )
        managed = self.env["hr.employee"].search(self._managed_employees_domain())
        scoped = self.sudo().with_context(okr_upload_scope=_UploadScope(managed))
        return scoped._run(trigger, **kwargs).sudo(False)

    def _managed_employees_domain(self):
        """The employees whose KPI values the current manager may write (the
        manager rule of ``kpi.measurement``): their reports and their departments'."""
        mine = self.env.user.employee_ids.ids
        return ["|", ("id", "child_of", mine), ("department_id.manager_id", "child_of", mine)]

    def _upload_scope(self):
        """The employees the running upload may write for, or None: no limit."""
        scope = self.env.context.get("okr_upload_scope")
        if not isinstance(scope, _UploadScope):
            return None
        return self.env["hr.employee"].browse(scope.employee_ids)

    # --- a run --------------------------------------------------------------------------
    def _run(self, trigger, data=None, filename=None, lines=None, retry_of=None):
        """Run once: read (``data`` for a file, ``lines`` of a log for a retry, the API
        otherwise), write in batches, log. Return the ``okr.sync.log``."""
        self.ensure_one()
        self.check_access("write")
        connector = self.with_company(self.company_id)
        connector._lock_run()
        log = connector._start_log(trigger, filename, retry_of)
        try:
            entries, failures, warnings = connector._read(data, lines, log=log)
        except (ConnectorError, ValueError) as exc:
            log._finish(message=connector._error_text(exc), fatal=True)
            connector._report_failure(log)
            return log
        log._add(sync.Outcome(failures=failures))
        warnings = [self._redact(w) for w in warnings]
        if connector._import_batches(log, entries, warnings):
            connector._close_log(log, warnings)
        return log

    def _import_batches(self, log, entries, warnings):
        """Write ``entries`` batch by batch into the target model, counting on ``log``.

        Return True when the log can be closed with ``warnings``, False when it is
        closed already (the run had to stop) or will be closed later (by whoever
        writes the last batch)."""
        Target = self.env[self._kind_spec().target_model]
        for batch in self._batches(entries):
            # A scheduled run commits between batches, which releases the lock.
            if not self._lock_run(raise_if_busy=False):
                log._finish(message=self._busy_message(), fatal=True)
                return False
            log._add(Target._okr_connector_import(self, batch))
            self._checkpoint()
        return True

    def _close_log(self, log, warnings):
        """End the run of ``log``: state and summary; followers hear of a failed
        scheduled run."""
        log._finish(warnings=warnings)
        if log.state == "failed":
            self._report_failure(log)
        _logger.info(
            "Connector %s (%s): %s", self.id, log.trigger, (log.message or "").replace("\n", " ")
        )

    def _lock_run(self, raise_if_busy=True):
        """Take the lock of a run of this connector for the current transaction; return
        whether it was free (raise a UserError when not, unless ``raise_if_busy`` is False).

        Two runs of one connector at a time could both find a punch unbound and import it
        twice; a PostgreSQL advisory lock keyed on the connector refuses the second one
        at once instead of letting it wait, and is released by commit or rollback."""
        self.ensure_one()
        self.env.cr.execute("SELECT pg_try_advisory_xact_lock(%s, %s)", (RUN_LOCK, self.id))
        if self.env.cr.fetchone()[0]:
            return True
        if raise_if_busy:
            raise UserError(self._busy_message())
        return False

    def _busy_message(self):
        return self.env._(
            "Connector %s is already running (started by another user or by the schedule): "
            "wait until it has finished, then look at its sync log before running it again.",
            self.name,
        )

    def _start_log(self, trigger, filename, retry_of):
        Log = self.env["okr.sync.log"].sudo()
        Log.search([("connector_id", "=", self.id), ("state", "=", "running")])._interrupted()
        log = Log.create(
            {
                "connector_id": self.id,
                "trigger": trigger,
                "filename": filename or False,
                "retry_of_id": retry_of.id if retry_of else False,
            }
        )
        self._checkpoint()
        return log

    def _report_failure(self, log):
        """Tell the connector's followers when a scheduled run failed."""
        if log.trigger == "cron":
            self.message_post(
                body=self.env._("Scheduled run failed: %s", self._redact(log.message or "")),
                subtype_xmlid="mail.mt_note",
            )

    def _batches(self, entries):
        """Entries in batches of about BATCH_SIZE, never splitting one employee's."""
        batches, current = [], []
        by_employee = collections.defaultdict(list)
        for entry in entries:
            by_employee[entry.item["employee_code"]].append(entry)
        for own in by_employee.values():
            if current and len(current) + len(own) > BATCH_SIZE:
                batches.append(current)
                current = []
            current.extend(own)
        return [*batches, current] if current else batches

    # --- schedule -------------------------------------------------------------------
    @api.model
    def _cron_run_due(self):
        """Run every scheduled connector that is due, committing after each batch.

        The next run is planned before the run starts, so a connector that
        keeps crashing cannot block the others; a run cut short (timeout,
        restart) is simply started again later and finds what it already
        wrote through the bindings.
        """
        now = fields.Datetime.now()
        due = self.search(
            [
                ("scheduled", "=", True),
                ("kind", "in", kinds.SCHEDULED_KINDS),
                ("next_run", "<=", now),
            ],
            order="next_run, id",
        )
        self._checkpoint(remaining=len(due))
        for connector in due:
            connector.next_run = now + connector._interval()
            if not connector._lock_run(raise_if_busy=False):
                _logger.info("Connector %s is already running: scheduled run skipped", connector.id)
                continue
            connector._run("cron")
            if self._checkpoint(processed=1) <= 0:
                break  # out of time: the rest is still due and runs at the next call
        return due

    @api.model
    def _checkpoint(self, processed=0, remaining=None):
        """Within a scheduled run, commit what is done and report progress; return the
        seconds left to the cron job. Outside a scheduled run (buttons, uploads, tests)
        nothing is committed: the run is one transaction."""
        if not self.env.context.get("ir_cron_progress_id"):
            return float("inf")
        return self.env["ir.cron"]._commit_progress(processed, remaining=remaining)
