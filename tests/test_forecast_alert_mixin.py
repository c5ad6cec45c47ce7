"""KPI targets and key results forecast, suggest and alert through one mixin.

``okr.forecast.alert.mixin`` holds the flow and the wording; each model only
supplies its values and its subject through the mixin's hooks. These tests
change what a hook returns and check that the user-visible outcome follows.
"""

import datetime
from unittest.mock import patch

from odoo.tests import freeze_time, tagged

from .test_kpi import KpiCase

D = datetime.date
MIXIN = "okr.forecast.alert.mixin"


def spy(model, name):
    """Patch ``name`` on the registry class of ``model`` with a mock that calls
    the original: the test can count the calls, the behaviour stays the same."""
    cls = type(model)
    return patch.object(cls, name, autospec=True, side_effect=getattr(cls, name))


@tagged("post_install", "-at_install")
class TestForecastAlertMixin(KpiCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.objective = cls._objective(cls.emp_worker)
        cls.objective.write({"state": "running", "date_approved": D(2026, 10, 1)})
        cls.kr = cls.objective.key_result_ids  # scrap 7% -> 5%
        cls.ticket = cls.env["kpi.definition"].create(
            {"name": "Average ticket", "code": "T_TICKET_MIXIN", "unit": "CNY"}
        )
        cls.target = cls._target(cls.ticket, cls.emp_worker, target=90, floor=60)

    def _decline_messages(self, record):
        return record.message_ids.filtered(lambda m: "got worse" in (m.body or ""))

    def test_both_models_use_the_mixin(self):
        for model in ("kpi.target", "okr.key.result"):
            self.assertIn(model, self.env[MIXIN]._inherit_children)
            self.assertEqual(
                self.env[model]._fields["likely_to_miss"].help,
                "Even the optimistic end of the forecast band misses the target.",
            )

    def test_the_mixin_leaves_its_hooks_to_the_model(self):
        mixin = self.env[MIXIN]
        for call in (
            mixin._okr_lower_is_better,
            mixin._okr_goal_field,
            mixin._okr_period_end,
            mixin._okr_alert_series,
            mixin._okr_alert_streak_field,
            mixin._compute_suggestion,
        ):
            with self.assertRaises(NotImplementedError, msg=call.__name__):
                call()
        with self.assertRaises(NotImplementedError):
            mixin._okr_alert_domain(D(2026, 11, 19))
        with self.assertRaises(NotImplementedError):
            mixin._okr_alert_subject([(D(2026, 11, 19), 1.0)])

    def test_kpi_alert_follows_the_series_the_target_supplies(self):
        # No measurement at all: the alert decides from the hook's series alone.
        days = [D(2026, 11, 16 + i) for i in range(4)]
        series = {self.target.id: list(zip(days, (88, 86, 85, 83), strict=True))}
        cls = type(self.env["kpi.target"])
        with (
            freeze_time("2026-11-19"),
            patch.object(cls, "_okr_alert_series", autospec=True, return_value=series),
            spy(self.env["kpi.target"], "_okr_alert_subject") as subject,
        ):
            alerted = self.env["kpi.target"]._cron_decline_alerts()
        self.assertEqual(alerted, self.target)
        self.assertEqual(subject.call_count, 1)
        self.assertEqual(self.target.decline_streak_date, days[0], "the streak told is kept")
        message = self._decline_messages(self.target)
        self.assertIn(
            "Average ticket of Wang Wu got worse 3 days in a row (last: 83 CNY).", message.body
        )
        self.assertEqual(
            set(message.partner_ids.ids),
            {self.user_worker.partner_id.id, self.user_manager.partner_id.id},
        )

    def test_key_result_alert_goes_through_the_same_hooks(self):
        for day, value in ((2, 6.5), (3, 6.7), (4, 6.9), (5, 7.1)):
            self.env["okr.checkin"].create(
                {"key_result_id": self.kr.id, "date": D(2026, 11, day), "value": value}
            )
        model = self.env["okr.key.result"]
        with (
            spy(model, "_okr_alert_domain") as domain,
            spy(model, "_okr_alert_series") as series,
            spy(model, "_okr_alert_subject") as subject,
            spy(model, "_okr_lower_is_better") as lower,
        ):
            alerted = model._cron_decline_alerts()
        self.assertIn(self.kr, alerted)
        self.assertEqual((domain.call_count, series.call_count), (1, 1))
        self.assertTrue(subject.called and lower.called)
        self.assertEqual(self.kr.decline_streak_checkin_id.date, D(2026, 11, 2))
        self.assertIn(
            "“Scrap rate 7% to 5%” got worse 3 check-ins in a row (now 7.1",
            self._decline_messages(self.kr).body,
        )

    def test_forecast_measures_against_the_goal_the_model_names(self):
        for i in range(10):
            self._measure(self.ticket, self.emp_worker, D(2026, 11, 1 + i), 80.0)
        model = self.env["kpi.target"]
        with freeze_time("2026-11-11"), spy(model, "_okr_goal_field") as goal:
            model._cron_forecast()
        self.assertTrue(goal.called)
        self.assertTrue(self.target.likely_to_miss, "80 a day never reaches 90")
        self.assertIn("Heading for 80 CNY by 2026-11-30", self.target.forecast_note)
        # A key result names its own goal: its target value, to the end of its cycle.
        for day, value in ((10, 7.0), (20, 7.1), (30, 7.2)):
            self.env["okr.checkin"].create(
                {"key_result_id": self.kr.id, "date": D(2026, 10, day), "value": value}
            )
        self.assertTrue(self.kr.likely_to_miss)
        self.assertIn(f"by {self.kr.cycle_id.date_end}", self.kr.forecast_note)
        self.assertIn("target 5.", self.kr.forecast_note)
