"""The demo's history generator, called by the demo data only.

It tells the demo's stories in order: attendance and the factory's closed
quarter here, the store and the restaurant in ``okr_demo_history_stores.py``;
the tables of people and series it reads are data (demo/history.json).
"""

import datetime
import json
import random

import pytz
from dateutil.relativedelta import relativedelta
from passlib.context import CryptContext

from odoo import api, fields, models
from odoo.tools import file_open

from ..logic import demo_history
from .kpi_measurement import batched

# Who the demo's people are and how their history goes: demo/history.json.
TABLES = "okr_addon/demo/history.json"

# The demo users' passwords are public (each is the login, see the README): they are
# hashed with few rounds, so that nine users do not add seconds to a demo install;
# Odoo re-hashes a password at its full work factor on the user's first login.
DEMO_PASSWORDS = CryptContext(["pbkdf2_sha512"], pbkdf2_sha512__rounds=6000)


class OkrDemoHistory(models.AbstractModel):
    """The demo's history: three months of attendance, daily KPI values and
    check-ins, and the factory's closed previous quarter with its incentive
    run approved. Called once from the demo data (demo/stories_demo.xml); every
    date follows the install date and every record is created in batches. The
    people and their series are data: demo/history.json."""

    _name = "okr.demo.history"
    _description = "OKR demo history generator"

    @api.model
    def _okr_demo_tables(self):
        with file_open(TABLES) as tables:
            return json.load(tables)

    def _okr_demo_ref(self, xmlid):
        return self.env.ref(f"okr_addon.{xmlid}")

    def _okr_demo_refs(self, xmlids):
        return {xmlid: self._okr_demo_ref(xmlid) for xmlid in xmlids}

    @api.model
    def _okr_demo_passwords(self, xmlids):
        """Give each demo user of ``xmlids`` its login as password."""
        Users = self.env["res.users"].sudo()
        for user in self._okr_demo_refs(xmlids).values():
            Users._set_encrypted_password(user.id, DEMO_PASSWORDS.hash(user.login))
        return True

    @api.model
    def _okr_demo_dispute(self, measurement_xmlid, reason):
        """The employee of a demo KPI value disputes it, as from the phone page."""
        measurement = self._okr_demo_ref(measurement_xmlid)
        return (
            self.env["okr.dispute"]
            ._open_dispute(measurement.employee_id, reason, measurement=measurement)
            .id
        )

    @api.model
    def _okr_demo_history(self):
        today = fields.Date.context_today(self)
        since = today - relativedelta(months=3)
        tables = self._okr_demo_tables()
        rng = random.Random(tables["seed"])
        attended = self._okr_demo_attendances(tables, since, today, rng)
        self._okr_demo_closed_quarter(tables, since, today, attended, rng)
        self._okr_demo_retail(tables, since, today, attended, rng)
        self._okr_demo_restaurant(tables, since, today, attended, rng)
        return True

    # ------------------------------------------------------------------
    # Attendance
    # ------------------------------------------------------------------
    def _okr_demo_blocks(self, calendar, date_from, date_to):
        """{day: [(start, stop)] shifts} of a working schedule (aware datetimes)."""
        tz = pytz.timezone(calendar.tz or "UTC")
        start = tz.localize(datetime.datetime.combine(date_from, datetime.time.min))
        end = tz.localize(datetime.datetime.combine(date_to, datetime.time.max))
        by_day = {}
        for begin, stop, _meta in calendar._work_intervals_batch(start, end)[False]:
            by_day.setdefault(begin.astimezone(tz).date(), []).append((begin, stop))
        return {day: demo_history.shift_blocks(parts) for day, parts in sorted(by_day.items())}

    def _okr_demo_attendances(self, tables, since, today, rng):
        """Clock every demo employee in and out on their working days from ``since``
        to yesterday; return {xmlid: [days attended]}."""
        employees = self._okr_demo_refs(tables["factory"] + tables["store"] + tables["restaurant"])
        # Hired a year before the history starts: overtime and attendance KPIs
        # compare the hours with the contract's schedule from that day on.
        hired = min(since, self._okr_demo_ref("cycle_previous").date_start) - relativedelta(years=1)
        self.env["hr.employee"].concat(*employees.values()).version_id.write(
            {"date_version": hired, "contract_date_start": hired}
        )
        blocks_by_calendar = {}
        vals_list, attended = [], {}
        for xmlid, employee in employees.items():
            calendar = employee.resource_calendar_id
            if calendar not in blocks_by_calendar:
                blocks_by_calendar[calendar] = self._okr_demo_blocks(
                    calendar, since, today - datetime.timedelta(days=1)
                )
            habits = demo_history.Habits(**tables["habits"].get(xmlid, {}))
            for day, blocks in blocks_by_calendar[calendar].items():
                shifts = demo_history.day_attendances(blocks, rng, habits)
                if shifts:
                    attended.setdefault(xmlid, []).append(day)
                vals_list += [
                    {
                        "employee_id": employee.id,
                        "check_in": check_in.astimezone(pytz.utc).replace(tzinfo=None),
                        "check_out": check_out.astimezone(pytz.utc).replace(tzinfo=None),
                    }
                    for check_in, check_out in shifts
                ]
        # Generated shift by shift without overlaps: the bulk path of the terminal
        # import skips core's per-record overlap searches for exactly these rows.
        Attendance = self.env["hr.attendance"].sudo()
        spans = frozenset((v["employee_id"], v["check_in"], v["check_out"]) for v in vals_list)
        with Attendance._okr_prechecked_creation(spans):
            Attendance.with_context(tracking_disable=True).create(vals_list)
            # Worked hours are computed per employee only while the batch is known.
            Attendance.flush_model()
        return attended

    # ------------------------------------------------------------------
    # KPI values
    # ------------------------------------------------------------------
    def _okr_demo_measure(self, definition, series, source="manual"):
        """Create {xmlid: {day: value}} as values of ``definition``, skipping the days
        a value already exists for (the hand-written demo values)."""
        employees = self._okr_demo_refs(series)
        existing = {
            (m.employee_id.id, m.date)
            for m in self.env["kpi.measurement"].search(
                [
                    ("definition_id", "=", definition.id),
                    ("employee_id", "in", [e.id for e in employees.values()]),
                    ("source", "=", source),
                ]
            )
        }
        Measurement = batched(self.env["kpi.measurement"])
        return Measurement.create(
            [
                {
                    "definition_id": definition.id,
                    "employee_id": employees[xmlid].id,
                    "department_id": employees[xmlid].department_id.id,
                    "date": day,
                    "value": value,
                    "source": source,
                }
                for xmlid, values in series.items()
                for day, value in sorted(values.items())
                if (employees[xmlid].id, day) not in existing
            ]
        )

    def _okr_demo_targets(self, definition, xmlids, periods, values):
        """One employee target of ``definition`` per employee and period."""
        employees = self._okr_demo_refs(xmlids)
        return self.env["kpi.target"].create(
            [
                {
                    "definition_id": definition.id,
                    "level": "employee",
                    "employee_id": employees[xmlid].id,
                    "date_from": date_from,
                    "date_to": date_to,
                    **values,
                }
                for xmlid in xmlids
                for date_from, date_to in periods
            ]
        )

    @staticmethod
    def _okr_demo_months(since, today, min_days=0):
        """[(first day, last day)] of the months from ``since`` to ``today``; a current
        month younger than ``min_days`` days is joined to the month before."""
        months = []
        start = since.replace(day=1)
        while start <= today:
            months.append([start, start + relativedelta(months=1, days=-1)])
            start += relativedelta(months=1)
        if len(months) > 1 and (today - months[-1][0]).days < min_days:
            months[-2][1] = months.pop()[1]
        return [tuple(month) for month in months]

    @staticmethod
    def _okr_demo_series(days, start, end, *, plateau_from, rng, noise, digits=2):
        values = demo_history.ramp(days, start, end, plateau_from, rng=rng, noise=noise)
        return {day: round(value, digits) for day, value in values.items()}

    # ------------------------------------------------------------------
    # Factory: the closed previous quarter
    # ------------------------------------------------------------------
    def _okr_demo_closed_quarter(self, tables, since, today, attended, rng):
        """Scrap targets cascaded company → workshop → workers, daily scrap
        values, objectives checked in every week, the cycle closed and scored, and
        the quarter's incentive run computed and approved."""
        cycle = self._okr_demo_ref("cycle_previous")
        date_from, date_to = cycle.date_start, cycle.date_end
        scrap = self._okr_demo_ref("kpi_scrap_rate")
        period = {"definition_id": scrap.id, "date_from": date_from, "date_to": date_to}
        Target = self.env["kpi.target"]
        company = Target.create(
            {
                **period,
                "level": "company",
                "target": 5.5,
                "floor": 7.5,
                "has_stretch": True,
                "stretch": 4.5,
            }
        )
        workshop = Target.create(
            {
                **period,
                "level": "department",
                "department_id": self._okr_demo_ref("dept_stamping").id,
                "parent_id": company.id,
                "target": 5.0,
                "floor": 7.0,
                "has_stretch": True,
                "stretch": 4.0,
            }
        )
        previous_scrap = tables["previous_scrap"]
        workers = self._okr_demo_refs(previous_scrap)
        workers_targets = Target.create(
            [
                {
                    **period,
                    "level": "employee",
                    "employee_id": workers[xmlid].id,
                    "parent_id": workshop.id,
                    "target": target,
                    "floor": round(target + 2, 2),
                    "has_stretch": True,
                    "stretch": round(target - 1, 2),
                }
                for xmlid, (_first, _last, target) in previous_scrap.items()
            ]
        )
        last_day = min(date_to, today - datetime.timedelta(days=1))
        after = date_to + datetime.timedelta(days=1)
        scrap_series = {}
        # The whole quarter, even where it starts before the attendance history:
        # working days, less the days a worker was absent.
        for xmlid, (first, last, _target) in previous_scrap.items():
            calendar = workers[xmlid].resource_calendar_id
            worked = set(attended.get(xmlid, []))
            days = [
                d
                for d in self._okr_demo_blocks(calendar, date_from, last_day)
                if d < since or d in worked
            ]
            scrap_series[xmlid] = self._okr_demo_series(
                days, first, last, plateau_from=after, rng=rng, noise=0.15
            )
        self._okr_demo_measure(scrap, scrap_series)
        (company | workshop | workers_targets)._recompute_actuals()
        self._okr_demo_previous_objectives(cycle, last_day, rng)
        cycle.action_close()
        run = self._okr_demo_ref("incentive_run_previous_quarter")
        run.action_compute()
        run.action_approve()

    def _okr_demo_previous_objectives(self, cycle, last_day, rng):
        """The closed quarter's objectives, approved and checked in weekly."""
        approved = cycle.date_start + datetime.timedelta(days=5)
        common = {"cycle_id": cycle.id, "state": "running", "date_approved": approved}
        Objective = self.env["okr.objective"]

        def key_result(name, start, target, unit="%"):
            return {
                "name": name,
                "kind": "percentage" if unit == "%" else "number",
                "direction": "decrease" if target < start else "increase",
                "start_value": start,
                "target_value": target,
                "unit": unit,
            }

        company = Objective.create(
            {
                **common,
                "name": "Scrap under control before the cost programme",
                "level": "company",
                "employee_id": False,
                "key_result_ids": [
                    (0, 0, key_result("Company scrap rate from 7.5% to 5.5%", 7.5, 5.5))
                ],
            }
        )
        workshop = Objective.create(
            {
                **common,
                "name": "Stamping workshop scrap at or below 5%",
                "level": "department",
                "employee_id": False,
                "department_id": self._okr_demo_ref("dept_stamping").id,
                "parent_id": company.id,
                "key_result_ids": [
                    (0, 0, key_result("Workshop scrap rate from 7% to 5%", 7.0, 5.0)),
                    (0, 0, key_result("Presses with a daily checklist", 0, 12, "presses")),
                ],
            }
        )
        individual = {
            **common,
            "level": "individual",
            "parent_id": workshop.id,
            "approver_id": self._okr_demo_ref("user_li_na").id,
        }
        Objective.create(
            [
                {
                    **individual,
                    "name": "Wang Wu: defect rate down to 4.5%",
                    "employee_id": self._okr_demo_ref("emp_wang_wu").id,
                    "key_result_ids": [
                        (0, 0, key_result("My defect rate from 5% to 4.5%", 5.0, 4.5))
                    ],
                },
                {
                    **individual,
                    "name": "Zhang San: fewer setup mistakes",
                    "employee_id": self._okr_demo_ref("emp_zhang_san").id,
                    "key_result_ids": [
                        (0, 0, key_result("Setup errors per week from 8 to 4", 8, 4, "errors"))
                    ],
                },
            ]
        )
        # Where each key result ends the quarter (share of the way from start to target).
        reached = {
            "Company scrap rate from 7.5% to 5.5%": 0.85,
            "Workshop scrap rate from 7% to 5%": 0.95,
            "Presses with a daily checklist": 1.0,
            "My defect rate from 5% to 4.5%": 1.1,
            "Setup errors per week from 8 to 4": 0.5,
        }
        weeks = []
        day = cycle.date_start + datetime.timedelta(days=6)
        while day <= min(cycle.date_end, last_day):
            weeks.append(day)
            day += datetime.timedelta(days=7)
        vals_list = []
        for kr in cycle.objective_ids.key_result_ids:
            share = reached[kr.name]
            for week, day in enumerate(weeks, start=1):
                progress = share * week / len(weeks) + rng.uniform(-0.04, 0.04)
                value = kr.start_value + (kr.target_value - kr.start_value) * progress
                vals_list.append(
                    {
                        "key_result_id": kr.id,
                        "date": day,
                        "value": round(value, 0 if kr.unit != "%" else 2),
                        "confidence": round(min(0.9, 0.5 + 0.4 * week / len(weeks)), 2),
                        "source": "kiosk" if kr.objective_id.level == "individual" else "manual",
                    }
                )
        self.env["okr.checkin"].create(vals_list)
