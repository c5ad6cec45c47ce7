"""Team pools in an incentive run: one pool per team, one line per member's share."""

from odoo import fields, models

from ..logic import incentive as inc_logic
from ..logic import pool as pool_logic
from . import okr_incentive_run
from .okr_pay_guard import trusted
from .okr_phrase import _lt, chain, concat, render, tier_phrase


class OkrIncentiveRun(models.Model):
    """A team rule gives each member a line holding their share of the team's pool;
    the lines are ordinary ledger lines (lawful deductions, four eyes, posting
    once, withdrawal). A pool nobody can share (nobody worked) is reported on the
    run, never lost silently."""

    _inherit = "okr.incentive.run"
    # Written by compute / approve / post / reset only (see okr.pay.guard).
    _okr_workflow_fields = (*okr_incentive_run.OkrIncentiveRun._okr_workflow_fields, "pool_note")

    pool_note = fields.Text(
        string="Team Pools Not Paid",
        readonly=True,
        copy=False,
        help="Team pools the last compute could not share: the team had no result for "
        "the period, or nobody in it worked.",
    )

    def action_compute(self):
        self._check_hr()
        trusted(self.filtered("pool_note")).write({"pool_note": False})
        return super().action_compute()

    def _rule_line_values(self, rule, paid=None):
        if rule.pay_to != "team":
            return super()._rule_line_values(rule, paid)
        paid_ids = set(paid.ids) if paid else set()
        kept = {
            line.employee_id.id: line.team_key
            for line in self.line_ids
            if line.rule_id == rule and line.team_key and line.employee_id.id in paid_ids
        }
        teams = rule._pool_teams(kept)
        basis = rule._team_basis_values(teams, self.date_from, self.date_to)
        members = (
            self.env["hr.employee"]
            .sudo()
            .with_context(active_test=False)
            .union(*(teams[key][1] for key in basis))
        )
        weights = rule._pool_weights(members, self.date_from, self.date_to)
        sharing = members.filtered(lambda e: weights[e.id][0] > 0)
        sharing_ids = set(sharing.ids)
        gates = rule._gate_failures(sharing, self.date_from, self.date_to)
        tiers = [tier._as_logic() for tier in rule.tier_ids]
        unit = "" if rule.basis == "kpi_value" else "%"
        money = rule.amount_type != "points"
        currency = (self.currency_id.name or "") if money else ""
        rounding = self.currency_id.rounding if money else 0.01
        result, notes = {}, []
        for key, (team, team_members) in teams.items():
            if key not in basis:
                if team_members:
                    notes.append(
                        self.env._(
                            "%(rule)s, %(team)s: no result for the period, no pool.",
                            rule=rule.name,
                            team=team.display_name,
                        )
                    )
                continue
            value, steps = basis[key]
            # The same arithmetic as an individual line (a pool pays no share of a wage).
            tier, amount, arithmetic = inc_logic.evaluate(
                value,
                tiers,
                rule.amount_type,
                floor=rule.floor if rule.use_floor else None,
                cap=rule.cap if rule.use_cap else None,
            )
            steps = [*steps, arithmetic if arithmetic is not None else tier_phrase(tier, unit)]
            shown = f"{inc_logic.number(amount)} {currency}".strip()
            team_sharing = team_members.filtered(lambda e: e.id in sharing_ids).sorted("id")
            try:
                shares = pool_logic.split(
                    amount, [weights[e.id][0] for e in team_sharing], rounding
                )
            except pool_logic.PoolError:
                notes.append(
                    self.env._(
                        "%(rule)s, %(team)s: the pool of %(pool)s is not paid: nobody in the "
                        "team worked in the period (%(steps)s).",
                        rule=rule.name,
                        team=team.display_name,
                        pool=shown,
                        steps=render(self.env, chain(*steps)),
                    )
                )
                continue
            head = _lt("pool %(pool)s for %(team)s", pool=shown, team=team.display_name)
            pool_text = concat(head, ": ", chain(*steps, shown))
            total = sum(weights[e.id][0] for e in team_sharing)
            for employee, share in zip(team_sharing, shares, strict=True):
                share_text = self._pool_share_text(rule, weights[employee.id], len(shares), total)
                vals = {
                    "rule_id": rule.id,
                    "employee_id": employee.id,
                    "team_key": key,
                    "basis_value": value,
                    "tier_name": tier.label(unit) if tier else False,
                    "state": "ok",
                    "amount": share,
                    "currency_id": self.currency_id.id,
                }
                if employee.id in gates:
                    vals.update(
                        state="blocked",
                        amount=0.0,
                        explanation_data=concat(
                            pool_text,
                            "; ",
                            chain(
                                share_text,
                                _lt(
                                    "blocked: %(reason)s (share %(share).2f withheld)",
                                    reason=gates[employee.id],
                                    share=share,
                                ),
                            ),
                        ),
                    )
                else:
                    vals["explanation_data"] = concat(
                        pool_text, "; ", chain(share_text, f"{share:+.2f} {currency}".strip())
                    )
                result[(rule.id, employee.id)] = vals
        if notes:
            trusted(self).write({"pool_note": "\n".join(filter(None, [self.pool_note, *notes]))})
        return result

    def _pool_share_text(self, rule, weight, count, total):
        """'your 168 h × 1.2 of 1,512 weighted hours', 'your 160 h of 480 h' or
        'your equal share of 7 members'."""
        _weight, hours, coefficient = weight
        if rule.split_key == "equal":
            return _lt("your equal share of %(count)s members", count=count)
        if rule.split_key == "hours":
            return _lt(
                "your %(hours)s h of %(total)s h",
                hours=inc_logic.number(hours),
                total=inc_logic.number(round(total, 2)),
            )
        return _lt(
            "your %(hours)s h × %(coefficient)s of %(total)s weighted hours",
            hours=inc_logic.number(hours),
            coefficient=inc_logic.number(coefficient),
            total=inc_logic.number(round(total, 2)),
        )
