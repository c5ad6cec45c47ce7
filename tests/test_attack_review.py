"""Attacks on the KPI file import, the sync logs and disputes, each tried as the
person who would gain from it. Every test here says what must be refused."""

import base64
import datetime

from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import tagged

from .test_incentive import IncentiveCase
from .test_kpi import KpiCase

D = datetime.date


class _ImportMixin:
    def _import(self, data, user, filename="values.csv", **vals):
        Wizard = self.env["kpi.measurement.import"].with_user(user)
        wizard = Wizard.create({"file": base64.b64encode(data), "filename": filename, **vals})
        action = wizard.action_import()
        return self.env["okr.sync.log"].browse(action["res_id"])


@tagged("post_install", "-at_install")
class TestAttackKpiValues(_ImportMixin, KpiCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # Daily output brought by the MES API, summed into a November target.
        cls.api_output = cls.env["kpi.definition"].create(
            {
                "name": "MES output",
                "code": "T_MES",
                "aggregation": "sum",
                "source": "connector",
            }
        )
        cls.emp_worker.barcode = "K8001"
        cls.emp_outsider.barcode = "K8003"

    def _brought(self, employee, value):
        return self.env["kpi.measurement"].create(
            {
                "definition_id": self.api_output.id,
                "employee_id": employee.id,
                "date": D(2026, 11, 3),
                "value": value,
                "source": "connector",
            }
        )

    def test_a_manager_file_does_not_add_to_a_value_an_api_brought(self):
        """A file never rewrites an API's value, but it may add a second one beside
        it on the same day, and a summed KPI adds both: the manager doubles a
        report's output (or their own, they are in their own scope)."""
        target = self._target(self.api_output, self.emp_worker, target=500)
        self._brought(self.emp_worker, 400)
        self.assertAlmostEqual(target.actual, 400)
        log = self._import(
            b"KPI,Employee,Date,Value\nT_MES,K8001,2026-11-03,400\n", self.user_manager
        )
        self.assertEqual(
            (log.created_count, log.failed_count),
            (0, 1),
            "a KPI fed by a connector takes no file value from a manager",
        )
        self.assertAlmostEqual(target.actual, 400, msg="the API's 400 stays the day's output")

    def test_an_employee_does_not_type_beside_a_value_an_api_brought(self):
        """The phone and the kiosk take values of Manual KPIs only; a JSON-RPC create
        of a *manual* value on a connector-fed KPI is accepted and summed."""
        target = self._target(self.api_output, self.emp_worker, target=500)
        self._brought(self.emp_worker, 400)
        refused = False
        try:
            with self.env.cr.savepoint():
                self.env["kpi.measurement"].with_user(self.user_worker).create(
                    {
                        "definition_id": self.api_output.id,
                        "employee_id": self.emp_worker.id,
                        "date": D(2026, 11, 3),
                        "value": 400,
                    }
                )
        except (AccessError, ValidationError):
            refused = True
        self.assertTrue(refused, "values of a connector-fed KPI come from the connector")
        self.assertAlmostEqual(target.actual, 400)

    def test_a_manager_does_not_read_the_raw_rows_of_other_teams(self):
        """HR imports for the whole company; a failed row keeps the raw row (who,
        which KPI, which value). A manager of another team reads every one."""
        log = self._import(
            b"KPI,Employee,Date,Value\nT_SCRAP,K8003,2026-11-03,oops-9.9\n", self.user_admin
        )
        self.assertEqual(log.failed_count, 1)
        self.assertIn("K8003", log.line_ids.raw)
        # Liu Yang (K8003) is not in Li Na's team.
        seen = (
            self.env["okr.sync.log.line"]
            .with_user(self.user_manager)
            .search([("log_id", "=", log.id)])
        )
        self.assertFalse(seen, "the raw row of an employee outside the team stays with HR")

    def test_a_manager_does_not_make_connectors_nor_match_by_pin(self):
        """Only OKR administrators make connectors (managers read them), but the import
        dialog creates one with the manager's settings whenever *Read By* is left
        empty, even beside the company's own. Matched by kiosk PIN, the rows of a
        file of guesses answer "<name> is not in your team": every colleague's PIN."""
        self.env["okr.connector"].create({"name": "HR's KPI file", "kind": "kpi_csv"})
        Connector = self.env["okr.connector"]
        before = Connector.search_count([("kind", "=", "kpi_csv")])
        self.emp_outsider.pin = "4711"
        guesses = "".join(f"T_SCRAP,{pin},2026-11-03,1.0\n" for pin in ("4710", "4711", "4712"))
        try:
            log = self._import(
                f"KPI,Employee,Date,Value\n{guesses}".encode(),
                self.user_manager,
                connector_id=False,
                employee_key="pin",
            )
        except (AccessError, UserError):
            log = None
        self.assertEqual(
            Connector.search_count([("kind", "=", "kpi_csv")]),
            before,
            "a manager's import goes through the company's connector, never a new one",
        )
        reasons = " ".join(log.line_ids.mapped("reason")) if log else ""
        self.assertNotIn("Liu Yang", reasons, "a file of PIN guesses tells whose PIN is 4711")


@tagged("post_install", "-at_install")
class TestAttackDisputes(IncentiveCase):
    def _dispute(self, reason):
        measurement = self.env["kpi.measurement"].search(
            [("employee_id", "=", self.emp_colleague.id), ("definition_id", "=", self.scrap.id)]
        )
        return self.env["okr.dispute"]._open_dispute(
            self.emp_colleague, reason, measurement=measurement
        )

    def _approved_run(self):
        run = self._run()
        run.with_user(self.user_admin).action_compute()
        return self._approve(run)

    def test_a_confirmed_value_is_not_disputed_again_to_hold_the_pay_again(self):
        """The manager confirmed the value: disputing it again at once holds the
        same lines again (and every share of a team pool), as often as wanted."""
        run = self._approved_run()
        held = self._line(run, self.emp_colleague)
        first = self._dispute("The scrap of line 3 is not mine")
        first.with_user(self.user_manager).action_settle("Checked the scale log: 5.0 stands")
        self.assertFalse(held.held)
        with self.assertRaises(UserError):
            self._dispute(reason="Still not mine")
        self.assertFalse(held.held, "a confirmed value no longer holds the line")


@tagged("post_install", "-at_install")
class TestAttackOwnValues(KpiCase):
    def test_an_employee_does_not_rewrite_the_value_hr_imported_for_them(self):
        """HR (or the manager) imported the day's output from the MES file: the value
        keeps the source *Import* whoever writes it next, and the employee's own
        JSON-RPC write passes (the record rule and the typed-source check let
        'import' through)."""
        imported = self._measure(self.output, self.emp_worker, D(2026, 11, 3), 300, "import")
        with self.assertRaises(AccessError):
            imported.with_user(self.user_worker).write({"value": 450})
        self.assertEqual(imported.value, 300)

    def test_a_value_planted_outside_the_period_does_not_unflag_the_big_one(self):
        """The usual range is the last 90 days, whatever the target's dates, and a value
        inside the range of the history is 'ordinary'. The employee types one big value
        in October (flagged, but outside November's run and its gate), then the same
        big value in November: no flag, the no-anomaly gate pays."""
        Measurement = self.env["kpi.measurement"]
        Flag = self.env["okr.anomaly.flag"]
        for day, value in enumerate((4.0, 4.1, 3.9, 4.2, 4.0, 3.8), start=1):
            self._measure(self.scrap, self.emp_worker, D(2026, 10, day), value)
        mine = Measurement.with_user(self.user_worker)
        november = {"definition_id": self.scrap.id, "employee_id": self.emp_worker.id}
        # Without the plant, 40 in November is flagged.
        savepoint = self.env.cr.savepoint()
        control = mine.create({**november, "date": D(2026, 11, 3), "value": 40.0})
        self.assertTrue(Flag.search([("measurement_id", "=", control.id)]))
        self.env.flush_all()
        savepoint.rollback()
        savepoint.close(rollback=False)
        self.env.invalidate_all(flush=False)
        # The plant: one big value in October (its flag is outside November's run).
        mine.create({**november, "date": D(2026, 10, 20), "value": 40.0})
        value = mine.create({**november, "date": D(2026, 11, 3), "value": 40.0})
        self.assertTrue(
            Flag.search([("measurement_id", "=", value.id)]),
            "an unreviewed outlier of the employee's own does not make the next one usual",
        )
