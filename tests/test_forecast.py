import datetime

from odoo.addons.okr_addon.okr_addon.models.okr_phrase import render
from odoo.tests import freeze_time, tagged

from .test_incentive import IncentiveCase
from .test_kpi import KpiCase

D = datetime.date


@tagged("post_install", "-at_install")
class TestForecastAndEarlyWarning(KpiCase):
    def _running_kr(self, employee, **kr):
        objective = self._objective(employee, krs=[kr] if kr else None)
        objective.write({"state": "running", "date_approved": D(2026, 10, 1)})
        return objective.key_result_ids

    def _check_in(self, kr, day, value, source="manual"):
        return self.env["okr.checkin"].create(
            {"key_result_id": kr.id, "date": day, "value": value, "source": source}
        )

    def test_key_result_heading_the_wrong_way_is_likely_to_miss(self):
        # Scrap 7% -> 5% over Q4 (Oct 1 - Dec 31), but it creeps up: 7.0, 7.1, 7.2.
        worse = self._running_kr(self.emp_worker)
        for day, value in ((10, 7.0), (20, 7.1), (30, 7.2)):
            self._check_in(worse, D(2026, 10, day), value)
        self.assertTrue(worse.likely_to_miss)
        self.assertAlmostEqual(worse.forecast_value, 7.2 + 0.01 * 62, places=6)
        self.assertIn("Heading for 7.82", worse.forecast_note)
        # Improving 0.04 a day from 6.8: heads to ~3.5%, well under 5%.
        better = self._running_kr(self.emp_colleague)
        for day, value in ((10, 6.8), (20, 6.4), (30, 6.0)):
            self._check_in(better, D(2026, 10, day), value)
        self.assertFalse(better.likely_to_miss)
        self.assertAlmostEqual(better.forecast_value, 6.0 - 0.04 * 62, places=6)
        board = self.env["okr.key.result"].search(
            [("id", "in", (worse | better).ids), ("likely_to_miss", "=", True)]
        )
        self.assertEqual(board, worse, "the team board's 'Likely to miss' filter finds it")

    def test_too_little_history_says_so(self):
        kr = self._running_kr(self.emp_worker)
        self._check_in(kr, D(2026, 10, 10), 7.5)
        self._check_in(kr, D(2026, 10, 20), 7.9)
        self.assertFalse(kr.likely_to_miss, "two days of check-ins decide nothing")
        self.assertFalse(kr.forecast_value)
        self.assertIn("Too little history", kr.forecast_note)

    def test_kpi_target_forecast_and_the_key_result_it_feeds(self):
        # Defect rate rising 0.1 a day from 4.0 against a 4.5 monthly target.
        rising = self._target(self.scrap, self.emp_worker, target=4.5, floor=9.0)
        steady = self._target(self.scrap, self.emp_colleague, target=4.5, floor=9.0)
        for i in range(10):
            day = D(2026, 11, 1 + i)
            self._measure(self.scrap, self.emp_worker, day, 4.0 + 0.1 * i)
            self._measure(self.scrap, self.emp_colleague, day, 3.0)
        sparse = self._target(self.scrap, self.emp_frontline, target=4.5, floor=9.0)
        self._measure(self.scrap, self.emp_frontline, D(2026, 11, 2), 4.0)
        kr = self._running_kr(
            self.emp_worker,
            name="Defect rate",
            start_value=6,
            target_value=4.5,
            direction="decrease",
            kpi_target_id=rising.id,
        )
        with freeze_time("2026-11-11"):
            forecast = self.env["kpi.target"]._cron_forecast()
        self.assertIn(rising, forecast)
        self.assertTrue(rising.likely_to_miss)
        self.assertGreater(rising.forecast_value, 4.5)
        self.assertLess(rising.forecast_low, rising.forecast_value)
        self.assertFalse(steady.likely_to_miss)
        self.assertAlmostEqual(steady.forecast_value, 3.0)
        self.assertFalse(sparse.likely_to_miss)
        self.assertIn("Too little history", sparse.forecast_note)
        self.assertTrue(kr.likely_to_miss, "a KPI-fed key result shows its target's forecast")
        self.assertEqual(kr.forecast_note, rising.forecast_note)
        with freeze_time("2026-12-15"):
            self.assertNotIn(rising, self.env["kpi.target"]._cron_forecast(), "ended: left alone")

    def test_no_data_says_not_enough_data_instead_of_zero(self):
        empty = self._target(self.output, self.emp_worker, target=3000)
        kr = self._running_kr(self.emp_colleague)
        with freeze_time("2026-11-11"):
            empty.with_user(self.user_manager).action_update_forecast()
        for record in (empty, kr):
            self.assertFalse(record.has_forecast)
            self.assertEqual(record.forecast_display, "Not enough data", record._name)
        self.assertIn("Too little history", empty.forecast_note)
        self.env["res.lang"]._activate_lang("zh_CN")
        self.env["ir.module.module"]._load_module_terms(["okr_addon"], ["zh_CN"], overwrite=True)
        self.assertEqual(
            empty.with_context(lang="zh_CN").forecast_display,
            "数据不足",
            "new users in a Chinese plant read it in Chinese",
        )
        for day in (2, 5, 9):
            self._check_in(kr, D(2026, 10, day), 6.5)
        self.assertTrue(kr.has_forecast)
        self.assertEqual(kr.forecast_display, "6.50")
        company = self._target(self.output, target=9000)  # not forecast at all: empty
        self.assertFalse(company.forecast_display)

    def test_sum_kpi_forecasts_the_period_total_at_its_pace_so_far(self):
        # Output (a sum KPI) in November, 3,000 pieces targeted; batches typed in every
        # 5 days from Nov 8: 5,000 pieces by Nov 21 (20 days gone of 30).
        target = self._target(self.output, self.emp_worker, target=3000, floor=0)
        for day, value in ((8, 1500), (13, 1700), (18, 1800)):
            self._measure(self.output, self.emp_worker, D(2026, 11, day), value)
        with freeze_time("2026-11-21"):
            self.env["kpi.target"]._cron_forecast()
        self.assertEqual(target.actual, 5000)
        self.assertTrue(target.has_forecast)
        self.assertAlmostEqual(target.forecast_value, 5000 * 30 / 20)
        self.assertLess(target.forecast_low, target.forecast_value)
        self.assertFalse(target.likely_to_miss)
        self.assertIn("Heading for 7,500 pcs by 2026-11-30", target.forecast_note)
        kr = self._running_kr(
            self.emp_worker,
            name="Output",
            start_value=0,
            target_value=3000,
            cumulative=True,
            kpi_target_id=target.id,
        )
        self.assertAlmostEqual(kr.forecast_value, 7500, msg="the key result shows the same")
        self.assertTrue(kr.has_forecast)


