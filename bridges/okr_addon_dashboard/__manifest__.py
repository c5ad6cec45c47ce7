# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
{
    "name": "OKR & KPI: HR Dashboard",
    "summary": "A spreadsheet dashboard HR opens every morning: KPI completion by department, "
    "objectives' trend by cycle, what is likely to miss, the last approved incentives, sync health",
    "version": "19.0.1.0.0",
    "category": "Human Resources",
    "author": "okr_addon",
    "maintainers": ["okr_addon"],
    "license": "LGPL-3",
    "depends": ["okr_addon", "spreadsheet_dashboard"],
    "data": [
        "data/dashboards.xml",
        "views/okr_incentive_line_views.xml",
        "views/okr_dashboard_menus.xml",
    ],
    "auto_install": True,
}
