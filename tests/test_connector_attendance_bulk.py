"""The bulk path of terminal imports gives exactly what Odoo gives attendance by attendance."""

import datetime
from unittest.mock import patch

from odoo.addons.hr_attendance.models.hr_attendance import HrAttendance as CoreAttendance
from odoo.exceptions import ValidationError
from odoo.tests import tagged

from ..okr_addon.logic import sync
from ..okr_addon.models import okr_connector_run
from ..okr_addon.models.hr_attendance_bulk import PRECHECKED, _BulkCreation
from .common import ConnectorCase

DT = datetime.datetime

# Shanghai wall-clock punches of one worker over two weeks: a normal day with lunch,
# a long day, a short one, a night shift across midnight, a Saturday (non-working
# day), two attendances the same day and a forgotten check-out.
SHIFTS = [
    ("2026-11-02 08:00:00", "2026-11-02 17:00:00"),
    ("2026-11-03 07:30:00", "2026-11-03 20:15:00"),
    ("2026-11-04 09:00:00", "2026-11-04 12:00:00"),
    ("2026-11-05 22:00:00", "2026-11-06 06:00:00"),
    ("2026-11-07 10:00:00", "2026-11-07 14:00:00"),
    ("2026-11-09 08:05:00", "2026-11-09 12:00:00"),
    ("2026-11-09 13:00:00", "2026-11-09 18:30:00"),
    ("2026-11-10 08:00:00", None),
]


