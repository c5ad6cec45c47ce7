"""Who may do what, in one table: roles × models × operations.

Every operation is tried as every role on records of company A owned by the
employee Wang Wu (whose manager is Li Na), each try in a savepoint; the table
says which roles succeed. A new model, or a new field that feeds pay, gets its
row here in the same change. docs/security.md explains the table.
"""

import datetime

from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import new_test_user, tagged

from .test_kpi import KpiCase

D = datetime.date

ROLES = (
    "portal",  # a frontline worker with a portal login only
    "employee",  # Wang Wu, whose records these are
    "colleague",  # Zhang San, same team
    "other_manager",  # an OKR manager of another team
    "manager",  # Li Na, Wang Wu's manager and approver
    "hr_officer",  # Employees officer without OKR rights beyond a user's
    "okr_admin",  # OKR administrator (HR) of company A
    "okr_admin_b",  # OKR administrator of company B only
    "settings_admin",  # Settings administrator, OKR user only
)
INTERNAL_A = {
    "employee",
    "colleague",
    "other_manager",
    "manager",
    "hr_officer",
    "okr_admin",
    "settings_admin",
}
NOBODY = set()
MANAGER_AND_HR = {"manager", "okr_admin"}
OWNER_MANAGER_HR = {"employee", "manager", "okr_admin"}

# model: {operation: roles allowed}. Operations: read, create, unlink, write:<field>,
# and the workflow actions by name (see TestAccessMatrix._operation).
MATRIX = {
    "okr.objective": {
        "read": INTERNAL_A,
        "create": OWNER_MANAGER_HR,
        "create:closed": NOBODY,
        "unlink": MANAGER_AND_HR,
        "write:name": OWNER_MANAGER_HR,
        "write:state": NOBODY,
        "write:score": NOBODY,
        "write:date_approved": NOBODY,
        "write:progress": NOBODY,
        "write:approver_id": {"okr_admin"},
        "write:employee_id": {"okr_admin"},
        "approve": MANAGER_AND_HR,
        "close": MANAGER_AND_HR,
    },
    "okr.key.result": {
        "read": INTERNAL_A,
        "create": MANAGER_AND_HR,
        "unlink": MANAGER_AND_HR,
        "write:name": OWNER_MANAGER_HR,
        "write:target_value": MANAGER_AND_HR,
        "write:weight": MANAGER_AND_HR,
        "write:kpi_target_id": MANAGER_AND_HR,
        "write:score_override": MANAGER_AND_HR,
        "write:score": NOBODY,
        "write:current_value": NOBODY,
        "write:progress": NOBODY,
    },
    "okr.checkin": {
        "read": INTERNAL_A,
        "create": OWNER_MANAGER_HR,
        "unlink": OWNER_MANAGER_HR,
        "write:value": OWNER_MANAGER_HR,
        "write:source": NOBODY,
        "write:employee_id": NOBODY,
    },
    "kpi.target": {
        "read": OWNER_MANAGER_HR,
        "create": MANAGER_AND_HR,
        "unlink": MANAGER_AND_HR,
        "write:target": MANAGER_AND_HR,
        "write:actual": NOBODY,
        "write:has_actual": NOBODY,
        "write:completion": NOBODY,
    },
    "kpi.measurement": {
        "read": OWNER_MANAGER_HR,
        "create": OWNER_MANAGER_HR,
        "create:automatic": NOBODY,
        "unlink": MANAGER_AND_HR,
        "write:value": OWNER_MANAGER_HR,
        "write:source": NOBODY,
        "write:employee_id": {"okr_admin"},
    },
    "okr.anomaly.flag": {
        "read": MANAGER_AND_HR,
        "write:state": NOBODY,
        "write:value": NOBODY,
        "dismiss": MANAGER_AND_HR,
    },
    "kpi.definition": {
        "read": INTERNAL_A,
        # company B's administrator creates one in company B
        "create": {"okr_admin", "okr_admin_b"},
        "write:has_plausible_range": {"okr_admin"},
    },
    "okr.cycle": {
        "read": INTERNAL_A,
        "write:state": {"okr_admin"},
    },
}
REFUSED = (AccessError, ValidationError, UserError)


class Done(Exception):
    """Raised after an allowed operation, to roll it back."""


