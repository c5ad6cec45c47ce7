"""Plain-Python helpers of the connector runs: no Odoo import here.

The Odoo side (``okr.connector``) fetches rows through :mod:`connectors`,
then needs a few decisions that are easier to test without a database:

* where a terminal's local wall-clock time falls in UTC (:func:`to_utc`);
* whether a new attendance would collide with the employee's others the way
  ``hr.attendance`` refuses it (:func:`attendance_conflict`), checked before
  writing so that one bad row never rolls back a whole batch;
* how a raw row is kept on a sync log line and read back for a retry
  (:func:`dump_raw`, :func:`load_raw`);
* the column mapping an administrator types (:func:`parse_mapping`);
* the state of a finished run (:func:`run_state`).
"""

import dataclasses
import datetime
import json
import zoneinfo
from urllib.parse import urlsplit

SUCCESS = "success"
PARTIAL = "partial"
FAILED = "failed"


def to_utc(moment, tz_name):
    """Naive UTC datetime of ``moment``.

    A naive ``moment`` is a wall-clock time in ``tz_name`` (a terminal's
    display); an aware one is converted as is. In the autumn hour that occurs
    twice, the first occurrence is taken; a time skipped in spring is read
    with the offset before the change.
    """
    if moment is None:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=zoneinfo.ZoneInfo(tz_name or "UTC"))
    return moment.astimezone(datetime.timezone.utc).replace(tzinfo=None)


def to_local(moment, tz_name):
    """Naive wall-clock time in ``tz_name`` of a naive UTC ``moment`` (for messages)."""
    if moment is None:
        return None
    aware = moment.replace(tzinfo=datetime.timezone.utc)
    return aware.astimezone(zoneinfo.ZoneInfo(tz_name or "UTC")).replace(tzinfo=None)


def attendance_conflict(others, check_in, check_out):
    """The first of ``others`` an attendance ``(check_in, check_out)`` collides with, or None.

    ``others`` are ``(check_in, check_out)`` pairs (``check_out`` may be None)
    of the same employee. Mirrors ``hr.attendance._check_validity``: two
    attendances may not start at the same time nor overlap, and an employee
    has at most one attendance without check-out. An earlier open attendance
    does not block a later closed one (Odoo accepts that too).
    """
    for other_in, other_out in sorted(others, key=lambda pair: pair[0]):
        if other_in == check_in:
            return other_in, other_out
        if other_in < check_in and other_out and other_out > check_in:
            return other_in, other_out
        if check_out and check_in < other_in < check_out:
            return other_in, other_out
        if check_out is None and other_out is None:
            return other_in, other_out
    return None


def dump_raw(raws):
    """Text kept on a log line for the raw row(s) of a failure.

    One row is stored as itself, several (the two punches of one attendance)
    as a list; both are JSON, readable and editable by an administrator.
    """
    value = raws[0] if len(raws) == 1 else list(raws)
    return json.dumps(value, ensure_ascii=False, default=str)


def load_raw(text):
    """The raw rows stored by :func:`dump_raw`, as a list; ValueError if not JSON."""
    value = json.loads(text or "null")
    if value is None:
        return []
    if isinstance(value, list) and value and all(isinstance(v, (dict, list)) for v in value):
        return value
    return [value]


def parse_mapping(text, allowed):
    """The mapping typed by an administrator, as a dict.

    ``text`` is a JSON object ``{"our field": "their name"}`` (or empty).
    Raises ValueError with the reason when it is not valid JSON, not an
    object, names a field outside ``allowed`` or maps to something that is
    not a non-empty text.
    """
    if not (text or "").strip():
        return {}
    try:
        value = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ValueError(
            f"not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg})"
        ) from None
    if not isinstance(value, dict):
        raise ValueError('expected a JSON object such as {"timestamp": "Punch time"}')
    unknown = sorted(set(value) - set(allowed))
    if unknown:
        raise ValueError(
            f"unknown field(s) {', '.join(unknown)}; the fields are: {', '.join(allowed)}"
        )
    bad = sorted(key for key, name in value.items() if not isinstance(name, str) or not name)
    if bad:
        raise ValueError(f"the name given for {', '.join(bad)} must be a non-empty text")
    return value


def split_endpoint(url):
    """``(base URL, path)`` of a list endpoint's URL, for an API client rooted at the base.

    ``https://clock.example.com/api/v1/attendances?site=3`` gives
    ``("https://clock.example.com/api/v1/", "attendances?site=3")``, so the
    client calls exactly the URL configured, without a trailing slash.
    """
    parts = urlsplit(url)
    head, _sep, last = parts.path.rpartition("/")
    base = f"{parts.scheme}://{parts.netloc}{head}/"
    path = last + (f"?{parts.query}" if parts.query else "")
    return base, path


def run_state(done, failed, fatal=False, warnings=()):
    """State of a finished run from its counts.

    ``done`` counts the rows created, updated or unchanged. A run that could
    not read its source at all (``fatal``), or whose every row failed, has
    failed; one with some failed rows or a warning (a list cut short) is
    partial; anything else is a success.
    """
    if fatal or (failed and not done):
        return FAILED
    if failed or warnings:
        return PARTIAL
    return SUCCESS


def chunks(items, size):
    """Consecutive slices of ``items`` of at most ``size`` elements."""
    return [items[start : start + size] for start in range(0, len(items), size)]


@dataclasses.dataclass
class Entry:
    """One thing to write: ``item`` (a dict), from ``raws`` starting at ``row`` of the source.

    An attendance built from two terminal punches has both punches in ``raws``.
    """

    row: int
    raws: list
    item: dict


@dataclasses.dataclass
class Outcome:
    """What a run did: counts of written records and one failure per bad row."""

    created: int = 0
    updated: int = 0
    unchanged: int = 0
    failures: list = dataclasses.field(default_factory=list)
    # Rows not written but kept for what they say (row, field, reason): an attendance
    # another source already has, kept as this source's view of the day.
    kept: list = dataclasses.field(default_factory=list)

    def fail(self, row, field, reason, raws):
        """Record that the row(s) ``raws`` starting at ``row`` failed on ``field``."""
        self.failures.append((row, field, reason, list(raws)))

    def keep(self, row, field, reason):
        """Record that the row starting at ``row`` was kept, not written, for ``reason``."""
        self.kept.append((row, field, reason))
        self.unchanged += 1

    @property
    def done(self):
        """Rows that reached Odoo, changed or not."""
        return self.created + self.updated + self.unchanged
