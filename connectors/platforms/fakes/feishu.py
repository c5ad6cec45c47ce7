"""The fake Feishu server (see :mod:`connectors.platforms.fakes`)."""

import collections
import datetime
import hashlib

from ...testing import Reply
from .common import END_OF_DAY, START_OF_DAY, FakePlatform, to_ms


class FakeFeishu(FakePlatform):
    """Feishu's tenant token, department and user lists, ``user_flows/query`` and
    ``user_tasks/query`` (see :mod:`connectors.platforms.feishu`).

    Users alternate between the root department "0" and department "D001"
    (生产部); ``user_id`` is the employee id, ``job_number`` the employee_no.
    Errors come with HTTP 400 (token, parameters) or 429 (frequency limit, with
    ``x-ogw-ratelimit-reset: 2``); a limit exceeded (more than 50 users, more
    than 30 days of flows or 31 days of tasks) answers code 99992402 (field
    validation failed).
    """

    ERRORS = {
        "token": (400, 99991663, "Invalid access token for authorization."),
        "quota": (429, 99991400, "request trigger frequency limit"),
        "frequency": (429, 99991400, "request trigger frequency limit"),
    }

    def _routes(self):
        self._route("POST", "auth/v3/tenant_access_token/internal", self._token)
        self._route("GET", "contact/v3/departments/0/children", self._guarded(self._departments))
        self._route("GET", "contact/v3/users/find_by_department", self._guarded(self._users))
        self._route("POST", "attendance/v1/user_flows/query", self._guarded(self._flows))
        self._route("POST", "attendance/v1/user_tasks/query", self._guarded(self._tasks))

    @staticmethod
    def _error(status, code, message):
        headers = (
            {"x-ogw-ratelimit-limit": "50", "x-ogw-ratelimit-reset": "2"} if status == 429 else {}
        )
        return Reply(status, {"code": code, "msg": message}, headers=headers)

    @staticmethod
    def _ok(data):
        return Reply(body={"code": 0, "msg": "success", "data": data})

    def _token_of(self, seen):
        return seen.headers.get("Authorization", "").removeprefix("Bearer ")

    def _token(self, seen):
        body = seen.json
        if body.get("app_id") != self.app_id:
            return self._error(400, 10003, "invalid param")
        if body.get("app_secret") != self.app_secret:
            return self._error(400, 10014, "app secret invalid")
        return Reply(
            body={"code": 0, "msg": "ok", "tenant_access_token": self.issue_token(), "expire": 7200}
        )

    def _page(self, seen, items):
        size = int(seen.query.get("page_size") or 20)
        if not 0 < size <= 50:
            return self._error(400, 99992402, "field validation failed: page_size")
        start = int(seen.query.get("page_token") or 0)
        more = start + size < len(items)
        data = {"has_more": more, "items": items[start : start + size]}
        if more:
            data["page_token"] = str(start + size)
        return self._ok(data)

    def _departments(self, seen):
        items = [{"name": "生产部", "department_id": "D001", "parent_department_id": "0"}]
        return self._page(seen, items)

    def _users(self, seen):
        dept = seen.query.get("department_id")
        members = [
            u for index, u in enumerate(self.users) if ("D001" if index % 2 else "0") == dept
        ]
        items = [
            {
                "user_id": u.user_id,
                "open_id": f"ou_{u.user_id}",
                "union_id": f"on_{u.user_id}",
                "name": u.name,
                "en_name": "",
                "mobile": u.mobile,
                "email": u.email,
                "employee_no": u.job_number,
                "employee_type": 1,
                "department_ids": [dept],
                "status": {"is_activated": True, "is_frozen": False, "is_resigned": False},
            }
            for u in members
        ]
        return self._page(seen, items)

    def _user_ids(self, seen):
        ids = [str(u) for u in seen.json.get("user_ids") or []]
        if seen.query.get("employee_type") == "employee_no":
            numbers = {u.job_number: u.user_id for u in self.users}
            return [numbers.get(i, i) for i in ids], ids
        return ids, ids

    def _flows(self, seen):
        user_ids, asked = self._user_ids(seen)
        if not 0 < len(user_ids) <= 50:
            return self._error(400, 99992402, "field validation failed: user_ids")
        try:
            start = int(seen.json["check_time_from"])
            end = int(seen.json["check_time_to"])
        except (KeyError, TypeError, ValueError):
            return self._error(400, 99992402, "field validation failed: check_time")
        if end < start or end - start > 30 * 86400:
            return self._error(400, 99992402, "field validation failed: at most 30 days")
        shown = dict(zip(user_ids, asked, strict=True))
        flows = [
            {
                "user_id": shown[user_id],
                "creator_id": shown[user_id],
                "location_name": "苏州工厂",
                "check_time": str(to_ms(moment) // 1000),
                "comment": "",
                "record_id": record_id,
                "ssid": "SZ-Factory",
                "bssid": "3c:46:d8:0c:7a:70",
                "is_field": False,
                "is_wifi": True,
                "type": 0,
                "photo_urls": [],
                "check_result": "",
            }
            for user_id, moment, _kind, record_id in self.punches_of(user_ids)
            if start <= to_ms(moment) // 1000 <= end
        ]
        flows += self.extra("attendance/v1/user_flows/query")
        return self._ok({"user_flow_results": flows})

    def _tasks(self, seen):
        user_ids, asked = self._user_ids(seen)
        if not 0 < len(user_ids) <= 50:
            return self._error(400, 99992402, "field validation failed: user_ids")
        try:
            first = datetime.datetime.strptime(str(seen.json["check_date_from"]), "%Y%m%d").date()
            last = datetime.datetime.strptime(str(seen.json["check_date_to"]), "%Y%m%d").date()
        except (KeyError, ValueError):
            return self._error(400, 99992402, "field validation failed: check_date")
        if last < first or (last - first).days > 31:
            return self._error(400, 99992402, "field validation failed: at most 31 days")
        shown = dict(zip(user_ids, asked, strict=True))
        days = collections.defaultdict(dict)
        verdicts = self.shift_verdicts(set(user_ids), first, last)
        for record_id, user_id, day, kind, status, planned, actual in verdicts:
            days[(user_id, day)][kind] = (record_id, status, planned, actual)
        results = []
        for (user_id, day), checks in sorted(days.items()):
            record = {}
            for kind in ("in", "out"):
                if kind in checks:
                    record_id, status, planned, actual = checks[kind]
                    stamp = str(to_ms(actual) // 1000)
                    record[f"check_{kind}_record_id"] = record_id
                    record[f"check_{kind}_record"] = {"record_id": record_id, "check_time": stamp}
                    record[f"check_{kind}_result"] = status
                    record[f"check_{kind}_shift_time"] = str(to_ms(planned) // 1000)
                else:
                    record[f"check_{kind}_result"] = "Lack"
                    due = START_OF_DAY if kind == "in" else END_OF_DAY
                    when = self.to_utc(datetime.datetime.combine(day, due))
                    record[f"check_{kind}_shift_time"] = str(to_ms(when) // 1000)
                record[f"check_{kind}_result_supplement"] = ""
            results.append(
                {
                    "result_id": _result_id(user_id, day),
                    "user_id": shown[user_id],
                    "employee_name": "",
                    "day": int(f"{day:%Y%m%d}"),
                    "group_id": "6737202939523236110",
                    "shift_id": "6753520403404030215",
                    "records": [record],
                }
            )
        results += self.extra("attendance/v1/user_tasks/query")
        return self._ok({"user_task_results": results})


def _result_id(user_id, day):
    """A stable, numeric-looking Feishu result id for one person-day."""
    digest = hashlib.sha256(f"{user_id}|{day.isoformat()}".encode()).hexdigest()
    return f"7{int(digest[:15], 16) % 10**18:018d}"
