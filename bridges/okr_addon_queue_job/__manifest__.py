# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
{
    "name": "OKR Connectors: Job Queue",
    "summary": "Large connector runs are split into queue jobs shared by the Odoo workers",
    "version": "19.0.1.1.0",
    "category": "Human Resources",
    "author": "okr_addon",
    "maintainers": ["okr_addon"],
    "license": "LGPL-3",
    "depends": ["okr_addon", "queue_job"],
    "data": [
        "security/ir.model.access.csv",
        "security/okr_addon_queue_job_security.xml",
        "views/okr_sync_log_views.xml",
    ],
    "auto_install": True,
}
