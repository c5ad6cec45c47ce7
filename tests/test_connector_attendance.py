import datetime
import json

from odoo import sql_db
from odoo.exceptions import UserError
from odoo.tests import tagged

from ..okr_addon.models.okr_connector_run import RUN_LOCK
from .common import ConnectorCase

DT = datetime.datetime


def csv_bytes(*lines):
    return "\n".join(["No.,Name,Time,State", *lines]).encode()


@tagged("post_install", "-at_install")
class TestConnectorTerminalFile(ConnectorCase):
    def test_month_file_lands_once(self):
        log = self._upload(self._sample("zkteco_demo_2026-11.csv"), filename="nov.csv")
        # 10 workers x 21 weekdays - 2 absences; 3 forgotten check-outs stay open.
        self.assertCounts(log, created=208)
        self.assertEqual(log.state, "success")
        self.assertEqual(log.filename, "nov.csv")
        attendances = self._attendances()
        self.assertEqual(len(attendances), 208)
        self.assertEqual(len(attendances.filtered(lambda a: not a.check_out)), 3)
        first = attendances.filtered(
            lambda a: (
                a.employee_id.barcode == "1001" and a.check_in.date() == DT(2026, 11, 1).date()
            )
        )
        # 07:55:58 and 17:06:34 in Shanghai (UTC+8) are stored in UTC.
        self.assertEqual(first.check_in, DT(2026, 11, 1, 23, 55, 58))
        self.assertEqual(first.check_out, DT(2026, 11, 2, 9, 6, 34))
        self.assertEqual(self.terminal.last_log_id, log)
        self.assertEqual(self.terminal.last_state, "success")

        again = self._upload(self._sample("zkteco_demo_2026-11.csv"))
        self.assertCounts(again, unchanged=208)
        self.assertEqual(len(self._attendances()), 208, "re-importing creates nothing")

    def test_gbk_export_with_chinese_names(self):
        log = self._upload(self._sample("zkteco_demo_gbk.csv"))
        self.assertCounts(log, created=15)
        wang_wu = self._attendances().filtered(lambda a: a.employee_id.barcode == "1001")
        self.assertEqual(len(wang_wu), 3)
        self.assertEqual(min(wang_wu.mapped("check_in")), DT(2026, 11, 1, 23, 58))

    def test_broken_rows_are_logged_and_the_others_land(self):
        log = self._upload(self._sample("zkteco_demo_broken.csv"))
        # 1001 checks in and out; 1005 checks in (open); every other line fails.
        self.assertCounts(log, created=2, failed=9)
        self.assertEqual(log.state, "partial")
        self.assertEqual(len(self._attendances()), 2)
        self.assertFalse(
            self._attendances().filtered(lambda a: a.employee_id.barcode == "1005").check_out
        )
        self.assertEqual(
            [(line.row, line.field) for line in log.line_ids.sorted("row")],
            [
                (4, "Time"),
                (5, "Time"),
                (6, "No."),
                (7, "Time"),
                (8, "Time"),
                (9, "Time"),
                (11, "State"),
                (12, "No., Time"),
                (13, "Time"),
            ],
        )
        bad_date = log.line_ids.filtered(lambda line: line.row == 8)
        self.assertIn("not a valid date/time 'yesterday 8am'", bad_date.reason)
        self.assertEqual(json.loads(bad_date.raw)["Time"], "yesterday 8am")
        lone_out = log.line_ids.filtered(lambda line: line.row == 5)
        self.assertIn("check-out at 2026-11-02 17:10:19 without a check-in", lone_out.reason)
        self.assertIn("Zhang San", lone_out.reason)

    def test_later_file_completes_a_missing_check_out(self):
        morning = self._upload(csv_bytes("1001,Wang Wu,2026-11-02 07:58:12,C/In"))
        self.assertCounts(morning, created=1)
        attendance = self._attendances()
        self.assertFalse(attendance.check_out)

        evening = self._upload(csv_bytes("1001,Wang Wu,2026-11-02 17:04:40,C/Out"))
        self.assertCounts(evening, updated=1)
        self.assertEqual(self._attendances(), attendance, "completed, not duplicated")
        self.assertEqual(attendance.check_out, DT(2026, 11, 2, 9, 4, 40))

        self.assertCounts(
            self._upload(csv_bytes("1001,Wang Wu,2026-11-02 17:04:40,C/Out")), unchanged=1
        )
        both = self._upload(
            csv_bytes(
                "1001,Wang Wu,2026-11-02 07:58:12,C/In", "1001,Wang Wu,2026-11-02 17:04:40,C/Out"
            )
        )
        self.assertCounts(both, unchanged=1)
        self.assertEqual(len(self._attendances()), 1)

    def test_overlap_with_an_odoo_attendance_is_kept_for_reconciliation(self):
        self.env["hr.attendance"].create(
            {
                "employee_id": self.by_badge["1002"].id,
                "check_in": DT(2026, 11, 2, 6, 0),
                "check_out": DT(2026, 11, 2, 10, 0),
            }
        )
        log = self._upload(self._sample("zkteco_demo_2026-11.csv"))
        # Another source (Odoo's own attendance) has the day: the terminal's view is kept
        # for reconciliation, not written and not an error.
        self.assertCounts(log, created=207, unchanged=1)
        line = log.line_ids
        self.assertEqual((line.row, line.field, line.kind), (2, "Time", "kept"))
        self.assertIn(
            "kept for reconciliation: Odoo (kiosk / manual) already has this day", line.reason
        )
        self.assertEqual(len(self._attendances()), 208, "207 imported + the one already there")

    def test_overlap_within_one_source_still_fails(self):
        log = self._upload(
            csv_bytes(
                "1002,Zhang San,2026-11-02 07:51:48,C/In",
                "1002,Zhang San,2026-11-02 17:00:00,C/Out",
            )
        )
        self.assertCounts(log, created=1)
        overlapping = self._upload(
            csv_bytes(
                "1002,Zhang San,2026-11-02 08:30:00,C/In",
                "1002,Zhang San,2026-11-02 12:00:00,C/Out",
            )
        )
        self.assertCounts(overlapping, failed=1)
        self.assertEqual(overlapping.line_ids.kind, "failed")
        self.assertIn("overlaps the attendance of Zhang San", overlapping.line_ids.reason)

    def test_unknown_badge_fails_then_retry_lands_after_fixing_it(self):
        feng_li = self.by_badge["1010"]
        feng_li.barcode = "10100"
        log = self._upload(self._sample("zkteco_demo_2026-11.csv"))
        self.assertCounts(log, created=187, failed=21)
        self.assertEqual(set(log.line_ids.mapped("field")), {"No."})
        first = log.line_ids.sorted("row")[0]
        self.assertEqual(first.row, 6)
        self.assertIn("no employee of Auto Parts Factory has Badge ID “1010”", first.reason)
        self.assertEqual(len(json.loads(first.raw)), 2, "check-in and check-out rows")

        feng_li.barcode = "1010"
        action = log.with_user(self.user_admin).action_retry_failed()
        retry = self.env["okr.sync.log"].browse(action["res_id"])
        self.assertEqual(retry.retry_of_id, log)
        self.assertEqual(retry.trigger, "retry")
        self.assertCounts(retry, created=21)
        self.assertEqual(retry.state, "success")
        self.assertEqual(len(feng_li.attendance_ids), 21)
        self.assertEqual(len(self._attendances()), 208)

    def test_retry_with_a_corrected_raw_row(self):
        log = self._upload(self._sample("zkteco_demo_broken.csv"))
        bad_date = log.line_ids.filtered(lambda line: line.row == 4)
        raw = json.loads(bad_date.raw)
        raw["Time"] = "2026-11-02 07:55:02"
        bad_date.with_user(self.user_admin).raw = json.dumps(raw)

        retry = self.env["okr.sync.log"].browse(log.action_retry_failed()["res_id"])
        # Zhang San's fixed check-in now pairs with his check-out (row 5); the rest fail again.
        self.assertCounts(retry, created=1, failed=7)
        zhang_san = self._attendances().filtered(lambda a: a.employee_id.barcode == "1002")
        self.assertEqual(
            (zhang_san.check_in, zhang_san.check_out),
            (DT(2026, 11, 1, 23, 55, 2), DT(2026, 11, 2, 9, 10, 19)),
        )
        self.assertNotIn(4, retry.line_ids.mapped("row"))

    def test_wrong_header_fails_the_whole_file_with_a_clear_message(self):
        log = self._upload(b"Badge;When\n1001;2026-11-02 07:58:12\n")
        self.assertEqual(log.state, "failed")
        self.assertCounts(log)
        self.assertIn("wrong header: no column for employee_no", log.message)
        self.terminal.mapping = json.dumps({"employee_no": "Badge", "timestamp": "When"})
        self.assertCounts(self._upload(b"Badge;When\n1001;2026-11-02 07:58:12\n"), created=1)


