"""Who is who on an attendance platform: each user of a DingTalk, WeCom or Feishu
directory, the employee they are, and how that was decided.

Every run of the connector reads the directory: new users, users whose
details changed and users still without an employee are matched to the
company's employees by the connector's *Match Platform Users By* order (see
:mod:`okr_addon.logic.platform_match`). A key that fits several employees is
not guessed: the user is *ambiguous* until HR chooses. What HR sets in the
*Platform Users* list (state *Set by HR*) is never changed by a later run.
"""

from odoo import api, fields, models
from odoo.exceptions import AccessError

from ..logic import platform_match

# hr.employee fields each matching key compares (job number: the Badge ID).
EMPLOYEE_FIELDS = {
    "mobile": "mobile_phone",
    "job_number": "barcode",
    "email": "work_email",
    "name": "name",
}
DETAILS = ("name", "mobile", "job_number", "email")
# What the runs decide (with sudo, once okr.connector._run checked the caller): a
# generic write, HR's included, does not, whatever context it sends.
RUN_FIELDS = {"connector_id", "platform_user_id", *DETAILS, "state", "match_key", "candidate_ids"}


class OkrConnectorUser(models.Model):
    _name = "okr.connector.user"
    _description = "Attendance Platform User"
    _order = "state_rank, name, id"
    _rec_name = "name"
    _check_company_auto = True

    connector_id = fields.Many2one(
        "okr.connector", required=True, ondelete="cascade", index=True, check_company=True
    )
    company_id = fields.Many2one(related="connector_id.company_id", store=True, index=True)
    platform_user_id = fields.Char(string="Platform User ID", required=True, readonly=True)
    name = fields.Char(readonly=True)
    mobile = fields.Char(readonly=True)
    job_number = fields.Char(readonly=True)
    email = fields.Char(string="E-mail", readonly=True)
    employee_id = fields.Many2one(
        "hr.employee",
        check_company=True,
        index=True,
        help="The employee whose attendances this user's punches become. Choosing one here "
        "settles the user for good: later runs keep it.",
    )
    state = fields.Selection(
        [
            ("matched", "Matched"),
            ("unmatched", "Unmatched"),
            ("ambiguous", "Ambiguous"),
            ("manual", "Set by HR"),
        ],
        required=True,
        default="unmatched",
        readonly=True,
    )
    state_rank = fields.Integer(compute="_compute_state_rank", store=True)
    match_key = fields.Selection(
        [
            ("mobile", "Mobile"),
            ("job_number", "Job Number"),
            ("email", "E-mail"),
            ("name", "Name"),
        ],
        string="Matched By",
        readonly=True,
    )
    candidate_ids = fields.Many2many(
        "hr.employee",
        "okr_connector_user_candidate_rel",
        "user_id",
        "employee_id",
        string="Candidates",
        readonly=True,
        check_company=True,
        help="The employees the deciding key fits, when it fits several.",
    )

    _platform_user_uniq = models.Constraint(
        "UNIQUE(connector_id, platform_user_id)",
        "A platform user appears once per connector.",
    )

    @api.depends("state")
    def _compute_state_rank(self):
        ranks = {"ambiguous": 0, "unmatched": 1, "manual": 2, "matched": 3}
        for user in self:
            user.state_rank = ranks.get(user.state, 4)

    def write(self, vals):
        if not self.env.su:
            if RUN_FIELDS & set(vals):
                raise AccessError(
                    self.env._(
                        "A platform user's details and how they were matched are set by "
                        "the connector's runs: choose the employee only."
                    )
                )
            if "employee_id" in vals:
                # HR's answer: kept by every later run (cleared: matched again by the
                # next run).
                state = "manual" if vals["employee_id"] else "unmatched"
                vals = {**vals, "state": state, "match_key": False}
        return super().write(vals)

    # --- a run -------------------------------------------------------------------------
    @api.model
    def _okr_sync_directory(self, connector, platform_users):
        """Record ``platform_users`` (connectors.platforms.PlatformUser) of ``connector``
        and match the new, the changed and the not yet matched to employees.

        New users are created in one batch with their match; only the known users
        whose details changed (or who are still without an employee) are written."""
        Users = self.sudo()
        known = {
            user.platform_user_id: user
            for user in Users.search([("connector_id", "=", connector.id)])
        }
        new, to_match = {}, Users.browse()
        for person in platform_users:
            details = {name: getattr(person, name) or False for name in DETAILS}
            user = known.get(person.user_id)
            if user is None:
                new.setdefault(person.user_id, details)
                continue
            changed = {name: value for name, value in details.items() if user[name] != value}
            if changed:
                user.write(changed)
            # HR's answers stay; the others are matched again when they changed, were
            # not matched, or lost their employee (deleted). An employee moved to
            # another company is lost too, whoever chose them.
            moved = user.employee_id and user.employee_id.company_id != connector.company_id
            if moved or (
                user.state != "manual"
                and (changed or user.state != "matched" or not user.employee_id)
            ):
                to_match |= user
        people = {("new", user_id): details for user_id, details in new.items()}
        people.update({user.id: {key: user[key] for key in DETAILS} for user in to_match})
        answers = self._okr_answers(connector, people)
        Users.create(
            [
                {
                    "connector_id": connector.id,
                    "platform_user_id": user_id,
                    **details,
                    **answers[("new", user_id)],
                }
                for user_id, details in new.items()
            ]
        )
        for user in to_match:
            user.write(answers[user.id])

    @api.model
    def _okr_answers(self, connector, people):
        """{key: values of a user's match} for ``people`` ({key: their details}),
        matched to the employees of ``connector``'s company (one search; read as
        superuser: the connector's run checked its caller, an OKR administrator)."""
        if not people:
            return {}
        order = platform_match.parse_order(connector.match_order)
        employees = (
            self.env["hr.employee"]
            .sudo()
            .search_read(
                [("company_id", "=", connector.company_id.id)],
                [EMPLOYEE_FIELDS[key] for key in order],
            )
        )
        values = {row["id"]: {key: row[EMPLOYEE_FIELDS[key]] for key in order} for row in employees}
        found = platform_match.match_all(
            {key: {name: details[name] for name in order} for key, details in people.items()},
            values,
            order,
        )
        return {
            key: {
                "state": state,
                "employee_id": employee_id or False,
                "candidate_ids": [fields.Command.set(candidates)],
                "match_key": match_key or False,
            }
            for key, (state, employee_id, candidates, match_key) in found.items()
        }

    @api.model
    def _okr_employees(self, connector, platform_user_ids):
        """{platform user id: employee} of the users of ``connector`` with an employee
        of the connector's company (one moved to another company since takes no
        more punches from this platform: HR matches the user again)."""
        users = self.sudo().search(
            [
                ("connector_id", "=", connector.id),
                ("platform_user_id", "in", list(platform_user_ids)),
                ("employee_id.company_id", "=", connector.company_id.id),
            ]
        )
        return {user.platform_user_id: user.employee_id for user in users}
