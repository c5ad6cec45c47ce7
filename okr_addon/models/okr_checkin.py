from odoo import api, fields, models
from odoo.exceptions import ValidationError

SOURCES = [
    ("manual", "Manual"),
    ("portal", "Portal"),
    ("kiosk", "Kiosk"),
    ("import", "Import"),
    ("connector", "Connector"),
    ("auto", "Automatic"),
]


class OkrCheckin(models.Model):
    """A dated value reported for a key result, with the owner's confidence."""

    _name = "okr.checkin"
    _description = "OKR Check-in"
    _order = "date desc, id desc"
    _check_company_auto = True

    key_result_id = fields.Many2one("okr.key.result", required=True, ondelete="cascade", index=True)
    # Precomputed: written with the check-in's row, not by a second UPDATE of it.
    objective_id = fields.Many2one(
        related="key_result_id.objective_id", store=True, precompute=True
    )
    company_id = fields.Many2one(related="key_result_id.company_id", store=True, precompute=True)
    owner_id = fields.Many2one(
        related="key_result_id.employee_id",
        store=True,
        precompute=True,
        string="Key Result Owner",
    )
    date = fields.Date(required=True, default=fields.Date.context_today, index=True)
    value = fields.Float(required=True)
    unit = fields.Char(related="key_result_id.unit")
    confidence = fields.Float(
        default=0.7, help="How sure the owner is (0 to 1) of reaching the target."
    )
    note = fields.Text()
    employee_id = fields.Many2one(
        "hr.employee",
        string="Checked In By",
        default=lambda self: self.env.user.employee_id,
        check_company=True,
    )
    source = fields.Selection(SOURCES, default="manual", required=True)
    photo = fields.Image(
        max_width=1280, max_height=1280, help="Evidence, e.g. a photo of the board."
    )

    @api.model_create_multi
    def create(self, vals_list):
        checkins = super().create(vals_list)
        self.env["okr.anomaly.flag"]._flag_checkins(checkins)
        return checkins

    @api.constrains("key_result_id", "date", "value")
    def _check_open(self):
        for checkin in self:
            objective = checkin.key_result_id.objective_id
            if objective.cycle_id.state == "closed":
                raise ValidationError(
                    self.env._(
                        "No check-in on “%(kr)s”: cycle %(cycle)s is closed.",
                        kr=checkin.key_result_id.name,
                        cycle=objective.cycle_id.name,
                    )
                )
            if objective.state in ("cancelled", "closed"):
                raise ValidationError(
                    self.env._(
                        "No check-in on “%(kr)s”: objective “%(objective)s” is %(state)s.",
                        kr=checkin.key_result_id.name,
                        objective=objective.name,
                        state=dict(objective._fields["state"]._description_selection(self.env))[
                            objective.state
                        ],
                    )
                )

    @api.constrains("confidence")
    def _check_confidence(self):
        for checkin in self:
            if not 0.0 <= checkin.confidence <= 1.0:
                raise ValidationError(
                    self.env._(
                        "Check-in on “%(kr)s”: confidence is between 0 and 1 (got %(value)s).",
                        kr=checkin.key_result_id.name,
                        value=checkin.confidence,
                    )
                )

    def action_feedback(self):
        """One click from a check-in to an answer the employee receives."""
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Feedback"),
            "res_model": "okr.checkin.feedback",
            "view_mode": "form",
            "target": "new",
            "context": {"default_checkin_id": self.id},
        }