@tagged("post_install", "-at_install")
class TestAttendanceBulkImport(ConnectorCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.bulk_workers = cls.by_badge["1001"] | cls.by_badge["1002"]
        # Twins of the same company, schedule and overtime rules: the first twin's
        # attendances are created one by one, the second twin's in one plain batch.
        cls.twins = cls.env["hr.employee"].create(
            [
                {"name": f"Twin {twin} of {worker.name}", "company_id": cls.factory.id}
                for worker in cls.bulk_workers
                for twin in (1, 2)
            ]
        )
        cls.factory.resource_calendar_id.tz = "Asia/Shanghai"
        (cls.bulk_workers | cls.twins).tz = "Asia/Shanghai"

    def _file(self):
        lines = []
        for worker in self.bulk_workers:
            for check_in, check_out in SHIFTS:
                lines.append(f"{worker.barcode},{worker.name},{check_in},C/In")
                if check_out:
                    lines.append(f"{worker.barcode},{worker.name},{check_out},C/Out")
        return "\n".join(["No.,Name,Time,State", *lines]).encode()

    def _create_one_by_one(self, worker, twin):
        """Give ``twin`` the attendances imported for ``worker``, created the normal
        way: one create per attendance."""
        Attendance = self.env["hr.attendance"]
        imported = Attendance.search([("employee_id", "=", worker.id)], order="check_in")
        for attendance in imported:
            Attendance.create(
                {
                    "employee_id": twin.id,
                    "check_in": attendance.check_in,
                    "check_out": attendance.check_out,
                }
            )

    def _summary(self, employee):
        """Every hr.attendance field the bulk path computes or feeds (times, date, worked,
        overtime, validated and expected hours, overtime status, check-in and check-out
        modes, the linked overtime lines), then every stored field of the employee's
        overtime lines, in a stable order."""
        attendances = self.env["hr.attendance"].search(
            [("employee_id", "=", employee.id)], order="check_in"
        )
        lines = self.env["hr.attendance.overtime.line"].search(
            [("employee_id", "=", employee.id)], order="time_start, date, id"
        )
        return (
            [
                (
                    a.check_in,
                    a.check_out,
                    a.date,
                    round(a.worked_hours, 6),
                    round(a.overtime_hours, 6),
                    round(a.expected_hours, 6),
                    a.overtime_status,
                    round(a.validated_overtime_hours, 6),
                    a.in_mode,
                    a.out_mode,
                    sorted(
                        (line.date, line.time_start, line.time_stop, round(line.duration, 6))
                        for line in a.linked_overtime_ids
                    ),
                )
                for a in attendances
            ],
            [
                (
                    line.date,
                    line.time_start,
                    line.time_stop,
                    round(line.duration, 6),
                    round(line.manual_duration, 6),
                    line.status,
                    line.amount_rate,
                    tuple(sorted(line.rule_ids.ids)),
                )
                for line in lines
            ],
        )

    def _import_and_compare_with_core(self):
        """Import the file, give each worker's attendances to their twins (one by one,
        and in one plain batch), compare; return the imported workers' summaries."""
        log = self._upload(self._file())
        self.assertCounts(log, created=2 * len(SHIFTS))
        Attendance = self.env["hr.attendance"]
        summaries = []
        for index, worker in enumerate(self.bulk_workers):
            one_by_one, batch = self.twins[2 * index : 2 * index + 2]
            imported = Attendance.search([("employee_id", "=", worker.id)], order="check_in")
            spans = [{"check_in": a.check_in, "check_out": a.check_out} for a in imported]
            for span in spans:  # the normal path: one create per attendance
                Attendance.create({"employee_id": one_by_one.id, **span})
            Attendance.create([{"employee_id": batch.id, **span} for span in spans])
            bulk = self._summary(worker)
            self.assertEqual(len(bulk[0]), len(SHIFTS))
            self.assertEqual(bulk, self._summary(batch))
            # Created one by one, core gives the same hours and overtime lines; only the
            # rules it lists on the second day of a night shift depend on the order of
            # creation (core's own behaviour), so they are left out of this comparison.
            plain = self._summary(one_by_one)
            self.assertEqual(bulk[0], plain[0])
            self.assertEqual([line[:-1] for line in bulk[1]], [line[:-1] for line in plain[1]])
            # The comparison means something: breaks are deducted, overtime exists and
            # is linked to its attendances.
            self.assertAlmostEqual(bulk[0][0][3], 8.0, msg="08:00-17:00 minus the lunch hour")
            self.assertTrue(any(line[3] > 0 for line in bulk[1]), "overtime lines exist")
            self.assertTrue(any(a[10] for a in bulk[0]), "attendances have overtime lines")
            summaries.append(bulk)
        return summaries

    def test_bulk_import_equals_one_by_one_creation(self):
        # Overtime approved automatically (Odoo's default): validated hours follow.
        self.factory.attendance_overtime_validation = "no_validation"
        for attendances, _lines in self._import_and_compare_with_core():
            self.assertIn("approved", [a[6] for a in attendances])
            self.assertTrue(any(a[7] > 0 for a in attendances), "validated overtime")
            self.assertEqual({(a[8], a[9]) for a in attendances}, {("manual", "manual")})

    def test_bulk_import_equals_one_by_one_creation_overtime_to_approve(self):
        """With overtime approved by a manager, the statuses wait for approval and
        nothing is validated yet, in the bulk path as in core's."""
        self.factory.attendance_overtime_validation = "by_manager"
        for attendances, lines in self._import_and_compare_with_core():
            self.assertIn("to_approve", [a[6] for a in attendances])
            self.assertEqual({a[7] for a in attendances}, {0.0})
            self.assertEqual({line[5] for line in lines}, {"to_approve"})

    def test_file_order_across_employees_and_days_equals_one_by_one_creation(self):
        """A terminal file lists its punches day by day, every worker's in turn. The run
        creates each batch's attendances worker by worker (one worker's never spread over
        two batches, so core computes a worker's overtime once, with all of their days),
        and the hours and overtime lines are those of Odoo's own one-by-one creation."""
        # With OCA queue_job installed, a run of several batches is split into jobs:
        # run them at once (queue_job's own switch; no effect without it).
        self.env = self.env(context=dict(self.env.context, queue_job__no_delay=True))
        workers = self.by_badge["1004"] | self.by_badge["1005"] | self.by_badge["1006"]
        workers.tz = "Asia/Shanghai"
        days = [DT(2026, 11, 2) + datetime.timedelta(days=n) for n in range(7)]
        lines = []
        for day in days:  # chronological, as the terminal writes it
            for index, worker in enumerate(workers):
                start = day + datetime.timedelta(hours=8, minutes=10 * index)
                end = start + datetime.timedelta(hours=9 + (day.day + index) % 4)
                for moment, state in ((start, "C/In"), (end, "C/Out")):
                    lines.append(f"{worker.barcode},{worker.name},{moment},{state}")
        data = "\n".join(["No.,Name,Time,State", *lines]).encode()
        batches = []
        core_update = CoreAttendance._update_overtime

        def spy(records, attendance_domain=None):
            batches.append(records)
            return core_update(records, attendance_domain)

        with (
            patch.object(okr_connector_run, "BATCH_SIZE", 2 * len(days)),
            patch.object(CoreAttendance, "_update_overtime", spy),
        ):
            log = self._upload(data)
        self.assertCounts(log, created=len(workers) * len(days))
        # Two batches (two workers, then the third), each worker's week in one of them.
        # (queue jobs, when OCA queue_job is installed, may run the batches in any order)
        self.assertCountEqual([batch.employee_id for batch in batches], [workers[:2], workers[2:]])
        for batch in batches:
            for worker in batch.employee_id:
                self.assertEqual(len(batch.filtered(lambda a, w=worker: a.employee_id == w)), 7)
        twins = self.env["hr.employee"].create(
            [
                {"name": f"Twin of {worker.name}", "company_id": self.factory.id}
                for worker in workers
            ]
        )
        twins.tz = "Asia/Shanghai"
        for worker, twin in zip(workers, twins, strict=True):
            self._create_one_by_one(worker, twin)
            bulk = self._summary(worker)
            self.assertEqual(len(bulk[0]), len(days))
            self.assertTrue(any(line[3] > 0 for line in bulk[1]), "overtime lines exist")
            self.assertEqual(bulk, self._summary(twin))

    def test_batches_keep_each_employee_whole_in_any_source_order(self):
        """Entries may come day by day across employees (a REST source lists them so):
        the run's batches still hold whole employees (their overtime is computed once per
        batch, over all of their days), in the order the employees first appear."""
        badges = ["1004", "1005", "1006"]
        entries = [
            sync.Entry(row, [], {"employee_code": badge, "day": day})
            for row, (day, badge) in enumerate(
                ((day, badge) for day in range(7) for badge in badges), start=2
            )
        ]
        with patch.object(okr_connector_run, "BATCH_SIZE", 14):
            batches = self.terminal._batches(entries)
        self.assertEqual(
            [[(e.item["employee_code"], e.item["day"]) for e in batch] for batch in batches],
            [
                [(badge, day) for badge in badges[:2] for day in range(7)],
                [(badges[2], day) for day in range(7)],
            ],
        )

    def test_bulk_import_still_refuses_an_overlap(self):
        worker = self.by_badge["1001"]
        Attendance = self.env["hr.attendance"]
        Attendance.create(
            {
                "employee_id": worker.id,
                "check_in": DT(2026, 11, 2, 1, 0),
                "check_out": DT(2026, 11, 2, 3, 0),
            }
        )
        log = self._upload(self._file())
        # 08:00-17:00 Shanghai on 2 Nov overlaps 09:00-11:00 Shanghai: not written, kept
        # as the terminal's view of the day (Odoo's own attendance has it); the rest lands.
        self.assertCounts(log, created=2 * len(SHIFTS) - 1, unchanged=1)
        self.assertIn("kept for reconciliation: Odoo (kiosk / manual)", log.line_ids.reason)
        self.assertEqual(len(Attendance.search([("employee_id", "=", worker.id)])), len(SHIFTS))

    def test_client_context_and_other_spans_do_not_skip_the_check(self):
        worker = self.by_badge["1003"]
        Attendance = self.env["hr.attendance"]
        Attendance.create(
            {
                "employee_id": worker.id,
                "check_in": DT(2026, 11, 2, 1, 0),
                "check_out": DT(2026, 11, 2, 9, 0),
            }
        )
        overlap = {
            "employee_id": worker.id,
            "check_in": DT(2026, 11, 2, 2, 0),
            "check_out": DT(2026, 11, 2, 4, 0),
        }
        span = (worker.id, overlap["check_in"], overlap["check_out"])
        other_span = (worker.id, overlap["check_in"], DT(2026, 11, 2, 5, 0))
        # Nothing a client can send skips the check, and neither does another span.
        with self.assertRaises(ValidationError):
            Attendance.with_context(**{PRECHECKED: [list(span)]}).create(overlap)
        with Attendance._okr_prechecked_creation([other_span]), self.assertRaises(ValidationError):
            Attendance.create(overlap)

    def test_prechecked_attendances_skip_only_the_overlap_searches(self):
        worker = self.by_badge["1003"]
        Attendance = self.env["hr.attendance"]
        checked = []
        core_check = CoreAttendance._check_validity

        def spy(records):
            checked.extend(records.ids)
            return core_check(records)

        listed = {"employee_id": worker.id, "check_in": DT(2026, 11, 2, 1, 0)}
        listed["check_out"] = DT(2026, 11, 2, 3, 0)
        other = {**listed, "check_in": DT(2026, 11, 3, 1, 0), "check_out": DT(2026, 11, 3, 3, 0)}
        span = (worker.id, listed["check_in"], listed["check_out"])
        with (
            patch.object(CoreAttendance, "_check_validity", spy),
            Attendance._okr_prechecked_creation([span]),
        ):
            created = Attendance.create([listed, other])
        self.assertEqual(checked, created[1:].ids, "only the unlisted one is searched")
        self.assertEqual(created.mapped("worked_hours"), [2.0, 2.0])

    def test_prechecked_scope_lasts_only_its_block(self):
        """A nested scope adds its rows to the enclosing one's; leaving it gives back the
        enclosing one, and after the outer block every attendance is checked again."""
        worker = self.by_badge["1003"]
        Attendance = self.env["hr.attendance"]
        Attendance.create(
            {
                "employee_id": worker.id,
                "check_in": DT(2026, 11, 2, 1, 0),
                "check_out": DT(2026, 11, 2, 9, 0),
            }
        )
        overlap = {
            "employee_id": worker.id,
            "check_in": DT(2026, 11, 2, 2, 0),
            "check_out": DT(2026, 11, 2, 4, 0),
        }
        span = (worker.id, overlap["check_in"], overlap["check_out"])
        outer = (worker.id, DT(2026, 11, 3, 1, 0), DT(2026, 11, 3, 3, 0))
        with Attendance._okr_prechecked_creation([outer]):
            with Attendance._okr_prechecked_creation([span]):
                self.assertEqual(_BulkCreation.current(self.env).spans, {outer, span})
            self.assertEqual(_BulkCreation.current(self.env).spans, {outer})
            with self.assertRaises(ValidationError):
                Attendance.create(overlap)
        self.assertIsNone(_BulkCreation.current(self.env))
        with self.assertRaises(ValidationError):
            Attendance.create(overlap)

    def test_contract_change_mid_period_equals_one_by_one_creation(self):
        """A worker whose schedule changes with a new contract version mid-period: each
        day's breaks come from the version of that day, as in Odoo's own creation."""
        worker = self.by_badge["1003"]
        twin = self.env["hr.employee"].create(
            {"name": "Twin of Chen Jie", "company_id": self.factory.id}
        )
        (worker | twin).tz = "Asia/Shanghai"
        # From 11 November: 07:00-11:00 and 13:00-17:00, a two-hour break.
        long_lunch = self.env["resource.calendar"].create(
            {
                "name": "Long lunch",
                "tz": "Asia/Shanghai",
                "company_id": self.factory.id,
                "attendance_ids": [
                    (
                        0,
                        0,
                        {
                            "name": name,
                            "dayofweek": str(day),
                            "hour_from": start,
                            "hour_to": stop,
                            "day_period": period,
                        },
                    )
                    for day in range(5)
                    for name, start, stop, period in (
                        ("Morning", 7, 11, "morning"),
                        ("Lunch", 11, 13, "lunch"),
                        ("Afternoon", 13, 17, "afternoon"),
                    )
                ],
            }
        )
        for employee in worker | twin:
            employee.version_id.write(
                {
                    "date_version": DT(2026, 1, 1).date(),
                    "contract_date_start": DT(2026, 1, 1).date(),
                }
            )
            employee.create_version(
                {"date_version": DT(2026, 11, 11).date(), "resource_calendar_id": long_lunch.id}
            )
        shifts = [
            ("2026-11-02 08:00:00", "2026-11-02 17:00:00"),
            ("2026-11-10 08:00:00", "2026-11-10 17:00:00"),
            ("2026-11-11 08:00:00", "2026-11-11 17:00:00"),
            ("2026-11-12 07:00:00", "2026-11-12 19:00:00"),
        ]
        lines = [
            f"{worker.barcode},{worker.name},{moment},{state}"
            for check_in, check_out in shifts
            for moment, state in ((check_in, "C/In"), (check_out, "C/Out"))
        ]
        log = self._upload("\n".join(["No.,Name,Time,State", *lines]).encode())
        self.assertCounts(log, created=len(shifts))
        self._create_one_by_one(worker, twin)
        bulk, plain = self._summary(worker), self._summary(twin)
        self.assertEqual(bulk[0], plain[0])
        self.assertEqual([line[:-1] for line in bulk[1]], [line[:-1] for line in plain[1]])
        self.assertEqual(
            [a[3] for a in bulk[0]], [8.0, 8.0, 7.0, 10.0], "the break follows the version"
        )
