"""Key results nobody checked in on: the stale search and one reminder per gap."""

from odoo import api, fields, models
from odoo.fields import Domain


class OkrKeyResult(models.Model):
    """Stale key results: running ones without a check-in for the company's stale days,
    and the reminder their owner (or approver) gets once per gap."""

    _inherit = "okr.key.result"

    @api.model
    def _stale_domain(self, today, companies=None):
        """Running key results whose owner has not checked in for the stale days.

        Companies may set different stale days, so the domain is built per company
        (by default the user's allowed companies).
        """
        domains = []
        for company in companies or self.env.companies:
            limit = fields.Date.subtract(today, days=company.okr_stale_days)
            domains.append(
                Domain("company_id", "=", company.id)
                & (
                    Domain("last_checkin_date", "<=", limit)
                    | (
                        Domain("last_checkin_date", "=", False)
                        & Domain("objective_id.date_approved", "<=", limit)
                    )
                )
            )
        return (
            Domain("state", "=", "running")
            & Domain("cycle_id.state", "=", "running")
            & Domain.OR(domains)
        )

    @api.model
    def _cron_remind_stale(self):
        """Give the owner of each stale key result one reminder per check-in gap."""
        today = fields.Date.context_today(self)
        everywhere = self.sudo()
        companies = everywhere._read_group([("state", "=", "running")], ["company_id"])
        companies = self.env["res.company"].union(*(company for (company,) in companies))
        if not companies:
            return self
        stale = everywhere.search(everywhere._stale_domain(today, companies))
        # Already reminded since the last check-in: the same gap, no second reminder.
        todo = stale.filtered(
            lambda r: (
                not r.reminder_date
                or r.reminder_date <= (r.last_checkin_date or r.objective_id.date_approved)
            )
        )
        for result in todo:
            user = result.employee_id.user_id or result.objective_id.approver_id
            if not user:
                continue
            # Worded in the reader's language, not the scheduler's.
            reader = self.with_context(lang=user.lang or self.env.lang)
            if user.share:
                # Portal users (frontline staff) have no activities: e-mail them.
                result.message_post(
                    body=reader.env._(
                        "No check-in on “%(name)s” for a while: how is it going?", name=result.name
                    ),
                    partner_ids=user.partner_id.ids,
                    subtype_xmlid="mail.mt_comment",
                )
                continue
            result.activity_schedule(
                "okr_addon.mail_activity_okr_checkin",
                user_id=user.id,
                summary=reader.env._("Check in: %(name)s", name=result.name),
            )
        todo.reminder_date = today
        return todo

    def action_open_checkin(self):
        """Open a one-screen check-in for this key result."""
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Check in: %(name)s", name=self.name),
            "res_model": "okr.checkin",
            "view_mode": "form",
            "views": [(self.env.ref("okr_addon.okr_checkin_view_form_quick").id, "form")],
            "target": "new",
            "context": {
                "default_key_result_id": self.id,
                "default_value": self.current_value,
                "default_confidence": self.confidence or 0.7,
            },
        }

    # ------------------------------------------------------------------
    # Hooks of okr.forecast.alert.mixin
    # ------------------------------------------------------------------
