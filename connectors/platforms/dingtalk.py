"""DingTalk (钉钉) attendance: the directory, punches and shift results of an internal app.

Calls (base URL ``https://oapi.dingtalk.com/``, token as ``access_token`` query
parameter)::

    GET  gettoken?appkey=&appsecret=          {errcode, errmsg, access_token, expires_in}
    POST topapi/v2/department/listsub         {dept_id} -> result[{dept_id, name}]
    POST topapi/v2/user/list                  {dept_id, cursor, size<=100}
                                              -> result{list[{userid, name, mobile,
                                                 job_number, email}], has_more, next_cursor}
    POST attendance/listRecord                {userIds<=50, checkDateFrom, checkDateTo
                                               ("yyyy-MM-dd HH:mm:ss" local, <= 7 days)}
                                              -> recordresult[{id, userId, userCheckTime ms,
                                                 checkType OnDuty/OffDuty, sourceType, ...}]
    POST attendance/list                      {workDateFrom, workDateTo (<= 7 days),
                                               userIdList<=50, offset, limit<=50}
                                              -> recordresult[{id, userId, workDate ms,
                                                 checkType, timeResult, baseCheckTime,
                                                 userCheckTime}], hasMore

The directory is walked from department 1 through every sub-department; a
person in several departments is listed once. Codes: 40014/42001/88 token
refused (renewed once), -1 busy and 90002/90006/90018/90019 frequency limits
(waited for), 90001/90005 quota (the fetch stops and resumes next run),
40089/40096/40001 on the token call: check app_key and app_secret.
"""

import logging

from marshmallow import ValidationError, fields, post_load, pre_load

from ..fields import Identifier
from ..loading import BorderSchema, payload_error
from . import base
from .base import PlatformUser, Punch, ShiftResult
from .common import BasePlatform, EpochField, in_window
from .session import ErrorCodes

__all__ = ["BASE_URL", "DingTalkPlatform"]

# pylint: disable=translation-required
# (marshmallow's ValidationError, not Odoo's: there is no env here to translate
# with; the Odoo side shows these messages and owns their translation.)

_logger = logging.getLogger(__name__)

BASE_URL = "https://oapi.dingtalk.com/"
KINDS = {"OnDuty": "in", "OffDuty": "out"}
STATUSES = {
    "Normal": base.NORMAL,
    "Early": base.EARLY,
    "Late": base.LATE,
    "SeriousLate": base.LATE,
    "Absenteeism": base.ABSENT,
    "NotSigned": base.NOT_SIGNED,
}
CODES = ErrorCodes(
    platform="DingTalk",
    code_key="errcode",
    message_key="errmsg",
    token=frozenset({40014, 42001, 88, 40001}),
    frequency=frozenset({-1, 90002, 90006, 90018, 90019}),
    quota=frozenset({90001, 90005}),
    credentials={
        40089: "app_key and app_secret",
        40096: "app_key and app_secret",
        40001: "app_secret",
    },
)
DATETIME = "%Y-%m-%d %H:%M:%S"
MAX_PAGES = 1000


class UserSchema(BorderSchema):
    """One person of ``topapi/v2/user/list``."""

    userid = Identifier(required=True)
    name = fields.Str(load_default="")
    mobile = fields.Str(load_default="", allow_none=True)
    job_number = fields.Str(load_default="", allow_none=True)
    email = fields.Str(load_default="", allow_none=True)

    @post_load
    def _make(self, data, **kwargs):
        return PlatformUser(
            user_id=data["userid"],
            name=data["name"] or "",
            mobile=data["mobile"] or "",
            job_number=data["job_number"] or "",
            email=data["email"] or "",
        )


class PunchSchema(BorderSchema):
    """One record of ``attendance/listRecord`` (its id is ``id``, or ``recordId``)."""

    id = Identifier(required=True)
    userId = Identifier(required=True)
    userCheckTime = EpochField(millis=True, required=True)
    checkType = fields.Str(load_default=None, allow_none=True)

    @pre_load
    def _record_id(self, data, **kwargs):
        if isinstance(data, dict) and data.get("id") in (None, "") and data.get("recordId"):
            data = {**data, "id": data["recordId"]}
        return data

    @post_load(pass_original=True)
    def _make(self, data, original, **kwargs):
        return Punch(
            record_id=data["id"],
            user_id=data["userId"],
            moment=data["userCheckTime"],
            kind=KINDS.get(data["checkType"]),
            raw=dict(original),
        )


