import datetime

from odoo.exceptions import ValidationError
from odoo.tests import tagged

from .common import OkrCase


@tagged("post_install", "-at_install")
class TestOkrProgress(OkrCase):
    def test_decrease_key_result_overshoot_is_capped(self):
        objective = self._objective(self.emp_worker)
        kr = objective.key_result_ids
        self.assertEqual(kr.current_value, 7.0, "no check-in yet: current is the start value")
        self.assertEqual(kr.progress, 0.0)
        self.env["okr.checkin"].create({"key_result_id": kr.id, "value": 6.0})
        self.assertAlmostEqual(kr.progress, 0.5)
        self.env["okr.checkin"].create(
            {"key_result_id": kr.id, "value": 4.0, "date": datetime.date.today()}
        )
        self.assertEqual(kr.current_value, 4.0)
        self.assertAlmostEqual(kr.progress, 1.2, msg="150% is capped at the default 1.2")
        self.assertAlmostEqual(kr.progress_percent, 120.0)
        self.company.okr_progress_cap = 2.0
        self.assertAlmostEqual(kr.progress, 1.5, msg="a higher company cap keeps more overshoot")

    def test_progress_cap_below_one_is_refused(self):
        with self.assertRaisesRegex(ValidationError, "at least 1.0"):
            self.company.okr_progress_cap = 0.8

    def test_objective_progress_is_weighted_mean(self):
        objective = self._objective(
            self.emp_worker,
            [
                {"name": "Output", "start_value": 0, "target_value": 100, "weight": 3},
                {"name": "Training done", "kind": "milestone", "start_value": 0, "target_value": 1},
            ],
        )
        output, training = objective.key_result_ids
        self.env["okr.checkin"].create(
            [
                {"key_result_id": output.id, "value": 50, "confidence": 0.8},
                {"key_result_id": training.id, "value": 1, "confidence": 0.4},
            ]
        )
        self.assertAlmostEqual(training.progress, 1.0)
        self.assertAlmostEqual(objective.progress, (3 * 0.5 + 1 * 1.0) / 4)
        self.assertAlmostEqual(objective.confidence, (3 * 0.8 + 1 * 0.4) / 4)

    def test_latest_checkin_by_date_wins_and_cumulative_sums(self):
        objective = self._objective(
            self.emp_worker,
            [
                {"name": "Defects", "start_value": 10, "target_value": 2, "direction": "decrease"},
                {"name": "Output", "start_value": 0, "target_value": 1000, "cumulative": True},
            ],
        )
        defects, output = objective.key_result_ids
        Checkin = self.env["okr.checkin"]
        Checkin.create(
            {"key_result_id": defects.id, "value": 4, "date": datetime.date(2026, 10, 20)}
        )
        Checkin.create(
            {"key_result_id": defects.id, "value": 8, "date": datetime.date(2026, 10, 5)}
        )
        self.assertEqual(
            defects.current_value, 4, "a back-dated check-in does not replace a newer one"
        )
        self.assertEqual(defects.last_checkin_date, datetime.date(2026, 10, 20))
        Checkin.create(
            [
                {"key_result_id": output.id, "value": 120, "date": datetime.date(2026, 10, 5)},
                {"key_result_id": output.id, "value": 130, "date": datetime.date(2026, 10, 6)},
            ]
        )
        self.assertEqual(output.current_value, 250)
        self.assertAlmostEqual(output.progress, 0.25)

    def test_bad_key_results_are_rejected_by_name(self):
        with self.assertRaisesRegex(ValidationError, "Flat KR.*start and target values are equal"):
            self._objective(
                self.emp_worker, [{"name": "Flat KR", "start_value": 5, "target_value": 5}]
            )
        with self.assertRaisesRegex(ValidationError, "Upside down.*target below its start"):
            self._objective(
                self.emp_worker,
                [
                    {
                        "name": "Upside down",
                        "start_value": 5,
                        "target_value": 9,
                        "direction": "decrease",
                    }
                ],
            )
        with self.assertRaisesRegex(ValidationError, "Heavy KR.*cannot be negative"):
            self._objective(
                self.emp_worker,
                [{"name": "Heavy KR", "start_value": 0, "target_value": 9, "weight": -1}],
            )
        with self.assertRaisesRegex(
            ValidationError, "every key result has a weight of 0.*KR A, KR B"
        ):
            self._objective(
                self.emp_worker,
                [
                    {"name": "KR A", "start_value": 0, "target_value": 9, "weight": 0},
                    {"name": "KR B", "start_value": 0, "target_value": 9, "weight": 0},
                ],
            )

    def test_no_checkin_on_closed_cycle_or_cancelled_objective(self):
        objective = self._objective(self.emp_worker)
        kr = objective.key_result_ids
        objective.with_user(self.user_admin).action_cancel()
        with self.assertRaisesRegex(ValidationError, "is Cancelled"):
            self.env["okr.checkin"].create({"key_result_id": kr.id, "value": 6})
        other = self._objective(self.emp_colleague)
        self.cycle.state = "closed"
        with self.assertRaisesRegex(ValidationError, "cycle 2026-Q4 is closed"):
            self.env["okr.checkin"].create({"key_result_id": other.key_result_ids.id, "value": 6})

    def test_confidence_must_be_a_share(self):
        kr = self._objective(self.emp_worker).key_result_ids
        with self.assertRaisesRegex(ValidationError, "confidence is between 0 and 1"):
            self.env["okr.checkin"].create({"key_result_id": kr.id, "value": 6, "confidence": 7})
