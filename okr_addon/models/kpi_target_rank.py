"""Where an employee stands in a KPI among comparable colleagues."""

from odoo import api, fields, models

from ..logic import ranking


class KpiTarget(models.Model):
    """Rank of an employee target within its comparable group: the employee
    targets of the same KPI and dates whose employees share a department and a
    job, a department, or one of the KPI's rank tags (a shift, a store size), as
    the KPI says. Ranked by completion (which already knows whether lower is
    better). An employee sees only their own position and the group's size;
    managers see their team's targets, and so their ranks."""

    _inherit = "kpi.target"

    rank_position = fields.Integer(
        string="Rank",
        compute="_compute_rank",
        help="1 for the best completion in the comparable group; equal completions share a rank.",
    )
    rank_size = fields.Integer(string="Ranked Among", compute="_compute_rank")
    rank_label = fields.Char(string="Rank in Group", compute="_compute_rank")

    @api.depends("completion", "has_actual", "employee_id")
    def _compute_rank(self):
        ranks = self._ranks()
        for target in self:
            position, size = ranks.get(target.id, (0, 0))
            target.rank_position, target.rank_size = position, size
            target.rank_label = (
                self.env._(
                    "Rank %(position)s of %(size)s in your group", position=position, size=size
                )
                if size
                else False
            )

    def _rank_group(self):
        """The key of this employee target's comparable group (None: no group)."""
        definition, employee = self.definition_id, self.employee_id
        if definition.rank_group == "department":
            return (employee.department_id.id,) if employee.department_id else None
        if definition.rank_group == "tag":
            tags = employee.category_ids & definition.rank_tag_ids
            return frozenset(tags.ids) or None
        return (employee.department_id.id, employee.job_id.id)

    def _ranks(self):
        """{target id: (position, size)} for these employee targets with an actual,
        from one search of their peers (read as superuser: nobody sees the peers,
        only the position)."""
        wanted = self.filtered(lambda t: t.level == "employee" and t.has_actual and t.id)
        if not wanted:
            return {}
        wanted = wanted.sudo()
        peers = wanted.search(
            [
                ("definition_id", "in", wanted.definition_id.ids),
                ("level", "=", "employee"),
                ("has_actual", "=", True),
                ("date_from", "in", list(set(wanted.mapped("date_from")))),
                ("date_to", "in", list(set(wanted.mapped("date_to")))),
            ]
        )
        groups = {}
        for peer in peers:
            group = peer._rank_group()
            if group is not None:
                key = (peer.definition_id.id, peer.date_from, peer.date_to, group)
                groups.setdefault(key, {})[peer.id] = round(peer.completion, 6)
        ranks = {}
        for scores in groups.values():
            ranks.update(ranking.competition_ranks(scores))
        return {target.id: ranks[target.id] for target in wanted if target.id in ranks}
