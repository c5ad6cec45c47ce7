"""Team pools (班组二次分配): a rule that pays a team, shared among its members.

Who is in which team, the team's basis value and each member's weight; the
run turns them into lines (``okr_incentive_run_pool.py``), the split itself is
pure arithmetic (``logic/pool.py``).
"""

from odoo import api, fields, models
from odoo.exceptions import ValidationError
from odoo.fields import Domain

from ..logic import kpi as kpi_logic
from .okr_phrase import _lt, ref

# Bases a team has a value for: its KPI target (or its members' average), its output.
TEAM_BASES = ("kpi_completion", "kpi_score", "kpi_value")
TEAM_AMOUNT_TYPES = ("fixed", "points", "per_unit", "commission")


class OkrIncentiveRule(models.Model):
    """A rule paying ``team``: each of its departments (with their sub-departments)
    or each of its employee tags is a team; the team's result gives one pool,
    split among the members by the rule's split key."""

    _inherit = "okr.incentive.rule"

    pay_to = fields.Selection(
        [("individual", "Each employee"), ("team", "A team pool")],
        default="individual",
        required=True,
        tracking=True,
        help="A team pool pays each team one amount from the team's result, shared "
        "among its members by the split key.",
    )
    team_by = fields.Selection(
        [("department", "Department"), ("category", "Employee Tag")],
        string="Teams",
        default="department",
        required=True,
        tracking=True,
        help="Department: each department of the scope is a team (with its "
        "sub-departments). Employee Tag: each tag of the scope is a team (e.g. a shift).",
    )
    split_key = fields.Selection(
        [
            ("equal", "Equal shares"),
            ("hours", "Hours worked"),
            ("hours_coefficient", "Hours worked × role coefficient"),
        ],
        string="Split By",
        default="hours",
        required=True,
        tracking=True,
        help="Hours are the attendances' worked hours within the period; the role "
        "coefficient is set on each job position.",
    )

    @api.constrains("pay_to", "team_by", "basis", "amount_type", "department_ids", "category_ids")
    def _check_team_pool(self):
        for rule in self.filtered(lambda r: r.pay_to == "team"):
            if rule.basis not in TEAM_BASES:
                raise ValidationError(
                    self.env._(
                        "Incentive rule “%(rule)s”: a team pool needs a basis a team has a "
                        "value for: KPI completion, KPI score or KPI value.",
                        rule=rule.name,
                    )
                )
            if rule.amount_type not in TEAM_AMOUNT_TYPES:
                raise ValidationError(
                    self.env._(
                        "Incentive rule “%(rule)s”: a team pool pays a fixed amount, points, "
                        "a piece rate or a commission, not a share of a wage or a coefficient.",
                        rule=rule.name,
                    )
                )
            if rule.team_by == "department" and not rule.department_ids:
                raise ValidationError(
                    self.env._(
                        "Incentive rule “%(rule)s”: choose the departments that are the teams.",
                        rule=rule.name,
                    )
                )
            if rule.team_by == "category" and not rule.category_ids:
                raise ValidationError(
                    self.env._(
                        "Incentive rule “%(rule)s”: choose the employee tags that are the teams.",
                        rule=rule.name,
                    )
                )

    # ------------------------------------------------------------------
    # Teams and their members
    # ------------------------------------------------------------------
    def _pool_teams(self, kept=None):
        """{team key: (team record, members)} for this team rule.

        Members are the employees of the scope, archived ones included (a leaver is
        paid for the hours worked before leaving). An employee counts in one team
        only: the nearest of the rule's departments above their own, or the first of
        the rule's tags they carry. ``kept`` ({employee: team key}) keeps employees
        already paid in this run in the team they were paid in.
        """
        Employee = self.env["hr.employee"].sudo().with_context(active_test=False)
        employees = Employee.search(self._scope_domain())
        kept = kept or {}
        employees |= Employee.browse(list(kept))
        if self.team_by == "department":
            teams = {f"department:{d.id}": d for d in self.department_ids}
        else:
            teams = {f"category:{t.id}": t for t in self.category_ids.sorted("id")}
        members = {key: [] for key in teams}
        department_ids = set(self.department_ids.ids)
        for employee in employees:
            key = kept.get(employee.id) or self._team_of(employee, department_ids)
            if key in members:
                members[key].append(employee.id)
        return {key: (teams[key], Employee.browse(ids)) for key, ids in members.items()}

    def _team_of(self, employee, department_ids):
        if self.team_by == "department":
            path = employee.department_id.parent_path or ""
            for department_id in reversed([int(i) for i in path.split("/") if i]):
                if department_id in department_ids:
                    return f"department:{department_id}"
            return None
        tags = employee.category_ids & self.category_ids
        return f"category:{min(tags.ids)}" if tags else None

    # ------------------------------------------------------------------
    # The team's basis: one value per team
    # ------------------------------------------------------------------
    def _team_basis_values(self, teams, date_from, date_to):
        """{team key: (value, [explanation steps])} for the teams with a basis.

        KPI completion or score: a department's own KPI target of the period (its
        actual measured for the department or rolled up from its employees' targets,
        as KPI targets do); without one, and for a tag, the average of the members'
        completions (or scores). KPI value: a department's own values (entered for
        the department) when it has some in the period, otherwise the members'
        values, a day's values added up (summed KPIs) or averaged (others), the
        days aggregated as the KPI says.
        """
        if self.basis == "kpi_value":
            return self._team_period_values(teams, date_from, date_to)
        return self._team_kpi_values(teams, date_from, date_to)

    def _team_kpi_values(self, teams, date_from, date_to):
        field = "completion" if self.basis == "kpi_completion" else "score"
        departments = [team for team, _members in teams.values() if team._name == "hr.department"]
        own = {}
        if departments:
            for target in (
                self.env["kpi.target"]
                .sudo()
                .search(
                    [
                        ("definition_id", "=", self.definition_id.id),
                        ("level", "=", "department"),
                        ("department_id", "in", [d.id for d in departments]),
                        ("date_from", "<=", date_to),
                        ("date_to", ">=", date_from),
                    ],
                    order="date_from desc",
                )
            ):
                if target.has_actual:
                    own.setdefault(target.department_id.id, target)
        all_members = self.env["hr.employee"].union(*(m for _t, m in teams.values()))
        personal = {}
        for target in self._period_targets(all_members, date_from, date_to, self.definition_id):
            if target.has_actual:
                personal.setdefault(target.employee_id.id, target)
        result = {}
        for key, (team, members) in teams.items():
            target = own.get(team.id) if team._name == "hr.department" else None
            if target:
                unit = target.unit or ""
                value = round(target[field] * 100, 2)
                steps = [
                    _lt(
                        "%(kpi)s %(actual).4g%(unit)s vs target %(target).4g%(unit)s",
                        kpi=ref(target.definition_id),
                        actual=target.actual,
                        target=target.target,
                        unit=unit,
                    ),
                    _lt("completion %(value).4g%%", value=value)
                    if field == "completion"
                    else _lt("score %(value).4g%%", value=value),
                ]
                result[key] = (value, steps)
                continue
            values = [personal[m.id][field] for m in members if m.id in personal]
            if not values:
                continue
            value = round(sum(values) / len(values) * 100, 2)
            step = (
                _lt(
                    "%(kpi)s: average completion of %(count)s members %(value).4g%%",
                    kpi=ref(self.definition_id),
                    count=len(values),
                    value=value,
                )
                if field == "completion"
                else _lt(
                    "%(kpi)s: average score of %(count)s members %(value).4g%%",
                    kpi=ref(self.definition_id),
                    count=len(values),
                    value=value,
                )
            )
            result[key] = (value, [step])
        return result

    def _team_period_values(self, teams, date_from, date_to):
        definition = self.definition_id
        member_team = {m.id: key for key, (_t, members) in teams.items() for m in members}
        department_team = {
            team.id: key for key, (team, _m) in teams.items() if team._name == "hr.department"
        }
        domain = Domain("employee_id", "in", list(member_team))
        if department_team:
            domain |= Domain("employee_id", "=", False) & Domain(
                "department_id", "in", list(department_team)
            )
        groups = (
            self.env["kpi.measurement"]
            .sudo()
            ._read_group(
                Domain("definition_id", "=", definition.id)
                & Domain("date", ">=", date_from)
                & Domain("date", "<=", date_to)
                & domain,
                ["employee_id", "department_id", "date:day"],
                ["value:sum", "__count"],
                order="date:day",
            )
        )
        own, members = {}, {}  # {team key: {day: [total, count]}}
        for employee, department, day, total, count in groups:
            if employee:
                bucket = members.setdefault(member_team[employee.id], {})
            else:
                bucket = own.setdefault(department_team[department.id], {})
            daily = bucket.setdefault(day, [0.0, 0])
            daily[0] += total
            daily[1] += count
        result = {}
        for key in teams:
            days = own.get(key) or members.get(key)
            if not days:
                continue
            daily = [
                total if definition.aggregation == "sum" else total / count
                for total, count in days.values()
            ]
            value = round(kpi_logic.aggregate(daily, definition.aggregation), 4)
            result[key] = (value, [self._quantity_step(definition, value)])
        return result

    # ------------------------------------------------------------------
    # Weights
    # ------------------------------------------------------------------
    def _pool_weights(self, employees, date_from, date_to):
        """{employee id: (weight, hours, coefficient)} for the split, every employee
        listed (a weight of 0: nothing to share). One grouped query on attendances
        for all of them; for the equal split, one on contracts.

        Hours are the worked hours of the attendances dated in the period. Equal
        shares go to the members with an attendance or a contract in the period.
        """
        hours = {
            employee.id: (worked or 0.0, count)
            for employee, worked, count in self.env["hr.attendance"]
            .sudo()
            ._read_group(
                [
                    ("employee_id", "in", employees.ids),
                    ("date", ">=", date_from),
                    ("date", "<=", date_to),
                ],
                ["employee_id"],
                ["worked_hours:sum", "__count"],
            )
        }
        if self.split_key == "equal":
            contracts = employees.with_context(active_test=False)._get_contracts(date_from, date_to)
            return {
                e.id: (1.0 if (hours.get(e.id) or contracts.get(e.id)) else 0.0, 0.0, 1.0)
                for e in employees
            }
        result = {}
        for employee in employees:
            worked = round(hours.get(employee.id, (0.0, 0))[0], 2)
            coefficient = (
                employee.job_id.okr_pool_coefficient
                if self.split_key == "hours_coefficient" and employee.job_id
                else 1.0
            )
            result[employee.id] = (worked * coefficient, worked, coefficient)
        return result
