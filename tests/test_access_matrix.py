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
    "okr_admin",  # OKR administrator (HR) of company A, who computes the incentive run
    "okr_admin_2",  # a second OKR administrator of company A (four eyes)
    "okr_admin_b",  # OKR administrator of company B only
    "settings_admin",  # Settings administrator, OKR user only
)
HR = {"okr_admin", "okr_admin_2"}
INTERNAL_A = {"employee", "colleague", "other_manager", "manager", "hr_officer", "settings_admin"}
INTERNAL_A |= HR
NOBODY = set()
MANAGERS_AND_HR = {"manager", "other_manager"} | HR
MANAGER_AND_HR = {"manager"} | HR
OWNER_MANAGER_HR = {"employee"} | MANAGER_AND_HR

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
        "write:approver_id": HR,
        "write:employee_id": HR,
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
        "write:employee_id": HR,
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
        "create": HR | {"okr_admin_b"},
        "write:has_plausible_range": HR,
    },
    "okr.cycle": {
        "read": INTERNAL_A,
        "write:state": HR,
    },
    "okr.incentive.rule": {
        "read": MANAGERS_AND_HR,
        # on company A's KPI: not for company B's administrator
        "create": HR,
        "write:name": HR,
        "write:input_code": HR,
        "write:split_key": HR,
        "write:okr_reconciled_only": HR,
    },
    # the role coefficient of team pools, a field of a core model that decides pay
    "hr.job": {
        "write:okr_pool_coefficient": HR | {"hr_officer"},
    },
    "okr.incentive.run": {
        "read": HR,
        "create": HR | {"okr_admin_b"},
        "write:state": NOBODY,
        "write:pool_note": NOBODY,
        "compute": HR,
        # computed by okr_admin: Four-Eyes Approval (on by default) wants someone else
        "approve_run": {"okr_admin_2"},
    },
    "okr.incentive.line": {
        "read": {"employee"} | HR,
        "create": NOBODY,
        "unlink": NOBODY,
        "write:amount": NOBODY,
        "write:state": NOBODY,
        "write:explanation_data": NOBODY,
        # what holds a line (a dispute, an unreconciled attendance day): actions only
        "write:hold_attendance_day_ids": NOBODY,
        "withdraw": HR,
    },
    "okr.incentive.posting": {
        "read": {"employee"} | HR,
        "create": NOBODY,
        "unlink": NOBODY,
        "write:amount": NOBODY,
        "write:input_code": NOBODY,
        "write:state": NOBODY,
    },
    "okr.dispute": {
        "read": OWNER_MANAGER_HR,
        # opened from the phone page or the kiosk only (okr.self.service)
        "create": NOBODY,
        "unlink": NOBODY,
        "write:state": NOBODY,
        "write:reason": NOBODY,
        "write:settlement_note": NOBODY,
        "write:corrected_value": NOBODY,
        "write:held_line_ids": NOBODY,
        # the employee's manager or HR of the company, never the employee
        "settle": MANAGER_AND_HR,
        "correct": MANAGER_AND_HR,
    },
    # Built by connector imports and Reconcile; resolved by "Use this source" only.
    "okr.attendance.day": {
        "read": OWNER_MANAGER_HR,
        "create": NOBODY,
        "unlink": NOBODY,
        "write:state": NOBODY,
        "write:used_connector_id": NOBODY,
        "write:used_odoo": NOBODY,
        "write:resolved_by": NOBODY,
        "write:resolution": NOBODY,
        "write:resolved_attendances": NOBODY,
        # the employee's manager or HR of the company, never the employee
        "use_source": MANAGER_AND_HR,
    },
    "okr.attendance.day.source": {
        "read": OWNER_MANAGER_HR,
        "create": NOBODY,
        "unlink": NOBODY,
        "write:first_in": NOBODY,
        "write:hours": NOBODY,
    },
    "okr.training.recommendation": {
        "read": OWNER_MANAGER_HR,
        "unlink": MANAGER_AND_HR,
    },
    "okr.connector": {
        "read": MANAGERS_AND_HR,
        "write:name": HR,
        # a Settings administrator who is also an OKR administrator (test_connector_network)
        "write:allow_local_network": NOBODY,
    },
    # Raw rows name people and their figures: managers read only the runs they
    # started (their KPI file imports), HR every run.
    "okr.sync.log": {
        "read": HR,
        "unlink": HR,
    },
    "okr.sync.log.line": {
        "read": HR,
    },
    "okr.connector.binding": {
        "read": HR,
        "unlink": HR,
    },
    # make-up working days of a schedule: they set the expected days of attendance KPIs
    "okr.calendar.workday": {
        "read": INTERNAL_A,
        "create": HR,
        "unlink": HR,
        "write:weekday": HR,
        "write:date": HR,
        # China's official calendar, imported into company A's schedule
        "import_china": HR,
    },
    # Who a DingTalk/WeCom/Feishu user is: their mobile and e-mail, and whose
    # attendances their punches become. HR settles them; runs create them.
    "okr.connector.user": {
        "read": HR,
        "create": NOBODY,
        "write:employee_id": HR,
        "unlink": HR,
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
            "okr_admin_2": new_test_user(
                cls.env, "okr_matrix_admin_2", groups="base.group_user,okr_addon.group_okr_admin"
            ),
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
        cls._incentives()
        cls._connector_records()
        # Wang Wu disputes a value of next month: it holds the next run's line.
        cls.dispute = cls.env["okr.dispute"]._open_dispute(
            cls.emp_worker,
            "Not my scrap",
            measurement=cls.env["kpi.measurement"].create(
                {
                    "definition_id": cls.scrap.id,
                    "employee_id": cls.emp_worker.id,
                    "date": D(2026, 12, 3),
                    "value": 4.4,
                }
            ),
        )
        cls._attendance_day()
        cls.job = cls.env["hr.job"].create(
            {"name": "Press team lead", "company_id": cls.env.company.id}
        )
        cls.schedule = cls.env.ref("resource.resource_calendar_std").copy(
            {"name": "Press shop schedule", "company_id": cls.env.company.id}
        )
        cls.workday = cls.env["okr.calendar.workday"].create(
            {"calendar_id": cls.schedule.id, "date": D(2026, 12, 26), "name": "Stocktaking"}
        )

    @classmethod
    def _incentives(cls):
        """A run computed by okr_admin, approved by okr_admin_2 and posted, then a
        second one of the next month only computed (to approve)."""
        cls.emp_worker.version_id.write({"contract_date_start": D(2026, 1, 1), "wage": 6000.0})
        cls.rule = cls.env["okr.incentive.rule"].create(
            {
                "name": "Scrap bonus",
                "code": "T_MATRIX_BONUS",
                "definition_id": cls.scrap.id,
                "employee_ids": [(6, 0, cls.emp_worker.ids)],
                "tier_ids": [(0, 0, {"has_lower": False, "has_upper": False, "amount": 300})],
            }
        )
        admin, admin_2 = cls.users["okr_admin"], cls.users["okr_admin_2"]
        Run = cls.env["okr.incentive.run"]
        cls.posted_run = Run.with_user(admin).create(
            {"date_from": D(2026, 11, 1), "rule_ids": [(6, 0, cls.rule.ids)]}
        )
        cls.posted_run.action_compute()
        cls.posted_run.with_user(admin_2).action_approve()
        cls.posted_run.with_user(admin).action_post()
        cls.line = cls.posted_run.line_ids
        cls.posting = cls.posted_run.posting_ids[:1]
        cls.next_run = Run.with_user(admin).create(
            {"date_from": D(2026, 12, 1), "rule_ids": [(6, 0, cls.rule.ids)]}
        )
        cls.next_run.action_compute()
        skill_type = cls.env["hr.skill.type"].create(
            {
                "name": "Press work",
                "skill_ids": [(0, 0, {"name": "Die setup"})],
                "skill_level_ids": [(0, 0, {"name": "Basic", "level_progress": 50})],
            }
        )
        cls.recommendation = cls.env["okr.training.recommendation"].create(
            {
                "employee_id": cls.emp_worker.id,
                "skill_id": skill_type.skill_ids.id,
                "line_id": cls.line.id,
                "reason": "scrap",
            }
        )

    @classmethod
    def _attendance_day(cls):
        """Wang Wu's day: the kiosk says 04:31-13:04 UTC, the terminal 04:02-13:05."""
        cls.env["hr.attendance"].create(
            {
                "employee_id": cls.emp_worker.id,
                "check_in": datetime.datetime(2026, 11, 3, 4, 31),
                "check_out": datetime.datetime(2026, 11, 3, 13, 4),
            }
        )
        cls.attendance_day = cls.env["okr.attendance.day"]._okr_record_punches(
            cls.connector,
            [
                (
                    cls.emp_worker.id,
                    "T-1",
                    datetime.datetime(2026, 11, 3, 4, 2),
                    datetime.datetime(2026, 11, 3, 13, 5),
                )
            ],
        )
        assert cls.attendance_day.state == "disagree", cls.attendance_day.summary
        cls.day_source = cls.attendance_day.source_ids[:1]

    @classmethod
    def _connector_records(cls):
        cls.connector = cls.env["okr.connector"].create(
            {"name": "Press shop terminal", "kind": "attendance_csv"}
        )
        cls.sync_log = cls.env["okr.sync.log"].create({"connector_id": cls.connector.id})
        cls.sync_line = cls.env["okr.sync.log.line"].create(
            {"log_id": cls.sync_log.id, "row": 2, "reason": "no employee with badge 9"}
        )
        cls.platform_user = cls.env["okr.connector.user"].create(
            {
                "connector_id": cls.connector.id,
                "platform_user_id": "ding-42",
                "name": "Wang Wu",
                "mobile": "13800000042",
            }
        )
        cls.binding = cls.env["okr.connector.binding"].create(
            {
                "connector_id": cls.connector.id,
                "external_id": "9",
                "model": "hr.employee",
                "res_id": cls.emp_worker.id,
            }
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
            "okr.incentive.rule": self.rule,
            "okr.incentive.run": self.posted_run,
            "okr.incentive.line": self.line,
            "okr.incentive.posting": self.posting,
            "okr.training.recommendation": self.recommendation,
            "okr.connector": self.connector,
            "okr.sync.log": self.sync_log,
            "okr.sync.log.line": self.sync_line,
            "okr.connector.binding": self.binding,
            "okr.connector.user": self.platform_user,
            "okr.dispute": self.dispute,
            "okr.attendance.day": self.attendance_day,
            "okr.attendance.day.source": self.day_source,
            "hr.job": self.job,
            "okr.calendar.workday": self.workday,
        }[model]

    def _create_values(self, model, variant):
        """Values of a new record ``model`` for the employee (``variant``: a refused
        shape, e.g. an objective created already closed)."""
        currency = self.env.company.currency_id.id
        month = {"date_from": D(2026, 11, 1), "date_to": D(2026, 11, 30)}
        values = {
            "okr.objective": {
                "name": "New",
                "employee_id": self.emp_worker.id,
                "cycle_id": self.cycle.id,
            },
            "okr.objective:closed": {
                "name": "New",
                "employee_id": self.emp_worker.id,
                "cycle_id": self.cycle.id,
                "state": "closed",
                "score": 1.0,
            },
            "okr.key.result": {
                "name": "More",
                "objective_id": self.objective.id,
                "target_value": 2,
            },
            "okr.checkin": {"key_result_id": self.key_result.id, "value": 5.5},
            "kpi.target": {
                "definition_id": self.output.id,
                "employee_id": self.emp_worker.id,
                "target": 100,
                **month,
            },
            "kpi.measurement": {
                "definition_id": self.scrap.id,
                "employee_id": self.emp_worker.id,
                "date": D(2026, 11, 4),
                "value": 4.0,
            },
            "kpi.measurement:automatic": {
                "definition_id": self.scrap.id,
                "employee_id": self.emp_worker.id,
                "date": D(2026, 11, 4),
                "value": 4.0,
                "source": "odoo",
            },
            "kpi.definition": {"name": "Rogue", "code": "T_ROGUE"},
            "okr.incentive.rule": {
                "name": "Rogue bonus",
                "code": "T_ROGUE_BONUS",
                "definition_id": self.output.id,
            },
            "okr.incentive.run": {"date_from": D(2027, 1, 1)},
            "okr.incentive.line": {
                "run_id": self.next_run.id,
                "rule_id": self.rule.id,
                "employee_id": self.emp_colleague.id,
                "currency_id": currency,
                "amount": 5000,
                "explanation_data": "gift",
            },
            "okr.connector.user": {
                "connector_id": self.connector.id,
                "platform_user_id": "ding-43",
                "name": "Zhang San",
            },
            "okr.attendance.day": {
                "employee_id": self.emp_worker.id,
                "date": D(2026, 11, 4),
                "company_id": self.env.company.id,
            },
            "okr.attendance.day.source": {"day_id": self.attendance_day.id, "hours": 8.0},
            "okr.dispute": {
                "employee_id": self.emp_worker.id,
                "measurement_id": self.measurement.id,
                "date": D(2026, 11, 3),
                "reason": "Not mine",
            },
            "okr.calendar.workday": {
                "calendar_id": self.schedule.id,
                "date": D(2026, 12, 19),
                "name": "Inventory",
            },
            "okr.incentive.posting": {
                "line_id": self.line.id,
                "currency_id": currency,
                "ledger_key": self.line.ledger_key,
                "input_code": "OKR_BONUS",
                "amount": 5000,
                "explanation": "gift",
                "target_date": D(2026, 12, 1),
            },
        }
        return values[f"{model}:{variant}" if variant else model]

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
            ("okr.incentive.run", "state"): "draft",
            ("okr.incentive.line", "state"): "withdrawn",
            ("okr.incentive.line", "amount"): 5000,
            ("okr.incentive.line", "explanation_data"): "all earned",
            ("okr.incentive.posting", "amount"): 5000,
            ("okr.incentive.posting", "input_code"): "OTHER",
            ("okr.incentive.posting", "state"): "paid",
            ("okr.incentive.rule", "input_code"): "OKR_BONUS_2",
            ("okr.incentive.rule", "split_key"): "equal",
            ("okr.incentive.rule", "okr_reconciled_only"): True,
            ("okr.incentive.line", "hold_attendance_day_ids"): [(6, 0, self.attendance_day.ids)],
            ("okr.incentive.run", "pool_note"): "nothing to see",
            ("okr.connector", "allow_local_network"): True,
            ("okr.connector.user", "employee_id"): self.emp_colleague.id,
            ("okr.attendance.day", "state"): "resolved",
            ("okr.attendance.day", "used_connector_id"): self.connector.id,
            ("okr.attendance.day", "used_odoo"): True,
            ("okr.attendance.day", "resolved_by"): self.users["employee"].id,
            ("okr.attendance.day", "resolution"): "confirmed",
            ("okr.attendance.day", "resolved_attendances"): "[]",
            ("okr.attendance.day.source", "first_in"): datetime.datetime(2026, 11, 3, 1, 0),
            ("okr.dispute", "state"): "confirmed",
            ("okr.dispute", "reason"): "Another reason",
            ("okr.dispute", "settlement_note"): "Settled by hand",
            ("okr.dispute", "held_line_ids"): [(6, 0, self.line.ids)],
            ("okr.calendar.workday", "weekday"): "5",
            ("okr.calendar.workday", "date"): D(2026, 12, 27),
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
        else:
            self._action(kind, record, user)
        self.env.flush_all()

    def _action(self, kind, record, user):
        """A workflow action of the matrix, as ``user`` (``record`` is theirs already)."""
        if kind == "approve":
            self.submitted.with_user(user).action_approve()
        elif kind in ("close", "dismiss", "compute"):
            getattr(record, f"action_{kind}")()
        elif kind == "approve_run":
            self.next_run.with_user(user).action_approve()
        elif kind == "withdraw":
            record.action_withdraw("Counted twice")
        elif kind == "import_china":
            wizard = self.env["okr.china.calendar.import"].with_user(user)
            wizard.create({"calendar_id": self.schedule.id, "years": "2025"}).action_import()
        elif kind == "use_source":
            self.day_source.with_user(user).action_use_source()
        elif kind in ("settle", "correct"):
            record.action_settle("Checked", corrected_value=4.0 if kind == "correct" else None)
        else:
            raise NotImplementedError(kind)

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
            "okr.china.calendar.import",  # its action is the row "import_china" above
            "okr.incentive.line.withdraw",
            "okr.dispute.settle",
            "okr.skill.kpi.report",
            "okr.home",  # the app's landing page: counts read with the user's own rights
            # configuration rows of a model above, with its access
            "okr.incentive.tier",  # the rule's tiers
            "okr.behaviour.dimension",  # behaviour scores do not feed pay (test_profile)
            "okr.behaviour.score",
            # abstract models
            "okr.demo.history",
            "okr.pay.guard",
            "okr.employee.matcher",
            "okr.self.service",
            "okr.forecast.alert.mixin",  # its fields live on KPI targets and key results
        }
        covered = set(MATRIX) | without_row
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
