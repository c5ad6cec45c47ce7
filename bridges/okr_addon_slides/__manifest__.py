# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
{
    "name": "OKR Incentives: eLearning Courses",
    "summary": "A missed target recommends an eLearning course for the skill gap",
    "version": "19.0.1.0.0",
    "category": "Human Resources",
    "author": "okr_addon",
    "maintainers": ["okr_addon"],
    "license": "LGPL-3",
    "depends": ["okr_addon", "website_slides"],
    "data": ["views/okr_slides_views.xml"],
    "auto_install": True,
}
