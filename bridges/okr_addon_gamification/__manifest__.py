# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
{
    "name": "OKR Incentives: Gamification Badges",
    "summary": "Incentive rules can grant a badge as recognition",
    "version": "19.0.1.0.0",
    "category": "Human Resources",
    "author": "okr_addon",
    "maintainers": ["okr_addon"],
    "license": "LGPL-3",
    "depends": ["okr_addon", "hr_gamification"],
    "data": ["views/okr_incentive_rule_views.xml"],
    "auto_install": True,
}
