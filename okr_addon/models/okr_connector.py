"""Connectors: where outside data (terminal punches, attendances, KPI values,
wages) comes from, and the runs that bring it into Odoo.

The reading and checking of files and APIs is done by the pure-Python
adapters of :mod:`connectors`; this model holds their settings and
credentials, turns their rows into :class:`~okr_addon.logic.sync.Entry`
objects and hands them, a batch at a time, to the target model
(``hr.attendance`` or ``kpi.measurement``, method ``_okr_connector_import``),
which writes what it can and reports each row it could not write. Every run
leaves an ``okr.sync.log``.
"""

import base64
import collections
import datetime
import logging
import zlib

from odoo import api, fields, models
from odoo.addons.base.models.res_partner import _tz_get
from odoo.exceptions import AccessError, UserError, ValidationError

from ...connectors import kpi as kpi_source
from ...connectors import network
from ...connectors.attendance import RestAttendanceSource, pair_punches, parse_zkteco_csv, zkteco
from ...connectors.attendance.schema import AttendanceRecordSchema, PunchSchema
from ...connectors.csvfile import resolve_columns
from ...connectors.errors import ConnectorError, PayloadError
from ...connectors.http import ApiClient
from ...connectors.loading import LoadResult, load_rows
from ...connectors.pagination import extract_items
from ...connectors.redact import redact, sanitize_url
from ..logic import sync

_logger = logging.getLogger(__name__)

FILE_KINDS = ("attendance_csv", "kpi_csv")
REST_KINDS = ("attendance_rest", "kpi_rest", "payroll_rest")
# Kinds whose runs import data (payroll pushes are driven by the incentive engine).
IMPORT_KINDS = ("attendance_csv", "attendance_rest", "kpi_csv", "kpi_rest")
TARGET_MODELS = {
    "attendance_csv": "hr.attendance",
    "attendance_rest": "hr.attendance",
    "kpi_csv": "kpi.measurement",
    "kpi_rest": "kpi.measurement",
}
# Our field names, as keys of the mapping {"our field": "their column or field"}.
MAPPING_FIELDS = {
    "attendance_csv": tuple(zkteco.COLUMNS),
    "attendance_rest": ("employee_code", "check_in", "check_out", "external_id"),
    "kpi_csv": tuple(kpi_source.COLUMNS),
    "kpi_rest": tuple(kpi_source.COLUMNS),
    "payroll_rest": ("employee_code", "base_wage", "currency", "period", "gross", "net"),
}
# The field a failure is reported on: role -> our field name, per kind.
ROLE_FIELDS = {
    "attendance_csv": {
        "employee": "employee_no",
        "check_in": "timestamp",
        "check_out": "timestamp",
    },
    "attendance_rest": {
        "employee": "employee_code",
        "check_in": "check_in",
        "check_out": "check_out",
    },
    "kpi_csv": {"employee": "employee_code", "kpi": "kpi_code", "date": "date"},
    "kpi_rest": {"employee": "employee_code", "kpi": "kpi_code", "date": "date"},
}
CREDENTIAL_FIELDS = {
    "api_key": ("api_key",),
    "bearer": ("token",),
    "basic": ("username", "password"),
}
SECRET_FIELDS = ("api_key", "token", "password")
# Entries written per transaction by a scheduled run (commit between batches).
BATCH_SIZE = 500
# First key of the PostgreSQL advisory lock held by a run (the second is the connector id).
RUN_LOCK = zlib.crc32(b"okr.connector run") & 0x7FFFFFFF


