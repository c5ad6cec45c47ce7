import datetime

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError

# Values of this many days back are listed on the phone page to dispute.
DISPUTE_LIST_DAYS = 40


class OkrSelfService(models.AbstractModel):
    """Disputes from the phone page and the kiosk: the employee's own numbers only."""

    _inherit = "okr.self.service"

    @api.model
    def _disputable_values(self, employee):
        """The employee's own KPI values of the last weeks, newest first."""
        since = fields.Date.context_today(self) - datetime.timedelta(days=DISPUTE_LIST_DAYS)
        return (
            self.env["kpi.measurement"]
            .sudo()
            .search(
                [("employee_id", "=", employee.id), ("date", ">=", since)],
                order="date desc, id desc",
                limit=10,
            )
        )

    @api.model
    def _disputes(self, employee):
        return self.env["okr.dispute"].sudo().search([("employee_id", "=", employee.id)], limit=10)

    @api.model
    def _dispute(self, employee, values):
        """Open a dispute from a form: ``measurement_id`` (one of the employee's KPI
        values) or ``date`` (an attendance day), and ``reason``. AccessError (the
        caller answers 404) for a value that is not the employee's; UserError when
        refused."""
        reason = values.get("reason")
        Dispute = self.env["okr.dispute"]
        if values.get("measurement_id"):
            try:
                record_id = int(values["measurement_id"])
            except (TypeError, ValueError) as error:
                raise AccessError(self.env._("This is not yours.")) from error
            measurement = self._own("kpi.measurement", record_id, employee)
            return Dispute._open_dispute(employee, reason, measurement=measurement)
        try:
            day = fields.Date.to_date(values.get("date") or None)
        except ValueError as error:
            raise UserError(self.env._("Choose a day that has passed.")) from error
        return Dispute._open_dispute(employee, reason, day=day)
