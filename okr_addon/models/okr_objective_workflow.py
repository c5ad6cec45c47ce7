"""An objective's workflow: submit, approve, send back, close, cancel, and who may."""

from markupsafe import Markup

from odoo import fields, models
from odoo.exceptions import AccessError, UserError

from ..logic import progress as okr_progress
from .okr_pay_guard import trusted


class OkrObjective(models.Model):
    """The objective's life cycle. Each action checks the caller (four eyes: nobody
    approves, sends back or closes their own objective), then writes through
    trusted() (see okr.pay.guard)."""

    _inherit = "okr.objective"

    def _is_okr_admin(self):
        return self.env.user.has_group("okr_addon.group_okr_admin")

    def _check_not_owner(self):
        """Four eyes: nobody approves, sends back or closes their own objective."""
        if self.env.su:
            return
        for objective in self:
            if objective.employee_id and objective.employee_id.sudo().user_id == self.env.user:
                raise AccessError(
                    self.env._(
                        "“%(name)s” is your own objective: someone else (your manager or "
                        "an OKR administrator) approves, sends back or closes it.",
                        name=objective.name,
                    )
                )

    def _check_can_approve(self):
        self._check_not_owner()
        if self.env.su or self._is_okr_admin():
            return
        for objective in self:
            if objective.approver_id != self.env.user:
                raise AccessError(
                    self.env._(
                        "Only %(approver)s or an OKR administrator can approve, send "
                        "back or close “%(name)s”.",
                        approver=objective.approver_id.name or self.env._("the approver"),
                        name=objective.name,
                    )
                )

    def _check_state(self, allowed, action):
        wrong = self.filtered(lambda o: o.state not in allowed)
        if wrong:
            raise UserError(
                self.env._(
                    "Cannot %(action)s “%(name)s”: it is %(state)s.",
                    action=action,
                    name=wrong[0].name,
                    state=wrong[0]._state_label(),
                )
            )

    def _check_can_edit(self):
        """Owner, approver, their managers and OKR administrators: whoever the record
        rules let change the objective (AccessError otherwise)."""
        self.check_access("write")

    def action_submit(self):
        self._check_state(("draft",), self.env._("submit"))
        for objective in self:
            if not objective.key_result_ids:
                raise UserError(
                    self.env._(
                        "Objective “%(name)s” has no key result: add at least one "
                        "before submitting it.",
                        name=objective.name,
                    )
                )
        self._check_can_edit()
        trusted(self).state = "submitted"
        for objective in self.filtered("approver_id"):
            # Worded in the approver's language.
            reader = self.with_context(lang=objective.approver_id.lang or self.env.lang)
            objective.activity_schedule(
                "okr_addon.mail_activity_okr_approval",
                user_id=objective.approver_id.id,
                summary=reader.env._("Review objective: %(name)s", name=objective.name),
            )
        return True

    def action_approve(self):
        self._check_state(("submitted", "draft"), self.env._("approve"))
        self._check_can_approve()
        trusted(self).write({"state": "running", "date_approved": fields.Date.context_today(self)})
        self.activity_feedback(["okr_addon.mail_activity_okr_approval"])
        return True

    def action_send_back(self):
        """Open the wizard asking the approver why the objective goes back to draft."""
        self._check_state(("submitted", "running"), self.env._("send back"))
        self._check_can_approve()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Send Back"),
            "res_model": "okr.objective.send.back",
            "view_mode": "form",
            "target": "new",
            "context": {"default_objective_ids": self.ids},
        }

    def _send_back(self, comment):
        self._check_state(("submitted", "running"), self.env._("send back"))
        self._check_can_approve()
        trusted(self).state = "draft"
        self.activity_unlink(["okr_addon.mail_activity_okr_approval"])
        for objective in self:
            # Worded in the owner's language, whatever the approver's.
            owner = objective.employee_id.user_id
            reader = self.with_context(lang=owner.lang or self.env.lang)
            objective.message_post(
                body=Markup("<p>%s</p><p>%s</p>")
                % (reader.env._("Sent back for revision:"), comment),
                subtype_xmlid="mail.mt_comment",
                partner_ids=owner.partner_id.ids,
            )
            if owner:
                objective.activity_schedule(
                    "mail.mail_activity_data_todo",
                    user_id=owner.id,
                    summary=reader.env._("Revise objective: %(name)s", name=objective.name),
                    note=comment,
                )

    def action_close(self):
        """Score each running objective from its key results and close it."""
        self._check_state(("running",), self.env._("close"))
        self._check_can_approve()
        self._close_scored()
        return True

    def _close_scored(self):
        """Score and close: callers check first who may (the approver, an OKR
        administrator, or whoever closes the whole cycle)."""
        for objective in trusted(self):
            results = objective.key_result_ids
            objective.write(
                {
                    "state": "closed",
                    "score": okr_progress.weighted_mean(
                        zip(results.mapped("score"), results.mapped("weight"), strict=True)
                    )
                    if results
                    else 0.0,
                }
            )

    def action_cancel(self):
        self._check_state(("draft", "submitted", "running"), self.env._("cancel"))
        if self.filtered(lambda o: o.state != "draft"):
            self._check_can_approve()
        self._check_can_edit()
        trusted(self).state = "cancelled"
        self.activity_unlink(["okr_addon.mail_activity_okr_approval"])
        return True

    def action_reset_draft(self):
        self._check_state(("cancelled",), self.env._("reset"))
        self._check_can_edit()
        trusted(self).state = "draft"
        return True
