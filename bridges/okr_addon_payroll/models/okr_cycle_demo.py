from dateutil.relativedelta import relativedelta

from odoo import api, models

# Monthly wage (CNY) of the demo's stamping workers.
DEMO_WAGE = 6200.0


class OkrCycle(models.Model):
    _inherit = "okr.cycle"

    @api.model
    def _okr_demo_payroll(self):
        """Post the demo's closed quarter into payslips through the real flow:
        contracts with the factory structure, draft payslips of the month after
        the quarter, then the approved run posted (its postings land on the
        payslips) and the payslips computed."""
        run = self.env.ref("okr_addon.incentive_run_previous_quarter")
        structure = self.env.ref("okr_addon_payroll.structure_factory_demo")
        employees = run.line_ids.employee_id
        employees.version_id.write({"struct_id": structure.id, "wage": DEMO_WAGE})
        date_from = run.date_to + relativedelta(days=1)
        payslips = self.env["hr.payslip"].create(
            [
                {
                    "employee_id": employee.id,
                    "contract_id": employee.version_id.id,
                    "struct_id": structure.id,
                    "date_from": date_from,
                    "date_to": date_from + relativedelta(months=1, days=-1),
                    # Demo data, like the names in the demo files: not a UI message.
                    "name": f"{employee.name} · {date_from:%Y-%m}",
                }
                for employee in employees
            ]
        )
        run.action_post()
        payslips.compute_sheet()
        return payslips
