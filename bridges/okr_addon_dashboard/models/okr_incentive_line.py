from odoo import api, fields, models
from odoo.fields import Domain

PAID_RUN_STATES = ("approved", "posted")


class OkrIncentiveLine(models.Model):
    _inherit = "okr.incentive.line"

    in_last_paid_run = fields.Boolean(
        string="In the Last Approved Run",
        compute="_compute_in_last_paid_run",
        search="_search_in_last_paid_run",
        help="Line of its company's latest approved or posted incentive run "
        "(the latest period end; the dashboard's incentive distribution).",
    )

    @api.model
    def _last_paid_runs(self):
        """The latest approved or posted run of each company the reader sees.

        Runs are for OKR administrators: without read access to them, no run.
        """
        runs = self.env["okr.incentive.run"]
        if not runs.has_access("read"):
            return runs
        last = {}
        for run in runs.search([("state", "in", PAID_RUN_STATES)], order="date_to desc, id desc"):
            last.setdefault(run.company_id, run)
        return runs.union(*last.values())

    @api.depends("run_id.state", "run_id.date_to")
    @api.depends_context("allowed_company_ids")
    def _compute_in_last_paid_run(self):
        last = self._last_paid_runs()
        for line in self:
            line.in_last_paid_run = line.run_id in last

    def _search_in_last_paid_run(self, operator, value):
        if operator not in ("in", "not in"):
            return NotImplemented
        runs = self._last_paid_runs()
        if (operator == "in") == (True in value):
            return Domain("run_id", "in", runs.ids)
        return Domain("run_id", "not in", runs.ids)
