"""The demo's attendance to reconcile: the press shop's terminal file and the
kiosk disagree on one day of Wang Wu's, which Li Na resolves in
OKR > Attendance > Reconciliation."""

import datetime

from odoo import api, models

from ..logic import sync


class OkrDemoHistory(models.AbstractModel):
    _inherit = "okr.demo.history"

    @api.model
    def _okr_demo_attendance_disagreement(self, employee_xmlid, minutes_earlier):
        """Import a terminal file saying the employee arrived ``minutes_earlier`` than
        the kiosk recorded on their last day worked; return the sync log's id (the
        same file again changes nothing)."""
        employee = self._okr_demo_ref(employee_xmlid)
        last = self.env["hr.attendance"].search(
            [("employee_id", "=", employee.id), ("check_out", "!=", False)],
            order="check_in desc",
            limit=1,
        )
        if not last:
            return False
        Connector = self.env["okr.connector"]
        terminal = Connector.search(
            [("name", "=", "Press Shop Terminal"), ("company_id", "=", employee.company_id.id)],
            limit=1,
        ) or Connector.create(
            {
                "name": "Press Shop Terminal",
                "kind": "attendance_csv",
                "company_id": employee.company_id.id,
                "tz": employee._get_tz(),
            }
        )
        arrived = sync.to_local(last.check_in, terminal.tz) - datetime.timedelta(
            minutes=minutes_earlier
        )
        left = sync.to_local(last.check_out, terminal.tz) + datetime.timedelta(minutes=1)
        rows = [
            "No.,Name,Time,State",
            f"{employee.barcode},{employee.name},{arrived:%Y-%m-%d %H:%M:%S},C/In",
            f"{employee.barcode},{employee.name},{left:%Y-%m-%d %H:%M:%S},C/Out",
        ]
        data = "\n".join(rows).encode()
        return terminal._run("upload", data=data, filename="press_terminal.csv").id
