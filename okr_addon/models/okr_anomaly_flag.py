from odoo import api, fields, models
from odoo.exceptions import AccessError
from odoo.tools import SQL

from ..logic import stats
from .okr_pay_guard import trusted

FLAGGED_SOURCES = ("manual", "import", "connector", "portal", "kiosk")
HISTORY_DAYS = 90


class OkrAnomalyFlag(models.Model):
    """A value far outside the employee's (or the team's) usual range, to review
    before money depends on it. An open flag can gate an incentive rule."""

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
        "reason",
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
    reason = fields.Char(required=True)
    state = fields.Selection(
        [("open", "To Review"), ("confirmed", "Confirmed Wrong"), ("dismissed", "Value Is Right")],
        default="open",
        required=True,
        tracking=True,
    )

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
        history = (
            self.env["kpi.measurement"]
            .sudo()
            .search_read(
                [
                    ("definition_id", "in", measurements.definition_id.ids),
                    ("department_id", "in", [*measurements.department_id.ids, False]),
                    ("date", ">=", since),
                    ("id", "not in", measurements.ids),
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
                        "reason": self.env._(
                            "%(kpi)s %(value)g is %(z)s robust deviations from the %(against)s",
                            kpi=definition.name,
                            value=measurement.value,
                            z=abs(found.z),
                            against=self.env._("employee's usual values")
                            if found.against == "own history"
                            else self.env._("team's values"),
                        ),
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
            )
            if found:
                vals_list.append(
                    {
                        "employee_id": result.employee_id.id,
                        "key_result_id": result.id,
                        "checkin_id": checkin.id,
                        "date": checkin.date,
                        "value": checkin.value,
                        "reason": self.env._(
                            "Check-in on “%(kr)s” moved it %(step).0f%% of the way to its "
                            "target, %(z)s robust deviations from the %(against)s",
                            kr=result.name,
                            step=steps[checkin.id],
                            z=abs(found.z),
                            against=self.env._("employee's usual pace")
                            if found.against == "own history"
                            else self.env._("team's usual pace"),
                        ),
                    }
                )
        return self._create_flags(vals_list)
