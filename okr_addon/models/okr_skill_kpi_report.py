from odoo import fields, models, tools
from odoo.tools import SQL


class OkrSkillKpiReport(models.Model):
    """Do skills and certifications go with better KPI results?

    One row per measured employee KPI target and per skill related to its KPI
    (KPI Library → Related Skills), telling whether the employee held that
    skill during the target's period. Pivot "average completion" by skill and
    by *Holds Skill* to compare holders with the others.
    """

    _name = "okr.skill.kpi.report"
    _description = "Skills vs KPI Results"
    _auto = False
    _order = "date_from desc"

    target_id = fields.Many2one("kpi.target", string="KPI Target", readonly=True)
    definition_id = fields.Many2one("kpi.definition", string="KPI", readonly=True)
    employee_id = fields.Many2one("hr.employee", readonly=True)
    department_id = fields.Many2one("hr.department", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    date_from = fields.Date(string="Period", readonly=True)
    skill_id = fields.Many2one("hr.skill", readonly=True)
    holds_skill = fields.Boolean(readonly=True)
    completion_percent = fields.Float(string="Completion (%)", readonly=True, aggregator="avg")
    score = fields.Float(readonly=True, aggregator="avg")

    def init(self):
        tools.drop_view_if_exists(self.env.cr, self._table)
        self.env.cr.execute(
            SQL(
                """
            CREATE VIEW %s AS (
                SELECT
                    row_number() OVER (ORDER BY t.id, rel.hr_skill_id) AS id,
                    t.id AS target_id,
                    t.definition_id,
                    t.employee_id,
                    t.department_id,
                    t.company_id,
                    t.date_from,
                    rel.hr_skill_id AS skill_id,
                    EXISTS (
                        SELECT 1 FROM hr_employee_skill held
                         WHERE held.employee_id = t.employee_id
                           AND held.skill_id = rel.hr_skill_id
                           AND (held.valid_from IS NULL OR held.valid_from <= t.date_to)
                           AND (held.valid_to IS NULL OR held.valid_to >= t.date_from)
                    ) AS holds_skill,
                    t.completion_percent,
                    t.score
                FROM kpi_target t
                JOIN hr_skill_kpi_definition_rel rel ON rel.kpi_definition_id = t.definition_id
                WHERE t.level = 'employee' AND t.has_actual
            )
            """,
                SQL.identifier(self._table),
            )
        )
