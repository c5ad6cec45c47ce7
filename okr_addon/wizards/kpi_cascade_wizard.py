from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import format_list

from ..logic import kpi as kpi_logic

# What a cascade run again changes on a target that already exists.
UPDATED_FIELDS = ("parent_id", "target", "floor", "has_stretch", "stretch", "weight")

RULES = [
    ("same", "Same value"),
    ("factor", "Tightened by a factor"),
    ("equal", "Equal split"),
    ("headcount", "Proportional to headcount"),
    ("weight", "Proportional to weight"),
]


class KpiCascadeWizard(models.TransientModel):
    """Generate the level below a KPI target: departments or employees."""

    _name = "kpi.cascade.wizard"
    _description = "Cascade a KPI Target"

    target_id = fields.Many2one("kpi.target", required=True, ondelete="cascade")
    child_level = fields.Selection(
        [("department", "Departments"), ("employee", "Employees")],
        default="employee",
        required=True,
    )
    parent_department_id = fields.Many2one(related="target_id.department_id")
    department_ids = fields.Many2many("hr.department", string="Departments")
    employee_ids = fields.Many2many(
        "hr.employee",
        string="Employees",
        compute="_compute_employee_ids",
        store=True,
        readonly=False,
        help="The department's employees to start with; only employees of the target's "
        "department can be chosen.",
    )
    rule = fields.Selection(RULES, default="same", required=True)
    factor = fields.Float(default=1.0, help="E.g. 0.889 turns a 4.5% limit into 4.0%.")
    line_ids = fields.One2many(
        "kpi.cascade.wizard.line",
        "wizard_id",
        compute="_compute_line_ids",
        store=True,
        readonly=False,
    )

    @api.depends("target_id", "child_level")
    def _compute_employee_ids(self):
        for wizard in self:
            department = wizard.target_id.department_id
            if wizard.child_level == "employee" and department:
                wizard.employee_ids = self.env["hr.employee"].search(
                    [("department_id", "child_of", department.id)], order="name"
                )
            else:
                wizard.employee_ids = False

    @api.depends("child_level", "department_ids", "employee_ids", "rule", "factor")
    def _compute_line_ids(self):
        for wizard in self:
            subjects = (
                wizard.department_ids if wizard.child_level == "department" else wizard.employee_ids
            )._origin
            shares = wizard._shares(subjects)
            values = wizard._split(shares) if shares else {}
            key = "department_id" if wizard.child_level == "department" else "employee_id"
            wizard.line_ids = [fields.Command.clear()] + [
                fields.Command.create(
                    {key: subject.id, "share": shares[subject.id], "target": values[subject.id]}
                )
                for subject in subjects
            ]

    def _shares(self, subjects):
        if self.child_level == "department" and self.rule == "headcount":
            counts = dict(
                self.env["hr.employee"]._read_group(
                    [("department_id", "in", subjects.ids)], ["department_id"], ["__count"]
                )
            )
            return {d.id: counts.get(d, 0) for d in subjects}
        return dict.fromkeys(subjects.ids, 1.0)

    def _split(self, shares):
        try:
            return kpi_logic.split_targets(self.target_id.target, self.rule, shares, self.factor)
        except kpi_logic.KpiError as error:
            raise UserError(
                self.env._(
                    "Cannot cascade %(name)s: %(reason)s",
                    name=self.target_id.name,
                    reason=str(error),
                )
            ) from error

    def action_confirm(self):
        """Create one child target per line; floors and stretches scale with the target."""
        self.ensure_one()
        parent = self.target_id
        if not self.line_ids:
            raise UserError(self.env._("Choose the departments or employees to cascade to."))
        if self.rule == "weight":
            shares = {line.id: line.share for line in self.line_ids}
            values = self._split(shares)
            for line in self.line_ids:
                line.target = values[line.id]
        self._check_subjects()
        ratio_of = (lambda value: value / parent.target) if parent.target else (lambda v: 1.0)
        vals_list = []
        for line in self.line_ids:
            scale = ratio_of(line.target)
            vals_list.append(
                {
                    "definition_id": parent.definition_id.id,
                    "company_id": parent.company_id.id,
                    "parent_id": parent.id,
                    "level": self.child_level,
                    "employee_id": line.employee_id.id,
                    "department_id": line.department_id.id or line.employee_id.department_id.id,
                    "date_from": parent.date_from,
                    "date_to": parent.date_to,
                    "target": line.target,
                    "floor": parent.floor * scale,
                    "has_stretch": parent.has_stretch,
                    "stretch": parent.stretch * scale,
                    "weight": line.share if self.rule == "weight" else parent.weight,
                }
            )
        children = self._update_or_create(vals_list)
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Cascaded Targets"),
            "res_model": "kpi.target",
            "view_mode": "list,form",
            "domain": [("id", "in", children.ids)],
        }

    def _check_subjects(self):
        """Employees of a department's target belong to that department."""
        department = self.target_id.department_id
        if self.child_level != "employee" or not department:
            return
        employees = self.line_ids.employee_id
        outside = employees - employees.filtered_domain(
            [("department_id", "child_of", department.id)]
        )
        if outside:
            raise UserError(
                self.env._(
                    "%(employees)s not in %(department)s: a department's target cascades to "
                    "its own employees.",
                    employees=format_list(self.env, outside.mapped("name")),
                    department=department.display_name,
                )
            )

    def _update_or_create(self, vals_list):
        """Targets for ``vals_list``: a subject that already has a target for this KPI
        and period gets it updated (and attached to this parent), never a second one."""
        Target = self.env["kpi.target"]
        key = "employee_id" if self.child_level == "employee" else "department_id"
        parent = self.target_id
        existing = {
            target[key].id: target
            for target in Target.search(
                [
                    ("definition_id", "=", parent.definition_id.id),
                    ("level", "=", self.child_level),
                    ("date_from", "=", parent.date_from),
                    ("date_to", "=", parent.date_to),
                    (key, "in", [vals[key] for vals in vals_list]),
                ]
            )
        }
        updated = Target
        for vals in [v for v in vals_list if v[key] in existing]:
            target = existing[vals[key]]
            target.write({f: vals[f] for f in UPDATED_FIELDS})
            updated |= target
        return updated | Target.create([v for v in vals_list if v[key] not in existing])
