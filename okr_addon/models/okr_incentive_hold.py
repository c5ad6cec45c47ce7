"""Incentive lines held by a disputed value: the hold, its reason, and what the
run shows of it. Posting skips held lines and posts the rest of the run."""

from odoo import api, fields, models


class OkrIncentiveLine(models.Model):
    _inherit = "okr.incentive.line"

    hold_dispute_ids = fields.Many2many(
        "okr.dispute",
        "okr_incentive_line_dispute_hold_rel",
        "line_id",
        "dispute_id",
        string="Held by Disputes",
        readonly=True,
        copy=False,
        check_company=True,
    )
    held = fields.Boolean(
        compute="_compute_held",
        store=True,
        index=True,
        help="A value this line depends on is disputed: not posted until it is settled.",
    )
    hold_reason = fields.Char(compute="_compute_hold_reason")

    @api.depends("hold_dispute_ids")
    def _compute_held(self):
        for line in self:
            line.held = bool(line.hold_dispute_ids)

    @api.depends("hold_dispute_ids.state", "hold_dispute_ids.reason")
    def _compute_hold_reason(self):
        for line in self:
            reasons = []
            for dispute in line.hold_dispute_ids:
                if dispute.state == "corrected":
                    reasons.append(
                        self.env._(
                            "held: %(dispute)s was corrected; recompute the run before posting",
                            dispute=dispute.display_name,
                        )
                    )
                else:
                    reasons.append(
                        self.env._(
                            "held: %(dispute)s is disputed (%(reason)s)",
                            dispute=dispute.display_name,
                            reason=dispute.reason,
                        )
                    )
            line.hold_reason = "; ".join(reasons)


class OkrIncentiveRun(models.Model):
    _inherit = "okr.incentive.run"

    held_count = fields.Integer(compute="_compute_hold_counts", string="Held by a Dispute")
    released_count = fields.Integer(
        compute="_compute_hold_counts",
        string="Released, to Post",
        help="Lines of a posted run released since: Post pays them (and only them).",
    )

    @api.depends("line_ids.held", "line_ids.state", "line_ids.amount", "posting_ids.amount")
    def _compute_hold_counts(self):
        for run in self:
            run.held_count = len(run.line_ids.filtered("held"))
            released = run.line_ids.filtered(
                lambda line: (
                    line.state == "ok"
                    and not line.held
                    and line.amount_type != "points"
                    and abs(line.amount - line.posted_amount) >= 0.005
                )
            )
            run.released_count = len(released) if run.state == "posted" else 0
