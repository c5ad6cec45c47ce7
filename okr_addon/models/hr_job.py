from odoo import api, fields, models
from odoo.exceptions import AccessError, ValidationError

from .okr_pay_guard import check_finite


class HrJob(models.Model):
    """The role coefficient of a job position in team pools split by hours × coefficient."""

    _inherit = "hr.job"

    okr_pool_coefficient = fields.Float(
        string="Team Pool Coefficient",
        default=1.0,
        tracking=True,
        help="In a team pool split by hours × role coefficient, each hour of this position "
        "weighs this much (e.g. 1.2 for a team leader, 1.0 for an operator). Set by HR.",
    )

    @api.constrains("okr_pool_coefficient")
    def _check_okr_pool_coefficient(self):
        for job in self:
            check_finite(self.env, self.env._("Team Pool Coefficient"), job.okr_pool_coefficient)
            if job.okr_pool_coefficient < 0:
                raise ValidationError(
                    self.env._(
                        "Job position “%(job)s”: the team pool coefficient cannot be negative.",
                        job=job.name,
                    )
                )

    @api.model_create_multi
    def create(self, vals_list):
        if any("okr_pool_coefficient" in vals for vals in vals_list):
            self._check_okr_pool_coefficient_writer()
        return super().create(vals_list)

    def write(self, vals):
        if "okr_pool_coefficient" in vals:
            hr_officer = self._check_okr_pool_coefficient_writer()
            if not hr_officer and set(vals) == {"okr_pool_coefficient"}:
                # An OKR administrator (checked above) without HR rights on job
                # positions sets this one field of the positions they may see (their
                # companies' record rules); tracking still names them.
                self.check_access("read")
                return super(HrJob, self.sudo()).write(vals)
        return super().write(vals)

    def _check_okr_pool_coefficient_writer(self):
        """The coefficient decides pay: HR officers and OKR administrators only.
        Returns whether the user is an HR officer (or the superuser)."""
        if self.env.su or self.env.user.has_group("hr.group_hr_user"):
            return True
        if self.env.user.has_group("okr_addon.group_okr_admin"):
            return False
        raise AccessError(
            self.env._(
                "Only HR officers and OKR administrators change a job position's team pool "
                "coefficient: it decides how team bonuses are shared."
            )
        )
