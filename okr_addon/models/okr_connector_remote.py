"""okr.connector, the remote side: whether its endpoint may be called (and who
may let it call the local network), how it authenticates, and which secrets
never leave it (they are redacted from everything stored of a remote answer)."""

import base64

from odoo import api, models
from odoo.exceptions import AccessError

from ...connectors import network
from ...connectors.errors import ConnectorError
from ...connectors.http import ApiClient
from ...connectors.pagination import extract_items
from ...connectors.redact import redact, sanitize_url
from ..logic import sync
from .okr_connector import SECRET_FIELDS


class OkrConnector(models.Model):
    _inherit = "okr.connector"

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
        spec = self._kind_spec()
        if spec.path_under_base:
            base, path = self.endpoint_url, spec.path_under_base
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

    def _probe(self):
        """Ask the remote for (at most) one record; return how many it sent."""
        client, path = self._api_client(max_retries=1)
        params = dict(self._kind_spec().probe_params)
        with client:
            body = client.get_json(path, params=params)
        return len(extract_items(body, "items", path) if body is not None else [])
