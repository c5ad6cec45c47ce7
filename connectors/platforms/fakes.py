"""Local fake DingTalk, WeCom and Feishu servers, for tests, demos and benchmarks.

Each fake is a real HTTP server on ``127.0.0.1`` (a
:class:`~connectors.testing.FakeRemote`) answering the platform's calls in the
platform's own shapes, from plain data::

    users = [PlatformUser("u1", "王伟", mobile="13800000001")]
    punches = [("u1", datetime(2026, 11, 2, 0, 58), "in")]   # naive UTC
    with FakeDingTalk(users=users, punches=punches, latency=0.05) as fake:
        client = ApiClient(fake.url, allow_local_network=True)
        platform = make_platform("dingtalk", client, {"app_key": "app", "app_secret": "secret"})

The credentials the fakes accept are ``app_id="app"`` and ``app_secret="secret"``
by default (DingTalk's app_key, WeCom's corp_id, Feishu's app_id; then the
secret); pass others to the constructor. Each punch gets a stable record id.

They enforce each call's documented limits (more users or days than allowed
answer the platform's parameter error) and have knobs to play what a real
platform does: :meth:`FakePlatform.expire_token` (tokens issued so far are
refused as expired), :meth:`~FakePlatform.throttle` (the next ``n`` data calls
answer "frequency limit"), :meth:`~FakePlatform.quota_after` (after ``n`` more
data calls, every data call answers "quota used up"; None lifts it),
:meth:`~FakePlatform.add_raw` (a raw record added to every answer of a call,
e.g. a malformed one), ``latency`` (seconds per call) and :attr:`counts` (calls
per path, token calls included). Shift results are derived from the punches:
an "in" after 09:00 local is late, an "out" before 18:00 local is early.
"""

import collections
import datetime
import hashlib
import threading
import zoneinfo

from ..testing import FakeRemote, Reply

__all__ = ["FakeDingTalk", "FakeFeishu", "FakePlatform", "FakeWeCom"]

UTC = datetime.UTC
SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")
START_OF_DAY = datetime.time(9, 0)
END_OF_DAY = datetime.time(18, 0)


class FakePlatform:
    """What the three fakes share: server, tokens, knobs, counters."""

    token_path = ""
    secret_name = ""

    def __init__(
        self, users=(), punches=(), *, latency=0.0, tz=SHANGHAI, app_id="app", app_secret="secret"
    ):
        self.users = list(users)
        self.punches = [
            (str(user_id), moment, kind, f"{9_100_000_000 + index}")
            for index, (user_id, moment, kind) in enumerate(punches)
        ]
        self._by_user = collections.defaultdict(list)
        for punch in self.punches:
            self._by_user[punch[0]].append(punch)
        self.latency = latency
        self.tz = tz
        self.app_id = app_id
        self.app_secret = app_secret
        self.counts = collections.Counter()
        self.remote = FakeRemote()
        self._lock = threading.Lock()
        self._tokens = set()
        self._issued = 0
        self._throttle = 0
        self._quota_left = None
        self._expire_in = None
        self._extra = collections.defaultdict(list)
        self._routes()

    # -- the knobs ---------------------------------------------------------------------------

    @property
    def url(self):
        return self.remote.url

    def __enter__(self):
        self.remote.__enter__()
        return self

    def __exit__(self, *exc_info):
        self.remote.__exit__(*exc_info)

    def expire_token(self, after=0):
        """Every token issued so far is refused as expired, now or after ``after`` more
        data calls (to expire it in the middle of a fetch)."""
        with self._lock:
            if after:
                self._expire_in = after
            else:
                self._tokens.clear()

    def throttle(self, n):
        """The next ``n`` data calls answer the platform's frequency-limit error."""
        with self._lock:
            self._throttle = n

    def quota_after(self, n):
        """After ``n`` more data calls every data call answers "quota used up" (None: lift it)."""
        with self._lock:
            self._quota_left = n

    def add_raw(self, path, record):
        """Add ``record`` (raw, as the platform would send it) to every answer of ``path``."""
        self._extra[path.strip("/")].append(record)

    def count(self, path):
        """Calls received on ``path`` (e.g. "attendance/listRecord")."""
        return self.counts[path.strip("/")]

    # -- helpers of the platforms ---------------------------------------------------------------

    def local(self, moment):
        return moment.replace(tzinfo=UTC).astimezone(self.tz)

    def to_utc(self, local_naive):
        return local_naive.replace(tzinfo=self.tz).astimezone(UTC).replace(tzinfo=None)

    def issue_token(self):
        with self._lock:
            self._issued += 1
            token = f"fake-token-{self._issued:04d}"
            self._tokens.add(token)
        return token

    def gate(self, token):
        """``None`` when a data call may go on, else the name of the error to answer:
        "token", "quota" or "frequency"."""
        with self._lock:
            if self._expire_in is not None:
                self._expire_in -= 1
                if self._expire_in < 0:
                    self._tokens.clear()
                    self._expire_in = None
            if token not in self._tokens:
                return "token"
            if self._quota_left is not None:
                if self._quota_left <= 0:
                    return "quota"
                self._quota_left -= 1
            if self._throttle > 0:
                self._throttle -= 1
                return "frequency"
        return None

    def extra(self, path):
        return list(self._extra[path.strip("/")])

    def punches_of(self, user_ids):
        """The punches of ``user_ids``, read from an index by user (a call never scans
        the whole month of everybody, so the fake's own time stays small)."""
        return [punch for user_id in dict.fromkeys(user_ids) for punch in self._by_user[user_id]]

    def shift_verdicts(self, user_ids, first_day, last_day):
        """``(record_id, user_id, work_date, kind, status, planned, actual)`` of the punches
        with a kind, whose local day is in ``[first_day, last_day]``; status is
        "Normal", "Late" or "Early"."""
        verdicts = []
        for user_id, moment, kind, record_id in self.punches_of(user_ids):
            if kind not in ("in", "out"):
                continue
            local = self.local(moment)
            day = local.date()
            if not first_day <= day <= last_day:
                continue
            if kind == "in":
                planned_time, status = (
                    START_OF_DAY,
                    "Late" if local.time() > START_OF_DAY else "Normal",
                )
            else:
                planned_time, status = (
                    END_OF_DAY,
                    "Early" if local.time() < END_OF_DAY else "Normal",
                )
            planned = self.to_utc(datetime.datetime.combine(day, planned_time))
            verdicts.append((record_id, user_id, day, kind, status, planned, moment))
        return verdicts

    def _route(self, method, path, handler):
        def answer(seen):
            self.counts[path] += 1
            reply = handler(seen)
            reply.delay = self.latency
            return reply

        self.remote.script(method, "/" + path, answer)

    def _routes(self):  # pragma: no cover - every fake has its own
        raise NotImplementedError


