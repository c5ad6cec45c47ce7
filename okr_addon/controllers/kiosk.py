import time
from urllib.parse import quote

from odoo import http
from odoo.exceptions import AccessError, UserError
from odoo.http import request

SESSION_KEY = "okr_kiosk"
SESSION_SECONDS = 120


class OkrKiosk(http.Controller):
    """A shared shop-floor tablet: badge + PIN, today's numbers, done.

    The address carries the company's secret kiosk token. The kiosk never
    lists employees; an identified employee sees only their own goals, for
    two minutes or until they tap "Done".

    ``website=True`` makes the pages frontend pages for ``http_routing``
    (through ``portal``), as on /my/okr; the website module is not needed.
    """

    def _company(self, token):
        company = request.env["okr.self.service"]._kiosk_company(token)
        if not company:
            raise request.not_found()
        return company

    def _session_employee(self, company):
        data = request.session.get(SESSION_KEY) or {}
        if data.get("company_id") != company.id or data.get("expires", 0) < time.time():
            return request.env["hr.employee"]
        return request.env["hr.employee"].sudo().browse(data["employee_id"]).exists()

    def _render(self, template, company, **values):
        return request.render(
            template, {"company": company, "token": company.sudo().okr_kiosk_token, **values}
        )

    @http.route(
        "/okr/kiosk/<string:token>", type="http", auth="public", methods=["GET"], website=True
    )
    def kiosk(self, token, **kwargs):
        company = self._company(token)
        employee = self._session_employee(company)
        if not employee:
            return self._render("okr_addon.kiosk_login", company, error=kwargs.get("error"))
        service = request.env["okr.self.service"]
        data = request.session.get(SESSION_KEY) or {}
        return self._render(
            "okr_addon.kiosk_employee",
            company,
            employee=employee,
            # The page goes back to the badge screen by itself when the session ends.
            seconds_left=max(int(data.get("expires", 0) - time.time()), 1),
            key_results=service._key_results(employee),
            kpi_targets=service._kpi_targets(employee),
            dispute_values=service._disputable_values(employee),
            disputes=service._disputes(employee),
            dispute_action=f"/okr/kiosk/{token}/dispute",
            message=kwargs.get("message"),
            error=kwargs.get("error"),
        )

    @http.route(
        "/okr/kiosk/<string:token>/login",
        type="http",
        auth="public",
        methods=["POST"],
        website=True,
    )
    def kiosk_login(self, token, badge=None, pin=None, **kwargs):
        company = self._company(token)
        try:
            employee = request.env["okr.self.service"]._kiosk_identify(company, badge, pin)
        except UserError as error:
            return request.redirect(f"/okr/kiosk/{token}?error={quote(error.args[0])}")
        request.session[SESSION_KEY] = {
            "company_id": company.id,
            "employee_id": employee.id,
            "expires": time.time() + SESSION_SECONDS,
        }
        return request.redirect(f"/okr/kiosk/{token}")

    @http.route(
        "/okr/kiosk/<string:token>/logout",
        type="http",
        auth="public",
        methods=["POST"],
        website=True,
    )
    def kiosk_logout(self, token, **kwargs):
        self._company(token)
        request.session.pop(SESSION_KEY, None)
        return request.redirect(f"/okr/kiosk/{token}")

    @http.route(
        "/okr/kiosk/<string:token>/dispute",
        type="http",
        auth="public",
        methods=["POST"],
    )
    def kiosk_dispute(self, token, **post):
        """Dispute one of the identified employee's values or attendance days."""
        company = self._company(token)
        employee = self._session_employee(company)
        if not employee:
            raise request.not_found()
        try:
            request.env["okr.self.service"]._dispute(employee, post)
        except AccessError as error:
            raise request.not_found() from error
        except UserError as error:
            return request.redirect(f"/okr/kiosk/{token}?error={quote(error.args[0])}")
        message = request.env._("Sent: your manager will look at it.")
        return request.redirect(f"/okr/kiosk/{token}?message={quote(message)}")

    @http.route(
        "/okr/kiosk/<string:token>/<string:kind>/<int:record_id>",
        type="http",
        auth="public",
        methods=["POST"],
    )
    def kiosk_submit(self, token, kind, record_id, **post):
        company = self._company(token)
        employee = self._session_employee(company)
        if not employee or kind not in ("kr", "kpi"):
            raise request.not_found()
        service = request.env["okr.self.service"]
        try:
            if kind == "kr":
                service._check_in(employee, record_id, post, "kiosk")
            else:
                service._report_kpi(employee, record_id, post, "kiosk")
        except AccessError as error:
            raise request.not_found() from error
        except UserError as error:
            return request.redirect(f"/okr/kiosk/{token}?error={quote(error.args[0])}")
        return request.redirect(
            f"/okr/kiosk/{token}?message={quote(request.env._('Saved, thank you!'))}"
        )
