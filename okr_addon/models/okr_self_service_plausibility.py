from statistics import median

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError

from ..logic import kpi as kpi_logic
from ..logic import plausibility, stats
from .okr_self_service import TYPED_KPI_SOURCE

# Values typed at this source are questioned when implausible ("Are you sure?").
ASKING_SOURCES = ("kiosk",)


class KioskQuestion(UserError):
    """The value is far from the item's recent values: nothing was saved, the
    kiosk asks the employee to confirm it (a second post with ``confirm=1``)."""


def _number(value, unit=""):
    """20000 and "pcs" -> "20000 pcs", 4.1 and "%" -> "4.1%": up to four decimals,
    no exponent (the flag's own wording rounds to four digits)."""
    text = f"{round(value, 4):.10g}"
    if not unit:
        return text
    return f"{text}{unit}" if unit == "%" else f"{text} {unit}"


def _percent(ratio):
    return f"{ratio * 100:.0f}"


class OkrSelfService(models.AbstractModel):
    """The kiosk's plausibility check: a value far outside the item's history
    asks "Are you sure?" before it is saved; a confirmed one is saved and
    flagged for the manager (the rule itself in ``logic/plausibility.py``)."""

    _inherit = "okr.self.service"

    @api.model
    def _kiosk_submit(self, employee, kind, record_id, values):
        """Save a kiosk check-in (``kind`` "kr") or KPI value ("kpi"): (the key result
        or KPI target, None) once saved, (it, the question to ask) when the value
        needs the employee's confirmation first. AccessError for a record that is
        not the employee's, UserError when refused."""
        try:
            if kind == "kr":
                return self._check_in(employee, record_id, values, "kiosk"), None
            return self._report_kpi(employee, record_id, values, "kiosk"), None
        except KioskQuestion as question:
            model = "okr.key.result" if kind == "kr" else "kpi.target"
            return self._own(model, record_id, employee), question.args[0]

    @api.model
    def _check_in(self, employee, key_result_id, values, source):
        if source not in ASKING_SOURCES:
            return super()._check_in(employee, key_result_id, values, source)
        # Ownership first: a crafted post for someone else's key result learns nothing.
        result = self._own("okr.key.result", key_result_id, employee)
        value = self._parse_value(values.get("value"))
        found = self._checkin_doubt(result, value)
        if found and values.get("confirm") != "1":
            raise KioskQuestion(self._checkin_question(result, value, found))
        result = super()._check_in(employee, key_result_id, values, source)
        if found:
            self._flag_confirmed_checkin(result, value)
        return result

    @api.model
    def _report_kpi(self, employee, target_id, values, source):
        if source not in ASKING_SOURCES:
            return super()._report_kpi(employee, target_id, values, source)
        target = self._own("kpi.target", target_id, employee)
        if target.definition_id.source != TYPED_KPI_SOURCE:
            raise AccessError(self.env._("This is not yours."))
        value = self._parse_value(values.get("value"))
        found = self._kpi_doubt(target, value, source)
        if found and found.outside_range:
            # HR's plausible range refuses it outright (the value's own check says why).
            found = None
        if found and values.get("confirm") != "1":
            raise KioskQuestion(self._kpi_question(target, value, found, source))
        target = super()._report_kpi(employee, target_id, values, source)
        if found:
            self._flag_confirmed_measurement(target, value, source, found)
        return target

    # ------------------------------------------------------------------
    # Key results: ``result`` is the sudo record ``_own`` returned
    # ------------------------------------------------------------------
    @api.model
    def _checkin_doubt(self, result, value):
        """A Doubt when ``value`` is far from the key result's last check-ins."""
        if result.kind == "milestone" or result.kpi_target_id or result.state != "running":
            # 0/1 steps, the KPI's own figure, or a check-in the save refuses anyway.
            return None
        checkins = result.env["okr.checkin"].search(
            [("key_result_id", "=", result.id)],
            order="date desc, id desc",
            limit=plausibility.RECENT_VALUES,
        )
        return plausibility.doubt(value, checkins.mapped("value")[::-1])

    @api.model
    def _checkin_question(self, result, value, found):
        unit = result.unit or ""
        facts = {
            "last": _number(found.last, unit),
            "target": _number(result.target_value, unit),
            "value": _number(value, unit),
        }
        span = result.target_value - result.start_value
        if not span:
            return self.env._(
                "Are you sure? Your last value was %(last)s, the target %(target)s.", **facts
            )
        level = result.current_value + value if result.cumulative else value
        facts["percent"] = _percent(max((level - result.start_value) / span, 0.0))
        return self.env._(
            "Are you sure? Your last value was %(last)s, the target %(target)s: "
            "%(value)s would be %(percent)s%%.",
            **facts,
        )

    @api.model
    def _flag_confirmed_checkin(self, result, value):
        """Flag the check-in just confirmed, unless the anomaly check already did:
        its step in % of the way, against the key result's earlier steps."""
        checkins = result.env["okr.checkin"].search(
            [("key_result_id", "=", result.id)], order="date, id"
        )
        checkin = checkins.sorted("id")[-1:]
        Flag = result.env["okr.anomaly.flag"]
        if not checkin or Flag.search_count([("checkin_id", "=", checkin.id)]):
            return Flag
        steps = stats.progress_steps(
            checkins.mapped("value"), result.start_value, result.target_value, result.cumulative
        )
        before = [step for step, c in zip(steps or [], checkins, strict=False) if c != checkin]
        return Flag._create_flags(
            [
                {
                    "employee_id": result.employee_id.id,
                    "key_result_id": result.id,
                    "checkin_id": checkin.id,
                    "date": checkin.date,
                    "value": value,
                    "against": "own" if before else False,
                    "usual_value": median(before[-plausibility.RECENT_VALUES :]) if before else 0,
                    "step": steps[checkins.ids.index(checkin.id)] if steps else 0,
                }
            ]
        )

    # ------------------------------------------------------------------
    # KPI values: ``target`` is the sudo record ``_own`` returned
    # ------------------------------------------------------------------
    @api.model
    def _kpi_doubt(self, target, value, source):
        """A Doubt when ``value`` is far from the employee's last values of the KPI
        (today's value of this source, which it replaces, left out)."""
        definition = target.definition_id
        today = fields.Date.context_today(self)
        recent = target.env["kpi.measurement"].search(
            [
                ("definition_id", "=", definition.id),
                ("employee_id", "=", target.employee_id.id),
                ("date", "<=", today),
                "!",
                "&",
                ("date", "=", today),
                ("source", "=", source),
            ],
            order="date desc, id desc",
            limit=plausibility.RECENT_VALUES,
        )
        plausible = definition._plausible_range() if definition.has_plausible_range else None
        return plausibility.doubt(value, recent.mapped("value")[::-1], plausible)

    @api.model
    def _kpi_question(self, target, value, found, source):
        unit = target.unit or ""
        facts = {
            "last": _number(found.last, unit),
            "target": _number(target.target, unit),
            "value": _number(value, unit),
        }
        if not target.target:
            return self.env._(
                "Are you sure? Your last value was %(last)s, the target %(target)s.", **facts
            )
        actual = self._kpi_actual_with(target, value, source)
        facts["percent"] = _percent(kpi_logic.completion(actual, target.target, target.direction))
        return self.env._(
            "Are you sure? Your last value was %(last)s, the target %(target)s: "
            "%(value)s would be %(percent)s%%.",
            **facts,
        )

    @api.model
    def _kpi_actual_with(self, target, value, source):
        """The target's actual if ``value`` were today's value: the period's daily
        values (a day's values summed or averaged, as the actuals are) aggregated
        by the KPI, today's value of this source replaced."""
        today = fields.Date.context_today(self)
        rows = target.env["kpi.measurement"].search_read(
            [
                ("definition_id", "=", target.definition_id.id),
                ("employee_id", "=", target.employee_id.id),
                ("date", ">=", target.date_from),
                ("date", "<=", target.date_to),
                "!",
                "&",
                ("date", "=", today),
                ("source", "=", source),
            ],
            ["date", "value"],
        )
        days = {}
        for row in rows:
            days.setdefault(row["date"], []).append(row["value"])
        days.setdefault(today, []).append(value)
        how = target.definition_id.aggregation
        daily = [sum(v) if how == "sum" else sum(v) / len(v) for _d, v in sorted(days.items())]
        return kpi_logic.aggregate(daily, how)

    @api.model
    def _flag_confirmed_measurement(self, target, value, source, found):
        """Flag today's value just confirmed, unless the anomaly check already did."""
        measurement = target.env["kpi.measurement"].search(
            [
                ("definition_id", "=", target.definition_id.id),
                ("employee_id", "=", target.employee_id.id),
                ("date", "=", fields.Date.context_today(self)),
                ("source", "=", source),
            ],
            limit=1,
        )
        Flag = target.env["okr.anomaly.flag"]
        if not measurement or Flag.search_count(
            [("measurement_id", "=", measurement.id), ("state", "=", "open"), ("value", "=", value)]
        ):
            return Flag
        return Flag._create_flags(
            [
                {
                    "employee_id": measurement.employee_id.id,
                    "definition_id": measurement.definition_id.id,
                    "measurement_id": measurement.id,
                    "date": measurement.date,
                    "value": value,
                    "against": "own",
                    "usual_value": found.usual,
                }
            ]
        )