@tagged("post_install", "-at_install")
class TestConnectorConcurrentRuns(ConnectorCase):
    """A second run of a connector while one is running is refused, never run alongside."""

    def _hold_run_lock(self, connector):
        """Hold ``connector``'s run lock from another database connection, as a run in
        another Odoo worker does; released at the end of the test."""
        other = sql_db.db_connect(self.env.cr.dbname).cursor()
        self.addCleanup(other.close)
        self.addCleanup(other.rollback)
        other.execute("SELECT pg_advisory_xact_lock(%s, %s)", (RUN_LOCK, connector.id))

    def test_upload_while_a_run_is_going_on_is_refused(self):
        self._hold_run_lock(self.terminal)
        logs_before = self.terminal.log_ids
        with self.assertRaisesRegex(UserError, "Press shop terminal is already running"):
            self._upload(csv_bytes("1001,Wang Wu,2026-11-02 07:58:12,C/In"))
        self.assertFalse(self._attendances(), "nothing imported by the refused run")
        self.assertEqual(self.terminal.log_ids, logs_before, "no log for a run that never began")

    def test_scheduled_run_skips_a_connector_that_is_running(self):
        clock = self._local_connector(
            name="Time clock cloud",
            kind="attendance_rest",
            endpoint_url="http://127.0.0.1:9/v1/attendances",
            scheduled=True,
            next_run=DT(2026, 11, 1),
        )
        self._hold_run_lock(clock)
        self.env["okr.connector"]._cron_run_due()
        self.assertFalse(clock.log_ids, "skipped: no second run, no failure logged")
        self.assertGreater(clock.next_run, DT(2026, 11, 1), "tried again at the next interval")

    def test_lock_is_taken_by_a_run_and_free_for_other_connectors(self):
        other_terminal = self._connector(name="Paint shop terminal", kind="attendance_csv")
        self._hold_run_lock(self.terminal)
        self.assertFalse(self.terminal._lock_run(raise_if_busy=False))
        log = self._upload(csv_bytes("1001,Wang Wu,2026-11-02 07:58:12,C/In"), other_terminal)
        self.assertCounts(log, created=1)