def _ms(moment):
    return int(moment.replace(tzinfo=UTC).timestamp() * 1000)


class FakeDingTalk(FakePlatform):
    """DingTalk's ``gettoken``, department and user lists, ``attendance/listRecord`` and
    ``attendance/list`` (see :mod:`connectors.platforms.dingtalk`).

    Users alternate between department 1 and its sub-department 2 (生产部).
    """

    ERRORS = {
        "token": (42001, "access_token超时"),
        "quota": (90005, "您的企业调用钉钉开放平台所有接口的请求都被暂时禁用了"),
        "frequency": (90018, "当前企业调用该接口次数过多,请求被暂时禁用了"),
    }

    def _routes(self):
        self._route("GET", "gettoken", self._gettoken)
        self._route("POST", "topapi/v2/department/listsub", self._guarded(self._listsub))
        self._route("POST", "topapi/v2/user/list", self._guarded(self._user_list))
        self._route("POST", "attendance/listRecord", self._guarded(self._list_record))
        self._route("POST", "attendance/list", self._guarded(self._list))

    @staticmethod
    def _error(code, message):
        return Reply(body={"errcode": code, "errmsg": message})

    def _guarded(self, handler):
        def answer(seen):
            problem = self.gate(seen.query.get("access_token"))
            if problem:
                return self._error(*self.ERRORS[problem])
            return handler(seen)

        return answer

    def _gettoken(self, seen):
        if (
            seen.query.get("appkey") != self.app_id
            or seen.query.get("appsecret") != self.app_secret
        ):
            return self._error(40089, "不合法的corpid或corpsecret")
        return Reply(
            body={
                "errcode": 0,
                "errmsg": "ok",
                "access_token": self.issue_token(),
                "expires_in": 7200,
            }
        )

    def _listsub(self, seen):
        dept = seen.json.get("dept_id")
        children = [{"dept_id": 2, "name": "生产部", "parent_id": 1}] if dept == 1 else []
        return Reply(body={"errcode": 0, "errmsg": "ok", "result": children, "request_id": "fake"})

    def _user_list(self, seen):
        query = seen.json
        size = int(query.get("size") or 0)
        if not 0 < size <= 100:
            return self._error(40035, "不合法的参数: size")
        dept = query.get("dept_id")
        members = [u for index, u in enumerate(self.users) if (2 if index % 2 else 1) == dept]
        cursor = int(query.get("cursor") or 0)
        page = members[cursor : cursor + size]
        more = cursor + size < len(members)
        users = [
            {
                "userid": u.user_id,
                "unionid": f"union-{u.user_id}",
                "name": u.name,
                "mobile": u.mobile,
                "job_number": u.job_number,
                "email": u.email,
                "dept_id_list": [dept],
                "active": True,
            }
            for u in page
        ]
        result = {"has_more": more, "list": users}
        if more:
            result["next_cursor"] = cursor + size
        return Reply(body={"errcode": 0, "errmsg": "ok", "result": result})

    def _list_record(self, seen):
        query = seen.json
        user_ids = [str(u) for u in query.get("userIds") or []]
        if not 0 < len(user_ids) <= 50:
            return self._error(40032, "不合法的UserID列表长度")
        try:
            start = _parse_local(query["checkDateFrom"], self)
            end = _parse_local(query["checkDateTo"], self)
        except (KeyError, ValueError):
            return self._error(40035, "不合法的参数: checkDateFrom/checkDateTo")
        if end < start or end - start > datetime.timedelta(days=7):
            return self._error(40035, "不合法的参数: 查询时间跨度不能超过7天")
        records = [
            {
                "id": int(record_id),
                "userId": user_id,
                "checkType": {"in": "OnDuty", "out": "OffDuty"}.get(kind, "OnDuty"),
                "userCheckTime": _ms(moment),
                "baseCheckTime": _ms(moment),
                "sourceType": "ATM",
                "timeResult": "Normal",
                "locationResult": "Normal",
                "isLegal": "Y",
                "corpId": "dingfake",
            }
            for user_id, moment, kind, record_id in self.punches_of(user_ids)
            if start <= moment <= end
        ]
        records += self.extra("attendance/listRecord")
        return Reply(body={"errcode": 0, "errmsg": "ok", "recordresult": records})

    def _list(self, seen):
        query = seen.json
        user_ids = [str(u) for u in query.get("userIdList") or []]
        limit = int(query.get("limit") or 0)
        if not 0 < len(user_ids) <= 50:
            return self._error(40032, "不合法的UserID列表长度")
        if not 0 < limit <= 50:
            return self._error(40035, "不合法的参数: limit")
        try:
            first = datetime.datetime.strptime(query["workDateFrom"], "%Y-%m-%d %H:%M:%S").date()
            last = datetime.datetime.strptime(query["workDateTo"], "%Y-%m-%d %H:%M:%S").date()
        except (KeyError, ValueError):
            return self._error(40035, "不合法的参数: workDateFrom/workDateTo")
        if last < first or (last - first).days > 7:
            return self._error(40035, "不合法的参数: 查询时间跨度不能超过7天")
        results = [
            {
                "id": 5_000_000_000 + int(record_id),
                "recordId": int(record_id),
                "userId": user_id,
                "workDate": _ms(self.to_utc(datetime.datetime.combine(day, datetime.time()))),
                "checkType": "OnDuty" if kind == "in" else "OffDuty",
                "timeResult": status,
                "locationResult": "Normal",
                "baseCheckTime": _ms(planned),
                "userCheckTime": _ms(actual),
                "sourceType": "ATM",
                "groupId": 1,
                "planId": 1,
            }
            for record_id, user_id, day, kind, status, planned, actual in self.shift_verdicts(
                user_ids, first, last
            )
        ]
        results += self.extra("attendance/list")
        offset = int(query.get("offset") or 0)
        page = results[offset : offset + limit]
        return Reply(
            body={
                "errcode": 0,
                "errmsg": "ok",
                "recordresult": page,
                "hasMore": offset + limit < len(results),
            }
        )


