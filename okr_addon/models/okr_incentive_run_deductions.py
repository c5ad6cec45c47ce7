"""Lawful deductions: the limits a pay period's deductions must respect."""

from odoo import models

from ..logic import incentive as inc_logic
from .okr_phrase import _lt, chain


class OkrIncentiveRun(models.Model):
    """A run cuts the deductions that would break the company's limits, all its
    rules together, before its lines are stored (see ``action_compute``)."""

    _inherit = "okr.incentive.run"

    def _apply_lawful_deductions(self, wanted):
        """Cut the deductions of ``wanted`` ({(rule id, employee id): line values})
        that break the company's limits, all rules of the run together: the
        period's deductions take at most its share of the wage and leave at least
        the minimum wage. Each cut line says by how much and why."""
        company = self.company_id
        money = {
            rule.id
            for rule in self.env["okr.incentive.rule"].browse({k[0] for k in wanted})
            if rule.amount_type not in ("coefficient", "points")
        }
        by_employee = {}
        for key, vals in wanted.items():
            vals["deduction_cut"] = 0.0
            if key[0] in money and vals["state"] == "ok":
                by_employee.setdefault(key[1], []).append(key)
        owing = {e for e, keys in by_employee.items() if any(wanted[k]["amount"] < 0 for k in keys)}
        if not owing:
            return
        months = 3 if self.period_type == "quarter" else 1
        wages = self.env["okr.incentive.rule"]._wages(
            self.env["hr.employee"].browse(owing), self.date_from, self.date_to
        )
        currency = self.currency_id.name or ""
        for employee_id in owing:
            keys = by_employee[employee_id]
            wage = wages.get(employee_id)
            cuts = inc_logic.lawful_deductions(
                [wanted[k]["amount"] for k in keys],
                wage * months if wage is not None else None,
                company.okr_deduction_cap,
                company.okr_minimum_wage * months,
            )
            for index, cut in cuts.items():
                vals = wanted[keys[index]]
                vals["amount"] = round(vals["amount"] + cut.cut, 2)
                vals["deduction_cut"] = cut.cut
                why = (
                    _lt(
                        "the period's deductions take at most %(share)s%% of the wage "
                        "(%(limit)s %(currency)s)",
                        share=inc_logic.number(company.okr_deduction_cap),
                        limit=inc_logic.number(cut.limit),
                        currency=currency,
                    )
                    if cut.reason == "cap"
                    else _lt(
                        "net pay stays at or above the minimum wage (deductions up to "
                        "%(limit)s %(currency)s)",
                        limit=inc_logic.number(cut.limit),
                        currency=currency,
                    )
                )
                vals["explanation_data"] = chain(
                    vals["explanation_data"],
                    _lt(
                        "cut by %(cut).2f %(currency)s: %(why)s → %(amount)+.2f %(currency)s",
                        cut=cut.cut,
                        currency=currency,
                        why=why,
                        amount=vals["amount"],
                    ),
                )
