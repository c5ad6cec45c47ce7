"""okr.connector, the reading: a file, the remote API or the raw rows kept on a
sync log's failed lines become :class:`~okr_addon.logic.sync.Entry` objects,
through the parser, source and schema its kind names in :mod:`connectors.kinds`."""

import datetime

from odoo import fields, models
from odoo.exceptions import UserError

from ...connectors.csvfile import resolve_columns
from ...connectors.errors import ConnectorError, PayloadError
from ...connectors.loading import LoadResult, load_rows
from ..logic import sync


class OkrConnector(models.Model):
    _inherit = "okr.connector"

    def _read(self, data=None, lines=None, log=None):
        """``(entries, failures, warnings)`` of a file, of failed log lines or of the API.

        ``log`` is the sync log of the run, for what a kind reports beside its rows."""
        if lines is not None:
            result = self._load_raw_lines(lines)
        elif self._kind_spec().reads_file:
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
        return sync.parse_mapping(self.mapping, self._kind_spec().mapping_fields)

    def _parse_file(self, data):
        return self._kind_spec().parse_file(data, mapping=self._mapping() or None)

    def _fetch(self):
        client, path = self._api_client()
        remote_names = {theirs: ours for ours, theirs in self._mapping().items()}
        options = {"pagination": self.pagination, "page_size": self.page_size}
        source = self._kind_spec().make_source(client, path, remote_names, **options)
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
        spec, mapping = self._kind_spec(), self._mapping()
        if spec.reads_file:
            headers = list(dict.fromkeys(key for _row, raw in numbered for key in raw))
            return spec.row_schema(resolve_columns(headers, spec.columns, spec.required, mapping))
        return spec.row_schema({theirs: ours for ours, theirs in mapping.items()})

    def _row_key(self):
        return self._kind_spec().row_key

    def _entries(self, result):
        """The :class:`~okr_addon.logic.sync.Entry` list of a LoadResult: the kind's
        items, their wall-clock times read in the connector's time zone."""
        spec = self._kind_spec()
        settings = {
            "max_shift_hours": self.max_shift_hours,
            "pairing_policy": self.pairing_policy,
            "tz": self.tz,
        }
        entries = []
        for row, raws, item in spec.to_items(result, **settings):
            for name in spec.wall_clock_fields:
                item[name] = sync.to_utc(item[name], self.tz)
            entries.append(sync.Entry(row, raws, item))
        return entries

    # --- for the target models: where a failure is reported -----------------------------
    def _label(self, role, entry):
        """The name the user knows the field of ``role`` by: their column or remote field."""
        spec = self._kind_spec()
        ours = spec.roles[role]
        mapping = self._mapping()
        if ours in mapping:
            return mapping[ours]
        if spec.reads_file and entry.raws and isinstance(entry.raws[0], dict):
            try:
                field_map = resolve_columns(list(entry.raws[0]), {ours: spec.columns[ours]}, ())
            except ConnectorError:
                field_map = {}
            return next(iter(field_map), ours)
        return ours

    def _local(self, moment):
        """A naive UTC datetime as the terminal's wall-clock text."""
        return sync.to_local(moment, self.tz).strftime("%Y-%m-%d %H:%M:%S")