@tagged("post_install", "-at_install")
class TestCheckinAnomaly(KpiCase):
    def test_a_jump_far_off_the_usual_pace_is_flagged_and_gates_the_bonus(self):
        objective = self._objective(
            self.emp_worker,
            krs=[{"name": "Parts inspected", "start_value": 0, "target_value": 100}],
        )
        objective.write({"state": "running", "date_approved": D(2026, 10, 1)})
        kr = objective.key_result_ids
        Checkin = self.env["okr.checkin"]
        Flag = self.env["okr.anomaly.flag"]
        value = 0
        for day, step in enumerate((4, 5, 6, 5, 4, 6), start=1):
            value += step
            Checkin.create({"key_result_id": kr.id, "date": D(2026, 10, day), "value": value})
        self.assertFalse(Flag.search([("key_result_id", "=", kr.id)]), "the usual pace")
        jump = Checkin.create(
            {
                "key_result_id": kr.id,
                "date": D(2026, 10, 7),
                "value": value + 60,
                "source": "portal",
            }
        )
        flag = Flag.search([("key_result_id", "=", kr.id)])
        self.assertEqual(flag.checkin_id, jump)
        self.assertEqual(flag.employee_id, self.emp_worker)
        self.assertIn("moved it 60% of the way", flag.reason)
        self.assertIn("in one step; Wang Wu's usual step is about 5%", flag.reason)
        self.assertEqual((flag.against, flag.usual_value), ("own", 5.0))
        rule = self.env["okr.incentive.rule"].new(
            {"name": "Quality bonus", "company_id": self.company.id, "gate_no_anomaly": True}
        )
        failures = rule._gate_failures(self.emp_worker, D(2026, 10, 1), D(2026, 10, 31))
        self.assertIn("open anomaly flag", render(self.env, failures[self.emp_worker.id]))
        flag.action_dismiss()
        self.assertFalse(rule._gate_failures(self.emp_worker, D(2026, 10, 1), D(2026, 10, 31)))
        Checkin.create({"key_result_id": kr.id, "date": D(2026, 10, 8), "value": 96})
        self.assertEqual(Flag.search_count([("key_result_id", "=", kr.id)]), 1)


