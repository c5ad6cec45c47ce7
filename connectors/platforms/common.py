"""What the three platform adapters share: units, resume, loading records, times.

A fetch is cut into *units* (at most the platform's users per call × a window
of at most its days per call), walked in a fixed order: windows in time order,
users sorted, chunk by chunk. A unit's punches and shift results are kept only
once the whole unit was read, so that a quota stop in the middle of a unit
neither loses nor doubles anything: the next run starts again at that unit.

The resume state is plain JSON: ``{"key": <fingerprint of users and period>,
"unit": <index of the unit to read next>, "units": <count>}``. A state whose
key does not match the users and period asked for is ignored, with a warning.
"""

import dataclasses
import datetime
import hashlib
import logging
import time
import zoneinfo

from marshmallow import ValidationError

from ..errors import ConfigurationError
from ..fields import Lenient
from ..loading import payload_error
from ..redact import redact_data
from .base import FetchResult, MemoryTokenStore, QuotaExhaustedError
from .session import PlatformSession, utc_now

__all__ = [
    "DEFAULT_TZ",
    "BasePlatform",
    "EpochField",
    "Unit",
    "chunks",
    "from_epoch",
    "in_window",
    "to_epoch",
    "windows",
]

# pylint: disable=translation-required
# (marshmallow's ValidationError, not Odoo's: there is no env here to translate
# with; the Odoo side shows these messages and owns their translation.)

_logger = logging.getLogger(__name__)
DEFAULT_TZ = "Asia/Shanghai"
UTC = datetime.UTC


@dataclasses.dataclass(frozen=True)
class Unit:
    """One slice of a fetch: ``users`` over ``[start, end)`` (naive UTC)."""

    users: tuple
    start: datetime.datetime
    end: datetime.datetime


def chunks(items, size):
    """``items`` in consecutive tuples of at most ``size``."""
    items = list(items)
    return [tuple(items[i : i + size]) for i in range(0, len(items), size)]


def windows(start, end, days):
    """``[start, end)`` cut into consecutive windows of at most ``days`` days."""
    step = datetime.timedelta(days=days)
    result, cursor = [], start
    while cursor < end:
        result.append((cursor, min(cursor + step, end)))
        cursor += step
    return result


def from_epoch(value, *, millis=False):
    """A naive UTC datetime from Unix seconds (or milliseconds), given as number or text."""
    number = float(value)
    if millis:
        number /= 1000
    return datetime.datetime.fromtimestamp(number, UTC).replace(tzinfo=None)


def to_epoch(moment):
    """Unix seconds of a naive UTC datetime."""
    return int(moment.replace(tzinfo=UTC).timestamp())


class EpochField(Lenient):
    """A Unix time (seconds, or milliseconds with ``millis=True``), number or digits,
    loaded as a naive UTC datetime."""

    def __init__(self, *, millis=False, **kwargs):
        super().__init__(**kwargs)
        self.millis = millis

    def _convert(self, value):
        moment = None
        if not isinstance(value, bool) and isinstance(value, (int, float, str)):
            try:
                moment = from_epoch(value, millis=self.millis)
            except (TypeError, ValueError, OverflowError, OSError):
                moment = None
        if moment is None or not 2000 <= moment.year <= 2100:
            raise ValidationError(f"not a Unix time{' in ms' if self.millis else ''}: {value!r}")
        return moment


