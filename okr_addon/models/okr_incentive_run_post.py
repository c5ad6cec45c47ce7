"""Posting an incentive run to payroll, once: the lock, the ledger's differences,
exports and the external payroll."""

import base64

import psycopg2.errors
from babel.dates import format_skeleton

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL, format_list
from odoo.tools.misc import babel_locale_parse

from ...connectors import export as connector_export
from ...connectors.payroll import PayrollSink
from ..logic import incentive as inc_logic
from .okr_pay_guard import trusted


class OkrIncentiveRun(models.Model):
    """Posting: under a row lock, each line's difference with what its postings
    already add up to, handed to payroll (a payroll bridge, an export or an
    external payroll API)."""

    _inherit = "okr.incentive.run"

    payroll_waiting_note = fields.Char(
        string="Waiting for Payroll",
        compute="_compute_payroll_waiting_note",
        help="Postings of this run that no payroll has taken yet, which payroll they "
        "wait for and what to do.",
    )

    @api.depends("posting_ids.state", "posting_ids.target_date", "payroll_connector_id")
    @api.depends_context("lang")
    def _compute_payroll_waiting_note(self):
        for run in self:
            pending = run.posting_ids.filtered(lambda p: p.state == "pending")
            run.payroll_waiting_note = run._okr_waiting_note(pending) if pending else False

    def _okr_waiting_note(self, pending):
        """Say how many of ``pending`` (this run's postings no payroll took yet) wait,
        for which payroll period, and what delivers them. Payroll bridges override it."""
        periods, _employees = self._okr_waiting_subjects(pending)
        if self.payroll_connector_id:
            return self.env._(
                "%(postings)s for the payroll of %(periods)s: Send to External Payroll hands "
                "them to %(connector)s.",
                postings=self._okr_postings_wait(len(pending)),
                periods=periods,
                connector=self.payroll_connector_id.name,
            )
        return self.env._(
            "%(postings)s for the payroll of %(periods)s, and no payroll takes them yet: "
            "choose an external payroll connector on this run, or export the run for your "
            "payroll system.",
            postings=self._okr_postings_wait(len(pending)),
            periods=periods,
        )

    def _okr_postings_wait(self, count):
        """Return "1 posting waits" or "3 postings wait"."""
        if count == 1:
            return self.env._("1 posting waits")
        return self.env._("%(count)s postings wait", count=count)

    def _okr_waiting_subjects(self, pending):
        """(the payroll months of ``pending`` as words, e.g. "Nov 2026", and the names of
        their employees, at most three and "N others")."""
        locale = babel_locale_parse(self.env.lang or "en_US")
        months = sorted({posting.target_date.replace(day=1) for posting in pending})
        periods = format_list(self.env, [format_skeleton("yMMM", m, locale=locale) for m in months])
        # The caller read these postings (their run's, under their record rules): only
        # the names of their employees are read past hr.employee's field access.
        names = sorted(set(pending.employee_id.sudo().mapped("name")))
        if len(names) > 3:
            names = [*names[:2], self.env._("%(count)s others", count=len(names) - 2)]
        return periods, format_list(self.env, names)

    def _lock_for_posting(self):
        """Lock the runs' rows until the transaction ends, or refuse at once: two
        users (or a user and a cron) posting the same run never both post it."""
        try:
            with self.env.cr.savepoint(flush=False):
                self.env.cr.execute(
                    SQL(
                        "SELECT id FROM okr_incentive_run WHERE id IN %s FOR UPDATE NOWAIT",
                        tuple(self.ids),
                    ),
                    log_exceptions=False,
                )
        except psycopg2.errors.LockNotAvailable:
            raise UserError(
                self.env._(
                    "%(runs)s is being posted by someone else right now. Try again in a moment.",
                    runs=format_list(self.env, self.mapped("name")),
                )
            ) from None
        self.invalidate_recordset(["state"])

    def action_post(self):
        """Post what each line is worth minus what was posted before; run recognition once."""
        self._check_hr()
        if not self:
            return self.env["okr.incentive.posting"]
        self._lock_for_posting()
        if self.filtered(lambda r: r.state not in ("approved", "posted")):
            raise UserError(self.env._("Approve the run before posting it."))
        postings = trusted(self.env["okr.incentive.posting"])
        for run in trusted(self):
            self.env["okr.dispute"]._refresh_holds(run.line_ids, recomputed=False)
            postings |= run._post_deltas()
            run.line_ids.filtered(lambda line: not line.held).with_env(self.env)._recognize()
            run.write({"state": "posted"})
            run._tell_held()
        postings._deliver()
        return postings.with_env(self.env)

    def _tell_held(self):
        """Say in the chatter which lines a dispute kept out of this posting."""
        held = self.line_ids.filtered("held")
        if held:
            self.message_post(
                body=self.env._(
                    "Not posted, held by a disputed value: %(employees)s. Post again "
                    "once the disputes are settled.",
                    employees=format_list(self.env, held.employee_id.mapped("name")),
                )
            )

    def _post_deltas(self):
        lines = self.line_ids
        posted = {}
        for line, code, amount in self.env["okr.incentive.posting"]._read_group(
            [("line_id", "in", lines.ids)], ["line_id", "input_code"], ["amount:sum"]
        ):
            posted.setdefault(line.id, {})[code] = amount
        vals_list = []
        for line in lines:
            before = posted.get(line.id, {})
            wanted = line._wanted_by_code(before)
            for code, delta in sorted(inc_logic.deltas(wanted, before).items()):
                is_adjustment = bool(before.get(code))
                explanation = line.explanation
                if is_adjustment:
                    explanation = self.env._(
                        "Adjustment %(delta)+.2f (posted %(before).2f, now %(after).2f): %(why)s",
                        delta=delta,
                        before=before[code],
                        after=wanted.get(code, 0.0),
                        why=line.explanation,
                    )
                vals_list.append(
                    {
                        "line_id": line.id,
                        "ledger_key": f"{line.ledger_key}/{code}",
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
            for line in self.line_ids.filtered(lambda line: line.state == "ok" and not line.held)
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
        trusted(pending.browse(delivered)).write(
            {"state": "sent", "payroll_reference": connector.name}
        )
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
