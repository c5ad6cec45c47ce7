from odoo import api, fields, models
from odoo.exceptions import UserError

from ..logic import periods


class OkrCycle(models.Model):
    """A period (quarter, month or custom) in which objectives run and are scored."""

    _name = "okr.cycle"
    _description = "OKR Cycle"
    _inherit = ["mail.thread"]
    _order = "date_start desc, id desc"

    name = fields.Char(
        compute="_compute_name",
        store=True,
        precompute=True,
        readonly=False,
        required=True,
        tracking=True,
    )
    cadence = fields.Selection(
        [("quarter", "Quarter"), ("month", "Month"), ("custom", "Custom")],
        default="quarter",
        required=True,
    )
    date_start = fields.Date(
        string="Start Date",
        required=True,
        default=lambda self: periods.quarter_bounds(fields.Date.context_today(self))[0],
        tracking=True,
    )
    date_end = fields.Date(
        string="End Date",
        compute="_compute_date_end",
        store=True,
        precompute=True,
        readonly=False,
        required=True,
        tracking=True,
    )
    state = fields.Selection(
        [("draft", "Draft"), ("running", "Running"), ("closed", "Closed")],
        default="draft",
        required=True,
        tracking=True,
        copy=False,
    )
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company
    )
    objective_ids = fields.One2many("okr.objective", "cycle_id", string="Objectives")
    objective_count = fields.Integer(compute="_compute_objective_stats")
    progress = fields.Float(
        compute="_compute_objective_stats",
        help="Mean progress of the cycle's running and closed objectives.",
    )

    _date_order = models.Constraint(
        "CHECK(date_end >= date_start)",
        "A cycle cannot end before it starts.",
    )

    @api.depends("cadence", "date_start")
    def _compute_name(self):
        for cycle in self:
            if not cycle.name and cycle.date_start:
                cycle.name = periods.cycle_name(cycle.cadence, cycle.date_start)

    @api.depends("cadence", "date_start")
    def _compute_date_end(self):
        for cycle in self:
            bounds = cycle.date_start and periods.cycle_bounds(cycle.cadence, cycle.date_start)
            if bounds:
                cycle.date_end = bounds[1]
            elif not cycle.date_end:
                cycle.date_end = cycle.date_start

    @api.depends("objective_ids.progress", "objective_ids.state")
    def _compute_objective_stats(self):
        groups = self.env["okr.objective"]._read_group(
            [("cycle_id", "in", self.ids), ("state", "in", ("running", "closed"))],
            groupby=["cycle_id"],
            aggregates=["__count", "progress:avg"],
        )
        stats = {cycle.id: (count, avg) for cycle, count, avg in groups}
        counts = dict(
            self.env["okr.objective"]._read_group(
                [("cycle_id", "in", self.ids)], ["cycle_id"], ["__count"]
            )
        )
        for cycle in self:
            cycle.objective_count = counts.get(cycle, 0)
            cycle.progress = stats.get(cycle.id, (0, 0.0))[1] or 0.0

    def action_start(self):
        if self.filtered(lambda c: c.state != "draft"):
            raise UserError(self.env._("Only draft cycles can be started."))
        self.state = "running"

    def action_close(self):
        """Close the cycle: running objectives are scored and closed."""
        if self.filtered(lambda c: c.state != "running"):
            raise UserError(self.env._("Only running cycles can be closed."))
        # Closing a cycle is an OKR administrator's act (cycles are theirs to write),
        # and closes their own objectives too.
        self.check_access("write")
        self.objective_ids.filtered(lambda o: o.state == "running")._close_scored()
        self.state = "closed"
        if (
            len(self) == 1
            and not self.env.context.get("okr_skip_next_cycle")
            and self.env.user.has_group("okr_addon.group_okr_manager")
        ):
            return self.action_prepare_next()
        return True

    def action_prepare_next(self):
        """Propose next cycle's targets from this cycle's results."""
        self.ensure_one()
        wizard = self.env["okr.next.cycle.wizard"].create({"cycle_id": self.id})
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Prepare the next cycle"),
            "res_model": "okr.next.cycle.wizard",
            "res_id": wizard.id,
            "view_mode": "form",
            "target": "new",
        }

    def action_reopen(self):
        self.filtered(lambda c: c.state == "closed").state = "running"

    def action_open_objectives(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("okr_addon.okr_objective_action")
        action["domain"] = [("cycle_id", "=", self.id)]
        action["context"] = {"default_cycle_id": self.id}
        return action
