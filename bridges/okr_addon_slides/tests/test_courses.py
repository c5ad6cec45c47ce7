from odoo.addons.okr_addon.tests.test_incentive import IncentiveCase
from odoo.tests import tagged


@tagged("post_install", "-at_install")
class TestCourses(IncentiveCase):
    def test_a_miss_recommends_the_course(self):
        skill_type = self.env["hr.skill.type"].create(
            {
                "name": "Quality",
                "skill_ids": [(0, 0, {"name": "QC basics"})],
                "skill_level_ids": [(0, 0, {"name": "Basic", "level_progress": 50})],
            }
        )
        course = self.env["slide.channel"].create({"name": "Scrap reduction basics"})
        self.rule.write(
            {"training_skill_id": skill_type.skill_ids.id, "training_course_id": course.id}
        )
        run = self._run()
        run.action_compute()
        self._approve(run)
        run.action_post()
        training = self.env["okr.training.recommendation"].search(
            [("employee_id", "in", (self.emp_worker | self.emp_colleague).ids)]
        )
        self.assertEqual(training.employee_id, self.emp_colleague, "only the miss")
        self.assertEqual((training.skill_id.name, training.course_id), ("QC basics", course))
