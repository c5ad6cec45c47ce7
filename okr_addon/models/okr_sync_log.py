import datetime

from odoo import api, fields, models
from odoo.exceptions import UserError

from ..logic import sync

# Logs (and the raw rows they keep) older than this are deleted by the daily autovacuum.
LOG_RETENTION_DAYS = 90


class OkrSyncLog(models.Model):
    """One run of a connector: when, how it ended, what it wrote, which rows failed."""

    _name = "okr.sync.log"
    _description = "Connector Sync Log"
    _order = "date_start desc, id desc"
    _rec_name = "connector_id"
    _check_company_auto = True

    connector_id = fields.Many2one(
        "okr.connector", required=True, ondelete="cascade", index=True, check_company=True
    )
    kind = fields.Selection(related="connector_id.kind")
    kind_platform = fields.Char(related="connector_id.kind_platform")
    company_id = fields.Many2one(related="connector_id.company_id", store=True, index=True)
    trigger = fields.Selection(
        [
            ("manual", "Run Now"),
            ("upload", "File Upload"),
            ("cron", "Scheduled"),
            ("retry", "Retry of Failed Rows"),
        ],
        required=True,
        default="manual",
    )
    filename = fields.Char(string="File")
    user_id = fields.Many2one("res.users", string="Started By", default=lambda self: self.env.user)
    retry_of_id = fields.Many2one(
        "okr.sync.log", ondelete="set null", readonly=True, check_company=True
    )
    date_start = fields.Datetime(string="Started", required=True, default=fields.Datetime.now)
    date_end = fields.Datetime(string="Ended")
    duration = fields.Float(
        string="Duration (s)", compute="_compute_duration", store=True, digits=(16, 1)
    )
    state = fields.Selection(
        [
            ("running", "Running"),
            ("success", "Success"),
            ("partial", "Partial"),
            ("failed", "Failed"),
        ],
        required=True,
        default="running",
    )
    created_count = fields.Integer(string="Created")
    updated_count = fields.Integer(string="Updated")
    unchanged_count = fields.Integer(string="Unchanged")
    failed_count = fields.Integer(string="Failed")
    message = fields.Text()
    # Attendance platforms: their verdicts on the shifts read, counted, and the worst
    # status of each employee-day ([employee id, ISO date, status]), noted after the import.
    shift_summary = fields.Char(string="Shift Results", readonly=True)
    shift_statuses = fields.Json(readonly=True)
    line_ids = fields.One2many("okr.sync.log.line", "log_id", string="Failed Rows")

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            if vals.get("message") and vals.get("connector_id"):
                connector = self.env["okr.connector"].browse(vals["connector_id"])
                vals["message"] = connector._redact(vals["message"])
        return super().create(vals_list)

    def write(self, vals):
        if vals.get("message"):
            # Whatever a run reports may quote the remote's answer: never store a secret.
            vals = {**vals, "message": self.connector_id._redact(vals["message"])}
        return super().write(vals)

    @api.depends("date_start", "date_end")
    def _compute_duration(self):
        for log in self:
            ended = log.date_end and log.date_start
            log.duration = (log.date_end - log.date_start).total_seconds() if ended else 0.0

    def _add(self, outcome):
        """Add an :class:`~okr_addon.logic.sync.Outcome` (counts and failed rows) to this log."""
        self.ensure_one()
        self.write(
            {
                "created_count": self.created_count + outcome.created,
                "updated_count": self.updated_count + outcome.updated,
                "unchanged_count": self.unchanged_count + outcome.unchanged,
                "failed_count": self.failed_count + len(outcome.failures),
            }
        )
        self._add_failures(outcome.failures)
        self._add_kept(outcome.kept)

    def _add_failures(self, failures):
        """Add the failed rows ``failures`` (row, field, reason, raw values) to this log
        (the lines mask the connector's secrets in them)."""
        self._add_lines(
            (row, field, reason, {"raw": sync.dump_raw(raws) if raws else False})
            for row, field, reason, raws in failures
        )

    def _add_kept(self, kept):
        """Add the rows ``kept`` (row, field, reason) that were not written but kept for
        what they say (an attendance another source already has): not failures, so
        nothing to retry."""
        self._add_lines((row, field, reason, {"kind": "kept"}) for row, field, reason in kept)

    def _add_lines(self, rows):
        """One log line per ``(row, field, reason, other values)`` of ``rows``."""
        self.ensure_one()
        self.env["okr.sync.log.line"].create(
            [
                {"log_id": self.id, "row": row, "field": field or False, "reason": reason, **more}
                for row, field, reason, more in rows
            ]
        )

    def _finish(self, message="", warnings=(), fatal=False):
        """Close the run: end time, state from the counts, summary message."""
        self.ensure_one()
        done = self.created_count + self.updated_count + self.unchanged_count
        state = sync.run_state(done, self.failed_count, fatal=fatal, warnings=warnings)
        summary = self.env._(
            "%(created)s created, %(updated)s updated, %(unchanged)s unchanged, %(failed)s failed.",
            created=self.created_count,
            updated=self.updated_count,
            unchanged=self.unchanged_count,
            failed=self.failed_count,
        )
        self.write(
            {
                "state": state,
                "date_end": fields.Datetime.now(),
                "message": "\n".join(
                    filter(None, [message, *warnings, self.shift_summary, summary])
                ),
            }
        )
        self.connector_id.sudo().write({"last_run": self.date_start, "last_log_id": self.id})
        return self

    def _interrupted(self):
        """Close runs that never finished (server restart, cron timeout)."""
        self.write(
            {
                "state": "failed",
                "date_end": fields.Datetime.now(),
                "message": self.env._(
                    "Interrupted before the end (timeout or restart); the next run picks up "
                    "what is missing."
                ),
            }
        )

    def action_retry_failed(self):
        """Import the raw rows of the failed lines again, with the connector's current
        settings; open the new log."""
        self.ensure_one()
        if self.state == "running":
            raise UserError(self.env._("This run has not finished yet."))
        lines = self.line_ids.filtered("raw")
        if not lines:
            raise UserError(self.env._("This run has no failed row to retry."))
        log = self.connector_id._run_as_caller("retry", lines=lines, retry_of=self)
        return log._open()

    def action_open_platform_users(self):
        """The Platform Users of this log's connector, where HR matches the users its
        failed rows name (then comes back to Retry Failed Rows)."""
        self.ensure_one()
        return self.connector_id.action_open_platform_users()

    def _open(self):
        return {
            "type": "ir.actions.act_window",
            "res_model": self._name,
            "res_id": self.id,
            "view_mode": "form",
            "target": "current",
        }

    @api.autovacuum
    def _gc_old_logs(self):
        """Delete logs older than LOG_RETENTION_DAYS: they hold raw rows with personal data."""
        limit = fields.Datetime.now() - datetime.timedelta(days=LOG_RETENTION_DAYS)
        self.sudo().search([("date_start", "<", limit), ("state", "!=", "running")]).unlink()
