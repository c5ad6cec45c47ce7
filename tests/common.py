import base64
import datetime
import pathlib
from unittest.mock import patch

from odoo.addons.okr_addon.connectors import network
from odoo.addons.okr_addon.connectors.testing import offline_getaddrinfo
from odoo.tests import TransactionCase, new_test_user


def free_badges(env, badges):
    """Take badge IDs back from other employees (the demo factory uses 1001-1010)."""
    env["hr.employee"].with_context(active_test=False).search(
        [("barcode", "in", list(badges))]
    ).write({"barcode": False})


class OkrCase(TransactionCase):
    """A small company: a manager with two reports, an outsider and an OKR admin."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        free_badges(cls.env, ["1001", "1002"])
        cls.company = cls.env.company
        cls.user_manager = new_test_user(
            cls.env, "okr_manager", groups="base.group_user,okr_addon.group_okr_manager"
        )
        cls.user_worker = new_test_user(cls.env, "okr_worker", groups="base.group_user")
        cls.user_colleague = new_test_user(cls.env, "okr_colleague", groups="base.group_user")
        cls.user_outsider = new_test_user(
            cls.env, "okr_outsider", groups="base.group_user,okr_addon.group_okr_manager"
        )
        cls.user_admin = new_test_user(
            cls.env, "okr_admin", groups="base.group_user,okr_addon.group_okr_admin"
        )
        cls.department = cls.env["hr.department"].create({"name": "Stamping"})
        cls.emp_manager = cls.env["hr.employee"].create(
            {"name": "Li Na", "user_id": cls.user_manager.id, "department_id": cls.department.id}
        )
        cls.department.manager_id = cls.emp_manager
        Employee = cls.env["hr.employee"]
        cls.emp_worker, cls.emp_colleague, cls.emp_outsider, cls.emp_frontline = Employee.create(
            [
                {
                    "name": "Wang Wu",
                    "user_id": cls.user_worker.id,
                    "parent_id": cls.emp_manager.id,
                    "department_id": cls.department.id,
                },
                {
                    "name": "Zhang San",
                    "user_id": cls.user_colleague.id,
                    "parent_id": cls.emp_manager.id,
                    "department_id": cls.department.id,
                },
                {"name": "Liu Yang", "user_id": cls.user_outsider.id},
                {"name": "Li Si", "parent_id": cls.emp_manager.id},
            ]
        )
        cls.cycle = cls.env["okr.cycle"].create(
            {"cadence": "quarter", "date_start": datetime.date(2026, 10, 1), "state": "running"}
        )

    @classmethod
    def _objective(cls, employee, krs=None, **vals):
        krs = (
            krs
            if krs is not None
            else [
                {
                    "name": "Scrap rate 7% to 5%",
                    "start_value": 7,
                    "target_value": 5,
                    "direction": "decrease",
                }
            ]
        )
        return cls.env["okr.objective"].create(
            {
                "name": f"Objective of {employee.name}",
                "employee_id": employee.id,
                "cycle_id": cls.cycle.id,
                "key_result_ids": [(0, 0, kr) for kr in krs],
                **vals,
            }
        )


SAMPLES = pathlib.Path(__file__).resolve().parent.parent / "data" / "connectors"


class ConnectorCase(TransactionCase):
    """A factory of its own company whose ten workers badge on a terminal (1001-1010),
    a terminal-file connector and an OKR administrator and manager of that company."""

    WORKERS = {
        "1001": "Wang Wu",
        "1002": "Zhang San",
        "1003": "Li Si",
        "1004": "Sun Mei",
        "1005": "Zhou Qiang",
        "1006": "He Jun",
        "1007": "Ma Lin",
        "1008": "Guo Ping",
        "1009": "Zheng Hua",
        "1010": "Feng Li",
    }

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # Host names are never looked up: example.com names stand for a public address,
        # tests change ``cls.dns`` to play other answers.
        cls.dns = {}
        cls.startClassPatcher(patch.object(network, "getaddrinfo", offline_getaddrinfo(cls.dns)))
        free_badges(cls.env, cls.WORKERS)
        cls.factory = cls.env["res.company"].create({"name": "Auto Parts Factory"})
        users = {"company_id": cls.factory.id, "company_ids": [(6, 0, cls.factory.ids)]}
        cls.user_admin = new_test_user(
            cls.env, "conn_admin", groups="base.group_user,okr_addon.group_okr_admin", **users
        )
        cls.user_manager = new_test_user(
            cls.env, "conn_manager", groups="base.group_user,okr_addon.group_okr_manager", **users
        )
        cls.workers = cls.env["hr.employee"].create(
            [
                {"name": name, "barcode": badge, "company_id": cls.factory.id}
                for badge, name in cls.WORKERS.items()
            ]
        )
        cls.by_badge = {worker.barcode: worker for worker in cls.workers}
        cls.terminal = cls._connector(name="Press shop terminal", kind="attendance_csv")

    @classmethod
    def _local_connector(cls, **vals):
        """A connector of the local test server (127.0.0.1), which a Settings administrator
        (here the superuser) has allowed to call the local network."""
        return cls._connector(allow_local_network=True, **vals)

    @classmethod
    def _connector(cls, **vals):
        return cls.env["okr.connector"].create(
            {"company_id": cls.factory.id, "tz": "Asia/Shanghai", **vals}
        )

    @staticmethod
    def _sample(name):
        return (SAMPLES / name).read_bytes()

    def _upload(self, data, connector=None, filename="terminal.csv"):
        """Import ``data`` through the upload wizard, as the OKR administrator; return the log."""
        wizard = (
            self.env["okr.connector.upload"]
            .with_user(self.user_admin)
            .create(
                {
                    "connector_id": (connector or self.terminal).id,
                    "file": base64.b64encode(data),
                    "filename": filename,
                }
            )
        )
        action = wizard.action_import()
        return self.env["okr.sync.log"].browse(action["res_id"])

    def _attendances(self):
        return self.env["hr.attendance"].search([("employee_id", "in", self.workers.ids)])

    def assertCounts(self, log, created=0, updated=0, unchanged=0, failed=0):
        self.assertEqual(
            (log.created_count, log.updated_count, log.unchanged_count, log.failed_count),
            (created, updated, unchanged, failed),
            log.message,
        )
