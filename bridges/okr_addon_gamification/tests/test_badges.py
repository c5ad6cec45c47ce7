from odoo.addons.okr_addon.tests.test_incentive import IncentiveCase
from odoo.tests import tagged


@tagged("post_install", "-at_install")
class TestBadges(IncentiveCase):
    def test_bonus_earns_the_badge_once(self):
        badge = self.env["gamification.badge"].create({"name": "Zero-scrap hero"})
        self.rule.badge_id = badge
        run = self._run()
        run.action_compute()
        self._approve(run)
        run.action_post()
        run.action_post()
        owners = self.env["gamification.badge.user"].search([("badge_id", "=", badge.id)])
        self.assertEqual(owners.employee_id, self.emp_worker, "only the bonus earns the badge")
        self.assertEqual(len(owners), 1, "granted once, not on re-post")
        self.assertIn("completion 112.5%", owners.comment)
