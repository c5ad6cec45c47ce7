"""An employee sees their own rank in a KPI within a comparable group, never the
others' names or values; managers see their team's ranks."""

import datetime
import re

from odoo.exceptions import AccessError
from odoo.tests import HttpCase, new_test_user, tagged

D = datetime.date


@tagged("post_install", "-at_install")
class TestKpiRank(HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        today = datetime.date.today()
        cls.env.company.okr_show_rank = True
        line = cls.env["hr.department"].create({"name": "Press line B"})
        pressman = cls.env["hr.job"].create({"name": "Press operator"})
        cls.manager_user = new_test_user(
            cls.env, "okr_rank_lead", groups="base.group_user,okr_addon.group_okr_manager"
        )
        lead = cls.env["hr.employee"].create({"name": "Line lead", "user_id": cls.manager_user.id})
        cls.defects = cls.env["kpi.definition"].create(
            {
                "name": "Defects per shift",
                "code": "T_RANK_DEFECTS",
                "direction": "lower_better",
                "show_rank": True,
            }
        )
        cls.targets = {}
        # lower is better: Ma Lin 2 (best), Wang Wu 3, Guo Ping 3 (tied), He Jun 6
        for login, name, value in (
            ("okr_rank_wang", "Wang Wu", 3),
            ("okr_rank_ma", "Ma Lin", 2),
            ("okr_rank_guo", "Guo Ping", 3),
            ("okr_rank_he", "He Jun", 6),
        ):
            user = new_test_user(cls.env, login, groups="base.group_portal", password=login)
            employee = cls.env["hr.employee"].create(
                {
                    "name": name,
                    "user_id": user.id,
                    "department_id": line.id,
                    "job_id": pressman.id,
                    "parent_id": lead.id,
                }
            )
            cls.targets[name] = cls.env["kpi.target"].create(
                {
                    "definition_id": cls.defects.id,
                    "employee_id": employee.id,
                    "date_from": today - datetime.timedelta(days=5),
                    "date_to": today + datetime.timedelta(days=5),
                    "target": 4,
                    "floor": 8,
                }
            )
            cls.env["kpi.measurement"].create(
                {
                    "definition_id": cls.defects.id,
                    "employee_id": employee.id,
                    "date": today - datetime.timedelta(days=1),
                    "value": value,
                }
            )

    def test_employee_sees_own_rank_only(self):
        self.authenticate("okr_rank_wang", "okr_rank_wang")
        page = self.url_open("/my/okr").text
        self.assertIn("Rank 2 of 4 in your group", page)
        for other in ("Ma Lin", "Guo Ping", "He Jun"):
            self.assertNotIn(other, page)
        self.assertEqual(len(re.findall(r"o_okr_rank", page)), 1)

    def test_ranks_ties_and_groups(self):
        ranks = {name: (t.rank_position, t.rank_size) for name, t in self.targets.items()}
        self.assertEqual(
            ranks,
            {"Ma Lin": (1, 4), "Wang Wu": (2, 4), "Guo Ping": (2, 4), "He Jun": (4, 4)},
        )
        # another job on the line: a group of its own
        welder = self.env["hr.job"].create({"name": "Welder"})
        self.targets["He Jun"].employee_id.job_id = welder
        self.env.invalidate_all()
        self.assertEqual(
            (self.targets["He Jun"].rank_position, self.targets["He Jun"].rank_size), (1, 1)
        )
        self.assertEqual(self.targets["Ma Lin"].rank_size, 3)

    def test_rank_hidden_when_the_company_or_the_kpi_says_so(self):
        self.env.company.okr_show_rank = False
        self.authenticate("okr_rank_wang", "okr_rank_wang")
        self.assertNotIn("in your group", self.url_open("/my/okr").text)
        self.env.company.okr_show_rank = True
        self.defects.show_rank = False
        self.assertNotIn("in your group", self.url_open("/my/okr").text)

    def test_manager_sees_the_team_ranking_a_portal_user_reads_nothing(self):
        team = (
            self.env["kpi.target"]
            .with_user(self.manager_user)
            .search([("definition_id", "=", self.defects.id)], order="id")
        )
        self.assertEqual(team.mapped("rank_position"), [2, 1, 2, 4])
        portal = self.targets["Wang Wu"].employee_id.user_id
        with self.assertRaises(AccessError):
            self.targets["Ma Lin"].with_user(portal).read(["rank_position", "actual"])
