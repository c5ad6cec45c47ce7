from odoo import fields, models


class OkrNextCycleWizardLine(models.TransientModel):
    _name = "okr.next.cycle.wizard.line"
    _description = "Prepare the Next Cycle: one proposed target"
    _order = "employee_id, kind, id"

    wizard_id = fields.Many2one("okr.next.cycle.wizard", required=True, ondelete="cascade")
    include = fields.Boolean(default=True)
    kind = fields.Selection([("kpi", "KPI Target"), ("key_result", "Key Result")], required=True)
    employee_id = fields.Many2one("hr.employee", readonly=True)
    kpi_target_id = fields.Many2one("kpi.target", string="This Cycle's KPI Target", readonly=True)
    key_result_id = fields.Many2one(
        "okr.key.result", string="This Cycle's Key Result", readonly=True
    )
    name = fields.Char(readonly=True)
    previous_target = fields.Float(string="Target", readonly=True)
    result = fields.Float(readonly=True)
    proposed_start = fields.Float(string="Next Start")
    proposed_target = fields.Float(string="Next Target")
    reason = fields.Char(readonly=True)
