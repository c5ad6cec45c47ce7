"""okr.connector, attendance platforms (DingTalk 钉钉, WeCom 企业微信, Feishu 飞书):
the platform's credentials, the access token it hands out (kept on the
connector between runs, never shown), the order its users are matched to
employees in, and the adapter of :mod:`connectors.platforms` built from them.

The runs themselves (directory, punches, resume, shift verdicts) are in
``okr_connector_platform_run.py``; the users in ``okr_connector_user.py``.
"""

import datetime
import time

from odoo import api, fields, models
from odoo.exceptions import ValidationError

from ...connectors import kinds
from ...connectors import platforms as platform_adapters
from ...connectors.errors import ConnectorError
from ...connectors.http import ApiClient
from ..logic import platform_match

ADMIN = "okr_addon.group_okr_admin"
# Days a new platform connector reads back: a payroll month, whatever day it runs.
PLATFORM_LOOKBACK_DAYS = 31


class _ConnectorTokenStore:
    """The :class:`connectors.platforms.base.TokenStore` of a connector: the platform's
    access token and its expiry, on admin-only fields of the connector record."""

    def __init__(self, connector):
        self.connector = connector.sudo()

    def load(self):
        token, expiry = self.connector.platform_token, self.connector.platform_token_expiry
        if not token or not expiry:
            return None
        return token, expiry.replace(tzinfo=datetime.UTC)

    def save(self, token, expires_at):
        expiry = expires_at.astimezone(datetime.UTC).replace(tzinfo=None, microsecond=0)
        self.connector.write({"platform_token": token, "platform_token_expiry": expiry})