class OkrConnector(models.Model):
    """A source of outside data: a terminal file format or a remote API, with its settings."""

    _name = "okr.connector"
    _description = "Integration Connector"
    _inherit = ["mail.thread"]
    _order = "sequence, name, id"
    _check_company_auto = True

    name = fields.Char(required=True, tracking=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True, tracking=True)
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company, tracking=True
    )
    kind = fields.Selection(
        [
            ("attendance_csv", "Attendance: terminal CSV file"),
            ("attendance_rest", "Attendance: REST API"),
            ("payroll_rest", "Payroll: REST API (wages in, incentives out)"),
            ("kpi_csv", "KPI values: CSV file"),
            ("kpi_rest", "KPI values: REST API"),
        ],
        required=True,
        default="attendance_csv",
        tracking=True,
    )
    is_file = fields.Boolean(compute="_compute_is_file")
    # --- remote -------------------------------------------------------------
    endpoint_url = fields.Char(
        string="Endpoint URL",
        tracking=True,
        help="URL of the list endpoint, e.g. https://clock.example.com/api/v1/attendances; "
        "for payroll, the base URL of the API (wages are read from <base>/wages). "
        "Credentials go in the fields below, never in the URL.",
    )
    push_path = fields.Char(
        string="Incentives Path",
        default="incentives",
        help="Payroll: path under the base URL where incentive postings are sent.",
    )
    auth_type = fields.Selection(
        [("none", "None"), ("api_key", "API Key"), ("bearer", "Bearer Token"), ("basic", "Basic")],
        string="Authentication",
        required=True,
        default="none",
        tracking=True,
    )
    api_key_header = fields.Char(
        string="API Key Header", default="X-API-Key", groups="okr_addon.group_okr_admin"
    )
    api_key = fields.Char(string="API Key", copy=False, groups="okr_addon.group_okr_admin")
    token = fields.Char(copy=False, groups="okr_addon.group_okr_admin")
    username = fields.Char(copy=False, groups="okr_addon.group_okr_admin")
    password = fields.Char(copy=False, groups="okr_addon.group_okr_admin")
    allow_local_network = fields.Boolean(
        string="Allow local network address",
        copy=False,
        tracking=True,
        help="Let this connector call plain http:// URLs and addresses of the local network "
        "(loopback, private, link-local), e.g. an on-premise terminal. Otherwise it only "
        "calls public https:// addresses. Only a Settings administrator can change it.",
    )
    can_allow_local_network = fields.Boolean(compute="_compute_can_allow_local_network")
    timeout = fields.Integer(string="Timeout (s)", default=20)
    pagination = fields.Selection(
        [("cursor", "Cursor (next_cursor)"), ("offset", "Offset and limit")],
        default="cursor",
        required=True,
    )
    page_size = fields.Integer(default=100)
    lookback_days = fields.Integer(
        default=7,
        help="Each run asks for the records of the last N days (sent as the Since Parameter); "
        "what was already imported is recognised and left unchanged.",
    )
    since_param = fields.Char(
        string="Since Parameter",
        default="since",
        help="Query parameter carrying the first day to fetch; leave empty to fetch everything.",
    )
    # --- data -----------------------------------------------------------------
    mapping = fields.Text(
        tracking=True,
        help='Only for names that differ from the usual ones: a JSON object {"our field": '
        '"their column"}, e.g. {"timestamp": "Punch time"} or {"employee_code": "emp_no"}.',
    )
    mapping_help = fields.Char(compute="_compute_mapping_help")
    employee_key = fields.Selection(
        [
            ("barcode", "Badge ID"),
            ("identification_id", "Identification No"),
            ("pin", "PIN"),
            ("name", "Employee Name"),
        ],
        string="Match Employees By",
        required=True,
        default="barcode",
        tracking=True,
    )
    tz = fields.Selection(
        _tz_get,
        string="Timezone",
        required=True,
        default=lambda self: self._default_tz(),
        tracking=True,
        help="Time zone of the terminal's clock: times without an offset are read in it.",
    )
    max_shift_hours = fields.Float(
        default=16,
        help="A check-out pairs with the open check-in of the same employee at most this "
        "many hours before it (night shifts across midnight included).",
    )
    pairing_policy = fields.Selection(
        [
            ("state", "Follow the punch states (In / Out)"),
            ("first_last", "First and last punch of the day"),
        ],
        default="state",
        required=True,
    )
    # --- schedule ---------------------------------------------------------------
    scheduled = fields.Boolean(string="Run on Schedule", tracking=True)
    interval_number = fields.Integer(string="Every", default=1)
    interval_type = fields.Selection(
        [("minutes", "Minutes"), ("hours", "Hours"), ("days", "Days")],
        default="hours",
        required=True,
    )
    next_run = fields.Datetime(copy=False)
    last_run = fields.Datetime(readonly=True, copy=False)
    last_log_id = fields.Many2one("okr.sync.log", readonly=True, copy=False, check_company=True)
    last_state = fields.Selection(related="last_log_id.state", string="Last Result")
    log_ids = fields.One2many("okr.sync.log", "connector_id", string="Sync Logs")
    log_count = fields.Integer(compute="_compute_log_count")

    @api.model
    def _default_tz(self):
        company = self.env.company
        return company.resource_calendar_id.tz or company.partner_id.tz or self.env.user.tz or "UTC"

    @api.depends("kind")
    def _compute_is_file(self):
        for connector in self:
            connector.is_file = connector.kind in FILE_KINDS

    @api.depends("kind")
    def _compute_mapping_help(self):
        for connector in self:
            names = MAPPING_FIELDS.get(connector.kind, ())
            connector.mapping_help = self.env._("Fields: %s", ", ".join(names))

    @api.depends_context("uid")
    def _compute_can_allow_local_network(self):
        allowed = self._may_allow_local_network()
        for connector in self:
            connector.can_allow_local_network = allowed

    def _may_allow_local_network(self):
        return self.env.su or self.env.user.has_group("base.group_system")

    def _check_local_network_change(self):
        """Refuse a change of Allow local network address by anyone but a Settings
        administrator: it opens the server's own network to what the URL points to."""
        if not self._may_allow_local_network():
            raise AccessError(
                self.env._(
                    "Only a Settings administrator can allow a connector to call local "
                    "network addresses."
                )
            )

    def _compute_log_count(self):
        counts = dict(
            self.env["okr.sync.log"]._read_group(
                [("connector_id", "in", self.ids)], ["connector_id"], ["__count"]
            )
        )
        for connector in self:
            connector.log_count = counts.get(connector, 0)

    # --- constraints --------------------------------------------------------------
    @api.constrains("kind", "auth_type", "api_key", "token", "username", "password")
    def _check_credentials(self):
        labels = {
            name: self._fields[name].get_description(self.env)["string"]
            for name in (*SECRET_FIELDS, "username")
        }
        for connector in self.sudo():
            if connector.kind not in REST_KINDS or connector.auth_type == "none":
                continue
            missing = [
                labels[name]
                for name in CREDENTIAL_FIELDS[connector.auth_type]
                if not connector[name]
            ]
            if missing:
                auth = dict(self._fields["auth_type"]._description_selection(self.env))
                raise ValidationError(
                    self.env._(
                        "Connector %(name)s: %(auth)s authentication needs %(missing)s.",
                        name=connector.name,
                        auth=auth[connector.auth_type],
                        missing=self.env._(" and ").join(missing),
                    )
                )

    @api.constrains("kind", "endpoint_url", "allow_local_network")
    def _check_endpoint_url(self):
        for connector in self:
            if connector.kind not in REST_KINDS:
                continue
            problem = connector._endpoint_problem()
            if problem:
                raise ValidationError(
                    self.env._(
                        "Connector %(name)s: %(problem)s", name=connector.name, problem=problem
                    )
                )

    def _endpoint_problem(self):
        """Why the endpoint URL cannot be used, or "" when it can."""
        url = (self.endpoint_url or "").strip()
        if not url:
            return self.env._("an API connector needs its endpoint URL.")
        try:
            base, _path = sync.split_endpoint(url)
            ApiClient(base).close()
        except (ValueError, ConnectorError):
            return self.env._("the endpoint URL must look like https://host/path.")
        if "@" in url.split("//", 1)[-1].split("/", 1)[0] or "***" in sanitize_url(url):
            return self.env._(
                "put the credentials in the Credentials tab, not in the endpoint URL."
            )
        # A name that does not resolve (yet) is checked again before every call.
        refusal = network.url_refusal(url, allow_local=self.allow_local_network, strict=False)
        return self._refusal_message(refusal) if refusal else ""

    def _refusal_message(self, refusal):
        """Why this connector may not call the address of ``refusal``
        (a :class:`connectors.network.Refusal`), for the user."""
        if refusal.kind == "scheme":
            return self.env._(
                "the endpoint URL must start with https://; plain http:// is only for an "
                "on-premise terminal, once a Settings administrator has ticked Allow local "
                "network address."
            )
        kinds = {
            "loopback": self.env._("a loopback"),
            "private": self.env._("a private network"),
            "link-local": self.env._("a link-local"),
            "multicast": self.env._("a multicast"),
            "unspecified": self.env._("an unspecified"),
            "reserved": self.env._("a reserved"),
        }
        return self.env._(
            "%(host)s is %(kind)s address (%(address)s): connectors call public addresses "
            "only, unless a Settings administrator ticks Allow local network address "
            "(on-premise terminals).",
            host=refusal.host,
            kind=kinds.get(refusal.kind, self.env._("a non-public")),
            address=refusal.address or refusal.host,
        )

    def _error_text(self, exc):
        """The text of a connector error for a log or a notification: without secrets,
        and in the user's language when it is a refused address."""
        if isinstance(exc, network.AddressRefusedError):
            return self._refusal_message(exc.refusal)
        return self._redact(str(exc))

    @api.constrains("kind", "mapping")
    def _check_mapping(self):
        for connector in self:
            try:
                sync.parse_mapping(connector.mapping, MAPPING_FIELDS[connector.kind])
            except ValueError as exc:
                raise ValidationError(
                    self.env._(
                        "Mapping of connector %(name)s: %(reason)s",
                        name=connector.name,
                        reason=str(exc),
                    )
                ) from None

    @api.constrains("timeout", "page_size", "interval_number", "max_shift_hours", "lookback_days")
    def _check_numbers(self):
        for connector in self:
            if min(connector.timeout, connector.page_size, connector.interval_number) < 1:
                raise ValidationError(
                    self.env._(
                        "Connector %s: timeout, page size and schedule interval must be at "
                        "least 1.",
                        connector.name,
                    )
                )
            if connector.max_shift_hours <= 0 or connector.lookback_days < 0:
                raise ValidationError(
                    self.env._(
                        "Connector %s: the longest shift must be positive and the look-back "
                        "days cannot be negative.",
                        connector.name,
                    )
                )

    # --- schedule -------------------------------------------------------------------
    @api.model_create_multi
    def create(self, vals_list):
        if any(vals.get("allow_local_network") for vals in vals_list):
            self._check_local_network_change()
        connectors = super().create(vals_list)
        connectors._plan_next_run()
        return connectors

    def write(self, vals):
        if "allow_local_network" in vals and any(
            connector.allow_local_network != bool(vals["allow_local_network"]) for connector in self
        ):
            self._check_local_network_change()
        res = super().write(vals)
        if {"scheduled", "interval_number", "interval_type", "active", "next_run"} & set(vals):
            self._plan_next_run()
        return res

    def _plan_next_run(self):
        """Wake the scheduler when a scheduled connector is next due."""
        due = self.filtered(lambda c: c.scheduled and c.active and c.kind in REST_KINDS)
        for connector in due.filtered(lambda c: not c.next_run):
            connector.next_run = fields.Datetime.now()
        cron = self.env.ref("okr_addon.ir_cron_okr_connector_sync", raise_if_not_found=False)
        if cron and due:
            cron.sudo()._trigger(min(due.mapped("next_run")))

    def _interval(self):
        return datetime.timedelta(**{self.interval_type: self.interval_number})

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
                ("kind", "in", [k for k in IMPORT_KINDS if k in REST_KINDS]),
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

    # --- actions --------------------------------------------------------------------
    def action_test_connection(self):
        """Call the endpoint once; return a notification with the verdict (never a credential)."""
        self.ensure_one()
        if self.kind in FILE_KINDS:
            raise UserError(
                self.env._("A file connector has nothing to connect to: upload a file instead.")
            )
        try:
            count = self._probe()
        except ConnectorError as exc:
            return self._notification(
                self.env._("Connection failed"), self._error_text(exc), "danger"
            )
        return self._notification(
            self.env._("Connection works"),
            self.env._(
                "%(url)s answered with %(count)s record(s).",
                url=sanitize_url(self.endpoint_url),
                count=count,
            ),
            "success",
        )

    def _probe(self):
        """Ask the remote for (at most) one record; return how many it sent."""
        client, path = self._api_client(max_retries=1)
        params = {} if self.kind == "payroll_rest" else {"limit": 1}
        with client:
            body = client.get_json(path, params=params)
        return len(extract_items(body, "items", path) if body is not None else [])

    def _notification(self, title, message, kind):
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "title": title,
                "message": message,
                "type": kind,
                "sticky": kind != "success",
            },
        }

    def action_run(self):
        """Run the API connectors now; open the log of the (last) run."""
        logs = self.env["okr.sync.log"]
        for connector in self:
            if connector.kind not in IMPORT_KINDS or connector.kind in FILE_KINDS:
                raise UserError(
                    self.env._(
                        "%s cannot be run: upload a file for a file connector; payroll "
                        "connectors are used by the incentive engine.",
                        connector.name,
                    )
                )
            logs |= connector._run("manual")
        return logs[-1:]._open() if len(logs) == 1 else self.action_open_logs()

    def action_upload(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Import File"),
            "res_model": "okr.connector.upload",
            "view_mode": "form",
            "target": "new",
            "context": {"default_connector_id": self.id},
        }

    def action_open_logs(self):
        action = self.env["ir.actions.act_window"]._for_xml_id("okr_addon.okr_sync_log_action")
        action["domain"] = [("connector_id", "in", self.ids)]
        return action

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
            entries, failures, warnings = connector._read(data, lines)
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
        Target = self.env[TARGET_MODELS[self.kind]]
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

    # --- reading ----------------------------------------------------------------------------
    def _read(self, data=None, lines=None):
        """``(entries, failures, warnings)`` of a file, of failed log lines or of the API."""
        if lines is not None:
            result = self._load_raw_lines(lines)
        elif self.kind in FILE_KINDS:
            if not data:
                raise UserError(self.env._("Upload a file to import."))
            result = self._parse_file(data)
        else:
            result = self._fetch()
        failures = [
            (error.row, error.field, error.reason, [error.raw] if error.raw is not None else [])
            for error in result.errors
        ]
        return self._entries(result), failures, list(result.warnings)

    def _mapping(self):
        """The mapping as a dict {our field: their name}."""
        return sync.parse_mapping(self.mapping, MAPPING_FIELDS[self.kind])

    def _parse_file(self, data):
        mapping = self._mapping() or None
        if self.kind == "attendance_csv":
            return parse_zkteco_csv(data, mapping=mapping)
        return kpi_source.parse_kpi_csv(data, mapping=mapping)

    def _fetch(self):
        client, path = self._api_client()
        remote_names = {theirs: ours for ours, theirs in self._mapping().items()}
        options = {"pagination": self.pagination, "page_size": self.page_size}
        if self.kind == "attendance_rest":
            source = RestAttendanceSource(client, path, remote_names, **options)
        else:
            source = kpi_source.KpiRestSource(client, path, remote_names, **options)
        params = {}
        if self.since_param:
            since = fields.Date.context_today(self) - datetime.timedelta(days=self.lookback_days)
            params[self.since_param] = since.isoformat()
        with client:
            return source.fetch(params)

    def _load_raw_lines(self, lines):
        """Load the raw rows kept on failed log ``lines`` with the current settings."""
        numbered, result = [], LoadResult()
        for line in lines:
            try:
                raws = sync.load_raw(line.raw)
            except ValueError as exc:
                result.errors.append(
                    PayloadError(line.row, None, f"the raw row is not valid JSON: {exc}", line.raw)
                )
                continue
            for raw in raws:
                if isinstance(raw, dict):
                    numbered.append((line.row, raw))
                else:  # a line that could not be split into the file's columns
                    result.errors.append(PayloadError(line.row, line.field, line.reason, raw))
        loaded = load_rows(self._row_schema(numbered), numbered, key=self._row_key())
        loaded.errors = sorted(result.errors + loaded.errors, key=lambda error: error.row)
        return loaded

    def _row_schema(self, numbered):
        """The schema that reads one raw row of this connector."""
        mapping = self._mapping()
        if self.kind in FILE_KINDS:
            headers = list(dict.fromkeys(key for _row, raw in numbered for key in raw))
            columns = zkteco if self.kind == "attendance_csv" else kpi_source
            field_map = resolve_columns(headers, columns.COLUMNS, columns.REQUIRED, mapping)
            if self.kind == "attendance_csv":
                return PunchSchema(field_map=field_map)
            return kpi_source.KpiValueSchema(field_map=field_map, source="csv")
        remote_names = {theirs: ours for ours, theirs in mapping.items()}
        if self.kind == "attendance_rest":
            return AttendanceRecordSchema(field_map=remote_names)
        return kpi_source.KpiValueSchema(field_map=remote_names, source="rest")

    def _row_key(self):
        if self.kind in ("kpi_csv", "kpi_rest"):
            return lambda measurement: measurement["source_reference"]
        return None

    def _entries(self, result):
        """The :class:`~okr_addon.logic.sync.Entry` list of a LoadResult."""
        if self.kind == "attendance_csv":
            return self._punch_entries(result)
        if self.kind == "attendance_rest":
            return [
                sync.Entry(
                    row,
                    [raw],
                    {
                        "employee_code": record.employee_code,
                        "check_in": sync.to_utc(record.check_in, self.tz),
                        "check_out": sync.to_utc(record.check_out, self.tz),
                        "external_id": record.external_id,
                    },
                )
                for record, (row, raw) in zip(result.items, result.origins, strict=True)
            ]
        return [
            sync.Entry(row, [raw], item)
            for item, (row, raw) in zip(result.items, result.origins, strict=True)
        ]

    def _punch_entries(self, result):
        """Pair terminal punches into attendance entries, each keeping its punches' rows."""
        origin = {}
        for punch, source in zip(result.items, result.origins, strict=True):
            origin.setdefault((punch.employee_no, punch.timestamp), source)
        entries = []
        pairs = pair_punches(result.items, self.max_shift_hours, policy=self.pairing_policy)
        for pair in pairs:
            sources = [
                origin[(pair.employee_no, moment)]
                for moment in (pair.check_in, pair.check_out)
                if moment is not None
            ]
            item = {
                "employee_code": pair.employee_no,
                "check_in": sync.to_utc(pair.check_in, self.tz),
                "check_out": sync.to_utc(pair.check_out, self.tz),
                "external_id": pair.external_id,
            }
            entries.append(sync.Entry(sources[0][0], [raw for _row, raw in sources], item))
        return entries

    # --- remote -------------------------------------------------------------------------------
    def _auth(self):
        """The auth settings of :mod:`connectors.auth` (read as superuser: restricted fields)."""
        me = self.sudo()
        if me.auth_type == "api_key":
            return {
                "type": "api_key",
                "header": me.api_key_header or "X-API-Key",
                "key": me.api_key,
            }
        if me.auth_type == "bearer":
            return {"type": "bearer", "token": me.token}
        if me.auth_type == "basic":
            return {"type": "basic", "username": me.username, "password": me.password}
        return None

    def _api_client(self, max_retries=3):
        """``(ApiClient, path)`` for this connector's endpoint.

        For payroll the endpoint URL is the API's base URL and the path its wages list;
        :class:`connectors.payroll.PayrollApi` / ``PayrollSink`` take the same client.
        """
        if self.kind == "payroll_rest":
            base, path = self.endpoint_url, "wages"
        else:
            base, path = sync.split_endpoint(self.endpoint_url or "")
        client = ApiClient(
            base,
            self._auth(),
            timeout=self.timeout,
            max_retries=max_retries,
            allow_local_network=self.allow_local_network,
        )
        return client, path

    def _secrets(self):
        """Every secret of these connectors, as sent to their remote systems: API keys,
        tokens, passwords and the encoded Basic authentication header."""
        secrets = []
        for me in self.sudo():
            secrets += [me[name] for name in SECRET_FIELDS if me[name]]
            if me.username and me.password:
                pair = f"{me.username}:{me.password}".encode()
                secrets.append(base64.b64encode(pair).decode())
        return secrets

    def _redact(self, text):
        """``text`` without any of these connectors' secrets (nor secret URL parameters).

        Everything stored from a remote answer passes through here: log messages,
        failure reasons, raw rows, chatter notes."""
        return redact(text, self._secrets())

    # --- helpers for the target models ------------------------------------------------------------
    def _match_employees(self, codes):
        """Employees of the company by code (the Match Employees By field), one search.

        Returns ``({code: employee}, {code: number of employees})``, the second for
        codes shared by several employees, which are not guessed.
        """
        key = self.employee_key
        employees = (
            self.env["hr.employee"]
            .sudo()
            .search([(key, "in", list(codes)), ("company_id", "=", self.company_id.id)])
        )
        found = collections.defaultdict(list)
        for employee in employees:
            found[str(employee[key])].append(employee)
        unique = {code: own[0] for code, own in found.items() if len(own) == 1}
        shared = {code: len(own) for code, own in found.items() if len(own) > 1}
        return unique, shared

    def _employee_of(self, entry, matches, outcome):
        """The employee of ``entry``, or None after recording why in ``outcome``."""
        employees, shared = matches
        code = entry.item["employee_code"]
        if code in employees:
            return employees[code]
        key = dict(self._fields["employee_key"]._description_selection(self.env))[self.employee_key]
        if code in shared:
            reason = self.env._(
                "%(count)s employees have %(key)s “%(code)s”: make it unique",
                count=shared[code],
                key=key,
                code=code,
            )
        else:
            reason = self.env._(
                "no employee of %(company)s has %(key)s “%(code)s”",
                company=self.company_id.name,
                key=key,
                code=code,
            )
        outcome.fail(entry.row, self._label("employee", entry), reason, entry.raws)
        return None

    def _label(self, role, entry):
        """The name the user knows the field of ``role`` by: their column or remote field."""
        ours = ROLE_FIELDS[self.kind][role]
        mapping = self._mapping()
        if ours in mapping:
            return mapping[ours]
        if self.kind in FILE_KINDS and entry.raws and isinstance(entry.raws[0], dict):
            columns = zkteco.COLUMNS if self.kind == "attendance_csv" else kpi_source.COLUMNS
            try:
                field_map = resolve_columns(list(entry.raws[0]), {ours: columns[ours]}, ())
            except ConnectorError:
                field_map = {}
            return next(iter(field_map), ours)
        return ours

    def _local(self, moment):
        """A naive UTC datetime as the terminal's wall-clock text."""
        return sync.to_local(moment, self.tz).strftime("%Y-%m-%d %H:%M:%S")
