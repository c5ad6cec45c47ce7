"""The fake DingTalk server (see :mod:`connectors.platforms.fakes`)."""

import datetime

from ...testing import Reply
from .common import FakePlatform, to_ms


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
                "userCheckTime": to_ms(moment),
                "baseCheckTime": to_ms(moment),
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
                "workDate": to_ms(self.to_utc(datetime.datetime.combine(day, datetime.time()))),
                "checkType": "OnDuty" if kind == "in" else "OffDuty",
                "timeResult": status,
                "locationResult": "Normal",
                "baseCheckTime": to_ms(planned),
                "userCheckTime": to_ms(actual),
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
