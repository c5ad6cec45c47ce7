from odoo import http
from odoo.addons.portal.controllers.web import Home
from odoo.addons.web.controllers.utils import is_user_internal
from odoo.http import request

PHONE_PAGE = "/my/okr"


class OkrHome(Home):
    """Frontline workers with a portal login land on their goals (/my/okr), not on
    the portal's document list: that page is where their day's check-in is."""

    @http.route()
    def index(self, *args, **kw):
        uid = request.session.uid
        if uid and not is_user_internal(uid) and self._okr_is_employee(uid):
            return request.redirect_query(PHONE_PAGE, query=request.params)
        return super().index(*args, **kw)

    def _login_redirect(self, uid, redirect=None):
        if not redirect and not is_user_internal(uid) and self._okr_is_employee(uid):
            redirect = PHONE_PAGE
        return super()._login_redirect(uid, redirect=redirect)

    def _okr_is_employee(self, uid):
        user = request.env["res.users"].browse(uid)
        return bool(request.env["okr.self.service"]._employee_of_user(user))
