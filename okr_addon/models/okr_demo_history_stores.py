"""The demo's history, the store and the restaurant: the shop assistants'
average ticket (one of them declining), the waiters' guest satisfaction, and
each team's objective checked in every week."""

import datetime

from dateutil.relativedelta import relativedelta

from odoo import models

from ..logic import demo_history


class OkrDemoHistory(models.AbstractModel):
    _inherit = "okr.demo.history"

    # ------------------------------------------------------------------
    # Retail store and restaurant
    # ------------------------------------------------------------------
    def _okr_demo_retail(self, tables, since, today, attended, rng):
        """Monthly average-ticket targets and a value per assistant and day worked;
        Lin Tao's last three values each lower than the one before."""
        ticket = self._okr_demo_ref("kpi_avg_ticket")
        # The current target starts at least two weeks back, so the decline is inside it.
        months = self._okr_demo_months(since, today, min_days=14)
        targets = self._okr_demo_targets(
            ticket,
            list(tables["tickets"]),
            months,
            {"target": 240, "floor": 180, "has_stretch": True, "stretch": 270},
        )
        series = {}
        for xmlid, (start, end) in tables["tickets"].items():
            days = [d for d in attended.get(xmlid, []) if d < today]
            values = self._okr_demo_series(days, start, end, plateau_from=today, rng=rng, noise=9)
            ordered = [values[day] for day in days]
            if xmlid == tables["declining"]:
                ordered = demo_history.end_declining(ordered, 3, round(rng.uniform(8, 12), 2))
            else:
                ordered = demo_history.calm_tail(ordered, set(range(len(ordered))))
            series[xmlid] = dict(zip(days, ordered, strict=True))
        self._okr_demo_measure(ticket, series)
        targets._recompute_actuals()
        self._okr_demo_team_objective(
            "dept_store",
            "Downtown Store: bigger baskets, not more discounts",
            ("Store average ticket from 220 to 250 CNY", 220, 250, "CNY"),
            series,
        )

    def _okr_demo_restaurant(self, tables, since, today, attended, rng):
        """Monthly satisfaction targets (every guest satisfied: 100%) and a value
        per waiter and day worked, rising to a level reached last month."""
        satisfaction = self._okr_demo_ref("kpi_customer_satisfaction")
        months = self._okr_demo_months(since, today)
        targets = self._okr_demo_targets(
            satisfaction, list(tables["satisfaction"]), months, {"target": 100, "floor": 70}
        )
        last_month = today.replace(day=1) - relativedelta(months=1)
        series = {}
        for xmlid, (start, level) in tables["satisfaction"].items():
            days = [d for d in attended.get(xmlid, []) if d < today]
            values = self._okr_demo_series(
                days, start, level, plateau_from=last_month, rng=rng, noise=1.5, digits=1
            )
            ordered = demo_history.calm_tail(
                [min(values[day], 100.0) for day in days], set(range(len(days)))
            )
            series[xmlid] = dict(zip(days, ordered, strict=True))
        self._okr_demo_measure(satisfaction, series)
        targets._recompute_actuals()
        self._okr_demo_team_objective(
            "dept_restaurant",
            "Riverside Restaurant: every guest leaves happy",
            ("Customer satisfaction from 75% to 90%", 75, 90, "%"),
            series,
        )

    def _okr_demo_team_objective(self, department, name, key_result, series):
        """A running objective of the current cycle for ``department`` whose key
        result the manager checks in every week with the team's mean of the
        daily values ``series`` ({xmlid: {day: value}}) of that week."""
        cycle = self._okr_demo_ref("cycle_current")
        kr_name, start, target, unit = key_result
        objective = self.env["okr.objective"].create(
            {
                "name": name,
                "level": "department",
                "cycle_id": cycle.id,
                "state": "running",
                "employee_id": False,
                "department_id": self._okr_demo_ref(department).id,
                "date_approved": cycle.date_start + datetime.timedelta(days=5),
                "key_result_ids": [
                    (
                        0,
                        0,
                        {
                            "name": kr_name,
                            "kind": "percentage" if unit == "%" else "currency",
                            "direction": "increase",
                            "start_value": start,
                            "target_value": target,
                            "unit": unit,
                        },
                    )
                ],
            }
        )
        values = [(day, value) for days in series.values() for day, value in days.items()]
        weeks, week_end = [], cycle.date_start + datetime.timedelta(days=6)
        while values and week_end <= max(day for day, _value in values):
            week = [
                v for day, v in values if week_end - datetime.timedelta(days=7) < day <= week_end
            ]
            if week:
                weeks.append((week_end, round(sum(week) / len(week), 1)))
            week_end += datetime.timedelta(days=7)
        means = demo_history.calm_tail([mean for _day, mean in weeks], set(range(len(weeks))))
        self.env["okr.checkin"].create(
            [
                {
                    "key_result_id": objective.key_result_ids.id,
                    "date": day,
                    "value": mean,
                    "confidence": 0.7,
                }
                for (day, _raw), mean in zip(weeks, means, strict=True)
            ]
        )
        return objective
