"""Attendance data shapes: terminal punches, paired attendances, REST records.

A *punch* is one badge or fingerprint event on a terminal: who, when (local
wall-clock time, as the terminal shows it) and, if the worker pressed a key,
whether it was a check-in or a check-out. An *attendance pair* joins a
check-in with its check-out; either side may be missing, and the pair then
says which one in ``issue`` instead of being dropped.
"""

import dataclasses
import datetime

from marshmallow import ValidationError, fields, post_load, validates_schema

from ..fields import MISSING_MESSAGES, Identifier, Lenient, WallClockDateTime
from ..loading import BorderSchema

# pylint: disable=translation-required
# (marshmallow's ValidationError, not Odoo's: there is no env here to translate
# with; the Odoo side shows these messages and owns their translation.)

IN = "in"
OUT = "out"

# Punch-state spellings seen in ZKTeco-style exports, normalised by _state_key:
# key labels (C/In, Check Out), status codes (0 check-in, 1 check-out,
# 2 break-out, 3 break-in, 4 overtime-in, 5 overtime-out) and Chinese firmware.
_STATE_NAMES = {
    IN: "cin checkin in i 0 breakin 3 overtimein otin 4 签到 上班签到 上班".split(),
    OUT: "cout checkout out o 1 breakout 2 overtimeout otout 5 签退 下班签退 下班".split(),
}
_STATES = {name: state for state, names in _STATE_NAMES.items() for name in names}


@dataclasses.dataclass(frozen=True)
class Punch:
    """One terminal event; ``state`` is IN, OUT or None when the terminal did not say."""

    employee_no: str
    timestamp: datetime.datetime
    state: str | None = None
    name: str = ""


@dataclasses.dataclass(frozen=True)
class AttendancePair:
    """A check-in and its check-out on the check-in's local ``day``.

    ``external_id`` is ``"<employee_no>@<check-in ISO time>"`` (or
    ``"<employee_no>@out@<check-out ISO time>"`` when the check-in is
    missing): importing the same punches again gives the same ids.
    ``issue`` is "" or "missing check-out" / "missing check-in".
    """

    employee_no: str
    name: str
    day: datetime.date
    check_in: datetime.datetime | None
    check_out: datetime.datetime | None
    external_id: str
    issue: str = ""

    @property
    def complete(self):
        """True when both check-in and check-out are known."""
        return not self.issue

    @property
    def worked_hours(self):
        """Hours between check-in and check-out, or None for an incomplete pair."""
        if not self.complete:
            return None
        return (self.check_out - self.check_in).total_seconds() / 3600


@dataclasses.dataclass(frozen=True)
class AttendanceRecord:
    """An attendance as a remote system (REST) reports it, already paired."""

    employee_code: str
    check_in: datetime.datetime
    check_out: datetime.datetime | None
    external_id: str


class PunchState(Lenient):
    """IN, OUT, or None for a blank state; unknown labels are an error."""

    def _convert(self, value):
        state = _STATES.get(_state_key(value))
        if state is None:
            raise ValidationError(
                f"unknown punch state {value!r} (expected e.g. C/In, C/Out, Check In, 0, 1)"
            )
        return state


def _state_key(value):
    """Lower-case letters and digits only: "C/In" -> "cin", "Check-In" -> "checkin"."""
    return "".join(ch for ch in str(value).casefold() if ch.isalnum())


class PunchSchema(BorderSchema):
    """One row of a terminal export; ``formats`` overrides the accepted date/time layouts."""

    employee_no = Identifier(required=True)
    name = fields.Str(load_default="")
    timestamp = WallClockDateTime(required=True)
    state = PunchState(load_default=None)

    def __init__(self, *, formats=None, **kwargs):
        super().__init__(**kwargs)
        if formats:
            # Fields are copied per schema instance, so this stays local.
            self.fields["timestamp"].formats = tuple(formats)

    @post_load
    def _make_punch(self, data, **kwargs):
        return Punch(**data)


class AttendanceRecordSchema(BorderSchema):
    """One attendance from a REST API: ISO 8601 times, check-out optional.

    Without a remote id, ``external_id`` is derived like a pair's:
    ``"<employee_code>@<check-in ISO time>"``.
    """

    employee_code = Identifier(required=True)
    check_in = fields.DateTime(required=True, error_messages=MISSING_MESSAGES)
    check_out = fields.DateTime(load_default=None, allow_none=True)
    external_id = Identifier(load_default=None, allow_none=True)

    @validates_schema
    def _check_order(self, data, **kwargs):
        check_in, check_out = data.get("check_in"), data.get("check_out")
        if check_in is None or check_out is None:
            return
        if (check_in.tzinfo is None) != (check_out.tzinfo is None):
            raise ValidationError(
                "check-in and check-out must both have a time zone or neither",
                self.label("check_out"),
            )
        if check_out < check_in:
            raise ValidationError("check-out is before check-in", self.label("check_out"))

    @post_load
    def _make_record(self, data, **kwargs):
        if not data["external_id"]:
            data["external_id"] = f"{data['employee_code']}@{data['check_in'].isoformat()}"
        return AttendanceRecord(**data)
