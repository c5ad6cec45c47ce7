// HR sets up a DingTalk attendance connector in the form and sees a month arrive
// (tests/test_platform_tour.py). The test passes the local fake DingTalk's URL as the
// okr_platform_url parameter of the first page; everything else is typed here.
import { registry } from "@web/core/registry";
import { stepUtils } from "@web_tour/tour_utils";

const URL_KEY = "okr_platform_url";

function platformUrl() {
    const url = new URLSearchParams(window.location.search).get(URL_KEY);
    if (url) {
        window.sessionStorage.setItem(URL_KEY, url);
    }
    return url || window.sessionStorage.getItem(URL_KEY);
}

registry.category("web_tour.tours").add("okr_platform_setup", {
    url: "/odoo",
    steps: () => [
        stepUtils.showAppsMenuItem(),
        {
            trigger: '.o_app[data-menu-xmlid="okr_addon.okr_menu_root"]',
            content: "Open the OKR app",
            run: "click",
        },
        {
            trigger: '.o_menu_sections [data-menu-xmlid="okr_addon.okr_menu_configuration"]',
            run: "click",
        },
        {
            trigger: '.dropdown-item[data-menu-xmlid="okr_addon.okr_menu_connectors"]',
            content: "Configuration > Connectors",
            run: "click",
        },
        {
            trigger: ".o_list_view .o_list_button_add",
            content: "A new connector",
            run: "click",
        },
        {
            trigger: ".o_form_view div[name=name] input",
            run: "edit DingTalk attendance",
        },
        {
            trigger: ".o_form_view div[name=kind] .o_select_menu_toggler",
            run: "click",
        },
        {
            trigger: ".o_select_menu_menu .o_select_menu_item:contains(DingTalk)",
            content: "Kind: Attendance: DingTalk",
            run: "click",
        },
        {
            trigger: ".o_form_view div[name=endpoint_url] input",
            content: "The platform's base URL",
            run: `edit ${platformUrl()}`,
        },
        {
            trigger: ".o_form_view div[name=match_order] input",
            content: "Match by mobile, then by job number",
            run: "edit mobile,job_number",
        },
        {
            trigger: ".o_notebook_headers a[name=remote]",
            run: "click",
        },
        {
            trigger: ".o_form_view div[name=allow_local_network] input[type=checkbox]:enabled",
            content: "A Settings administrator lets it call the local network",
            run: "click",
        },
        {
            trigger: ".o_form_view div[name=lookback_days] input",
            content: "The first run fetches the last month",
            run: "edit 31",
        },
        {
            trigger: ".o_notebook_headers a[name=credentials]",
            run: "click",
        },
        {
            trigger: ".o_form_view label:contains(App Key)",
            content: "DingTalk's own names for the credentials",
        },
        {
            trigger: ".o_form_view div[name=platform_key] input",
            run: "edit ding-tour-appkey",
        },
        {
            trigger: ".o_form_view div[name=platform_secret] input[type=password]",
            run: "edit Tour-S3cret/ding+0815=",
        },
        {
            trigger: ".o_notebook_headers a[name=schedule]",
            run: "click",
        },
        {
            trigger: ".o_form_view div[name=scheduled] input[type=checkbox]",
            content: "Run on Schedule",
            run: "click",
        },
        {
            trigger: ".o_form_view div[name=interval_number] input",
            run: "edit 1",
        },
        {
            trigger: ".o_form_view div[name=interval_type] .o_select_menu_toggler",
            run: "click",
        },
        {
            trigger: ".o_select_menu_menu .o_select_menu_item:contains(Days)",
            content: "Every 1 day",
            run: "click",
        },
        {
            trigger: ".o_form_view .o_form_button_save",
            run: "click",
        },
        {
            trigger: ".o_form_view button[name=action_test_connection]",
            content: "Saved: the connection can be tested",
            run: "click",
        },
        {
            trigger: ".o_notification:contains(accepted the credentials)",
            content: "DingTalk accepts the credentials",
        },
        {
            trigger: ".o_form_view button[name=action_run]",
            content: "Run it now",
            run: "click",
        },
        {
            trigger: ".o_form_view .o_statusbar_status .o_arrow_button_current:contains(Partial)",
            content: "The sync log of the run opens",
        },
        {
            trigger:
                ".o_form_view div[name=line_ids] .o_data_row:contains(李雷):contains(is not matched to an employee)",
            content: "The rows of the unmatched platform user say why they failed",
        },
        {
            trigger: ".o_form_view button[name=action_open_platform_users]",
            content: "Match him in Platform Users",
            run: "click",
        },
        {
            trigger: ".o_list_view .o_data_row:contains(李雷) td.o_data_cell[name=employee_id]",
            run: "click",
        },
        {
            trigger: ".o_list_view .o_selected_row div[name=employee_id] input",
            run: "edit Li Lei Tour",
        },
        {
            trigger: ".o-autocomplete--dropdown-item:contains(Li Lei Tour)",
            run: "click",
        },
        {
            trigger: ".o_list_view .o_list_button_save",
            run: "click",
        },
        {
            trigger: ".o_list_view .o_data_row:contains(李雷) td[name=state]:contains(Set by HR)",
            content: "HR's choice is kept",
        },
        {
            trigger: ".o_breadcrumb .o_back_button",
            content: "Back to the sync log",
            run: "click",
        },
        {
            trigger: ".o_form_view button[name=action_retry_failed]",
            run: "click",
        },
        {
            trigger: ".o_form_view div[name=trigger]:contains(Retry of Failed Rows)",
            content: "The retry has its own log",
        },
        {
            trigger: ".o_form_view .o_statusbar_status .o_arrow_button_current:contains(Success)",
            content: "Every failed row is imported",
        },
    ],
});
