import base64
from urllib.parse import quote

from odoo import http
from odoo.addons.portal.controllers.portal import CustomerPortal
from odoo.exceptions import AccessError, UserError
from odoo.http import request


class OkrPortal(CustomerPortal):
    """/my/okr: an employee's goals and one-minute check-ins, phone first.

    Works for internal users and for portal users linked to an employee
    (frontline staff without an Odoo licence); each sees only their own.

    ``website=True`` marks the pages as frontend pages for ``http_routing``
    (which ``portal`` depends on): language from the URL or the visitor, as on
    core's own /my pages. It does not need the website module; with it
    installed, the pages also follow the website's languages.
    """

    def _prepare_home_portal_values(self, counters):
        values = super()._prepare_home_portal_values(counters)
        if "okr_count" in counters:
            service = request.env["okr.self.service"]
            employee = service._employee_of_user(request.env.user)
            values["okr_count"] = (
                len(service._key_results(employee)) + len(service._kpi_targets(employee))
                if employee
                else 0
            )
        return values

    def _okr_employee(self):
        employee = request.env["okr.self.service"]._employee_of_user(request.env.user)
        if not employee:
            raise request.not_found()
        self._okr_speak_user_language()
        return employee

    def _okr_speak_user_language(self):
        """The goals page speaks the language set on the user (Preferences), not the
        browser's or a shared tablet's cookie: a worker reads it in their language."""
        lang = request.env.user.lang
        if not lang or lang == request.env.lang:
            return
        data = request.env["res.lang"]._get_data(code=lang)
        if data.code:  # an active language
            request.lang = data
            request.update_context(lang=lang)

    def _okr_values(self, employee, **extra):
        service = request.env["okr.self.service"]
        key_results = service._key_results(employee)
        lines = (
            request.env["okr.incentive.line"]
            .sudo()
            .search(
                [
                    ("employee_id", "=", employee.id),
                    ("state", "!=", "withdrawn"),
                    # HR's draft figures are not news yet: shown once the run is approved.
                    ("run_id.state", "in", ("approved", "posted")),
                ],
                limit=12,
            )
        )
        feedback = (
            request.env["mail.message"]
            .sudo()
            .search(
                [
                    ("model", "=", "okr.key.result"),
                    ("res_id", "in", key_results.ids),
                    ("message_type", "=", "comment"),
                    # Internal notes stay in the backend.
                    ("is_internal", "=", False),
                    ("subtype_id.internal", "=", False),
                    ("author_id", "!=", request.env.user.partner_id.id),
                ],
                limit=10,
            )
        )
        return {
            "page_name": "okr",
            "employee": employee,
            "key_results": key_results,
            "kpi_targets": service._kpi_targets(employee),
            "incentive_lines": lines,
            "incentive_previews": service._incentive_previews(employee),
            "feedback": feedback,
            "dispute_values": service._disputable_values(employee),
            "disputes": service._disputes(employee),
            "dispute_action": "/my/okr/dispute",
            **extra,
        }

    @http.route("/my/okr", type="http", auth="user", website=True)
    def portal_my_okr(self, **kwargs):
        employee = self._okr_employee()
        return request.render(
            "okr_addon.portal_my_okr",
            self._okr_values(employee, message=kwargs.get("message"), error=kwargs.get("error")),
        )

    @http.route("/my/okr/kr/<int:key_result_id>", type="http", auth="user", website=True)
    def portal_my_okr_key_result(self, key_result_id, **kwargs):
        employee = self._okr_employee()
        try:
            result = request.env["okr.self.service"]._own("okr.key.result", key_result_id, employee)
        except AccessError as error:
            raise request.not_found() from error
        return request.render(
            "okr_addon.portal_my_okr_key_result",
            {
                "page_name": "okr",
                "employee": employee,
                "key_result": result,
                "checkins": result.checkin_ids[:20],
                "error": kwargs.get("error"),
            },
        )

    @http.route(
        "/my/okr/kr/<int:key_result_id>/checkin",
        type="http",
        auth="user",
        website=True,
        methods=["POST"],
    )
    def portal_my_okr_checkin(self, key_result_id, **post):
        try:
            result = self._okr_portal_check_in(key_result_id, post)
        except UserError as error:
            return request.redirect(f"/my/okr/kr/{key_result_id}?error={quote(error.args[0])}")
        message = self._okr_saved_message(result)
        return request.redirect(f"/my/okr?message={quote(message)}")

    @http.route(
        "/my/okr/kr/<int:key_result_id>/checkin.json",
        type="http",
        auth="user",
        methods=["POST"],
    )
    def portal_my_okr_checkin_json(self, key_result_id, **post):
        """The phone page's check-in, sent by fetch(): same form fields (CSRF token
        included), but the answer is only the key result's new figures, which the
        page puts in place, instead of a redirect and a whole page to render.

        200 {"ok": true, ...figures}; 422 {"ok": false, "error": "..."} when the
        check-in is refused (closed cycle, not a number); 404 when the key result
        is not the user's; 400 without a valid CSRF token (checked by Odoo)."""
        try:
            result = self._okr_portal_check_in(key_result_id, post)
        except UserError as error:
            return request.make_json_response({"ok": False, "error": error.args[0]}, status=422)
        return request.make_json_response(
            {
                "ok": True,
                "key_result_id": result.id,
                "message": self._okr_saved_message(result),
                "progress": round(result.progress * 100),
                "current_value": f"{result.current_value:g}",
            }
        )

    def _okr_portal_check_in(self, key_result_id, post):
        """Save a check-in from the portal form; the key result, 404 if not the user's,
        UserError (nothing saved) if refused."""
        employee = self._okr_employee()
        photo = post.get("photo")
        if photo and hasattr(photo, "read"):
            data = photo.read()
            post["photo"] = base64.b64encode(data) if data else False
        try:
            return request.env["okr.self.service"]._check_in(
                employee, key_result_id, post, "portal"
            )
        except AccessError as error:
            raise request.not_found() from error

    def _okr_saved_message(self, result):
        return request.env._(
            "Saved: %(name)s is at %(progress)d%%",
            name=result.name,
            progress=round(result.progress * 100),
        )

    @http.route(
        "/my/okr/kpi/<int:target_id>", type="http", auth="user", website=True, methods=["POST"]
    )
    def portal_my_okr_kpi(self, target_id, **post):
        employee = self._okr_employee()
        try:
            target = request.env["okr.self.service"]._report_kpi(
                employee, target_id, post, "portal"
            )
        except AccessError as error:
            raise request.not_found() from error
        except UserError as error:
            return request.redirect(f"/my/okr?error={quote(error.args[0])}")
        message = request.env._("Saved: %(kpi)s", kpi=target.definition_id.name)
        return request.redirect(f"/my/okr?message={quote(message)}")

    @http.route("/my/okr/dispute", type="http", auth="user", website=True, methods=["POST"])
    def portal_my_okr_dispute(self, **post):
        """Dispute one of the user's own KPI values or attendance days (404 for anyone
        else's value, a message when refused)."""
        employee = self._okr_employee()
        try:
            request.env["okr.self.service"]._dispute(employee, post)
        except AccessError as error:
            raise request.not_found() from error
        except UserError as error:
            return request.redirect(f"/my/okr?error={quote(error.args[0])}")
        message = request.env._("Sent: your manager will look at it.")
        return request.redirect(f"/my/okr?message={quote(message)}")

    @http.route("/my/okr/certificate/<int:line_id>", type="http", auth="user", website=True)
    def portal_my_okr_certificate(self, line_id, **kwargs):
        """Download the employee's own honour certificate; 404 for anyone else's."""
        employee = self._okr_employee()
        try:
            line = request.env["okr.self.service"]._own("okr.incentive.line", line_id, employee)
        except AccessError as error:
            raise request.not_found() from error
        certificate = line.certificate_id.sudo()
        if not certificate or line.run_id.state not in ("approved", "posted"):
            raise request.not_found()
        return request.make_response(
            certificate.raw,
            headers=[
                ("Content-Type", certificate.mimetype or "application/pdf"),
                ("Content-Disposition", http.content_disposition(certificate.name)),
            ],
        )
