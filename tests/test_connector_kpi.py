import datetime

from odoo.addons.okr_addon.connectors.testing import FakeRemote, Reply
from odoo.tests import tagged

from .common import ConnectorCase

D = datetime.date

KPI_FILE = """KPI Code,Employee Code,Date,Value
OUTPUT,1001,2026-11-02,412
OUTPUT,1001,2026-11-03,{nov3}
SCRAP_RATE,1002,2026-11-02,1.8
WELDS,1001,2026-11-02,9
OUTPUT,1999,2026-11-02,100
LATE,1001,2026-11-02,1
OUTPUT,1002,2026-11-02,n/a
"""


class KpiConnectorCase(ConnectorCase):
    """The factory's KPIs: Output (summed, with a November target for worker 1001),
    Scrap rate (fed by connectors) and Late arrivals (computed from attendances)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Definition = cls.env["kpi.definition"]
        common = {"company_id": cls.factory.id}
        cls.output = Definition.create(
            {"name": "Output", "code": "OUTPUT", "aggregation": "sum", **common}
        )
        cls.scrap = Definition.create(
            {"name": "Scrap rate", "code": "SCRAP_RATE", "source": "connector", **common}
        )
        Definition.create(
            {
                "name": "Late arrivals",
                "code": "LATE",
                "source": "attendance",
                "attendance_metric": "late_arrivals",
                **common,
            }
        )
        cls.values = cls._connector(name="MES daily output", kind="kpi_csv")
        cls.target = cls.env["kpi.target"].create(
            {
                "definition_id": cls.output.id,
                "company_id": cls.factory.id,
                "level": "employee",
                "employee_id": cls.by_badge["1001"].id,
                "date_from": D(2026, 11, 1),
                "date_to": D(2026, 11, 30),
                "target": 8000,
            }
        )

    def _measurements(self):
        return self.env["kpi.measurement"].search(
            [("employee_id", "in", self.workers.ids), ("source", "in", ("import", "connector"))]
        )


@tagged("post_install", "-at_install")
class TestConnectorKpiFile(KpiConnectorCase):
    def test_kpi_values_land_and_reimport_updates(self):
        log = self._upload(KPI_FILE.format(nov3=430).encode(), connector=self.values)
        self.assertCounts(log, created=3, failed=4)
        self.assertEqual(log.state, "partial")
        self.assertEqual(len(self._measurements()), 3)
        self.assertEqual(self.target.actual, 842, "the target's actual follows the import")
        first = self._measurements().filtered(lambda m: m.date == D(2026, 11, 2) and m.value == 412)
        self.assertEqual(first.source_reference, "csv:OUTPUT:1001:2026-11-02")
        self.assertEqual(first.source, "import", "a file's values were typed by people")
        reasons = {line.row: (line.field, line.reason) for line in log.line_ids}
        self.assertEqual(reasons[5], ("KPI Code", "no KPI with code “WELDS” in Auto Parts Factory"))
        self.assertEqual(reasons[6][0], "Employee Code")
        self.assertIn("Badge ID “1999”", reasons[6][1])
        self.assertIn("is computed by Odoo (Attendance)", reasons[7][1])
        self.assertEqual(reasons[8], ("Value", "not a number: 'n/a'"))

        again = self._upload(KPI_FILE.format(nov3=450).encode(), connector=self.values)
        self.assertCounts(again, updated=1, unchanged=2, failed=4)
        self.assertEqual(len(self._measurements()), 3, "updated, not duplicated")
        self.assertEqual(self.target.actual, 862)


API_KEY = "mes-K3y-0042"


def kpi(indicator, badge, day, actual):
    return {"indicator": indicator, "emp": badge, "day": f"2026-11-{day:02d}", "actual": actual}


@tagged("post_install", "-at_install")
class TestConnectorKpiRest(KpiConnectorCase):
    """KPI values pulled from a REST endpoint (a local test server) into kpi.measurement."""

    def setUp(self):
        super().setUp()
        self.remote = FakeRemote()
        self.remote.__enter__()
        self.addCleanup(self.remote.__exit__, None, None, None)
        self.mes = self._local_connector(
            name="MES API",
            kind="kpi_rest",
            endpoint_url=f"{self.remote.url}api/kpi-values",
            auth_type="api_key",
            api_key=API_KEY,
            pagination="offset",
            page_size=2,
            mapping='{"kpi_code": "indicator", "employee_code": "emp", "date": "day", '
            '"value": "actual"}',
        )

    def _run(self):
        action = self.mes.with_user(self.user_admin).action_run()
        return self.env["okr.sync.log"].browse(action["res_id"])

    def test_rest_values_land_page_by_page_and_update_on_the_next_run(self):
        self.remote.script(
            "GET",
            "/api/kpi-values",
            Reply(body=[kpi("OUTPUT", "1001", 2, 412), kpi("OUTPUT", "1001", 3, 430)]),
            Reply(body=[kpi("SCRAP_RATE", "1002", 2, 1.8), kpi("OUTPUT", "1002", 2, 5)]),
            Reply(body=[{"indicator": "OUTPUT", "emp": "1003", "day": "2026-11-02"}]),
        )
        log = self._run()
        self.assertCounts(log, created=4, failed=1)
        self.assertEqual(log.state, "partial")
        calls = self.remote.calls("GET", "/api/kpi-values")
        self.assertEqual([call.query["offset"] for call in calls], ["0", "2", "4"])
        self.assertEqual({call.headers["X-API-Key"] for call in calls}, {API_KEY})
        self.assertEqual(log.line_ids.field, "actual", "reported under the remote field name")
        self.assertNotIn(API_KEY, log.message + (log.line_ids.raw or ""))
        measurements = self._measurements()
        landed = [
            (m.employee_id.barcode, m.definition_id.code, m.date, m.value) for m in measurements
        ]
        self.assertEqual(
            sorted(landed),
            [
                ("1001", "OUTPUT", D(2026, 11, 2), 412),
                ("1001", "OUTPUT", D(2026, 11, 3), 430),
                ("1002", "OUTPUT", D(2026, 11, 2), 5),
                ("1002", "SCRAP_RATE", D(2026, 11, 2), 1.8),
            ],
        )
        self.assertEqual(
            measurements.filtered(lambda m: m.value == 412).source_reference,
            "rest:OUTPUT:1001:2026-11-02",
        )
        self.assertEqual(set(measurements.mapped("source")), {"connector"})
        self.assertEqual(self.target.actual, 842, "the target's actual follows the import")

        # The next run brings a corrected value: updated, not duplicated.
        self.remote.script(
            "GET",
            "/api/kpi-values",
            Reply(body=[kpi("OUTPUT", "1001", 2, 412), kpi("OUTPUT", "1001", 3, 450)]),
            Reply(body=[]),
        )
        again = self._run()
        self.assertCounts(again, updated=1, unchanged=1)
        self.assertEqual(len(self._measurements()), 4)
        self.assertEqual(self.target.actual, 862)