@tagged("post_install", "-at_install")
class TestNextCycle(KpiCase):
    def test_closing_a_cycle_proposes_and_creates_the_next_targets(self):
        quarter = self.env["okr.cycle"].create(
            {"cadence": "quarter", "date_start": D(2026, 7, 1), "state": "running"}
        )
        met = self.env["okr.objective"].create(
            {
                "name": "Less scrap",
                "employee_id": self.emp_worker.id,
                "cycle_id": quarter.id,
                "key_result_ids": [
                    (
                        0,
                        0,
                        {
                            "name": "Scrap",
                            "start_value": 7,
                            "target_value": 5,
                            "direction": "decrease",
                        },
                    ),
                    (
                        0,
                        0,
                        {
                            "name": "Output",
                            "start_value": 0,
                            "target_value": 1000,
                            "cumulative": True,
                        },
                    ),
                ],
            }
        )
        met.write({"state": "running", "date_approved": D(2026, 7, 1)})
        scrap_kr, output_kr = met.key_result_ids
        self.env["okr.checkin"].create(
            [
                {"key_result_id": scrap_kr.id, "date": D(2026, 9, 20), "value": 4.5},
                {"key_result_id": output_kr.id, "date": D(2026, 9, 20), "value": 700},
            ]
        )
        for month, actual in ((7, 4.2), (8, 4.0), (9, 3.8)):
            start = D(2026, month, 1)
            end = D(2026, month + 1, 1) - datetime.timedelta(days=1)
            self._target(
                self.scrap, self.emp_worker, target=5.0, floor=9.0, date_from=start, date_to=end
            )
            self._measure(self.scrap, self.emp_worker, D(2026, month, 15), actual)
        action = quarter.with_user(self.user_admin).action_close()
        self.assertEqual(action["res_model"], "okr.next.cycle.wizard")
        wizard = self.env["okr.next.cycle.wizard"].browse(action["res_id"])
        self.assertEqual(
            (wizard.next_date_start, wizard.next_date_end), (D(2026, 10, 1), D(2026, 12, 31))
        )
        # (the demo's people, when loaded, have proposals of their own)
        lines = {line.name: line for line in wizard.line_ids if line.employee_id == self.emp_worker}
        self.assertEqual(
            (lines["Scrap"].proposed_start, lines["Scrap"].proposed_target), (4.5, 3.5)
        )
        self.assertIn("Met", lines["Scrap"].reason)
        self.assertEqual(
            (lines["Output"].proposed_start, lines["Output"].proposed_target), (0.0, 1000.0)
        )
        self.assertIn("Missed", lines["Output"].reason)
        # Scrap KPI: mean result 4.0% against 5%: halfway, 4.5%.
        self.assertAlmostEqual(lines["Scrap rate"].result, 4.0)
        self.assertAlmostEqual(lines["Scrap rate"].proposed_target, 4.5)
        lines["Output"].include = False
        lines["Scrap"].proposed_target = 3.8
        result = wizard.action_create()
        next_cycle = self.env["okr.cycle"].browse(result["res_id"])
        self.assertEqual(next_cycle, self.cycle, "the existing Q4 cycle is reused")
        new_objective = next_cycle.objective_ids.filtered(lambda o: o.name == "Less scrap")
        self.assertEqual(new_objective.state, "draft")
        self.assertEqual(new_objective.key_result_ids.mapped("name"), ["Scrap"])
        self.assertEqual(
            (new_objective.key_result_ids.start_value, new_objective.key_result_ids.target_value),
            (4.5, 3.8),
        )
        new_targets = self.env["kpi.target"].search(
            [("employee_id", "=", self.emp_worker.id), ("date_from", ">=", D(2026, 10, 1))]
        )
        self.assertEqual(
            [(t.date_from, t.target) for t in new_targets.sorted("date_from")],
            [(D(2026, 10, 1), 4.5), (D(2026, 11, 1), 4.5), (D(2026, 12, 1), 4.5)],
        )