class BasePlatform:
    """An adapter: subclasses give the platform's calls, limits and record schemas.

    Subclass attributes: ``code`` ("dingtalk"), ``label`` ("DingTalk"),
    ``credential_names`` (the two keys of ``credentials``), ``users_per_call``,
    ``days_per_call``, ``token_margin`` (seconds), ``codes`` (an
    :class:`~connectors.platforms.session.ErrorCodes`). Subclasses implement
    :meth:`_fetch_token`, :meth:`_authorize`, :meth:`users`, :meth:`_read_unit`
    and :meth:`read_punch`.
    """

    code = ""
    label = ""
    credential_names = ()
    users_per_call = 50
    days_per_call = 7
    token_margin = 300
    codes = None
    options_allowed = ("tz",)

    def __init__(
        self, client, credentials, *, token_store=None, sleep=time.sleep, now=None, options=None
    ):
        missing = [name for name in self.credential_names if not (credentials or {}).get(name)]
        if missing:
            raise ConfigurationError(
                f"{self.label}: missing credential(s) {', '.join(missing)}: "
                "fill them in on the connector"
            )
        self.client = client
        self.credentials = {name: str(credentials[name]) for name in self.credential_names}
        self.options = dict(options or {})
        unknown = sorted(set(self.options) - set(self.options_allowed))
        if unknown:
            raise ConfigurationError(f"{self.label}: unknown option(s) {', '.join(unknown)}")
        try:
            self.tz = zoneinfo.ZoneInfo(self.options.get("tz") or DEFAULT_TZ)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            raise ConfigurationError(
                f"{self.label}: unknown time zone {self.options.get('tz')!r}"
            ) from None
        self.session = PlatformSession(
            client,
            self.codes,
            fetch_token=self._fetch_token,
            authorize=self._authorize,
            # Without a store, the token is still kept for this adapter's life.
            token_store=token_store if token_store is not None else MemoryTokenStore(),
            margin=self.token_margin,
            secrets=[self.credentials[self.credential_names[1]]],
            sleep=sleep,
            now=now or utc_now,
        )

    # -- what every adapter gives --------------------------------------------------------

    @property
    def calls(self):
        """HTTP calls made so far (token calls included)."""
        return self.session.calls

    def probe(self):
        """Get a token: a short text saying the credentials work (raises otherwise)."""
        self.session.token()
        return f"{self.label}: connected, access token obtained"

    def users(self):  # pragma: no cover - implemented by every platform
        raise NotImplementedError

    def read_punch(self, raw):  # pragma: no cover - implemented by every platform
        raise NotImplementedError

    def units(self, user_ids, start, end):
        """The units of a fetch, in their fixed order."""
        users = sorted({str(u) for u in user_ids if u})
        return [
            Unit(group, w_start, w_end)
            for w_start, w_end in windows(start, end, self.days_per_call)
            for group in chunks(users, self.users_per_call)
        ]

    def fetch(self, user_ids, start, end, resume=None):
        """Punches and shift results of ``user_ids`` over ``[start, end)`` (naive UTC)."""
        if start.tzinfo or end.tzinfo:
            raise ValueError("start and end are naive UTC datetimes")
        calls_before = self.session.calls
        result = FetchResult()
        units = self.units(user_ids, start, end)
        key = _fingerprint(self.code, user_ids, start, end)
        first = 0
        if resume:
            unit = _resume_unit(resume, key, len(units))
            if unit is not None:
                first = unit
            else:
                message = (
                    f"{self.label}: the saved resume point is for other users or another "
                    "period: reading the whole period again"
                )
                _logger.warning("%s", message)
                result.warnings.append(message)
        self._position = 0
        for index in range(first, len(units)):
            partial = FetchResult()
            try:
                self._read_unit(units[index], partial)
            except QuotaExhaustedError as exc:
                result.done = False
                result.stopped = str(exc)
                result.resume = {"key": key, "unit": index, "units": len(units)}
                _logger.warning(
                    "%s: fetch stopped at unit %d of %d: %s", self.label, index + 1, len(units), exc
                )
                break
            result.punches += partial.punches
            result.shifts += partial.shifts
            result.errors += partial.errors
            result.warnings += partial.warnings
        result.calls = self.session.calls - calls_before
        return result

    # -- helpers of the subclasses ---------------------------------------------------------

    def load(self, schema, records, result, *, where):
        """Load each record of ``records`` with ``schema``; bad ones become PayloadErrors
        in ``result.errors`` (their position counted across the fetch), good ones are returned."""
        items = []
        for raw in records:
            self._position = getattr(self, "_position", 0) + 1
            try:
                if not isinstance(raw, dict):
                    raise ValidationError(f"not an object in {where}", "_schema")
                items.append(schema.load(raw))
            except ValidationError as exc:
                result.errors.append(payload_error(self._position, exc, self.clean(raw)))
        return items

    def clean(self, raw):
        """``raw`` with the app secret and tokens masked (for a PayloadError or a log)."""
        return redact_data(raw, self.session.secrets)

    def local(self, moment):
        """Naive UTC -> aware local time of the platform's option ``tz``."""
        return moment.replace(tzinfo=UTC).astimezone(self.tz)

    def to_utc(self, local_naive):
        """Naive local wall-clock time -> naive UTC."""
        return local_naive.replace(tzinfo=self.tz).astimezone(UTC).replace(tzinfo=None)

    def work_dates(self, unit):
        """Local dates whose midnight falls in ``[unit.start, unit.end)``: each date
        belongs to exactly one window, so shift results are never read twice."""
        first = self.local(unit.start).date()
        dates = []
        day = first
        while True:
            midnight = self.to_utc(datetime.datetime.combine(day, datetime.time()))
            if midnight >= unit.end:
                break
            if midnight >= unit.start:
                dates.append(day)
            day += datetime.timedelta(days=1)
        return dates


def in_window(moment, unit):
    """Whether a naive UTC ``moment`` falls in ``[unit.start, unit.end)``."""
    return unit.start <= moment < unit.end


def _resume_unit(resume, key, count):
    """The unit a resume state points to, or None when it is not one of this fetch."""
    try:
        unit = int(resume.get("unit"))
    except (AttributeError, TypeError, ValueError):
        return None
    return unit if resume.get("key") == key and 0 <= unit <= count else None


def _fingerprint(code, user_ids, start, end):
    text = "|".join(
        [
            code,
            ",".join(sorted({str(u) for u in user_ids if u})),
            start.isoformat(),
            end.isoformat(),
        ]
    )
    return hashlib.sha256(text.encode()).hexdigest()[:32]