@tagged("post_install", "-at_install")
class TestAccessMatrix(KpiCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        company_b = cls.env["res.company"].create({"name": "Other Plant"})
        portal = new_test_user(cls.env, "okr_matrix_portal", groups="base.group_portal")
        cls.emp_frontline.user_id = portal
        cls.users = {
            "portal": portal,
            "employee": cls.user_worker,
            "colleague": cls.user_colleague,
            "other_manager": cls.user_outsider,
            "manager": cls.user_manager,
            "hr_officer": new_test_user(
                cls.env, "okr_matrix_hr", groups="base.group_user,hr.group_hr_user"
            ),
            "okr_admin": cls.user_admin,
            "okr_admin_b": new_test_user(
                cls.env,
                "okr_matrix_admin_b",
                groups="base.group_user,okr_addon.group_okr_admin",
                company_id=company_b.id,
                company_ids=[(6, 0, company_b.ids)],
            ),
            "settings_admin": new_test_user(
                cls.env, "okr_matrix_system", groups="base.group_user,base.group_system"
            ),
        }
        cls.objective = cls._objective(cls.emp_worker)
        cls.objective.with_user(cls.user_manager).action_approve()
        cls.submitted = cls._objective(cls.emp_worker, name="Submitted one")
        cls.submitted.with_user(cls.user_worker).action_submit()
        cls.key_result = cls.objective.key_result_ids
        cls.checkin = cls.env["okr.checkin"].create(
            {"key_result_id": cls.key_result.id, "value": 6, "employee_id": cls.emp_worker.id}
        )
        cls.target = cls._target(cls.scrap, cls.emp_worker)
        cls.measurement = cls.env["kpi.measurement"].create(
            {
                "definition_id": cls.scrap.id,
                "employee_id": cls.emp_worker.id,
                "date": D(2026, 11, 3),
                "value": 4.2,
            }
        )
        cls.flag = cls.env["okr.anomaly.flag"]._create_flags(
            [
                {
                    "employee_id": cls.emp_worker.id,
                    "definition_id": cls.scrap.id,
                    "measurement_id": cls.measurement.id,
                    "date": D(2026, 11, 3),
                    "value": 4.2,
                    "reason": "far from usual",
                }
            ]
        )

    # ------------------------------------------------------------------
    # Operations
    # ------------------------------------------------------------------
    def _record(self, model):
        return {
            "okr.objective": self.objective,
            "okr.key.result": self.key_result,
            "okr.checkin": self.checkin,
            "kpi.target": self.target,
            "kpi.measurement": self.measurement,
            "okr.anomaly.flag": self.flag,
            "kpi.definition": self.scrap,
            "okr.cycle": self.cycle,
        }[model]

    def _create_values(self, model, variant):
        if model == "okr.objective":
            vals = {"name": "New", "employee_id": self.emp_worker.id, "cycle_id": self.cycle.id}
            return {**vals, "state": "closed", "score": 1.0} if variant == "closed" else vals
        if model == "okr.key.result":
            return {"name": "More", "objective_id": self.objective.id, "target_value": 2}
        if model == "okr.checkin":
            return {"key_result_id": self.key_result.id, "value": 5.5}
        if model == "kpi.target":
            return {
                "definition_id": self.output.id,
                "employee_id": self.emp_worker.id,
                "date_from": D(2026, 11, 1),
                "date_to": D(2026, 11, 30),
                "target": 100,
            }
        if model == "kpi.measurement":
            vals = {
                "definition_id": self.scrap.id,
                "employee_id": self.emp_worker.id,
                "date": D(2026, 11, 4),
                "value": 4.0,
            }
            return {**vals, "source": "odoo"} if variant == "automatic" else vals
        if model == "kpi.definition":
            return {"name": "Rogue", "code": "T_ROGUE"}
        raise NotImplementedError(model)

    def _write_values(self, model, field):
        """A value for ``field`` that differs from the record's own."""
        special = {
            ("okr.objective", "state"): "closed",
            ("okr.objective", "approver_id"): self.user_colleague.id,
            ("okr.objective", "employee_id"): self.emp_colleague.id,
            ("okr.objective", "date_approved"): D(2026, 10, 2),
            ("okr.key.result", "kpi_target_id"): self.target.id,
            ("okr.key.result", "score_override"): True,
            ("okr.checkin", "source"): "connector",
            ("okr.checkin", "employee_id"): self.emp_colleague.id,
            ("kpi.measurement", "source"): "odoo",
            ("kpi.measurement", "employee_id"): self.emp_colleague.id,
            ("okr.anomaly.flag", "state"): "dismissed",
            ("kpi.definition", "has_plausible_range"): True,
            ("okr.cycle", "state"): "closed",
            ("kpi.target", "has_actual"): False,
        }
        value = special.get((model, field), 0.97 if field != "name" else "Renamed")
        vals = {field: value}
        if (model, field) == ("okr.key.result", "score_override"):
            vals.update(manual_score=1.0, score_reason="Because")
        if (model, field) == ("kpi.definition", "has_plausible_range"):
            vals.update(plausible_min=0, plausible_max=100)
        return vals

    def _operation(self, model, operation, user):
        record = self._record(model).with_user(user)
        kind, _sep, arg = operation.partition(":")
        if kind == "read":
            record.read(["display_name"])
        elif kind == "create":
            self.env[model].with_user(user).create(self._create_values(model, arg))
        elif kind == "unlink" and model == "okr.objective":
            self.submitted.with_user(user).unlink()
        elif kind == "unlink":
            record.unlink()
        elif kind == "write":
            record.write(self._write_values(model, arg))
        elif kind == "approve":
            self.submitted.with_user(user).action_approve()
        elif kind == "close":
            record.action_close()
        elif kind == "dismiss":
            record.action_dismiss()
        else:
            raise NotImplementedError(operation)
        self.env.flush_all()

    def _allowed(self, model, operation, role):
        """Whether ``role`` may do it; whatever it did is rolled back either way."""
        try:
            with self.env.cr.savepoint():
                self._operation(model, operation, self.users[role])
                raise Done
        except Done:
            return True
        except REFUSED:
            return False
        except Exception as error:
            raise AssertionError(f"{role} {operation} {model}: {error}") from error
        finally:
            self.env.invalidate_all(flush=False)

    def test_matrix(self):
        mismatches = []
        for model, operations in MATRIX.items():
            for operation, allowed in operations.items():
                for role in ROLES:
                    got = self._allowed(model, operation, role)
                    if got != (role in allowed):
                        verb = "could" if got else "could not"
                        mismatches.append(f"{role} {verb} {operation} {model}")
        self.assertFalse(mismatches, "\n".join(mismatches))

    def test_every_model_of_the_module_has_a_row_or_a_reason(self):
        """A new okr_addon model holding company data must get a row above (or be
        named here with why it needs none)."""
        without_row = {
            # wizards, reports and settings: transient or read-only views
            "okr.objective.send.back",
            "kpi.cascade.wizard",
            "kpi.cascade.wizard.line",
            "kpi.measurement.import",
            "okr.checkin.feedback",
            "okr.connector.upload",
            "okr.next.cycle.wizard",
            "okr.next.cycle.wizard.line",
            "okr.skill.kpi.report",
            # abstract models
            "okr.pay.guard",
            "okr.self.service",
        }
        covered = set(MATRIX) | without_row | set(self._rows_elsewhere())
        ours = self.env["ir.model.data"].search(
            [("module", "=", "okr_addon"), ("model", "=", "ir.model")]
        )
        models = [
            name
            for name in self.env["ir.model"].browse(ours.mapped("res_id")).mapped("model")
            if name.startswith(("okr.", "kpi."))
        ]
        missing = sorted(set(models) - covered)
        self.assertFalse(missing, f"add these models to the access matrix: {missing}")

    def _rows_elsewhere(self):
        """Models whose access is tested by their own suites (named there)."""
        return {
            "okr.incentive.rule": "test_incentive",
            "okr.incentive.tier": "test_incentive",
            "okr.incentive.run": "test_incentive",
            "okr.incentive.line": "test_incentive",
            "okr.incentive.posting": "test_incentive",
            "okr.training.recommendation": "test_incentive",
            "okr.connector": "test_connector_security",
            "okr.connector.binding": "test_connector_security",
            "okr.sync.log": "test_connector_security",
            "okr.sync.log.line": "test_connector_security",
            "okr.sync.log.batch": "okr_addon_queue_job",
            "okr.behaviour.dimension": "test_profile",
            "okr.behaviour.score": "test_profile",
        }
