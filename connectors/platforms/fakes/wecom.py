"""The fake WeCom server (see :mod:`connectors.platforms.fakes`)."""

from ...testing import Reply
from .common import FakePlatform, to_ms


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
            stamp = to_ms(moment) // 1000
            if not start <= stamp <= end:
                continue
            exception, planned = "", 0
            if kind in ("in", "out"):
                planned_at, status = self.shift_check(self.local(moment), kind)
                planned = to_ms(planned_at)
                exception = "时间异常" if status != "Normal" else ""
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
