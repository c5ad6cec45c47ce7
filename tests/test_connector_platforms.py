"""Attendance platforms (DingTalk, WeCom, Feishu) on the Odoo side: who is who,
runs, retries of unmatched users' punches, quota stops resumed, secrets and access.

``PlatformDouble`` plays an adapter of :mod:`connectors.platforms` exactly as its
contract (``connectors/platforms/base.py``) says, so these tests pin the Odoo side
whatever the wire; ``test_connector_platforms_e2e.py`` runs the real adapters
against the fake platform servers."""

import datetime
import json
from unittest.mock import patch

from odoo.addons.okr_addon.connectors import platforms
from odoo.addons.okr_addon.connectors.errors import PayloadError
from odoo.addons.okr_addon.connectors.platforms.base import (
    FetchResult,
    PlatformError,
    PlatformUser,
    Punch,
    ShiftResult,
)
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import Form, new_test_user, tagged

from .common import ConnectorCase

DT = datetime.datetime
SECRET = "Sx-plat/secret+4711="
TOKEN = "tok-EchoedAccess-99"
CREDENTIALS = {
    "dingtalk": ("app_key", "app_secret"),
    "wecom": ("corp_id", "corp_secret"),
    "feishu": ("app_id", "app_secret"),
}


def month_punches(user_ids, days=range(2, 7)):
    """Weekday punches of November 2026: in at 08:00, out at 17:30 Shanghai (UTC+8)."""
    punches = []
    for user_id in user_ids:
        for day in days:
            punches.append((user_id, DT(2026, 11, day, 0, 0), "in"))
            punches.append((user_id, DT(2026, 11, day, 9, 30), "out"))
    return punches


class PlatformDouble:
    """An adapter keeping the contract of connectors.platforms.base, in memory.

    A fetch walks one unit per user; ``quota_after`` stops it (as a used-up quota
    does) after that many units of one fetch, with a resume state."""

    def __init__(self, users, punches, shifts=(), quota_after=None):
        self.directory = list(users)
        self.punches = list(punches)
        self.shifts = list(shifts)
        self.quota_after = quota_after
        self.fetches = []
        self.token_store = None
        self.error = None

    def make(self, code, client, credentials, *, token_store=None, options=None, **_kwargs):
        assert set(credentials) == set(CREDENTIALS[code]), credentials
        self.credentials = credentials
        self.token_store = token_store
        self.options = options
        return self

    def _token(self):
        if self.error:
            raise self.error
        if not self.token_store.load():
            self.token_store.save(TOKEN, DT(2030, 1, 1, tzinfo=datetime.UTC))

    def probe(self):
        self._token()
        return True

    def users(self):
        self._token()
        return list(self.directory)

    def fetch(self, user_ids, start, end, resume=None):
        self._token()
        self.fetches.append((list(user_ids), start, end, resume))
        first = resume["unit"] if resume else 0
        result = FetchResult()
        for unit, user_id in enumerate(user_ids[first:], start=first):
            if self.quota_after is not None and unit - first >= self.quota_after:
                result.done = False
                result.stopped = "quota of calls per minute used up (errcode 90018)"
                result.resume = {"unit": unit}
                break
            for moment, kind in [(m, k) for u, m, k in self.punches if u == user_id]:
                if start <= moment < end:
                    result.punches.append(self._punch(user_id, moment, kind))
            result.shifts += [s for s in self.shifts if s.user_id == user_id]
        return result

    @staticmethod
    def _punch(user_id, moment, kind):
        raw = {"userId": user_id, "checkTime": moment.isoformat(), "checkType": kind}
        return Punch(f"{user_id}-{moment.isoformat()}", user_id, moment, kind, raw)

    def read_punch(self, raw):
        if "checkTime" not in raw:
            raise PayloadError(None, "checkTime", "missing checkTime", raw)
        return self._punch(raw["userId"], DT.fromisoformat(raw["checkTime"]), raw["checkType"])


