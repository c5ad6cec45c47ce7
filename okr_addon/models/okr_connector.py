"""Connectors: where outside data (terminal punches, attendances, KPI values,
wages) comes from, and the runs that bring it into Odoo.

The reading and checking of files and APIs is done by the pure-Python
adapters of :mod:`connectors`; what differs between kinds of connector (file
or API, parser, mapping fields, target model) is described once per kind in
:mod:`connectors.kinds`. This model holds the settings, credentials,
constraints and buttons; the other parts of ``okr.connector`` live beside it:

* ``okr_connector_read.py``: a file, the API or failed log rows -> entries;
* ``okr_connector_run.py``: a run: lock, batches into the target model
  (``_okr_connector_import``), sync log, schedule;
* ``okr_connector_remote.py``: endpoint checks, authentication, secrets;
* ``okr_employee_matcher.py``: employees found by the code in a row.
"""

import datetime

from odoo import api, fields, models
from odoo.addons.base.models.res_partner import _tz_get
from odoo.exceptions import UserError, ValidationError

from ...connectors import kinds
from ...connectors.errors import ConnectorError
from ...connectors.redact import sanitize_url
from ..logic import sync

# Fields an authentication type needs.
CREDENTIAL_FIELDS = {
    "api_key": ("api_key",),
    "bearer": ("token",),
    "basic": ("username", "password"),
}
SECRET_FIELDS = ("api_key", "token", "password")


class OkrConnector(models.Model):
    """A source of outside data: a terminal file format or a remote API, with its settings."""

    _name = "okr.connector"
    _description = "Integration Connector"
    _inherit = ["mail.thread", "okr.employee.matcher"]
    _order = "sequence, name, id"
    _check_company_auto = True

    name = fields.Char(required=True, tracking=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True, tracking=True)
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company, tracking=True
    )
    kind = fields.Selection(
        kinds.selection(),
        required=True,
        default="attendance_csv",
        tracking=True,
    )
    # What the kind does (see connectors.kinds), for the form to show its settings only.
    is_file = fields.Boolean(compute="_compute_kind_traits")
    kind_runs = fields.Boolean(compute="_compute_kind_traits", string="Runs from its API")
    kind_pushes = fields.Boolean(compute="_compute_kind_traits", string="Pushes Incentives")
    kind_matches_employees = fields.Boolean(
        compute="_compute_kind_traits", string="Matches Employees"
    )
    kind_local_times = fields.Boolean(compute="_compute_kind_traits", string="Reads Local Times")
    kind_pairs_punches = fields.Boolean(compute="_compute_kind_traits", string="Pairs Punches")
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
    def _compute_kind_traits(self):
        for connector in self:
            spec = kinds.KINDS.get(connector.kind)
            connector.is_file = bool(spec and spec.reads_file)
            connector.kind_runs = bool(spec and spec.runs_on_schedule)
            connector.kind_pushes = bool(spec and spec.pushes)
            connector.kind_matches_employees = bool(spec and spec.imports)
            connector.kind_local_times = bool(spec and spec.wall_clock_fields)
            connector.kind_pairs_punches = bool(spec and spec.pairs_punches)

    @api.depends("kind")
    def _compute_mapping_help(self):
        for connector in self:
            spec = kinds.KINDS.get(connector.kind)
            names = spec.mapping_fields if spec else ()
            connector.mapping_help = self.env._("Fields: %s", ", ".join(names))

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
            if connector.kind not in kinds.API_KINDS or connector.auth_type == "none":
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
            if connector.kind not in kinds.API_KINDS:
                continue
            problem = connector._endpoint_problem()
            if problem:
                raise ValidationError(
                    self.env._(
                        "Connector %(name)s: %(problem)s", name=connector.name, problem=problem
                    )
                )

    @api.constrains("kind", "mapping")
    def _check_mapping(self):
        for connector in self:
            try:
                sync.parse_mapping(connector.mapping, connector._kind_spec().mapping_fields)
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
        due = self.filtered(lambda c: c.scheduled and c.active and c.kind in kinds.API_KINDS)
        for connector in due.filtered(lambda c: not c.next_run):
            connector.next_run = fields.Datetime.now()
        cron = self.env.ref("okr_addon.ir_cron_okr_connector_sync", raise_if_not_found=False)
        if cron and due:
            cron.sudo()._trigger(min(due.mapped("next_run")))

    def _interval(self):
        return datetime.timedelta(**{self.interval_type: self.interval_number})

    # --- actions --------------------------------------------------------------------
    def action_test_connection(self):
        """Call the endpoint once; return a notification with the verdict (never a credential).

        Only who may change the connector (OKR administrators of its company) tests
        it: the call carries its credentials and may renew a platform's token."""
        self.ensure_one()
        self.check_access("write")
        if self._kind_spec().reads_file:
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
            if not connector._kind_spec().runs_on_schedule:
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

    def _kind_spec(self):
        """The :class:`connectors.kinds.ConnectorKind` of this connector's kind."""
        self.ensure_one()
        return kinds.get(self.kind)

    # --- okr.employee.matcher hooks ------------------------------------------------------
    def _employee_match_key(self):
        labels = dict(self._fields["employee_key"]._description_selection(self.env))
        return self.employee_key, labels[self.employee_key]

    def _employee_match_company(self):
        return self.company_id

    def _employee_match_label(self, entry):
        return self._label("employee", entry)
