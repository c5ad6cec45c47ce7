"""Feishu (飞书) attendance: the directory, punch flows and shift results of a tenant.

Calls (base URL ``https://open.feishu.cn/open-apis/``, header
``Authorization: Bearer <tenant_access_token>``)::

    POST auth/v3/tenant_access_token/internal  {app_id, app_secret}
                                               -> {code, msg, tenant_access_token, expire}
    GET  contact/v3/departments/0/children     fetch_child, page_size<=50, page_token
                                               -> data{items[{department_id}], has_more}
    GET  contact/v3/users/find_by_department   department_id, user_id_type=user_id,
                                               page_size<=50, page_token
                                               -> data{items[{user_id, name, mobile,
                                                  email, employee_no}], has_more}
    POST attendance/v1/user_flows/query?employee_type=&include_terminated_user=true
                                               {user_ids<=50, check_time_from,
                                                check_time_to (Unix s text, <= 30 days)}
                                               -> data{user_flow_results[{user_id,
                                                  record_id, check_time, type, ...}]}
    POST attendance/v1/user_tasks/query?employee_type=
                                               {user_ids<=50, check_date_from,
                                                check_date_to (yyyyMMdd, <= 31 days)}
                                               -> data{user_task_results[{result_id,
                                                  user_id, day, records[{check_in_result,
                                                  check_out_result, check_in_record,
                                                  check_out_record, check_in_shift_time,
                                                  check_out_shift_time}]}]}

The directory is the root department (0) and every department below it.
Option ``employee_type``: "employee_id" (default; the directory's user_id) or
"employee_no" (the 工号). A flow has no in/out: its punches have kind None and
the shift results say which check each punch served. Results: Normal, Early,
Late, Lack (not signed); NoNeedCheck and Todo (not decided yet) give no result.

Codes: 99991661/99991663/99991677 token refused (renewed once); 99991400 or
HTTP 429 frequency limit (waited for, ``x-ogw-ratelimit-reset`` honoured; one
that does not lift stops the fetch to resume next run); 10003 check app_id,
10014 check app_secret.
"""

import datetime
import logging

from marshmallow import ValidationError, fields, post_load

from ..errors import ConfigurationError
from ..fields import Identifier
from ..loading import BorderSchema, payload_error
from . import base
from .base import PlatformUser, Punch, ShiftResult
from .common import BasePlatform, EpochField, from_epoch, in_window, to_epoch
from .session import ErrorCodes

__all__ = ["BASE_URL", "EMPLOYEE_TYPES", "FeishuPlatform"]

# pylint: disable=translation-required
# (marshmallow's ValidationError, not Odoo's: there is no env here to translate
# with; the Odoo side shows these messages and owns their translation.)

_logger = logging.getLogger(__name__)

BASE_URL = "https://open.feishu.cn/open-apis/"
EMPLOYEE_TYPES = ("employee_id", "employee_no")
STATUSES = {
    "Normal": base.NORMAL,
    "Early": base.EARLY,
    "Late": base.LATE,
    "Lack": base.NOT_SIGNED,
}
NO_VERDICT = ("NoNeedCheck", "Todo", "", None)
CODES = ErrorCodes(
    platform="Feishu",
    code_key="code",
    message_key="msg",
    token=frozenset({99991661, 99991663, 99991677}),
    frequency=frozenset({99991400}),
    quota=frozenset(),
    credentials={10003: "app_id", 10014: "app_secret"},
    reset_header="x-ogw-ratelimit-reset",
)
MAX_PAGES = 1000


class UserSchema(BorderSchema):
    """One person of ``find_by_department``."""

    user_id = Identifier(load_default=None, allow_none=True)
    name = fields.Str(load_default="")
    mobile = fields.Str(load_default="", allow_none=True)
    email = fields.Str(load_default="", allow_none=True)
    employee_no = fields.Str(load_default="", allow_none=True)

    def __init__(self, *, employee_type="employee_id", **kwargs):
        super().__init__(**kwargs)
        self.employee_type = employee_type

    @post_load
    def _make(self, data, **kwargs):
        key = data["user_id"] if self.employee_type == "employee_id" else data["employee_no"]
        if not key:
            field = "user_id" if self.employee_type == "employee_id" else "employee_no"
            raise ValidationError("missing value", field)
        return PlatformUser(
            user_id=str(key).strip(),
            name=data["name"] or "",
            mobile=data["mobile"] or "",
            job_number=data["employee_no"] or "",
            email=data["email"] or "",
        )


class FlowSchema(BorderSchema):
    """One punch of ``user_flows/query``."""

    user_id = Identifier(required=True)
    record_id = Identifier(required=True)
    check_time = EpochField(required=True)

    @post_load(pass_original=True)
    def _make(self, data, original, **kwargs):
        return Punch(data["record_id"], data["user_id"], data["check_time"], None, dict(original))


class CheckSchema(BorderSchema):
    """One shift segment of a ``user_task_results`` day."""

    check_in_result = fields.Str(load_default=None, allow_none=True)
    check_out_result = fields.Str(load_default=None, allow_none=True)
    check_in_record = fields.Dict(load_default=None, allow_none=True)
    check_out_record = fields.Dict(load_default=None, allow_none=True)
    check_in_shift_time = EpochField(load_default=None, allow_none=True)
    check_out_shift_time = EpochField(load_default=None, allow_none=True)


