# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
{
    "name": "OKR Incentives in OCA Payroll",
    "summary": "Approved OKR/KPI incentives land on OCA payslips exactly once",
    "version": "19.0.1.0.1",
    "category": "Human Resources",
    "author": "okr_addon",
    "maintainers": ["okr_addon"],
    "license": "LGPL-3",
    "depends": ["okr_addon", "payroll"],
    "data": ["data/hr_salary_rule_data.xml"],
    "demo": ["demo/payroll_demo.xml"],
    "auto_install": True,
}