def _parse_local(text, fake):
    return fake.to_utc(datetime.datetime.strptime(text, "%Y-%m-%d %H:%M:%S"))


class FakeWeCom(FakePlatform):
    """WeCom's ``gettoken``, ``user/list`` and ``checkin/getcheckindata``
    (see :mod:`connectors.platforms.wecom`).

    Users carry their job number in the custom attribute "工号". A limit
    exceeded (more than 100 users, more than 30 days) answers errcode 40058
    (invalid parameter), the fake's choice of code.
    """

    ERRORS = {
        "token": (42001, "access_token expired"),
        "quota": (45009, "api freq out of limit"),
        "frequency": (45009, "api freq out of limit"),
    }
    KINDS = {"in": "上班打卡", "out": "下班打卡", None: "外出打卡"}

    def _routes(self):
        self._route("GET", "gettoken", self._gettoken)
        self._route("GET", "user/list", self._guarded(self._user_list))
        self._route("POST", "checkin/getcheckindata", self._guarded(self._checkin))

    @staticmethod
    def _error(code, message):
        return Reply(body={"errcode": code, "errmsg": f"{message}, hint: [fake]"})

    def _guarded(self, handler):
        def answer(seen):
            problem = self.gate(seen.query.get("access_token"))
            if problem:
                return self._error(*self.ERRORS[problem])
            return handler(seen)

        return answer

    def _gettoken(self, seen):
        if seen.query.get("corpid") != self.app_id:
            return self._error(40013, "invalid corpid")
        if seen.query.get("corpsecret") != self.app_secret:
            return self._error(40001, "invalid credential")
        token = self.issue_token()
        return Reply(body={"errcode": 0, "errmsg": "ok", "access_token": token, "expires_in": 7200})

    def _user_list(self, seen):
        if seen.query.get("department_id") != "1":
            return self._error(60003, "department not found")
        users = [
            {
                "userid": u.user_id,
                "name": u.name,
                "department": [1],
                "position": "操作工",
                "mobile": u.mobile,
                "email": u.email,
                "status": 1,
                "main_department": 1,
                "extattr": {
                    "attrs": [{"type": 0, "name": "工号", "text": {"value": u.job_number}}]
                },
            }
            for u in self.users
        ]
        return Reply(body={"errcode": 0, "errmsg": "ok", "userlist": users})

    def _checkin(self, seen):
        query = seen.json
        user_ids = [str(u) for u in query.get("useridlist") or []]
        if not 0 < len(user_ids) <= 100:
            return self._error(40058, "invalid useridlist size")
        try:
            start, end = int(query["starttime"]), int(query["endtime"])
        except (KeyError, TypeError, ValueError):
            return self._error(40058, "invalid starttime/endtime")
        if end < start or end - start > 30 * 86400:
            return self._error(40058, "starttime and endtime span more than 30 days")
        records = []
        for user_id, moment, kind, _record_id in self.punches_of(user_ids):
            stamp = _ms(moment) // 1000
            if not start <= stamp <= end:
                continue
            local = self.local(moment)
            exception, planned = "", 0
            if kind == "in":
                planned = _ms(self.to_utc(datetime.datetime.combine(local.date(), START_OF_DAY)))
                exception = "时间异常" if local.time() > START_OF_DAY else ""
            elif kind == "out":
                planned = _ms(self.to_utc(datetime.datetime.combine(local.date(), END_OF_DAY)))
                exception = "时间异常" if local.time() < END_OF_DAY else ""
            records.append(
                {
                    "userid": user_id,
                    "groupname": "车间一班",
                    "checkin_type": self.KINDS[kind],
                    "exception_type": exception,
                    "checkin_time": stamp,
                    "location_title": "苏州工厂",
                    "location_detail": "江苏省苏州市工业园区星湖街328号",
                    "wifiname": "",
                    "notes": "",
                    "wifimac": "",
                    "mediaids": [],
                    "sch_checkin_time": planned // 1000,
                    "groupid": 1,
                    "schedule_id": 0,
                    "timeline_id": 1,
                    "lat": 31285413,
                    "lng": 120717139,
                    "deviceid": "",
                }
            )
        records += self.extra("checkin/getcheckindata")
        return Reply(body={"errcode": 0, "errmsg": "ok", "checkindata": records})


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

    def _guarded(self, handler):
        def answer(seen):
            auth = seen.headers.get("Authorization", "")
            problem = self.gate(auth.removeprefix("Bearer "))
            if problem:
                return self._error(*self.ERRORS[problem])
            return handler(seen)

        return answer

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
                "check_time": str(_ms(moment) // 1000),
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
            if start <= _ms(moment) // 1000 <= end
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
                    stamp = str(_ms(actual) // 1000)
                    record[f"check_{kind}_record_id"] = record_id
                    record[f"check_{kind}_record"] = {"record_id": record_id, "check_time": stamp}
                    record[f"check_{kind}_result"] = status
                    record[f"check_{kind}_shift_time"] = str(_ms(planned) // 1000)
                else:
                    record[f"check_{kind}_result"] = "Lack"
                    due = START_OF_DAY if kind == "in" else END_OF_DAY
                    when = self.to_utc(datetime.datetime.combine(day, due))
                    record[f"check_{kind}_shift_time"] = str(_ms(when) // 1000)
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
