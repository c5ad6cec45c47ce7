"""WeCom (企业微信) attendance: the directory and the check-in records of a company.

Calls (base URL ``https://qyapi.weixin.qq.com/cgi-bin/``, token as
``access_token`` query parameter; use the secret of the check-in app, 打卡应用)::

    GET  gettoken?corpid=&corpsecret=         {errcode, errmsg, access_token, expires_in}
    GET  user/list?department_id=1&fetch_child=1
                                              -> userlist[{userid, name, mobile, email,
                                                 alias, extattr{attrs[...]}, ...}]
    POST checkin/getcheckindata               {opencheckindatatype: 3, starttime, endtime
                                               (Unix s, <= 30 days), useridlist <= 100}
                                              -> checkindata[{userid, checkin_type,
                                                 exception_type, checkin_time,
                                                 sch_checkin_time, ...}]

``checkin_type`` 上班打卡 / 下班打卡 / 外出打卡 gives the punch's kind (in, out,
none). Each 上班/下班 record is also the platform's verdict on that check: no
exception is normal, 时间异常 is late (上班) or early (下班), 未打卡 means
nobody checked — that record is a not-signed shift result and no punch;
location, Wi-Fi or device anomalies give "other". WeCom gives its records
no id: ``<userid>:<checkin_time>:<checkin_type>`` stands for one.

WeCom's directory has no employee number field; option ``job_number_attr``
names a custom attribute (extattr, e.g. "工号") that holds it.

Codes: 40014/42001/41001 token refused (renewed once), -1 busy and
45009/45033 limits (waited for; 45009 also answers the daily limit, so one
that does not lift stops the fetch to resume next run), 40013 check corp_id,
40001/40091 check corp_secret.
"""

import logging

from marshmallow import ValidationError, fields, post_load

from ..fields import Identifier
from ..loading import BorderSchema, payload_error
from . import base
from .base import PlatformUser, Punch, ShiftResult
from .common import BasePlatform, EpochField, in_window, to_epoch
from .session import ErrorCodes

__all__ = ["BASE_URL", "WeComPlatform"]

# pylint: disable=translation-required
# (marshmallow's ValidationError, not Odoo's: there is no env here to translate
# with; the Odoo side shows these messages and owns their translation.)

_logger = logging.getLogger(__name__)

BASE_URL = "https://qyapi.weixin.qq.com/cgi-bin/"
ON_DUTY, OFF_DUTY, OUTSIDE = "上班打卡", "下班打卡", "外出打卡"
KINDS = {ON_DUTY: "in", OFF_DUTY: "out"}
NOT_CHECKED = "未打卡"
TIME_EXCEPTION = "时间异常"
CODES = ErrorCodes(
    platform="WeCom",
    code_key="errcode",
    message_key="errmsg",
    token=frozenset({40014, 42001, 41001}),
    frequency=frozenset({-1, 45009, 45033}),
    quota=frozenset(),
    credentials={40013: "corp_id", 40001: "corp_secret", 40091: "corp_secret"},
)


class UserSchema(BorderSchema):
    """One person of ``user/list``."""

    userid = Identifier(required=True)
    name = fields.Str(load_default="")
    mobile = fields.Str(load_default="", allow_none=True)
    email = fields.Str(load_default="", allow_none=True)
    extattr = fields.Dict(load_default=None, allow_none=True)

    def __init__(self, *, job_number_attr="", **kwargs):
        super().__init__(**kwargs)
        self.job_number_attr = job_number_attr

    @post_load
    def _make(self, data, **kwargs):
        return PlatformUser(
            user_id=data["userid"],
            name=data["name"] or "",
            mobile=data["mobile"] or "",
            job_number=_attribute(data["extattr"], self.job_number_attr),
            email=data["email"] or "",
        )


def _attribute(extattr, name):
    """The text value of the custom attribute ``name`` in ``extattr``, or ""."""
    if not name or not isinstance(extattr, dict):
        return ""
    for attr in extattr.get("attrs") or []:
        if isinstance(attr, dict) and attr.get("name") == name:
            text = attr.get("text") or {}
            value = text.get("value") if isinstance(text, dict) else attr.get("value")
            return str(value or "").strip()
    return ""


