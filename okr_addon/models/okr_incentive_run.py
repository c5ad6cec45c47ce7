import base64

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError

from ...connectors import export as connector_export
from ...connectors.payroll import PayrollSink
from ..logic import incentive as inc_logic
from ..logic import periods


class OkrIncentiveRun(models.Model):
    """One period's incentives: compute → approve → post, safe to repeat.

    Recomputing keeps each line's identity (its ledger key); posting hands
    payroll only the difference between what a line is worth now and what
    was already posted for it.
    """

    _name = "okr.incentive.run"
    _description = "Incentive Run"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "date_from desc, id desc"
    _check_company_auto = True

    name = fields.Char(
        compute="_compute_name", store=True, readonly=False, required=True, precompute=True
    )
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company, index=True
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    period_type = fields.Selection(
        [("month", "Month"), ("quarter", "Quarter")], default="month", required=True
    )
    date_from = fields.Date(
        required=True,
        default=lambda self: periods.month_bounds(fields.Date.context_today(self))[0],
        tracking=True,
    )
    date_to = fields.Date(
        compute="_compute_date_to",
        store=True,
        readonly=False,
        required=True,
        precompute=True,
        tracking=True,
    )
    rule_ids = fields.Many2many(
        "okr.incentive.rule",
        string="Rules",
        domain="[('company_id', '=', company_id), ('period_type', '=', period_type)]",
        check_company=True,
    )
    state = fields.Selection(
        [
            ("draft", "Draft"),
            ("computed", "Computed"),
            ("approved", "Approved"),
            ("posted", "Posted"),
        ],
        default="draft",
        required=True,
        tracking=True,
        copy=False,
    )
    line_ids = fields.One2many("okr.incentive.line", "run_id", string="Lines", copy=False)
    line_count = fields.Integer(compute="_compute_totals")
    bonus_total = fields.Monetary(compute="_compute_totals")
    deduction_total = fields.Monetary(compute="_compute_totals")
    problem_count = fields.Integer(compute="_compute_totals", string="Blocked or in Error")
    posting_ids = fields.One2many("okr.incentive.posting", "run_id", string="Postings")
    payroll_connector_id = fields.Many2one(
        "okr.connector",
        string="External Payroll",
        check_company=True,
        domain="[('kind', '=', 'payroll_rest'), ('company_id', '=', company_id)]",
        help="Without a payroll module in Odoo: send the postings to this payroll API.",
    )

    @api.depends("date_from", "period_type")
    def _compute_name(self):
        for run in self:
            if not run.name and run.date_from:
                label = periods.cycle_name(run.period_type, run.date_from)
                run.name = self.env._("Incentives %(period)s", period=label)

    @api.depends("date_from", "period_type")
    def _compute_date_to(self):
        for run in self:
            if run.date_from:
                run.date_to = periods.cycle_bounds(run.period_type, run.date_from)[1]

    @api.depends("line_ids.amount", "line_ids.state")
    def _compute_totals(self):
        for run in self:
            ok = run.line_ids.filtered(lambda line: line.state == "ok")
            run.line_count = len(run.line_ids)
            run.bonus_total = sum(a for a in ok.mapped("amount") if a > 0)
            run.deduction_total = sum(a for a in ok.mapped("amount") if a < 0)
            run.problem_count = len(
                run.line_ids.filtered(lambda line: line.state in ("blocked", "error"))
            )

    # ------------------------------------------------------------------
    # Compute
    # ------------------------------------------------------------------
    def _check_hr(self):
        if not self.env.user.has_group("okr_addon.group_okr_admin"):
            raise AccessError(
                self.env._("Only OKR administrators (HR) can compute, approve or post incentives.")
            )

    def action_compute(self):
        """(Re)compute every line; lines keep their identity so posting stays exact."""
        self._check_hr()
        for run in self:
            if run.state == "posted" and not run.line_ids:
                continue
            run._check_overlapping_runs()
            rules = run.rule_ids or self.env["okr.incentive.rule"].search(
                [("company_id", "=", run.company_id.id), ("period_type", "=", run.period_type)]
            )
            run.rule_ids = rules
            wanted = {}
            for rule in rules:
                wanted.update(run._rule_line_values(rule))
            run._sync_lines(wanted)
            run.state = "computed"
        return True

    def _check_overlapping_runs(self):
        other = self.search(
            [
                ("id", "!=", self.id),
                ("company_id", "=", self.company_id.id),
                ("date_from", "=", self.date_from),
                ("date_to", "=", self.date_to),
                ("rule_ids", "in", self.rule_ids.ids),
            ],
            limit=1,
        )
        if other:
            raise UserError(
                self.env._(
                    "%(other)s already covers this period with the same rules: recompute "
                    "that run instead, so nothing is paid twice.",
                    other=other.name,
                )
            )

    def _rule_line_values(self, rule):
        """{(rule id, employee id): line values} for one rule, all employees at once."""
        employees = rule._scope_employees()
        basis = rule._basis_values(employees, self.date_from, self.date_to)
        employees = employees.filtered(lambda e: e.id in basis)
        gates = rule._gate_failures(employees, self.date_from, self.date_to)
        wages = (
            rule._wages(employees, self.date_from, self.date_to)
            if rule.amount_type == "wage_percent"
            else {}
        )
        tiers = [tier._as_logic() for tier in rule.tier_ids]
        unit = (
            ""
            if rule.basis == "attendance" and rule.attendance_metric != "attendance_rate"
            else "%"
        )
        currency = self.currency_id.name or ""
        result = {}
        for employee in employees:
            value, steps = basis[employee.id]
            tier = inc_logic.find_tier(value, tiers)
            vals = {
                "rule_id": rule.id,
                "employee_id": employee.id,
                "basis_value": value,
                "tier_name": tier.label(unit) if tier else False,
                "state": "ok",
                "amount": 0.0,
                "currency_id": self.currency_id.id,
            }
            if employee.id in gates:
                vals.update(
                    state="blocked",
                    explanation=" → ".join(
                        [*steps, self.env._("blocked: %(reason)s", reason=gates[employee.id])]
                    ),
                )
            else:
                try:
                    amount = inc_logic.amount_for(
                        tier.amount if tier else 0.0, rule.amount_type, wages.get(employee.id)
                    )
                except inc_logic.IncentiveError:
                    vals.update(
                        state="error",
                        explanation=" → ".join(
                            [
                                *steps,
                                self.env._(
                                    "no contract (hr.version) valid in the period: "
                                    "a percentage of the wage cannot be computed"
                                ),
                            ]
                        ),
                    )
                else:
                    amount = inc_logic.clamp(
                        amount,
                        rule.floor if rule.use_floor else None,
                        rule.cap if rule.use_cap else None,
                    )
                    vals["amount"] = amount
                    vals["explanation"] = inc_logic.explanation(
                        steps,
                        tier,
                        amount,
                        currency if rule.amount_type in ("fixed", "wage_percent") else "",
                        unit,
                    )
            result[(rule.id, employee.id)] = vals
        return result

    def _sync_lines(self, wanted):
        """Update lines in place, create new ones; a line no longer wanted is removed,
        or withdrawn (amount 0) when something was already posted for it."""
        existing = {(line.rule_id.id, line.employee_id.id): line for line in self.line_ids}
        to_create = []
        for key, vals in wanted.items():
            line = existing.pop(key, None)
            if line is None:
                to_create.append({**vals, "run_id": self.id})
                continue
            changes = {
                field: value
                for field, value in vals.items()
                if (line[field].id if hasattr(line[field], "id") else line[field]) != value
            }
            if changes:
                line.write(changes)
        gone = self.env["okr.incentive.line"].concat(*existing.values())
        posted = gone.filtered("posting_ids")
        posted.write(
            {
                "state": "withdrawn",
                "amount": 0.0,
                "explanation": self.env._("no longer due: the amount posted is reversed"),
            }
        )
        (gone - posted).unlink()
        self.env["okr.incentive.line"].create(to_create)

    # ------------------------------------------------------------------
    # Approve and post
    # ------------------------------------------------------------------
    def action_approve(self):
        self._check_hr()
        if self.filtered(lambda r: r.state != "computed"):
            raise UserError(self.env._("Compute the run before approving it."))
        self.state = "approved"
        return True

    def action_reset_draft(self):
        self._check_hr()
        self.filtered(lambda r: r.state in ("computed", "approved")).state = "draft"
        return True

    def action_post(self):
        """Post what each line is worth minus what was posted before; run recognition once."""
        self._check_hr()
        if self.filtered(lambda r: r.state not in ("approved", "posted")):
            raise UserError(self.env._("Approve the run before posting it."))
        postings = self.env["okr.incentive.posting"]
        for run in self:
            postings |= run._post_deltas()
            run.line_ids._recognize()
            run.state = "posted"
        postings._deliver()
        return postings

    def _post_deltas(self):
        lines = self.line_ids
        posted = dict(
            self.env["okr.incentive.posting"]._read_group(
                [("line_id", "in", lines.ids)], ["ledger_key"], ["amount:sum"]
            )
        )
        vals_list = []
        for line in lines:
            wanted = line._wanted_by_key()
            for key, delta in inc_logic.deltas(
                wanted, {k: posted.get(k, 0.0) for k in wanted}
            ).items():
                code = key.rsplit("/", 1)[1]
                is_adjustment = bool(posted.get(key))
                explanation = line.explanation
                if is_adjustment:
                    explanation = self.env._(
                        "Adjustment %(delta)+.2f (posted %(before).2f, now %(after).2f): %(why)s",
                        delta=delta,
                        before=posted[key],
                        after=wanted[key],
                        why=line.explanation,
                    )
                vals_list.append(
                    {
                        "line_id": line.id,
                        "ledger_key": key,
                        "input_code": code,
                        "amount": delta,
                        "is_adjustment": is_adjustment,
                        "explanation": explanation,
                        "target_date": self.date_from,
                        "currency_id": line.currency_id.id,
                    }
                )
        return self.env["okr.incentive.posting"].create(vals_list)

    def _export_rows(self):
        return [
            {
                "ledger_key": line.ledger_key,
                "employee_code": line.employee_id.sudo().barcode or str(line.employee_id.id),
                "period": line.date_from.strftime("%Y-%m"),
                "rule_code": line.rule_id.code,
                "amount": round(line.amount, 2),
                "currency": line.currency_id.name,
                "explanation": line.explanation,
            }
            for line in self.line_ids.filtered(lambda line: line.state == "ok")
        ]

    def _download(self, data, extension, mimetype):
        attachment = self.env["ir.attachment"].create(
            {
                "name": f"{self.name}.{extension}",
                "datas": base64.b64encode(data),
                "res_model": self._name,
                "res_id": self.id,
                "mimetype": mimetype,
            }
        )
        return {
            "type": "ir.actions.act_url",
            "url": f"/web/content/{attachment.id}?download=true",
            "target": "self",
        }

    def action_export_csv(self):
        """Download the run's lines for a payroll system without a connector."""
        self.ensure_one()
        return self._download(connector_export.export_csv(self._export_rows()), "csv", "text/csv")

    def action_export_xlsx(self):
        """Download the run's lines as a spreadsheet."""
        self.ensure_one()
        return self._download(
            connector_export.export_xlsx(self._export_rows()),
            "xlsx",
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )

    def action_send_to_payroll(self):
        """Send the run's waiting postings to the external payroll connector.

        Each posting travels with its own idempotency key, so a retry after a
        lost answer is paid once; an answer "duplicate" counts as delivered.
        Failures stay waiting, with the reason in the chatter.
        """
        self._check_hr()
        self.ensure_one()
        connector = self.payroll_connector_id
        if not connector:
            raise UserError(self.env._("Choose the external payroll connector first."))
        pending = self.posting_ids.filtered(lambda p: p.state == "pending")
        if not pending:
            return True
        client, _path = connector.sudo()._api_client()
        sink = PayrollSink(client, connector.sudo().push_path or "incentives")
        results = sink.push([posting._sink_line() for posting in pending])
        failures, delivered = [], []
        for posting, result in zip(pending, results, strict=True):
            if result.status in ("posted", "duplicate"):
                delivered.append(posting.id)
            else:
                failures.append(f"{posting.ledger_key}: {connector._redact(result.reason or '')}")
        pending.browse(delivered).write({"state": "sent", "payroll_reference": connector.name})
        if failures:
            self.message_post(
                body=self.env._(
                    "%(count)s posting(s) not delivered to %(connector)s: %(reasons)s",
                    count=len(failures),
                    connector=connector.name,
                    reasons="; ".join(failures),
                )
            )
        return True

    def action_open_lines(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "okr_addon.okr_incentive_line_action"
        )
        action["domain"] = [("run_id", "=", self.id)]
        return action