@tagged("post_install", "-at_install")
class TestAnalytics(KpiCase):
    def test_skill_holders_compared_with_the_others(self):
        skill_type = self.env["hr.skill.type"].create(
            {
                "name": "Quality",
                "is_certification": True,
                "skill_ids": [(0, 0, {"name": "QC certificate"})],
                "skill_level_ids": [(0, 0, {"name": "Certified", "level_progress": 100})],
            }
        )
        qc = skill_type.skill_ids
        self.scrap.skill_ids = qc
        self.env["hr.employee.skill"].create(
            {
                "employee_id": self.emp_worker.id,
                "skill_id": qc.id,
                "skill_level_id": skill_type.skill_level_ids.id,
                "skill_type_id": skill_type.id,
                "valid_from": D(2026, 1, 1),
                "valid_to": D(2027, 12, 31),
            }
        )
        # Wang Wu (certified) 4.0% against 4.0%; Zhang San 5.0% against 4.0% (75%).
        self._target(self.scrap, self.emp_worker, target=4.0, floor=8.0)
        self._target(self.scrap, self.emp_colleague, target=4.0, floor=8.0)
        self._measure(self.scrap, self.emp_worker, D(2026, 11, 5), 4.0)
        self._measure(self.scrap, self.emp_colleague, D(2026, 11, 5), 5.0)
        self._target(self.output, self.emp_worker, target=100)  # no related skill: no row
        self.env.flush_all()
        Report = self.env["okr.skill.kpi.report"]
        rows = Report._read_group(
            [("skill_id", "=", qc.id)], ["holds_skill"], ["completion_percent:avg", "__count"]
        )
        self.assertEqual(
            {holds: (round(avg, 1), count) for holds, avg, count in rows},
            {True: (100.0, 1), False: (75.0, 1)},
        )
        self.assertFalse(Report.search([("definition_id", "=", self.output.id)]))
        self.assertEqual(
            Report.with_user(self.user_manager).search([]).employee_id,
            self.emp_worker | self.emp_colleague,
            "the manager sees the team",
        )
        self.assertFalse(
            Report.with_user(self.user_outsider).search([]), "another team's manager sees none"
        )

    def test_skills_report_shows_its_help_when_there_is_nothing_to_compare(self):
        """No sample pivot or chart under the "Nothing to compare yet" help: with
        no row, the action shows only the help telling how to link skills to KPIs."""
        action = self.env.ref("okr_addon.okr_skill_kpi_report_action")
        self.assertIn("Nothing to compare yet", action.help)
        Report = self.env["okr.skill.kpi.report"].with_user(self.user_manager)
        for view_type in ("pivot", "graph"):
            arch = Report.get_view(view_type=view_type)["arch"]
            self.assertNotIn("sample=", arch, view_type)


@tagged("post_install", "-at_install")
class TestIncentiveDistribution(IncentiveCase):
    def test_lines_keep_the_department_they_were_earned_in(self):
        run = self._run()
        run.action_compute()
        rows = self.env["okr.incentive.line"]._read_group(
            [("run_id", "=", run.id), ("state", "=", "ok")], ["department_id"], ["amount:sum"]
        )
        self.assertEqual(rows, [(self.department, 200.0)], "+500 and -300 in Stamping")
        assembly = self.env["hr.department"].create({"name": "Assembly"})
        self.emp_worker.department_id = assembly
        self.assertEqual(
            self._line(run, self.emp_worker).department_id,
            self.department,
            "moving later does not move past bonuses",
        )


@tagged("post_install", "-at_install")
class TestKeyResultSuggestion(KpiCase):
    def test_suggestion_from_past_cycles_and_the_team(self):
        q3 = self.env["okr.cycle"].create(
            {"cadence": "quarter", "date_start": D(2026, 7, 1), "state": "running"}
        )
        kr = {"name": "Defect rate", "start_value": 7, "target_value": 5, "direction": "decrease"}
        checkins = []
        for employee, values in (
            (self.emp_worker, (4.1, 3.9, 4.0, 4.2)),
            (self.emp_colleague, (6.0, 5.8, 6.3, 6.1)),
        ):
            past = self._objective(employee, krs=[kr], cycle_id=q3.id)
            past.write({"state": "running", "date_approved": D(2026, 7, 1)})
            checkins += [
                {"key_result_id": past.key_result_ids.id, "date": D(2026, 8, 1 + i), "value": v}
                for i, v in enumerate(values)
            ]
        self.env["okr.checkin"].create(checkins)
        new = self._objective(self.emp_worker, krs=[kr]).key_result_ids
        # His level 4.05 (median), 5% better: 3.8475 — already better than the team's 6.05.
        self.assertAlmostEqual(new.suggested_target, 3.8475)
        self.assertEqual(new.suggestion_note, "your level 4.05; team 6.05 → suggest 3.848")
        new.action_use_suggestion()
        self.assertAlmostEqual(new.target_value, 3.8475)
        other = self._objective(self.emp_frontline, krs=[{**kr, "name": "Rework rate"}])
        self.assertFalse(other.key_result_ids.suggested_target)
        self.assertIn("Too little history", other.key_result_ids.suggestion_note)
