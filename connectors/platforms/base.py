"""What every attendance platform adapter (DingTalk, WeCom, Feishu) gives and takes.

An adapter reads one platform's directory of users and its punches, through
an :class:`~connectors.http.ApiClient` on the platform's base URL, and hands
back plain data: the Odoo side never sees a platform payload::

    platform = make_platform("dingtalk", client, {"app_key": ..., "app_secret": ...},
                             token_store=store, options={"tz": "Asia/Shanghai"})
    users = platform.users()                       # [PlatformUser]
    result = platform.fetch([u.user_id for u in users], start, end, resume=None)
    result.punches, result.shifts, result.errors   # [Punch], [ShiftResult], [PayloadError]
    result.done, result.stopped, result.resume     # stopped by a quota: resume next run

Times are naive UTC datetimes (``start``/``end`` of :meth:`Platform.fetch`
too); an adapter converts from the platform's Unix times or local wall-clock
text itself (option ``tz``, default Asia/Shanghai).

A fetch is a list of *units* (a slice of at most the platform's users per
call × a window of at most its days per call), walked in a fixed order. When
the platform says its quota is used up, the fetch stops before the unit that
failed and returns ``done=False`` with the reason and a ``resume`` state;
passing that state back to the next fetch over the same users and period
starts at that unit. Punches of the units already read are returned, so
nothing is lost; their ``record_id`` is stable, so reading a unit twice
doubles nothing once bound.
"""

import dataclasses
import datetime
from typing import Protocol

from ..errors import ConnectorError, PayloadError

# Shift statuses, whatever each platform calls them.
NORMAL = "normal"
LATE = "late"
EARLY = "early"
NOT_SIGNED = "not_signed"
ABSENT = "absent"
OTHER = "other"
STATUSES = (NORMAL, LATE, EARLY, NOT_SIGNED, ABSENT, OTHER)

# Keys a user may be matched to an employee by, in the default order.
MATCH_KEYS = ("mobile", "job_number", "email", "name")


@dataclasses.dataclass(frozen=True)
class PlatformUser:
    """A person of the platform's directory, with what may match them to an employee."""

    user_id: str
    name: str
    mobile: str = ""
    job_number: str = ""
    email: str = ""


@dataclasses.dataclass(frozen=True)
class Punch:
    """One punch as the platform recorded it; ``kind`` is "in", "out" or None."""

    record_id: str
    user_id: str
    moment: datetime.datetime
    kind: str | None
    raw: dict


@dataclasses.dataclass(frozen=True)
class ShiftResult:
    """The platform's verdict on one check of one shift (on duty or off duty)."""

    record_id: str
    user_id: str
    work_date: datetime.date
    check: str  # "in" or "out"
    status: str  # one of STATUSES
    planned: datetime.datetime | None
    actual: datetime.datetime | None
    raw: dict


@dataclasses.dataclass
class FetchResult:
    """What one fetch brought: see the module doc."""

    punches: list = dataclasses.field(default_factory=list)
    shifts: list = dataclasses.field(default_factory=list)
    errors: list = dataclasses.field(default_factory=list)  # PayloadError, row = position
    warnings: list = dataclasses.field(default_factory=list)
    calls: int = 0
    done: bool = True
    stopped: str = ""
    resume: dict | None = None


class TokenStore(Protocol):
    """Where an access token lives between runs (the connector record, in Odoo)."""

    def load(self):
        """``(token, expires_at)`` (aware UTC) of the cached token, or None."""

    def save(self, token, expires_at):
        """Keep ``token``, valid until ``expires_at`` (aware UTC)."""


class MemoryTokenStore:
    """A :class:`TokenStore` in memory, for tests and scripts."""

    def __init__(self):
        self.token = None

    def load(self):
        return self.token

    def save(self, token, expires_at):
        self.token = (token, expires_at)


class PlatformError(ConnectorError):
    """The platform answered with an error code that retrying will not cure.

    ``code`` is the platform's own code (DingTalk/WeCom ``errcode``, Feishu
    ``code``), ``message`` its text."""

    def __init__(self, platform, code, message):
        super().__init__(f"{platform} error {code}: {message}")
        self.platform = platform
        self.code = code
        self.message = message


class QuotaExhaustedError(PlatformError):
    """The platform's call quota is used up for now: stop, resume next run."""


__all__ = [
    "ABSENT",
    "EARLY",
    "LATE",
    "MATCH_KEYS",
    "NORMAL",
    "NOT_SIGNED",
    "OTHER",
    "STATUSES",
    "FetchResult",
    "MemoryTokenStore",
    "PayloadError",
    "PlatformError",
    "PlatformUser",
    "Punch",
    "QuotaExhaustedError",
    "ShiftResult",
    "TokenStore",
]
