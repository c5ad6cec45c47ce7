from unittest.mock import patch

from odoo.addons.okr_addon.tests.common import ConnectorCase
from odoo.addons.queue_job.tests.common import trap_jobs
from odoo.tests import tagged

CONNECTOR = "odoo.addons.okr_addon.okr_addon.models.okr_connector"


@tagged("post_install", "-at_install")
class TestConnectorJobs(ConnectorCase):
    def _upload_in_jobs(self, data, batch_size=50):
        """Upload ``data`` with batches of ``batch_size`` entries, trapping the jobs;
        return the log and the trap."""
        with patch(f"{CONNECTOR}.BATCH_SIZE", batch_size), trap_jobs() as trap:
            log = self._upload(data)
        return log, trap

    def test_large_file_is_split_into_jobs_and_the_last_one_closes_the_log(self):
        data = self._sample("zkteco_demo_2026-11.csv")
        log, trap = self._upload_in_jobs(data)
        # 10 workers with about 20 attendances each, 50 entries per batch: two workers
        # per batch (one worker's entries are never split).
        trap.assert_jobs_count(5)
        self.assertEqual((log.state, log.jobs_left), ("running", 5))
        self.assertFalse(self._attendances(), "nothing written before the jobs run")
        jobs = trap.enqueued_jobs
        self.assertIn("Press shop terminal: batch 1 of 5", jobs[0].description)
        trap.perform_enqueued_jobs()
        self.assertCounts(log, created=208)
        self.assertEqual((log.state, log.jobs_left), ("success", 0))
        self.assertEqual(len(self._attendances()), 208)
        self.assertEqual(self.terminal.last_log_id, log)

        again, trap = self._upload_in_jobs(data)
        trap.perform_enqueued_jobs()
        self.assertCounts(again, unchanged=208)
        self.assertEqual(len(self._attendances()), 208, "re-importing in jobs creates nothing")

    def test_bad_rows_of_a_job_are_logged_and_a_small_file_runs_at_once(self):
        log, trap = self._upload_in_jobs(self._sample("zkteco_demo_broken.csv"), batch_size=1)
        self.assertGreater(len(trap.enqueued_jobs), 1)
        self.assertEqual(log.jobs_left, len(trap.enqueued_jobs))
        trap.perform_enqueued_jobs()
        self.assertCounts(log, created=2, failed=9)
        self.assertEqual(log.state, "partial")

        small, trap = self._upload_in_jobs(
            b"No.,Name,Time,State\n1003,Li Si,2026-11-02 07:58:12,C/In\n"
        )
        trap.assert_jobs_count(0)
        self.assertCounts(small, created=1)
        self.assertEqual(small.state, "success")