class CheckinSchema(BorderSchema):
    """One record of ``checkin/getcheckindata``: loaded as ``(punch_or_None, shift_or_None)``
    minus the work date (the adapter's time zone decides it)."""

    userid = Identifier(required=True)
    checkin_type = fields.Str(required=True)
    exception_type = fields.Str(load_default="", allow_none=True)
    checkin_time = EpochField(required=True)
    sch_checkin_time = fields.Raw(load_default=None, allow_none=True)

    @post_load(pass_original=True)
    def _make(self, data, original, **kwargs):
        kind_text = data["checkin_type"]
        if kind_text not in (ON_DUTY, OFF_DUTY, OUTSIDE):
            raise ValidationError(f"unknown check-in type {kind_text!r}", "checkin_type")
        record_id = f"{data['userid']}:{int(to_epoch(data['checkin_time']))}:{kind_text}"
        exceptions = {e.strip() for e in (data["exception_type"] or "").split(";") if e.strip()}
        raw = dict(original)
        planned = _scheduled(data["sch_checkin_time"])
        punch = None
        if NOT_CHECKED not in exceptions:
            punch = Punch(
                record_id, data["userid"], data["checkin_time"], KINDS.get(kind_text), raw
            )
        shift = None
        if kind_text in KINDS:
            check = KINDS[kind_text]
            if NOT_CHECKED in exceptions:
                status = base.NOT_SIGNED
            elif TIME_EXCEPTION in exceptions:
                status = base.LATE if check == "in" else base.EARLY
            elif exceptions:
                status = base.OTHER
            else:
                status = base.NORMAL
            shift = {
                "record_id": record_id,
                "user_id": data["userid"],
                "check": check,
                "status": status,
                # A 未打卡 record's checkin_time is the time it was due.
                "planned": planned or (data["checkin_time"] if status == base.NOT_SIGNED else None),
                "actual": None if status == base.NOT_SIGNED else data["checkin_time"],
                "raw": raw,
            }
        return punch, shift, data["checkin_time"]


_SCHEDULED = EpochField(load_default=None, allow_none=True)


def _scheduled(value):
    """``sch_checkin_time`` (Unix s; 0 or missing when the rule has no schedule)."""
    if value in (None, "", 0, "0"):
        return None
    try:
        return _SCHEDULED.deserialize(value)
    except ValidationError:
        return None


class WeComPlatform(BasePlatform):
    """WeCom check-in records through the check-in app (corp id + its secret)."""

    code = "wecom"
    label = "WeCom"
    credential_names = ("corp_id", "corp_secret")
    users_per_call = 100
    days_per_call = 30
    token_margin = 300
    codes = CODES
    options_allowed = ("tz", "job_number_attr")

    def _fetch_token(self):
        body = self.session.send(
            "GET",
            "gettoken",
            params={
                "corpid": self.credentials["corp_id"],
                "corpsecret": self.credentials["corp_secret"],
            },
            token_call=True,
        )
        return body["access_token"], int(body.get("expires_in") or 7200)

    def _authorize(self, token, params, headers):
        params["access_token"] = token

    def users(self):
        """Everyone of the directory (bad records are logged and skipped)."""
        body = self.session.call("GET", "user/list", params={"department_id": 1, "fetch_child": 1})
        schema = UserSchema(job_number_attr=self.options.get("job_number_attr") or "")
        users, seen = [], set()
        for index, raw in enumerate(body.get("userlist") or [], start=1):
            try:
                user = schema.load(raw)
            except ValidationError as exc:
                _logger.warning("WeCom: user %d skipped: %s", index, exc)
                continue
            if user.user_id not in seen:
                seen.add(user.user_id)
                users.append(user)
        return users

    def _read_unit(self, unit, result):
        body = self.session.call(
            "POST",
            "checkin/getcheckindata",
            json={
                "opencheckindatatype": 3,
                "starttime": to_epoch(unit.start),
                "endtime": to_epoch(unit.end),
                "useridlist": list(unit.users),
            },
        )
        records = body.get("checkindata")
        records = records if isinstance(records, list) else []
        for punch, shift, moment in self.load(
            CheckinSchema(), records, result, where="checkindata"
        ):
            # The platform's bounds are inclusive: keep [start, end) so windows never overlap.
            if not in_window(moment, unit):
                continue
            if punch is not None:
                result.punches.append(punch)
            if shift is not None:
                work_date = self.local(shift["planned"] or moment).date()
                result.shifts.append(ShiftResult(work_date=work_date, **shift))

    def read_punch(self, raw):
        """The :class:`Punch` of a raw check-in record (kept in a sync log)."""
        try:
            punch, _shift, _moment = CheckinSchema().load(raw)
        except ValidationError as exc:
            raise payload_error(1, exc, self.clean(raw)) from None
        if punch is None:
            raise payload_error(
                1,
                ValidationError("a 未打卡 record is a missed check, not a punch", "exception_type"),
                self.clean(raw),
            )
        return punch
