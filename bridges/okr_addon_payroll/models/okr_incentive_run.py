from odoo import models


class OkrIncentiveRun(models.Model):
    _inherit = "okr.incentive.run"

    def _okr_waiting_note(self, pending):
        """With OCA payroll, a posting waits for its employee's payslip of its period."""
        if self.payroll_connector_id:
            return super()._okr_waiting_note(pending)
        periods, employees = self._okr_waiting_subjects(pending)
        return self.env._(
            "%(postings)s for payslips of %(periods)s (%(employees)s): create the payslip "
            "batch of that period (employees with a contract and a salary structure); the "
            "amounts land on the payslips automatically.",
            postings=self._okr_postings_wait(len(pending)),
            periods=periods,
            employees=employees,
        )
