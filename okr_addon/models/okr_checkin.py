from odoo import api, fields, models
from odoo.exceptions import AccessError, ValidationError

from .okr_pay_guard import check_finite

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
    _inherit = ["okr.pay.guard"]
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

    def write(self, vals):
        res = super().write(vals)
        if "value" in vals or "date" in vals:
            self.env["okr.anomaly.flag"]._flag_checkins(self)
        return res

    def _okr_check_create(self, vals_list):
        """Check-ins by hand are in the caller's name, typed in; OKR administrators
        may also file those of an integration (import, connector). The phone page
        and the kiosk write after their own checks."""
        mine = self.env.user.employee_ids
        allowed = {"manual", "import", "connector"} if self._okr_is_admin() else {"manual"}
        for vals in vals_list:
            if vals.get("source", "manual") not in allowed:
                self._okr_refuse("source")
            if vals.get("employee_id") and vals["employee_id"] not in mine.ids:
                self._okr_refuse_checked_in_by()

    def _okr_check_write(self, vals):
        for name in ("key_result_id", "employee_id", "source"):
            if name in vals and not all(self._okr_same(c, name, vals[name]) for c in self):
                if name == "employee_id":
                    self._okr_refuse_checked_in_by()
                self._okr_refuse(name)

    def _okr_refuse_checked_in_by(self):
        raise AccessError(
            self.env._("A check-in is made in your own name: “Checked In By” is you.")
        )

    @api.constrains("value", "confidence")
    def _check_finite(self):
        for checkin in self:
            check_finite(
                self.env,
                self.env._("Check-in on “%(kr)s”", kr=checkin.key_result_id.name),
                checkin.value,
                checkin.confidence,
            )

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

    @api.constrains("key_result_id", "value")
    def _check_follows_kpi(self):
        """A key result fed by a KPI target has one truth, the KPI's: a check-in may
        give confidence and a note, not another figure."""
        for checkin in self:
            result = checkin.key_result_id
            if not result.kpi_target_id:
                continue
            kpi = result.sudo().kpi_target_id
            current = result.current_value
            if abs(checkin.value - current) > max(0.01, abs(current) * 0.005):
                raise ValidationError(
                    self.env._(
                        "“%(kr)s” follows the KPI %(kpi)s (%(current)s so far): its value "
                        "comes from there. Report the KPI's value instead, or check in with "
                        "%(current)s to give your confidence.",
                        kr=result.name,
                        kpi=kpi.definition_id.name,
                        current=f"{current:.4g}",
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
