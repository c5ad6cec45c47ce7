// The first screens of each role, driven in a real browser (tests/test_tours.py).
import { registry } from "@web/core/registry";
import { stepUtils } from "@web_tour/tour_utils";

function openOkrApp() {
    return [
        stepUtils.showAppsMenuItem(),
        {
            trigger: '.o_app[data-menu-xmlid="okr_addon.okr_menu_root"]',
            content: "Open the OKR app",
            run: "click",
        },
    ];
}

registry.category("web_tour.tours").add("okr_hr_home_approve_and_post", {
    url: "/odoo",
    steps: () => [
        ...openOkrApp(),
        {
            trigger: ".o_form_view h1:contains(Cycle Health)",
            content: "HR lands on the cycle's health",
        },
        {
            trigger: ".o_okr_home_tile:contains(Objectives to approve)",
            content: "One objective waits for approval",
            run: "click",
        },
        {
            trigger: ".o_data_row td.o_data_cell:contains(Tour: fewer defects)",
            run: "click",
        },
        {
            trigger: ".o_form_view button[name=action_approve]",
            content: "Approve it",
            run: "click",
        },
        {
            trigger: ".o_statusbar_status .o_arrow_button_current:contains(Running)",
            content: "The objective runs",
        },
        {
            trigger: ".o_breadcrumb .breadcrumb-item:first-child a",
            content: "Back to the cycle's health",
            run: "click",
        },
        {
            trigger: ".o_okr_home_tile:contains(Incentive runs to approve)",
            content: "A run computed by a colleague waits for the second pair of eyes",
            run: "click",
        },
        {
            trigger: ".o_data_row td.o_data_cell:contains(Tour run)",
            run: "click",
        },
        {
            trigger: ".o_form_view button[name=action_approve]",
            run: "click",
        },
        {
            trigger: ".o_form_view button[name=action_post]:contains(Post to Payroll)",
            run: "click",
        },
        {
            trigger: ".o_statusbar_status .o_arrow_button_current:contains(Posted)",
            content: "Posted: the bonus is on its way to the payslip",
        },
    ],
});

registry.category("web_tour.tours").add("okr_manager_team_board", {
    url: "/odoo",
    steps: () => [
        ...openOkrApp(),
        {
            trigger: ".o_kanban_view .o_kanban_group:contains(Wang Wu) .o_kanban_record:contains(Tour scrap rate)",
            content: "The manager lands on the Team Board with the team's key results",
        },
        {
            trigger: ".o_kanban_view .o_kanban_group:contains(Zhang San):not(:has(.o_kanban_record))",
            content: "A member without an objective has an empty column",
        },
    ],
});

registry.category("web_tour.tours").add("okr_worker_phone_checkin", {
    url: "/",
    steps: () => [
        {
            trigger: ".o_okr_portal h3:contains(Hello)",
            content: "A frontline worker lands on the goals page",
        },
        {
            trigger: ".o_okr_kr:contains(Tour press output) form[data-okr-fetch] input[name=value]",
            run: "edit 640",
        },
        {
            trigger: ".o_okr_kr:contains(Tour press output) form[data-okr-fetch] button[type=submit]",
            run: "click",
        },
        {
            trigger: "body:contains(Saved)",
            content: "Saved in place, on a 375 px screen",
        },
    ],
});
