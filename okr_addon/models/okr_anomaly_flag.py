from odoo import api, fields, models
from odoo.exceptions import AccessError
from odoo.tools import SQL

from ..logic import stats
from .okr_pay_guard import trusted

FLAGGED_SOURCES = ("manual", "import", "connector", "portal", "kiosk")
HISTORY_DAYS = 90
# A check-in is remarkable only if one step moves its key result at least this far
# (in % of the way from start to target) beyond the usual step: a weekly 4.3 -> 4.1
# on a 4.5 -> 4.0 key result is 40% of the way, and ordinary.
STEP_AT_LEAST = 50


def _number(value, unit=""):
    """4.2 and "%" -> "4.2%"; 35 and "min" -> "35 min"."""
    text = f"{value:.4g}"
    if not unit:
        return text
    return f"{text}{unit}" if unit == "%" else f"{text} {unit}"


def _ratio(value):
    """2.0 -> "2", 2.46 -> "2.5"."""
    return f"{value:.1f}".rstrip("0").rstrip(".")


class OkrAnomalyFlag(models.Model):
    """A value far outside the employee's (or the team's) usual range, to review
    before money depends on it. An open flag can gate an incentive rule.

    The flag stores the facts (the value, the usual value it stands out from,
    whose usual it is); its reason is worded when read, in the reader's
    language: "Scrap rate 4.2% — about 2× Wang Wu's usual 2.1%"."""

    _name = "okr.anomaly.flag"
    _description = "Anomaly Flag"
    _inherit = ["okr.pay.guard", "mail.thread"]
    _order = "date desc, id desc"
    # A flag records what was found; its review is an act of the reviewer.
    _okr_workflow_fields = (
        "state",
        "employee_id",
        "definition_id",
        "measurement_id",
        "key_result_id",
        "checkin_id",
        "date",
        "value",
        "against",
        "usual_value",
        "step",
    )
    _check_company_auto = True

    employee_id = fields.Many2one("hr.employee", required=True, index=True, ondelete="cascade")
    company_id = fields.Many2one(related="employee_id.company_id", store=True)
    definition_id = fields.Many2one(
        "kpi.definition", string="KPI", ondelete="cascade", check_company=True
    )
    measurement_id = fields.Many2one("kpi.measurement", ondelete="cascade", check_company=True)
    key_result_id = fields.Many2one("okr.key.result", ondelete="cascade", check_company=True)
    checkin_id = fields.Many2one("okr.checkin", ondelete="cascade", check_company=True)
    date = fields.Date(required=True)
    value = fields.Float()
    against = fields.Selection(
        [("own", "The employee's usual values"), ("team", "The team's usual values")],
        string="Compared With",
    )
    usual_value = fields.Float(help="The median it stands out from.")
    step = fields.Float(help="Check-ins: how far it moved its key result, in % of the way.")
    reason = fields.Char(compute="_compute_reason")
    state = fields.Selection(
        [
            ("open", "To Review"),
            ("confirmed", "Confirmed Wrong"),
            ("corrected", "Corrected"),
            ("dismissed", "Value Is Right"),
        ],
        default="open",
        required=True,
        tracking=True,
    )

    @api.depends_context("lang")
    @api.depends("value", "against", "usual_value", "step", "definition_id", "key_result_id")
    def _compute_reason(self):
        for flag in self:
            if flag.checkin_id or flag.key_result_id:
                flag.reason = flag._checkin_reason()
            else:
                flag.reason = flag._measurement_reason()

    def _measurement_reason(self):
        unit = self.definition_id.unit or ""
        facts = {
            "kpi": self.definition_id.name or "",
            "value": _number(self.value, unit),
            "usual": _number(self.usual_value, unit),
            "employee": self.employee_id.name,
        }
        ratio = self.value / self.usual_value if self.usual_value > 0 <= self.value else None
        if not self.against:
            return self.env._("%(kpi)s %(value)s — far outside the usual range", **facts)
        own = self.against == "own"
        if ratio is not None and ratio >= 1.5:
            facts["ratio"] = _ratio(ratio)
            return (
                self.env._(
                    "%(kpi)s %(value)s — about %(ratio)s× %(employee)s's usual %(usual)s", **facts
                )
                if own
                else self.env._(
                    "%(kpi)s %(value)s — about %(ratio)s× the team's usual %(usual)s", **facts
                )
            )
        if ratio is not None and ratio <= 2 / 3:
            facts["percent"] = round(ratio * 100)
            return (
                self.env._(
                    "%(kpi)s %(value)s — only about %(percent)s%% of %(employee)s's usual "
                    "%(usual)s",
                    **facts,
                )
                if own
                else self.env._(
                    "%(kpi)s %(value)s — only about %(percent)s%% of the team's usual %(usual)s",
                    **facts,
                )
            )
        return (
            self.env._("%(kpi)s %(value)s — far from %(employee)s's usual %(usual)s", **facts)
            if own
            else self.env._("%(kpi)s %(value)s — far from the team's usual %(usual)s", **facts)
        )

    def _checkin_reason(self):
        unit = self.key_result_id.unit or ""
        facts = {
            "kr": self.key_result_id.name or "",
            "value": _number(self.value, unit),
            "step": round(self.step),
            "usual": round(self.usual_value),
            "employee": self.employee_id.name,
        }
        if not self.against:
            return self.env._(
                "Check-in %(value)s on “%(kr)s” — far outside the usual pace", **facts
            )
        if self.against == "own":
            return self.env._(
                "Check-in %(value)s on “%(kr)s” moved it %(step)s%% of the way to its target "
                "in one step; %(employee)s's usual step is about %(usual)s%%",
                **facts,
            )
        return self.env._(
            "Check-in %(value)s on “%(kr)s” moved it %(step)s%% of the way to its target "
            "in one step; the team's usual step is about %(usual)s%%",
            **facts,
        )

    def action_open_value(self):
        """The flagged value (or check-in) in a dialog: read it, correct it there."""
        self.ensure_one()
        record = self.measurement_id or self.checkin_id
        if not record:
            return False
        return {
            "type": "ir.actions.act_window",
            "res_model": record._name,
            "res_id": record.id,
            "view_mode": "form",
            "target": "new",
        }

    @api.model
    def _create_flags(self, vals_list):
        """Flags are reviewed by managers: no creation message, no follower."""
        return (
            self.sudo()
            .with_context(mail_create_nolog=True, mail_create_nosubscribe=True)
            .create(vals_list)
        )

    def action_dismiss(self):
        self._check_reviewer()
        trusted(self).state = "dismissed"

    def action_confirm(self):
        self._check_reviewer()
        trusted(self).state = "confirmed"

    def _check_reviewer(self):
        """Managers review their team's flags (record rules), OKR administrators all;
        nobody reviews a flag on their own value."""
        self.check_access("write")
        own = self.filtered(lambda f: f.employee_id.sudo().user_id == self.env.user)
        if own and not self.env.su:
            raise AccessError(
                self.env._(
                    "The flag on your own value (%(date)s) is reviewed by your manager or "
                    "an OKR administrator.",
                    date=own[0].date,
                )
            )

    @api.model
    def _flag_measurements(self, measurements):
        """Flag the new typed-in or imported values that stand far outside the usual range
        (one query for the history of all of them)."""
        measurements = measurements.filtered(
            lambda m: m.employee_id and m.source in FLAGGED_SOURCES
        )
        if not measurements:
            return self.browse()
        since = fields.Date.subtract(min(measurements.mapped("date")), days=HISTORY_DAYS)
        # Values still under review (or found wrong) are not "usual": a planted
        # outlier must not make the next one look ordinary.
        doubted = (
            self.sudo()
            .search(
                [
                    ("definition_id", "in", measurements.definition_id.ids),
                    ("state", "in", ("open", "confirmed")),
                    ("measurement_id", "!=", False),
                ]
            )
            .measurement_id
        )
        history = (
            self.env["kpi.measurement"]
            .sudo()
            .search_read(
                [
                    ("definition_id", "in", measurements.definition_id.ids),
                    ("department_id", "in", [*measurements.department_id.ids, False]),
                    ("date", ">=", since),
                    ("id", "not in", measurements.ids + doubted.ids),
                ],
                ["definition_id", "employee_id", "department_id", "value"],
            )
        )
        own, team = {}, {}
        for row in history:
            definition = row["definition_id"][0]
            if row["employee_id"]:
                own.setdefault((definition, row["employee_id"][0]), []).append(row["value"])
            if row["department_id"]:
                team.setdefault((definition, row["department_id"][0]), []).append(row["value"])
        vals_list = []
        for measurement in measurements:
            definition = measurement.definition_id
            found = stats.anomaly(
                measurement.value,
                own.get((definition.id, measurement.employee_id.id), []),
                team.get((definition.id, measurement.department_id.id), []),
            )
            if found:
                vals_list.append(
                    {
                        "employee_id": measurement.employee_id.id,
                        "definition_id": definition.id,
                        "measurement_id": measurement.id,
                        "date": measurement.date,
                        "value": measurement.value,
                        "against": "own" if found.against == "own history" else "team",
                        "usual_value": found.usual,
                    }
                )
        return self._create_flags(vals_list)

    @api.model
    def _flag_checkins(self, checkins):
        """Flag typed-in check-ins whose step is far outside the usual pace.

        A step is how far the check-in moved its key result, in % of the
        key result's range (start → target), so steps of different key results
        compare: against the previous steps on the same key result, then
        against the steps of the department's key results over 90 days. One
        query for the history of all of them.
        """
        checkins = checkins.filtered(
            lambda c: (
                c.source in FLAGGED_SOURCES
                and c.key_result_id.kind != "milestone"
                and c.key_result_id.employee_id
            )
        )
        if not checkins:
            return self.browse()
        results = checkins.key_result_id
        since = fields.Date.subtract(min(checkins.mapped("date")), days=HISTORY_DAYS)
        self.env["okr.checkin"].flush_model(["key_result_id", "date", "value"])
        results.flush_model(["start_value", "target_value", "cumulative", "department_id"])
        rows = self.env.execute_query(
            SQL(
                """SELECT c.id, c.key_result_id, c.value, kr.start_value, kr.target_value,
                          kr.cumulative, kr.department_id
                     FROM okr_checkin c
                     JOIN okr_key_result kr ON kr.id = c.key_result_id
                    WHERE c.date >= %(since)s
                      AND (c.key_result_id = ANY(%(results)s)
                           OR kr.department_id = ANY(%(departments)s))
                 ORDER BY c.key_result_id, c.date, c.id""",
                since=since,
                results=results.ids,
                departments=results.department_id.ids,
            )
        )
        series = {}
        for checkin_id, result_id, value, start, target, cumulative, department_id in rows:
            entry = series.setdefault(result_id, ([], [], start, target, cumulative, department_id))
            entry[0].append(checkin_id)
            entry[1].append(value)
        new_ids = set(checkins.ids)
        steps = {}  # check-in id: step in % of its key result's range
        own, team = {}, {}  # earlier steps per key result and per department
        for result_id, (ids, values, start, target, cumulative, department_id) in series.items():
            moved = stats.progress_steps(values, start, target, cumulative)
            if moved is None:  # start and target equal: no range to measure steps in
                continue
            for checkin_id, step in zip(ids, moved, strict=True):
                steps[checkin_id] = step
                if checkin_id not in new_ids:
                    own.setdefault(result_id, []).append(step)
                    team.setdefault(department_id, []).append(step)
        vals_list = []
        for checkin in checkins:
            result = checkin.key_result_id
            if checkin.id not in steps:
                continue
            found = stats.anomaly(
                steps[checkin.id],
                own.get(result.id, []),
                team.get(result.department_id.id, []) if result.department_id else [],
                at_least=STEP_AT_LEAST,
            )
            if found:
                vals_list.append(
                    {
                        "employee_id": result.employee_id.id,
                        "key_result_id": result.id,
                        "checkin_id": checkin.id,
                        "date": checkin.date,
                        "value": checkin.value,
                        "against": "own" if found.against == "own history" else "team",
                        "usual_value": found.usual,
                        "step": steps[checkin.id],
                    }
                )
        return self._create_flags(vals_list)
