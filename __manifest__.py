# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
{
    "name": "OKR, KPI & Incentives",
    "summary": "Objectives and key results for every employee: aligned, "
    "approved, checked in, scored",
    "version": "19.0.1.0.0",
    "category": "Human Resources",
    "author": "okr_addon",
    "maintainers": ["okr_addon"],
    "website": "https://github.com/okr-addon/okr_addon",
    "license": "LGPL-3",
    "application": True,
    "depends": [
        "hr",
        "hr_attendance",
        "hr_skills",
        "mail",
        "portal",
        "web_hierarchy",
    ],
    "data": [
        "security/okr_security.xml",
        "security/ir.model.access.csv",
        "data/mail_activity_type_data.xml",
        "data/ir_cron_data.xml",
        "views/okr_objective_send_back_views.xml",
        "views/okr_cycle_views.xml",
        "views/okr_key_result_views.xml",
        "views/okr_checkin_views.xml",
        "views/okr_objective_views.xml",
        "views/hr_employee_views.xml",
        "views/hr_department_views.xml",
        "views/res_config_settings_views.xml",
        "views/okr_menus.xml",
    ],
    "demo": [
        "demo/okr_demo.xml",
    ],
}
