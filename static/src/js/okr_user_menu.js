// The user menu's plain link to the phone page (/my/okr), for employees who
// open Odoo on a phone and want their goals and today's check-in.
import { _t } from "@web/core/l10n/translation";
import { browser } from "@web/core/browser/browser";
import { registry } from "@web/core/registry";

function okrPhonePageItem() {
    return {
        type: "item",
        id: "okr_my_goals",
        description: _t("My Goals (phone page)"),
        href: "/my/okr",
        callback: () => browser.open("/my/okr", "_self"),
        sequence: 15,
    };
}

registry.category("user_menuitems").add("okr_my_goals", okrPhonePageItem);
