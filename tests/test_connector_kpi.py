import datetime

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


@tagged("post_install", "-at_install")
class TestConnectorKpiFile(ConnectorCase):
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
            [("employee_id", "in", self.workers.ids), ("source", "=", "connector")]
        )

    def test_kpi_values_land_and_reimport_updates(self):
        log = self._upload(KPI_FILE.format(nov3=430).encode(), connector=self.values)
        self.assertCounts(log, created=3, failed=4)
        self.assertEqual(log.state, "partial")
        self.assertEqual(len(self._measurements()), 3)
        self.assertEqual(self.target.actual, 842, "the target's actual follows the import")
        first = self._measurements().filtered(lambda m: m.date == D(2026, 11, 2) and m.value == 412)
        self.assertEqual(first.source_reference, "csv:OUTPUT:1001:2026-11-02")
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
