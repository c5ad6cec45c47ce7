"""From raw rows to typed items, one bad row at a time.

Every inbound record goes through a marshmallow schema derived from
:class:`BorderSchema`: unknown fields are ignored (a new field upstream must
not break us) and the remote's or the file's field names can be mapped onto
ours with ``field_map={"their name": "our_name"}``. Because the mapping sets
marshmallow's ``data_key``, error messages name the field as the user knows
it ("Time", "emp_no"), not as we call it internally.

:func:`load_rows` loads each row on its own: a valid row becomes an item, a
bad one a :class:`~connectors.errors.PayloadError`; both end up in a
:class:`LoadResult` so that nothing is dropped silently.
"""

import dataclasses
from typing import Generic, TypeVar

from marshmallow import EXCLUDE, Schema, ValidationError

from .errors import PayloadError

T = TypeVar("T")
# Key under which marshmallow stores errors about the row as a whole.
SCHEMA = "_schema"


class BorderSchema(Schema):
    """Base schema of inbound payloads: ``unknown=EXCLUDE`` plus field renaming."""

    class Meta:
        unknown = EXCLUDE

    def __init__(self, *, field_map=None, **kwargs):
        # Set before Schema.__init__, which binds the fields (on_bind_field).
        self._data_keys = {ours: theirs for theirs, ours in (field_map or {}).items()}
        super().__init__(**kwargs)

    def on_bind_field(self, field_name, field_obj):
        """Use the mapped external name as the field's ``data_key``."""
        if field_name in self._data_keys:
            field_obj.data_key = self._data_keys[field_name]

    def label(self, field_name):
        """Return the name the user knows ``field_name`` by (for error messages)."""
        return self.fields[field_name].data_key or field_name


@dataclasses.dataclass
class LoadResult(Generic[T]):
    """Valid ``items`` plus one PayloadError per rejected row.

    ``origins`` runs parallel to ``items``: the ``(row, raw)`` each item was
    loaded from, so that a caller can report or re-process a row later.
    ``warnings`` tells about data that may be incomplete without any row being
    wrong, e.g. pagination stopped because the remote repeated a page.
    """

    items: list[T] = dataclasses.field(default_factory=list)
    errors: list[PayloadError] = dataclasses.field(default_factory=list)
    warnings: list[str] = dataclasses.field(default_factory=list)
    origins: list[tuple[int, object]] = dataclasses.field(default_factory=list)

    @property
    def ok(self):
        """True when every row loaded and nothing was cut short."""
        return not self.errors and not self.warnings


def load_rows(schema, numbered_rows, key=None):
    """Load ``(row_number, raw)`` pairs with ``schema``; return a :class:`LoadResult`.

    With ``key`` (a function of a loaded item), a later row with the same key
    as an earlier one is rejected as a duplicate of that row.
    """
    result = LoadResult()
    first_row = {}
    for row, raw in numbered_rows:
        try:
            item = schema.load(raw)
        except ValidationError as exc:
            result.errors.append(payload_error(row, exc, raw))
            continue
        if key is not None:
            identity = key(item)
            if identity in first_row:
                reason = f"duplicate of row {first_row[identity]}"
                result.errors.append(PayloadError(row, None, reason, raw))
                continue
            first_row[identity] = row
        result.items.append(item)
        result.origins.append((row, raw))
    return result


def load_table(schema, table, key=None):
    """Load the rows of a :class:`~connectors.csvfile.Table`, adding its line errors.

    Errors come out in file order, whichever step found them.
    """
    result = load_rows(schema, table.rows, key)
    result.errors = sorted(table.errors + result.errors, key=lambda error: error.row)
    return result


def payload_error(row, error, raw):
    """Turn a marshmallow ValidationError on one row into a PayloadError."""
    messages = error.messages if isinstance(error.messages, dict) else {SCHEMA: error.messages}
    problems = {name: _text(value) for name, value in messages.items()}
    if len(problems) == 1:
        ((name, reason),) = problems.items()
        return PayloadError(row, None if name == SCHEMA else name, reason, raw)
    names = sorted(name for name in problems if name != SCHEMA)
    reason = "; ".join(f"{name}: {problems[name]}" for name in sorted(problems))
    return PayloadError(row, ", ".join(names), reason, raw)


def _text(messages):
    if isinstance(messages, list):
        return " ".join(str(message) for message in messages)
    return str(messages)
