import datetime

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError

from .okr_pay_guard import is_real_number

KIOSK_MAX_FAILURES = 5
KIOSK_LOCK_MINUTES = 15
# Failures across all badges of one kiosk: past this many within the window, the
# kiosk pauses every login for a minute (guessing badges one after another).
KIOSK_COMPANY_MAX_FAILURES = 10
KIOSK_COMPANY_WINDOW_MINUTES = 10
KIOSK_COMPANY_PAUSE_SECONDS = 60
# Values typed on the phone or the kiosk feed KPIs only of this source.
TYPED_KPI_SOURCE = "manual"


class OkrSelfService(models.AbstractModel):
    """What an employee may do from the portal or a shop-floor kiosk.

    Controllers stay thin: they find the employee, then call these methods,
    which check ownership themselves (portal and kiosk users have no access
    rights on the OKR models) and write with sudo only after that check.
    """

    _name = "okr.self.service"
    _description = "OKR Self-Service (portal and kiosk)"

    @api.model
    def _employee_of_user(self, user):
        return self.env["hr.employee"].sudo().search([("user_id", "=", user.id)], limit=1)

    @api.model
    def _key_results(self, employee):
        return (
            self.env["okr.key.result"]
            .sudo()
            .search(
                [("employee_id", "=", employee.id), ("state", "=", "running")],
                order="progress asc, id",
            )
        )

    @api.model
    def _kpi_targets(self, employee):
        today = fields.Date.context_today(self)
        return (
            self.env["kpi.target"]
            .sudo()
            .search(
                [
                    ("employee_id", "=", employee.id),
                    ("date_from", "<=", today),
                    ("date_to", ">=", today),
                    ("definition_id.source", "=", TYPED_KPI_SOURCE),
                ]
            )
        )

    @api.model
    def _own(self, model, record_id, employee):
        """The employee's own record, or AccessError (the caller answers 404)."""
        Model = self.env[model].sudo()
        # One query finds the record, checks the owner and reads what the caller shows.
        columns = [name for name, f in Model._fields.items() if f.store and f.column_type]
        record = (
            Model.search_fetch(
                [("id", "=", record_id), ("employee_id", "=", employee.id)], columns, limit=1
            )
            if employee
            else Model
        )
        if not record:
            raise AccessError(self.env._("This is not yours."))
        return record

    @api.model
    def _parse_value(self, text):
        """The number typed on a phone or a kiosk (a comma as decimal separator is
        fine); UserError for anything else, NaN and infinities included."""
        try:
            value = float(str(text).replace(",", ".").strip())
        except ValueError as error:
            raise UserError(self.env._("“%s” is not a number.", text)) from error
        if not is_real_number(value):
            raise UserError(self.env._("“%s” is not a number.", text))
        return value

    @api.model
    def _parse_confidence(self, text):
        """Confidence from 0 to 1 (0.7 when left empty); UserError when malformed."""
        if text in (None, False, ""):
            return 0.7
        value = self._parse_value(text)
        if not 0.0 <= value <= 1.0:
            raise UserError(self.env._("Confidence is between 0 and 1 (got “%s”).", text))
        return value

    @api.model
    def _check_in(self, employee, key_result_id, values, source):
        """Record a check-in on the employee's own key result; returns the key result."""
        result = self._own("okr.key.result", key_result_id, employee)
        vals = {
            "key_result_id": result.id,
            "value": self._parse_value(values.get("value")),
            "confidence": self._parse_confidence(values.get("confidence")),
            "note": (values.get("note") or "").strip() or False,
            "employee_id": employee.id,
            "source": source,
        }
        if values.get("photo"):
            vals["photo"] = values["photo"]
        try:
            # A refused check-in must leave nothing behind: the controller answers
            # with a message instead of an error page, so the request commits.
            with self.env.cr.savepoint():
                self.env["okr.checkin"].sudo().create(vals)
        except ValidationError as error:
            raise UserError(error.args[0]) from error
        return result

    @api.model
    def _report_kpi(self, employee, target_id, values, source):
        """Record today's value of a KPI for the employee (one per day and source)."""
        target = self._own("kpi.target", target_id, employee)
        if target.definition_id.source != TYPED_KPI_SOURCE:
            # Odoo computes it or a connector brings it: never overwritten from here.
            raise AccessError(self.env._("This is not yours."))
        value = self._parse_value(values.get("value"))
        today = fields.Date.context_today(self)
        Measurement = self.env["kpi.measurement"].sudo()
        existing = Measurement.search(
            [
                ("definition_id", "=", target.definition_id.id),
                ("employee_id", "=", employee.id),
                ("date", "=", today),
                ("source", "=", source),
            ]
        )
        try:
            with self.env.cr.savepoint():
                if existing:
                    existing.value = value
                else:
                    Measurement.create(
                        {
                            "definition_id": target.definition_id.id,
                            "employee_id": employee.id,
                            "date": today,
                            "value": value,
                            "source": source,
                        }
                    )
        except ValidationError as error:
            raise UserError(error.args[0]) from error
        # The phone's earnings preview reads this forecast: bring it up to date now
        # rather than at the next daily run (the target is the employee's own, checked).
        target._update_forecasts()
        return target

    # ------------------------------------------------------------------
    # Kiosk
    # ------------------------------------------------------------------
    @api.model
    def _kiosk_company(self, token):
        if not token:
            return self.env["res.company"]
        return self.env["res.company"].sudo().search([("okr_kiosk_token", "=", token)], limit=1)

    @api.model
    def _kiosk_identify(self, company, badge, pin):
        """The employee with this badge and PIN, or UserError with one generic
        message: an unknown badge, a wrong PIN and a locked badge read the same.
        Five wrong PINs lock the badge for 15 minutes; ten failures across badges
        within ten minutes pause the whole kiosk for a minute."""
        wrong = UserError(self.env._("Badge or PIN not recognised."))
        now = fields.Datetime.now()
        company = company.sudo()
        if company.okr_kiosk_paused_until and company.okr_kiosk_paused_until > now:
            raise UserError(
                self.env._("Too many attempts on this kiosk: wait a minute, then try again.")
            )
        badge = (badge or "").strip()
        employee = (
            self.env["hr.employee"]
            .sudo()
            .search([("company_id", "=", company.id), ("barcode", "=", badge)], limit=1)
            if badge
            else self.env["hr.employee"]
        )
        locked = employee.okr_kiosk_locked_until and employee.okr_kiosk_locked_until > now
        if not employee or locked or not employee.pin or employee.pin != (pin or "").strip():
            self._kiosk_count_failure(company, now)
            if employee and not locked:
                failures = employee.okr_kiosk_failures + 1
                vals = {"okr_kiosk_failures": failures}
                if failures >= KIOSK_MAX_FAILURES:
                    vals = {
                        "okr_kiosk_failures": 0,
                        "okr_kiosk_locked_until": now
                        + datetime.timedelta(minutes=KIOSK_LOCK_MINUTES),
                    }
                employee.write(vals)
            raise wrong
        employee.write({"okr_kiosk_failures": 0, "okr_kiosk_locked_until": False})
        return employee

    @api.model
    def _kiosk_count_failure(self, company, now):
        """Count a failed login on the company's kiosk; pause it past the limit."""
        window = datetime.timedelta(minutes=KIOSK_COMPANY_WINDOW_MINUTES)
        since = company.okr_kiosk_failures_since
        count = company.okr_kiosk_failure_count + 1 if since and since > now - window else 1
        vals = {
            "okr_kiosk_failure_count": count,
            "okr_kiosk_failures_since": since if count > 1 else now,
        }
        if count >= KIOSK_COMPANY_MAX_FAILURES:
            vals = {
                "okr_kiosk_failure_count": 0,
                "okr_kiosk_failures_since": False,
                "okr_kiosk_paused_until": now
                + datetime.timedelta(seconds=KIOSK_COMPANY_PAUSE_SECONDS),
            }
        company.write(vals)