class OkrConnector(models.Model):
    _inherit = "okr.connector"

    kind_platform = fields.Char(
        compute="_compute_kind_traits_platform", string="Attendance Platform"
    )
    platform_key = fields.Char(
        string="App Key",
        copy=False,
        groups=ADMIN,
        help="DingTalk: the AppKey (Client ID) of the internal app, in the DingTalk developer "
        "console (open-dev.dingtalk.com) > Application Development > your app > Credentials "
        "and Basic Info. WeCom: the Corp ID (企业ID), in the WeCom admin console "
        "(work.weixin.qq.com) > My Company > Company Information. Feishu: the App ID, in the "
        "Feishu developer console (open.feishu.cn/app) > your custom app > Credentials & "
        "Basic Info.",
    )
    platform_secret = fields.Char(
        string="App Secret",
        copy=False,
        groups=ADMIN,
        help="DingTalk: the AppSecret (Client Secret) beside the AppKey. WeCom: the Secret of "
        "the Attendance app (管理后台 > Apps > Attendance > API > Secret) — the "
        "address-book secret is also needed to read the directory, see the integrators' "
        "guide. Feishu: the App Secret beside the App ID.",
    )
    # The platform's access token, cached between runs: never shown, never copied.
    platform_token = fields.Char(copy=False, groups=ADMIN)
    platform_token_expiry = fields.Datetime(copy=False, groups=ADMIN)
    # Where a fetch stopped by the platform's quota goes on: users, period, adapter state.
    platform_resume = fields.Json(copy=False, groups=ADMIN)
    platform_resuming = fields.Boolean(
        compute="_compute_platform_resuming", string="Resumes Next Run", groups=ADMIN
    )
    match_order = fields.Char(
        string="Match Platform Users By",
        default=platform_match.DEFAULT_ORDER,
        tracking=True,
        help="The keys a platform user is matched to an employee by, in order: mobile (the "
        "employee's Work Mobile), job_number (Badge ID), email (Work Email), name. The first "
        "key that finds employees decides; when it finds several, HR chooses in Platform "
        "Users.",
    )
    wecom_job_number_attr = fields.Char(
        string="Job Number Attribute",
        default="工号",
        help="WeCom has no job number field: the name of the custom member attribute "
        "(Contacts > Settings > Custom Fields) that holds it, e.g. 工号. Leave empty if the "
        "company keeps none.",
    )
    feishu_employee_type = fields.Selection(
        [("employee_id", "Employee ID (user_id)"), ("employee_no", "Job Number (工号)")],
        string="Feishu Attendance ID",
        default="employee_id",
        required=True,
        help="Which id Feishu's attendance API knows the people by: their user_id (the "
        "default) or their job number (工号), as set under Attendance > Settings in the "
        "Feishu admin console.",
    )
    platform_user_ids = fields.One2many(
        "okr.connector.user", "connector_id", string="Platform Users", groups=ADMIN
    )
    platform_unmatched_count = fields.Integer(
        compute="_compute_platform_unmatched_count", groups=ADMIN
    )

    @api.depends("kind")
    def _compute_kind_traits_platform(self):
        for connector in self:
            spec = kinds.KINDS.get(connector.kind)
            connector.kind_platform = (spec and spec.platform) or False

    def _compute_platform_resuming(self):
        for connector in self:
            connector.platform_resuming = bool(connector.platform_resume)

    def _compute_platform_unmatched_count(self):
        counts = dict(
            self.env["okr.connector.user"]._read_group(
                [("connector_id", "in", self.ids), ("employee_id", "=", False)],
                ["connector_id"],
                ["__count"],
            )
        )
        for connector in self:
            connector.platform_unmatched_count = counts.get(connector, 0)

    # --- settings -------------------------------------------------------------------
    @api.onchange("kind")
    def _onchange_kind_platform_url(self):
        """A platform kind calls the platform's own address unless told otherwise,
        and reads a month back (a payroll month) unless HR chose another period."""
        bases = set(platform_adapters.BASE_URLS.values())
        spec = kinds.KINDS.get(self.kind)
        if not (spec and spec.platform):
            return
        if not self.endpoint_url or self.endpoint_url in bases:
            self.endpoint_url = platform_adapters.BASE_URLS[spec.platform]
        if self.lookback_days == self._fields["lookback_days"].default(self):
            self.lookback_days = PLATFORM_LOOKBACK_DAYS

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            spec = kinds.KINDS.get(vals.get("kind"))
            if spec and spec.platform and not vals.get("endpoint_url"):
                vals["endpoint_url"] = platform_adapters.BASE_URLS[spec.platform]
        return super().create(vals_list)

    def write(self, vals):
        res = super().write(vals)
        if {"platform_key", "platform_secret", "endpoint_url", "kind"} & set(vals):
            # A token of other credentials (or of another server) is worth nothing.
            # super().write passed the caller's write rights on these connectors; the token is a
            # sudo-only field.
            self.sudo().filtered("platform_token").write(
                {"platform_token": False, "platform_token_expiry": False}
            )
        return res

    @api.constrains("kind", "platform_key", "platform_secret")
    def _check_platform_credentials(self):
        for connector in self.sudo():
            if not connector.kind_platform:
                continue
            missing = [
                label
                for label, value in zip(
                    connector._platform_credential_labels(),
                    (connector.platform_key, connector.platform_secret),
                    strict=True,
                )
                if not value
            ]
            if missing:
                raise ValidationError(
                    self.env._(
                        "Connector %(name)s needs its %(missing)s from the platform's console.",
                        name=connector.name,
                        missing=self.env._(" and ").join(missing),
                    )
                )

    @api.constrains("kind", "match_order")
    def _check_match_order(self):
        for connector in self:
            if not connector.kind_platform:
                continue
            try:
                platform_match.parse_order(connector.match_order)
            except ValueError as exc:
                raise ValidationError(
                    self.env._(
                        "Match Platform Users By of connector %(name)s: %(reason)s",
                        name=connector.name,
                        reason=str(exc),
                    )
                ) from None

    def _platform_credential_labels(self):
        """What the platform calls the key and the secret (for messages)."""
        return {
            "dingtalk": (self.env._("App Key"), self.env._("App Secret")),
            "wecom": (self.env._("Corp ID"), self.env._("Corp Secret")),
            "feishu": (self.env._("App ID"), self.env._("App Secret")),
        }[self.kind_platform]

    def _platform_label(self):
        """The platform's name, as its users know it."""
        return {
            "dingtalk": self.env._("DingTalk"),
            "wecom": self.env._("WeCom"),
            "feishu": self.env._("Feishu"),
        }[self.kind_platform]

    def _secrets(self):
        secrets = super()._secrets()
        for me in self.sudo():
            secrets += [me[name] for name in ("platform_secret", "platform_token") if me[name]]
        return secrets

    # --- the adapter ------------------------------------------------------------------
    def _platform_client(self, max_retries=3):
        """The ApiClient of the platform's base URL (the Endpoint URL)."""
        return ApiClient(
            self.endpoint_url,
            None,
            timeout=self.timeout,
            max_retries=max_retries,
            allow_local_network=self.allow_local_network,
        )

    def _platform(self, client):
        """The :mod:`connectors.platforms` adapter of this connector on ``client``."""
        self.ensure_one()
        # Credentials are sudo-only: callers are the run (checked its caller) and
        # action_test_connection (check_access write).
        me = self.sudo()
        key_name, secret_name = platform_adapters.CREDENTIALS[me.kind_platform]
        return platform_adapters.make_platform(
            me.kind_platform,
            client,
            {key_name: me.platform_key, secret_name: me.platform_secret},
            token_store=_ConnectorTokenStore(self),
            sleep=self._platform_sleep,
            options=self._platform_options(),
        )

    def _platform_options(self):
        options = {"tz": self.tz or "Asia/Shanghai"}
        if self.kind_platform == "wecom":
            options["job_number_attr"] = self.wecom_job_number_attr or ""
        if self.kind_platform == "feishu":
            options["employee_type"] = self.feishu_employee_type
        return options

    def _platform_sleep(self, seconds):
        """Wait ``seconds`` for a platform's frequency limit to lift."""
        time.sleep(seconds)

    def action_test_connection(self):
        """For a platform: ask it for an access token with the credentials (OKR
        administrators of the connector's company: the token is renewed with sudo)."""
        self.ensure_one()
        self.check_access("write")
        if not self.kind_platform:
            return super().action_test_connection()
        client = self._platform_client(max_retries=1)
        try:
            with client:
                self._platform(client).probe()
        except ConnectorError as exc:
            return self._notification(
                self.env._("Connection failed"), self._error_text(exc), "danger"
            )
        return self._notification(
            self.env._("Connection works"),
            self.env._(
                "%(platform)s accepted the credentials and gave an access token.",
                platform=self._platform_label(),
            ),
            "success",
        )

    def action_open_platform_users(self):
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "okr_addon.okr_connector_user_action"
        )
        action["domain"] = [("connector_id", "in", self.ids)]
        action["context"] = {"default_connector_id": self.id, "search_default_to_settle": 1}
        return action
