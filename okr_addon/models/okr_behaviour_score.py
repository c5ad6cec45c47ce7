from odoo import api, fields, models
from odoo.exceptions import ValidationError

MIN_SCORE, MAX_SCORE = 1, 5


class OkrBehaviourScore(models.Model):
    """A manager's or a peer's 1–5 score of an employee on one behaviour in one cycle.

    Each reviewer scores an employee once per dimension and cycle; nobody scores
    themselves, and a "manager" score can only come from the employee's manager.
    """

    _name = "okr.behaviour.score"
    _description = "Behaviour Score"
    _order = "cycle_id desc, employee_id, dimension_id, id"
    _check_company_auto = True

    employee_id = fields.Many2one(
        "hr.employee", required=True, index=True, ondelete="cascade", check_company=True
    )
    dimension_id = fields.Many2one(
        "okr.behaviour.dimension",
        string="Behaviour",
        required=True,
        index=True,
        ondelete="restrict",
        check_company=True,
    )
    cycle_id = fields.Many2one(
        "okr.cycle", required=True, index=True, ondelete="cascade", check_company=True
    )
    reviewer_id = fields.Many2one(
        "hr.employee",
        required=True,
        index=True,
        default=lambda self: self.env.user.employee_id,
        check_company=True,
    )
    reviewer_role = fields.Selection(
        [("manager", "Manager"), ("peer", "Peer")],
        string="Role",
        compute="_compute_reviewer_role",
        store=True,
        readonly=False,
        precompute=True,
        required=True,
    )
    score = fields.Integer(required=True, aggregator="avg", help="1 (poor) to 5 (excellent).")
    comment = fields.Text()
    company_id = fields.Many2one(
        related="employee_id.company_id", store=True, index=True, precompute=True
    )

    _one_per_reviewer = models.Constraint(
        "UNIQUE(employee_id, dimension_id, cycle_id, reviewer_id)",
        "A reviewer scores an employee once per behaviour and cycle.",
    )

    @api.depends("employee_id", "reviewer_id")
    def _compute_reviewer_role(self):
        for record in self:
            is_manager = record.reviewer_id and record.reviewer_id == record.employee_id.parent_id
            record.reviewer_role = "manager" if is_manager else "peer"

    @api.constrains("score", "employee_id", "reviewer_id", "reviewer_role")
    def _check_score(self):
        for record in self:
            names = {
                "employee": record.employee_id.name,
                "dimension": record.dimension_id.name,
                "reviewer": record.reviewer_id.name,
            }
            if not MIN_SCORE <= record.score <= MAX_SCORE:
                raise ValidationError(
                    self.env._(
                        "%(dimension)s score of %(employee)s by %(reviewer)s: the score must "
                        "be between %(low)s and %(high)s, not %(score)s.",
                        low=MIN_SCORE,
                        high=MAX_SCORE,
                        score=record.score,
                        **names,
                    )
                )
            if record.reviewer_id == record.employee_id:
                raise ValidationError(
                    self.env._(
                        "%(dimension)s score of %(employee)s: nobody reviews themselves.",
                        **names,
                    )
                )
            if (
                record.reviewer_role == "manager"
                and record.reviewer_id != record.employee_id.parent_id
            ):
                raise ValidationError(
                    self.env._(
                        "%(dimension)s score of %(employee)s: %(reviewer)s is not their "
                        "manager, so the reviewer role must be Peer.",
                        **names,
                    )
                )
