from markupsafe import Markup

from odoo import fields, models


class OkrCheckinFeedback(models.TransientModel):
    """A manager's answer to a check-in, delivered to the employee (e-mail for portal users)."""

    _name = "okr.checkin.feedback"
    _description = "Feedback on a Check-in"

    checkin_id = fields.Many2one("okr.checkin", required=True, ondelete="cascade")
    message = fields.Text(required=True)

    def action_send(self):
        self.ensure_one()
        checkin = self.checkin_id
        result = checkin.key_result_id
        owner = result.employee_id.user_id
        result.message_post(
            body=Markup("<p>%s</p><p>%s</p>")
            % (
                # In the employee's language, whatever the manager's.
                self.with_context(lang=owner.lang or self.env.lang).env._(
                    "About your check-in of %(date)s (%(value)g %(unit)s):",
                    date=checkin.date,
                    value=checkin.value,
                    unit=result.unit or "",
                ),
                self.message,
            ),
            partner_ids=owner.partner_id.ids,
            subtype_xmlid="mail.mt_comment",
            message_type="comment",
        )
        return {"type": "ir.actions.act_window_close"}
