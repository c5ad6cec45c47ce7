from odoo import fields, models


class KpiCascadeWizardLine(models.TransientModel):
    _name = "kpi.cascade.wizard.line"
    _description = "Cascade a KPI Target: one child"

    wizard_id = fields.Many2one("kpi.cascade.wizard", required=True, ondelete="cascade")
    department_id = fields.Many2one("hr.department")
    employee_id = fields.Many2one("hr.employee")
    share = fields.Float(help="Headcount or weight used by proportional rules.")
    target = fields.Float()