class TaskSchema(BorderSchema):
    """One person-day of ``user_tasks/query``: loaded as a list of shift result dicts."""

    user_id = Identifier(required=True)
    result_id = Identifier(load_default=None, allow_none=True)
    day = fields.Int(required=True, strict=False)
    records = fields.List(fields.Nested(CheckSchema), load_default=list)

    @post_load(pass_original=True)
    def _make(self, data, original, **kwargs):
        try:
            work_date = datetime.datetime.strptime(str(data["day"]), "%Y%m%d").date()
        except ValueError:
            raise ValidationError(f"not a date yyyyMMdd: {data['day']!r}", "day") from None
        stem = data["result_id"] or f"{data['user_id']}:{data['day']}"
        results = []
        for index, check in enumerate(data["records"]):
            for side in ("in", "out"):
                verdict = check[f"check_{side}_result"]
                if verdict in NO_VERDICT:
                    continue
                status = STATUSES.get(verdict, base.OTHER)
                actual = _record_time(check[f"check_{side}_record"], f"check_{side}_record")
                results.append(
                    ShiftResult(
                        record_id=f"{stem}:{index}:{side}",
                        user_id=data["user_id"],
                        work_date=work_date,
                        check=side,
                        status=status,
                        planned=check[f"check_{side}_shift_time"],
                        actual=None if status == base.NOT_SIGNED else actual,
                        raw=dict(original),
                    )
                )
        return results


def _record_time(record, field):
    if not record or record.get("check_time") in (None, ""):
        return None
    try:
        return from_epoch(record["check_time"])
    except (TypeError, ValueError, OverflowError, OSError):
        raise ValidationError(f"not a Unix time: {record['check_time']!r}", field) from None


class FeishuPlatform(BasePlatform):
    """Feishu attendance through a custom app (app id + app secret)."""

    code = "feishu"
    label = "Feishu"
    credential_names = ("app_id", "app_secret")
    users_per_call = 50
    days_per_call = 30
    token_margin = 1800
    codes = CODES
    options_allowed = ("tz", "employee_type")
    page_size = 50

    def __init__(self, client, credentials, **kwargs):
        super().__init__(client, credentials, **kwargs)
        self.employee_type = self.options.get("employee_type") or "employee_id"
        if self.employee_type not in EMPLOYEE_TYPES:
            raise ConfigurationError(
                f"Feishu: unknown employee_type {self.employee_type!r}: "
                f"use {' or '.join(EMPLOYEE_TYPES)}"
            )

    def _fetch_token(self):
        body = self.session.send(
            "POST",
            "auth/v3/tenant_access_token/internal",
            json={
                "app_id": self.credentials["app_id"],
                "app_secret": self.credentials["app_secret"],
            },
            token_call=True,
        )
        return body["tenant_access_token"], int(body.get("expire") or 7200)

    def _authorize(self, token, params, headers):
        headers["Authorization"] = f"Bearer {token}"

    def _pages(self, path, params):
        """The ``data.items`` of every page of a GET list."""
        token, tokens = "", set()
        for _page in range(MAX_PAGES):
            query = {**params, "page_size": self.page_size}
            if token:
                query["page_token"] = token
            data = self.session.call("GET", path, params=query).get("data") or {}
            yield from data.get("items") or []
            token = data.get("page_token")
            if not data.get("has_more") or not token or token in tokens:
                return
            tokens.add(token)

    def departments(self):
        """ "0" (the root) and the ids of every department below it."""
        found = ["0"]
        params = {"department_id_type": "department_id", "fetch_child": "true"}
        for item in self._pages("contact/v3/departments/0/children", params):
            dept = item.get("department_id") if isinstance(item, dict) else None
            if dept and dept not in found:
                found.append(str(dept))
        return found

    def users(self):
        """Everyone of the directory, each once (bad records are logged and skipped)."""
        schema = UserSchema(employee_type=self.employee_type)
        users, seen = [], set()
        for dept in self.departments():
            params = {
                "department_id": dept,
                "department_id_type": "department_id",
                "user_id_type": "user_id",
            }
            for index, raw in enumerate(
                self._pages("contact/v3/users/find_by_department", params), 1
            ):
                try:
                    user = schema.load(raw)
                except ValidationError as exc:
                    _logger.warning(
                        "Feishu: user %d of department %s skipped: %s", index, dept, exc
                    )
                    continue
                if user.user_id not in seen:
                    seen.add(user.user_id)
                    users.append(user)
        return users

    def _read_unit(self, unit, result):
        query = {"employee_type": self.employee_type, "include_terminated_user": "true"}
        body = self.session.call(
            "POST",
            "attendance/v1/user_flows/query",
            params=query,
            json={
                "user_ids": list(unit.users),
                "check_time_from": str(to_epoch(unit.start)),
                "check_time_to": str(to_epoch(unit.end)),
            },
        )
        flows = _list(body, "user_flow_results")
        punches = self.load(FlowSchema(), flows, result, where="user_flow_results")
        # The platform's bounds are inclusive: keep [start, end) so windows never overlap.
        result.punches += [p for p in punches if in_window(p.moment, unit)]
        dates = self.work_dates(unit)
        if not dates:
            return
        body = self.session.call(
            "POST",
            "attendance/v1/user_tasks/query",
            params={"employee_type": self.employee_type},
            json={
                "user_ids": list(unit.users),
                "check_date_from": int(f"{dates[0]:%Y%m%d}"),
                "check_date_to": int(f"{dates[-1]:%Y%m%d}"),
            },
        )
        wanted = set(dates)
        tasks = _list(body, "user_task_results")
        for shifts in self.load(TaskSchema(), tasks, result, where="user_task_results"):
            result.shifts += [s for s in shifts if s.work_date in wanted]

    def read_punch(self, raw):
        """The :class:`Punch` of a raw flow record (kept in a sync log)."""
        try:
            return FlowSchema().load(raw)
        except ValidationError as exc:
            raise payload_error(1, exc, self.clean(raw)) from None


def _list(body, key):
    data = body.get("data") or {}
    items = data.get(key) if isinstance(data, dict) else None
    return items if isinstance(items, list) else []
