from unittest.mock import patch

from odoo.addons.okr_addon.connectors.testing import FakeRemote, Reply
from odoo.addons.okr_addon.tests.common import ConnectorCase
from odoo.addons.queue_job.tests.common import trap_jobs
from odoo.tests import new_test_user, tagged

CONNECTOR = "odoo.addons.okr_addon.okr_addon.models.okr_connector_run"


@tagged("post_install", "-at_install")
class TestConnectorJobs(ConnectorCase):
    def _upload_in_jobs(self, data, batch_size=50):
        """Upload ``data`` with batches of ``batch_size`` entries, trapping the jobs;
        return the log and the trap."""
        with patch(f"{CONNECTOR}.BATCH_SIZE", batch_size), trap_jobs() as trap:
            log = self._upload(data)
        return log, trap

    def test_large_file_is_split_into_jobs_and_a_last_one_closes_the_log(self):
        data = self._sample("zkteco_demo_2026-11.csv")
        log, trap = self._upload_in_jobs(data)
        # 10 workers with about 20 attendances each, 50 entries per batch: two workers
        # per batch (one worker's entries are never split); then the closing job.
        trap.assert_jobs_count(6)
        self.assertEqual((log.state, log.job_count, log.jobs_left), ("running", 5, 5))
        self.assertFalse(self._attendances(), "nothing written before the jobs run")
        jobs = trap.enqueued_jobs
        batches = [job for job in jobs if job.method_name == "_job_import_batch"]
        self.assertEqual(
            sorted(job.description for job in batches),
            [f"Press shop terminal: batch {number} of 5" for number in range(1, 6)],
        )
        closing = [job for job in jobs if job.method_name == "_job_close_run"]
        self.assertEqual(len(closing), 1)
        self.assertEqual(len(closing[0].depends_on), 5, "it waits for every batch")
        trap.perform_enqueued_jobs()
        self.assertCounts(log, created=208)
        self.assertEqual((log.state, log.jobs_left), ("success", 0))
        self.assertEqual(sum(log.batch_ids.mapped("created_count")), 208)
        self.assertEqual(len(self._attendances()), 208)
        self.assertEqual(self.terminal.last_log_id, log)

        again, trap = self._upload_in_jobs(data)
        trap.perform_enqueued_jobs()
        self.assertCounts(again, unchanged=208)
        self.assertEqual(len(self._attendances()), 208, "re-importing in jobs creates nothing")

    def test_jobs_store_no_credential_the_remote_echoes(self):
        key = "echo-K3y-4711"
        remote = FakeRemote()
        remote.__enter__()
        self.addCleanup(remote.__exit__, None, None, None)
        clock = self._local_connector(
            name="Echoing time clock",
            kind="attendance_rest",
            endpoint_url=f"{remote.url}v1/att",
            auth_type="api_key",
            api_key=key,
        )
        rows = [
            {"employee_code": code, "check_in": "2026-11-02T08:00:00+08:00", "note": key}
            for code in ("1001", "1002", key)
        ]
        remote.script("GET", "/v1/att", Reply(body={"items": rows}))
        with patch(f"{CONNECTOR}.BATCH_SIZE", 1), trap_jobs() as trap:
            log = clock.with_user(self.user_admin)._run("manual")
        self.assertEqual(len(trap.enqueued_jobs), 4)
        for job in trap.enqueued_jobs:
            self.assertNotIn(key, repr((job.args, job.kwargs)))
        trap.perform_enqueued_jobs()
        self.assertCounts(log, created=2, failed=1)
        stored = [log.message, *log.line_ids.mapped("reason"), *log.line_ids.mapped("raw")]
        self.assertNotIn(key, "".join(stored))
        self.assertIn("***", log.line_ids.raw)

    def test_batches_stay_in_their_company(self):
        log, trap = self._upload_in_jobs(self._sample("zkteco_demo_broken.csv"), batch_size=1)
        trap.perform_enqueued_jobs()
        self.assertEqual(log.batch_ids.company_id, self.factory)
        other = self.env["res.company"].create({"name": "Paint Works"})
        admin_b = new_test_user(
            self.env,
            "jobs_admin_b",
            groups="base.group_user,okr_addon.group_okr_admin",
            company_id=other.id,
            company_ids=[(6, 0, other.ids)],
        )
        self.assertFalse(self.env["okr.sync.log.batch"].with_user(admin_b).search([]))
        batches = self.env["okr.sync.log.batch"].with_user(self.user_admin).search([])
        self.assertEqual(batches, log.batch_ids)

    def test_bad_rows_of_a_job_are_logged_and_a_small_file_runs_at_once(self):
        log, trap = self._upload_in_jobs(self._sample("zkteco_demo_broken.csv"), batch_size=1)
        self.assertGreater(len(trap.enqueued_jobs), 2)
        self.assertEqual(log.jobs_left, len(trap.enqueued_jobs) - 1)
        trap.perform_enqueued_jobs()
        self.assertCounts(log, created=2, failed=9)
        self.assertEqual(log.state, "partial")

        small, trap = self._upload_in_jobs(
            b"No.,Name,Time,State\n1003,Li Si,2026-11-02 07:58:12,C/In\n"
        )
        trap.assert_jobs_count(0)
        self.assertCounts(small, created=1)
        self.assertEqual(small.state, "success")

    def test_batch_jobs_never_write_the_log(self):
        """Jobs of one run commit side by side: a job that updated the run's log would
        make every other one that started before its commit fail and start again (a
        serialization failure). Batch jobs only insert; the closing job writes the log."""
        log, trap = self._upload_in_jobs(self._sample("zkteco_demo_2026-11.csv"))
        batches = [job for job in trap.enqueued_jobs if job.method_name == "_job_import_batch"]
        closing = [job for job in trap.enqueued_jobs if job.method_name == "_job_close_run"]
        Log = type(self.env["okr.sync.log"])
        written = []
        original = Log.write

        def spy(records, vals):
            written.append((records.ids, sorted(vals)))
            return original(records, vals)

        with patch.object(Log, "write", spy):
            for job in reversed(batches):  # any order
                job.perform()
        self.assertEqual(written, [])
        self.assertEqual(log.state, "running")
        self.assertEqual(len(log.batch_ids), 5)
        closing[0].perform()
        self.assertCounts(log, created=208)
        self.assertEqual(log.state, "success")

    def test_batches_of_another_company_are_not_readable(self):
        log, trap = self._upload_in_jobs(self._sample("zkteco_demo_2026-11.csv"))
        trap.perform_enqueued_jobs()
        self.assertEqual(len(log.batch_ids), 5)
        Batch = self.env["okr.sync.log.batch"]
        self.assertEqual(Batch.with_user(self.user_manager).search_count([]), 5)
        other = self.env["res.company"].create({"name": "Downtown Store"})
        outsider = new_test_user(
            self.env,
            "okr_store_manager",
            groups="base.group_user,okr_addon.group_okr_manager",
            company_id=other.id,
            company_ids=[(6, 0, other.ids)],
        )
        self.assertEqual(Batch.with_user(outsider).search_count([]), 0)