class PlatformCase(ConnectorCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.startClassPatcher(patch.object(platforms, "CREDENTIALS", CREDENTIALS, create=True))
        for worker, mobile in zip(cls.workers, range(13800000001, 13800000011), strict=True):
            worker.mobile_phone = f"+86 {mobile}"
        cls.directory = [
            PlatformUser(f"u{badge}", name, mobile=f"1380000{int(badge) - 1000:04d}")
            for badge, name in cls.WORKERS.items()
        ]

    def _platform_connector(self, kind="attendance_dingtalk", **vals):
        return self._connector(
            name="DingTalk attendance",
            kind=kind,
            endpoint_url="https://oapi.example.com",
            platform_key="ding-app-key",
            platform_secret=SECRET,
            lookback_days=40,
            **vals,
        )

    def _double(self, punches=None, **kwargs):
        double = PlatformDouble(
            self.directory,
            month_punches([u.user_id for u in self.directory]) if punches is None else punches,
            **kwargs,
        )
        patcher = patch.object(platforms, "make_platform", double.make, create=True)
        patcher.start()
        self.addCleanup(patcher.stop)
        return double

    def _run(self, connector, user=None):
        action = connector.with_user(user or self.user_admin).action_run()
        return self.env["okr.sync.log"].browse(action["res_id"])

    def _retry(self, log):
        action = log.with_user(self.user_admin).action_retry_failed()
        return self.env["okr.sync.log"].browse(action["res_id"])

    def _users(self, connector):
        return self.env["okr.connector.user"].search([("connector_id", "=", connector.id)])


@tagged("post_install", "-at_install")
class TestPlatformConnector(PlatformCase):
    def test_month_arrives_once_and_users_are_matched_by_mobile(self):
        self._double()
        connector = self._platform_connector()
        log = self._run(connector)
        self.assertCounts(log, created=50)
        self.assertEqual(log.state, "success")
        users = self._users(connector)
        self.assertEqual(set(users.mapped("state")), {"matched"})
        self.assertEqual(set(users.mapped("match_key")), {"mobile"})
        wang_wu = users.filtered(lambda u: u.platform_user_id == "u1001")
        self.assertEqual(wang_wu.employee_id, self.by_badge["1001"])
        first = self._attendances().filtered(lambda a: a.employee_id.barcode == "1001")
        self.assertEqual(min(first.mapped("check_in")), DT(2026, 11, 2, 0, 0))
        self.assertEqual(max(first.mapped("check_out")), DT(2026, 11, 6, 9, 30))

        again = self._run(connector)
        self.assertCounts(again, unchanged=50)
        self.assertEqual(len(self._attendances()), 50, "a repeated run creates nothing")

    def test_unmatched_user_punches_are_kept_and_imported_after_hr_matches(self):
        self.directory = [*self.directory[:9], PlatformUser("u-feng", "冯丽", mobile="139")]
        punches = month_punches(["u1001", "u-feng"], days=[2, 3])
        self._double(punches)
        connector = self._platform_connector()
        log = self._run(connector)
        self.assertCounts(log, created=2, failed=2)
        self.assertEqual(log.state, "partial")
        line = log.line_ids.sorted("row")[0]
        self.assertIn(
            "platform user 冯丽 (id u-feng) is not matched to an employee: match them in "
            "Platform Users, then Retry Failed Rows",
            line.reason,
        )
        self.assertEqual(line.field, "user_id")
        self.assertEqual(len(json.loads(line.raw)), 2, "the check-in and check-out records")
        feng = self._users(connector).filtered(lambda u: u.platform_user_id == "u-feng")
        self.assertEqual(feng.state, "unmatched")
        self.assertEqual(connector.platform_unmatched_count, 1)

        feng.with_user(self.user_admin).employee_id = self.by_badge["1010"]
        self.assertEqual(feng.state, "manual")
        retry = self._retry(log)
        self.assertCounts(retry, created=2)
        self.assertEqual(len(self.by_badge["1010"].attendance_ids), 2)
        self.assertCounts(self._run(connector), unchanged=4)
        self.assertEqual(feng.employee_id, self.by_badge["1010"], "HR's answer is kept")

    def test_ambiguous_match_is_shown_and_hr_answer_survives_the_next_run(self):
        self.by_badge["1003"].mobile_phone = "+86 13800000002"  # Li Si shares Zhang San's
        self._double(month_punches(["u1002"], days=[2]))
        connector = self._platform_connector()
        log = self._run(connector)
        self.assertCounts(log, failed=1)
        users = self._users(connector)
        zhang = users.filtered(lambda u: u.platform_user_id == "u1002")
        li = users.filtered(lambda u: u.platform_user_id == "u1003")
        self.assertEqual((zhang.state, zhang.match_key), ("ambiguous", "mobile"))
        self.assertEqual(zhang.candidate_ids, self.by_badge["1002"] | self.by_badge["1003"])
        # Li Si's mobile finds nobody now: the next key (the name) decides.
        self.assertEqual((li.state, li.match_key), ("matched", "name"))
        self.assertEqual(li.employee_id, self.by_badge["1003"])
        self.assertIn("fits several employees", log.line_ids.reason)

        zhang.with_user(self.user_admin).employee_id = self.by_badge["1002"]
        self.assertCounts(self._run(connector), created=1)
        self.assertEqual((zhang.state, zhang.employee_id), ("manual", self.by_badge["1002"]))

    def test_quota_stop_then_resume_loses_and_doubles_nothing(self):
        double = self._double(quota_after=4)
        connector = self._platform_connector()
        first = self._run(connector)
        self.assertCounts(first, created=20)
        self.assertEqual(first.state, "partial")
        self.assertIn("stopped the fetch before the end: quota of calls", first.message)
        self.assertIn("the next run goes on where this one stopped", first.message)
        resume = connector.sudo().platform_resume
        self.assertEqual(resume["state"], {"unit": 4})

        second = self._run(connector)
        self.assertCounts(second, created=20)
        users, start, end, state = double.fetches[-1]
        self.assertEqual(state, {"unit": 4})
        self.assertEqual((users, start, end), tuple(double.fetches[0][:3]), "same users, period")

        double.quota_after = None
        third = self._run(connector)
        self.assertCounts(third, created=10)
        self.assertFalse(connector.sudo().platform_resume, "forgotten once a fetch completes")
        self.assertEqual(third.state, "success")
        fourth = self._run(connector)
        self.assertCounts(fourth, unchanged=50)
        self.assertEqual(len(self._attendances()), 50)

    def test_shift_verdicts_are_counted_in_the_summary(self):
        shifts = [
            ShiftResult("s1", "u1001", datetime.date(2026, 11, 2), "in", "late", None, None, {}),
            ShiftResult("s2", "u1001", datetime.date(2026, 11, 2), "out", "early", None, None, {}),
            ShiftResult(
                "s3", "u1002", datetime.date(2026, 11, 2), "out", "not_signed", None, None, {}
            ),
            ShiftResult("s4", "u1003", datetime.date(2026, 11, 2), "in", "normal", None, None, {}),
        ]
        self._double(shifts=shifts)
        connector = self._platform_connector()
        log = self._run(connector)
        day = datetime.date(2026, 11, 2)
        lines = self.env["okr.attendance.day.source"].search(
            [("connector_id", "=", connector.id), ("day_id.date", "=", day)]
        )
        status = {line.day_id.employee_id: line.status for line in lines}
        self.assertEqual(
            [status[self.by_badge[badge]] for badge in ("1001", "1002", "1003")],
            ["late", "not_signed", "normal"],
            "each employee-day's worst verdict reaches the attendance days",
        )
        self.assertIn("1 not signed, 1 late, 1 left early.", log.message)
        self.assertEqual(
            sorted(log.shift_statuses),
            sorted(
                [
                    [self.by_badge["1001"].id, "2026-11-02", "late"],
                    [self.by_badge["1002"].id, "2026-11-02", "not_signed"],
                    [self.by_badge["1003"].id, "2026-11-02", "normal"],
                ]
            ),
        )

    def test_token_is_kept_on_the_connector_and_errors_are_logged_without_secrets(self):
        double = self._double()
        connector = self._platform_connector()
        self._run(connector)
        self.assertEqual(connector.sudo().platform_token, TOKEN)
        notification = connector.with_user(self.user_admin).action_test_connection()
        self.assertEqual(notification["params"]["type"], "success")

        double.error = PlatformError("DingTalk", 40089, f"invalid appsecret {SECRET} {TOKEN}")
        log = self._run(connector)
        self.assertEqual(log.state, "failed")
        self.assertIn("DingTalk error 40089", log.message)
        notification = connector.with_user(self.user_admin).action_test_connection()
        self.assertEqual(notification["params"]["type"], "danger")
        connector.write({"scheduled": True, "next_run": "2026-11-01 00:00:00"})
        self.env["okr.connector"]._cron_run_due()
        texts = [
            *self.env["okr.sync.log"]
            .search([("connector_id", "=", connector.id)])
            .mapped("message"),
            notification["params"]["message"],
            *connector.message_ids.mapped("body"),
        ]
        self.assertIn("Scheduled run failed", connector.message_ids[0].body)
        for text in texts:
            self.assertNotIn(SECRET, text or "")
            self.assertNotIn(TOKEN, text or "")

    def test_new_credentials_drop_the_cached_token(self):
        self._double()
        connector = self._platform_connector()
        self._run(connector)
        self.assertTrue(connector.sudo().platform_token)
        connector.platform_secret = "another-secret"
        self.assertFalse(connector.sudo().platform_token)
        with self.assertRaisesRegex(ValidationError, "needs its App Key and App Secret"):
            connector.copy()  # credentials are never copied: a copy asks for its own

    def test_form_of_a_platform_kind(self):
        form = Form(self.env["okr.connector"].with_user(self.user_admin))
        form.name = "Feishu punches"
        self.assertEqual(form.lookback_days, 7)
        form.kind = "attendance_feishu"
        self.assertEqual(form.endpoint_url, "https://open.feishu.cn/open-apis/")
        self.assertEqual(form.lookback_days, 31, "a platform reads a payroll month back")
        form.lookback_days = 20
        form.kind = "attendance_wecom"
        self.assertEqual(form.endpoint_url, "https://qyapi.weixin.qq.com/cgi-bin/")
        self.assertEqual(form.lookback_days, 20, "HR's own period is kept")
        form.platform_key = "ww-corp"
        form.platform_secret = SECRET
        connector = form.save()
        self.assertEqual(connector.kind_platform, "wecom")
        self.assertEqual(connector.wecom_job_number_attr, "工号")
        self.assertEqual(
            connector._platform_options(), {"tz": connector.tz, "job_number_attr": "工号"}
        )
        self.assertEqual(connector.platform_unmatched_count, 0)

    def test_credentials_and_match_order_are_checked(self):
        with self.assertRaisesRegex(ValidationError, "needs its Corp ID and Corp Secret"):
            self._connector(
                name="WeCom", kind="attendance_wecom", endpoint_url="https://qyapi.example.com"
            )
        with self.assertRaisesRegex(ValidationError, "unknown key 'badge'"):
            self._platform_connector(match_order="badge, name")


@tagged("post_install", "-at_install")
class TestPlatformAccess(PlatformCase):
    def test_only_hr_of_the_company_sees_credentials_users_and_runs(self):
        self._double(month_punches(["u1001"], days=[2]))
        connector = self._platform_connector()
        self._run(connector)
        users = self._users(connector)
        self.assertEqual(len(users), 10)
        employee = new_test_user(
            self.env,
            "plat_employee",
            groups="base.group_user",
            company_id=self.factory.id,
            company_ids=[(6, 0, self.factory.ids)],
        )
        other = self.env["res.company"].create({"name": "Other Plant"})
        other_admin = new_test_user(
            self.env,
            "plat_other_admin",
            groups="base.group_user,okr_addon.group_okr_admin",
            company_id=other.id,
            company_ids=[(6, 0, other.ids)],
        )
        for user in (self.user_manager, employee):
            with self.assertRaises(AccessError):
                connector.with_user(user).read(["platform_secret"])
            with self.assertRaises(AccessError):
                users.with_user(user).read(["mobile"])
            with self.assertRaises(AccessError):
                connector.with_user(user).action_run()
            with self.assertRaises(AccessError):
                users[0].with_user(user).employee_id = self.by_badge["1002"]
        self.assertNotIn("platform_user_ids", connector.with_user(self.user_manager).read()[0])
        for field in ("platform_token", "platform_resume", "platform_user_ids"):
            with self.assertRaises(AccessError):
                connector.with_user(self.user_manager).read([field])
        with self.assertRaises(AccessError):
            users.with_user(other_admin).read(["mobile"])
        with self.assertRaises(AccessError):
            connector.with_user(other_admin).action_run()
        self.assertFalse(self.env["okr.connector.user"].with_user(other_admin).search([]) & users)
        # HR may not point a user at an employee of another company.
        stranger = self.env["hr.employee"].create({"name": "Stranger", "company_id": other.id})
        with self.assertRaises(UserError):
            users[0].with_user(self.user_admin).employee_id = stranger