class ShiftSchema(BorderSchema):
    """One check result of ``attendance/list``."""

    id = Identifier(required=True)
    userId = Identifier(required=True)
    workDate = EpochField(millis=True, required=True)
    checkType = fields.Str(required=True)
    timeResult = fields.Str(required=True)
    baseCheckTime = EpochField(millis=True, load_default=None, allow_none=True)
    planCheckTime = EpochField(millis=True, load_default=None, allow_none=True)
    userCheckTime = EpochField(millis=True, load_default=None, allow_none=True)

    @post_load(pass_original=True)
    def _make(self, data, original, **kwargs):
        if data["checkType"] not in KINDS:
            raise ValidationError(f"unknown check type {data['checkType']!r}", "checkType")
        status = STATUSES.get(data["timeResult"], base.OTHER)
        # workDate is the local midnight of the work day; the adapter's tz says which day.
        return {
            "record_id": data["id"],
            "user_id": data["userId"],
            "work_date": data["workDate"],
            "check": KINDS[data["checkType"]],
            "status": status,
            "planned": data["baseCheckTime"] or data["planCheckTime"],
            "actual": None if status == base.NOT_SIGNED else data["userCheckTime"],
            "raw": dict(original),
        }


class DingTalkPlatform(BasePlatform):
    """DingTalk attendance through an internal app (app key + app secret)."""

    code = "dingtalk"
    label = "DingTalk"
    credential_names = ("app_key", "app_secret")
    users_per_call = 50
    days_per_call = 7
    token_margin = 300
    codes = CODES
    page_size = 100  # users per page of user/list
    results_per_page = 50  # shift results per page of attendance/list

    def _fetch_token(self):
        body = self.session.send(
            "GET",
            "gettoken",
            params={
                "appkey": self.credentials["app_key"],
                "appsecret": self.credentials["app_secret"],
            },
            token_call=True,
        )
        return body["access_token"], int(body.get("expires_in") or 7200)

    def _authorize(self, token, params, headers):
        params["access_token"] = token

    # -- directory ---------------------------------------------------------------------------

    def departments(self):
        """Ids of department 1 and every department below it, parents first."""
        found, queue = [1], [1]
        while queue:
            parent = queue.pop(0)
            body = self.session.call(
                "POST", "topapi/v2/department/listsub", json={"dept_id": parent}
            )
            for child in body.get("result") or []:
                dept = child.get("dept_id") if isinstance(child, dict) else None
                if dept is not None and dept not in found:
                    found.append(dept)
                    queue.append(dept)
        return found

    def users(self):
        """Everyone of the directory, each once (bad records are logged and skipped)."""
        users, seen, schema = [], set(), UserSchema()
        for dept in self.departments():
            cursor, cursors = 0, set()
            for _page in range(MAX_PAGES):
                body = self.session.call(
                    "POST",
                    "topapi/v2/user/list",
                    json={"dept_id": dept, "cursor": cursor, "size": self.page_size},
                )
                result = body.get("result") or {}
                for index, raw in enumerate(result.get("list") or [], start=1):
                    try:
                        user = schema.load(raw)
                    except ValidationError as exc:
                        _logger.warning(
                            "DingTalk: user %d of department %s skipped: %s", index, dept, exc
                        )
                        continue
                    if user.user_id not in seen:
                        seen.add(user.user_id)
                        users.append(user)
                cursor = result.get("next_cursor")
                if not result.get("has_more") or cursor in (None, "") or cursor in cursors:
                    break
                cursors.add(cursor)
        return users

    # -- attendance ----------------------------------------------------------------------------

    def _read_unit(self, unit, result):
        body = self.session.call(
            "POST",
            "attendance/listRecord",
            json={
                "userIds": list(unit.users),
                "checkDateFrom": self.local(unit.start).strftime(DATETIME),
                "checkDateTo": self.local(unit.end).strftime(DATETIME),
                "isI18n": False,
            },
        )
        punches = self.load(PunchSchema(), _records(body), result, where="recordresult")
        # The platform's bounds are inclusive: keep [start, end) so windows never overlap.
        result.punches += [p for p in punches if in_window(p.moment, unit)]
        dates = self.work_dates(unit)
        if dates:
            self._read_shifts(unit, dates, result)

    def _read_shifts(self, unit, dates, result):
        wanted = set(dates)
        offset = 0
        for _page in range(MAX_PAGES):
            body = self.session.call(
                "POST",
                "attendance/list",
                json={
                    "workDateFrom": f"{dates[0]:%Y-%m-%d} 00:00:00",
                    "workDateTo": f"{dates[-1]:%Y-%m-%d} 00:00:00",
                    "userIdList": list(unit.users),
                    "offset": offset,
                    "limit": self.results_per_page,
                },
            )
            records = _records(body)
            for item in self.load(ShiftSchema(), records, result, where="recordresult"):
                work_date = self.local(item["work_date"]).date()
                if work_date in wanted:
                    result.shifts.append(ShiftResult(**{**item, "work_date": work_date}))
            if not body.get("hasMore") or not records:
                return
            offset += len(records)

    def read_punch(self, raw):
        """The :class:`Punch` of a raw ``listRecord`` record (kept in a sync log)."""
        try:
            return PunchSchema().load(raw)
        except ValidationError as exc:
            raise payload_error(1, exc, self.clean(raw)) from None


def _records(body):
    records = body.get("recordresult")
    return records if isinstance(records, list) else []
