from odoo import models


class OkrIncentiveLine(models.Model):
    _inherit = "okr.incentive.line"

    def _recognize(self):
        """Also grant the rule's badge, once per line, to employees with a login."""
        todo = self.filtered(
            lambda line: (
                line.state == "ok"
                and not line.recognized
                and line.rule_id.badge_id
                and line.amount > 0
                and line.employee_id.user_id
            )
        )
        res = super()._recognize()
        if not todo:
            return res
        granted = (
            self.env["gamification.badge.user"]
            .sudo()
            .create(
                [
                    {
                        "badge_id": line.rule_id.badge_id.id,
                        "user_id": line.employee_id.user_id.id,
                        "employee_id": line.employee_id.id,
                        "comment": line.explanation,
                    }
                    for line in todo
                ]
            )
        )
        granted._send_badge()
        return res
