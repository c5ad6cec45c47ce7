import time
from urllib.parse import quote

from odoo import http
from odoo.exceptions import AccessError, UserError
from odoo.http import request

SESSION_KEY = "okr_kiosk"
# The server forgets the identified employee this long after their last page or save.
SESSION_SECONDS = 120
# The screen goes back to the badge screen after this long without a touch, and never
# later than the server's end: the countdown shows the sooner of the two.
IDLE_SECONDS = 30


class OkrKiosk(http.Controller):
    """A shared shop-floor tablet: badge + PIN, today's numbers, done.

    The address carries the company's secret kiosk token. The kiosk never
    lists employees; an identified employee sees only their own goals, until
    30 seconds without a touch, two minutes without a page or a save, or
    "Done". Before identification the kiosk speaks the company's language,
    after it the employee's.

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

    def _start_session(self, company, employee):
        """(Re)start the employee's kiosk session: every page and save renews it."""
        request.session[SESSION_KEY] = {
            "company_id": company.id,
            "employee_id": employee.id,
            "expires": time.time() + SESSION_SECONDS,
        }

    def _speak(self, company, employee=None):
        """Answer in the employee's language (their user's, else the company's),
        before identification in the company's."""
        lang = (employee and employee.user_id.lang) or company.partner_id.lang
        data = request.env["res.lang"]._get_data(code=lang) if lang else None
        if data and data.code:  # an active language; the tablet's cookie does not count
            request.lang = data
            request.update_context(lang=lang)

    def _render(self, template, company, **values):
        return request.render(
            template,
            {
                "company": company,
                # The company was found by this very token (_company): echoing it back reveals
                # nothing.
                "token": company.sudo().okr_kiosk_token,
                "lang_code": request.env.lang or "en_US",
                "idle_seconds": IDLE_SECONDS,
                **values,
            },
        )

    def _back(self, token, **params):
        query = "&".join(f"{key}={quote(value)}" for key, value in params.items())
        return request.redirect(f"/okr/kiosk/{token}" + (f"?{query}" if query else ""))

    @http.route(
        "/okr/kiosk/<string:token>", type="http", auth="public", methods=["GET"], website=True
    )
    def kiosk(self, token, **kwargs):
        company = self._company(token)
        employee = self._session_employee(company)
        self._speak(company, employee)
        if not employee:
            return self._render("okr_addon.kiosk_login", company, error=kwargs.get("error"))
        self._start_session(company, employee)
        service = request.env["okr.self.service"]
        return self._render(
            "okr_addon.kiosk_employee",
            company,
            employee=employee,
            # Without JavaScript the page goes back to the badge screen by itself
            # when the session ends.
            seconds_left=SESSION_SECONDS,
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
        self._speak(company)
        try:
            employee = request.env["okr.self.service"]._kiosk_identify(company, badge, pin)
        except UserError as error:
            return self._back(token, error=error.args[0])
        self._start_session(company, employee)
        return self._back(token)

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
        return self._back(token)

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
        self._speak(company, employee)
        try:
            request.env["okr.self.service"]._dispute(employee, post)
        except AccessError as error:
            raise request.not_found() from error
        except UserError as error:
            return self._back(token, error=error.args[0])
        return self._back(token, message=request.env._("Sent: your manager will look at it."))

    @http.route(
        "/okr/kiosk/<string:token>/<string:kind>/<int:record_id>",
        type="http",
        auth="public",
        methods=["POST"],
        website=True,
    )
    def kiosk_submit(self, token, kind, record_id, **post):
        """Save a check-in (``kr``) or today's KPI value (``kpi``). A value far from
        the item's recent values is not saved: the answer asks to confirm it, and
        the confirmation posts the same fields again with ``confirm=1``."""
        company = self._company(token)
        employee = self._session_employee(company)
        if not employee or kind not in ("kr", "kpi"):
            raise request.not_found()
        self._speak(company, employee)
        try:
            record, question = request.env["okr.self.service"]._kiosk_submit(
                employee, kind, record_id, post
            )
        except AccessError as error:
            raise request.not_found() from error
        except UserError as error:
            return self._back(token, error=error.args[0])
        self._start_session(company, employee)
        if not question:
            return self._back(token, message=request.env._("Saved, thank you!"))
        return self._render(
            "okr_addon.kiosk_confirm",
            company,
            employee=employee,
            seconds_left=SESSION_SECONDS,
            question=question,
            title=record.name if kind == "kr" else record.definition_id.name,
            unit=record.unit,
            action=f"/okr/kiosk/{token}/{kind}/{record_id}",
            value=post.get("value") or "",
            confidence=post.get("confidence") or "",
            note=post.get("note") or "",
        )
