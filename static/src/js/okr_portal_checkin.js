/**
 * Phone check-in on /my/okr without reloading the page.
 *
 * A check-in form carrying data-okr-fetch posts the same fields (CSRF token
 * included) to that JSON route and puts the key result's new value, progress
 * and the "Saved" message in place. Without JavaScript the form posts to its
 * action and the page is redirected, as before.
 */

import { Interaction } from "@web/public/interaction";
import { registry } from "@web/core/registry";
import { _t } from "@web/core/l10n/translation";

const PROGRESS_CLASSES = ["bg-success", "bg-warning", "bg-primary"];

function progressClass(percent) {
    if (percent >= 100) {
        return "bg-success";
    }
    return percent < 50 ? "bg-warning" : "bg-primary";
}

export class OkrPortalCheckin extends Interaction {
    static selector = "form[data-okr-fetch]";
    dynamicContent = {
        _root: { "t-on-submit.prevent": this.locked(this.checkIn) },
        "button[type=submit]": { "t-att-disabled": () => this.saving },
    };

    setup() {
        this.saving = false;
        // The key result's card holds the figures the answer updates.
        this.card = this.el.closest(".o_okr_kr") || this.el.parentElement;
    }

    async checkIn() {
        this.saving = true;
        this.updateContent();
        let response;
        try {
            response = await this.waitFor(
                fetch(this.el.dataset.okrFetch, {
                    method: "POST",
                    body: new FormData(this.el),
                    headers: { Accept: "application/json" },
                })
            );
        } catch {
            // Offline or dropped: whether it was saved is unknown, so do not post again.
            this.saving = false;
            this.showStatus(_t("No connection: the check-in may not be saved."), true);
            return;
        }
        const isJson = (response.headers.get("Content-Type") || "").includes("application/json");
        if (!isJson) {
            // Expired session (400), not found (404)...: nothing was saved; let the
            // plain form post show Odoo's own page for it.
            this.el.submit();
            return;
        }
        const data = await this.waitFor(response.json());
        this.saving = false;
        if (!data.ok) {
            this.showStatus(data.error, true);
            return;
        }
        this.showFigures(data);
        this.showStatus(data.message, false);
        for (const name of ["value", "note"]) {
            if (this.el.elements[name]) {
                this.el.elements[name].value = "";
            }
        }
    }

    showStatus(text, isError) {
        let status = this.card.querySelector(".o_okr_card_status");
        if (!status) {
            status = document.createElement("div");
            status.setAttribute("role", "status");
            this.el.before(status);
        }
        status.className = `o_okr_card_status alert py-1 my-1 small ${
            isError ? "alert-danger" : "alert-success"
        }`;
        status.textContent = text;
    }

    showFigures(data) {
        const current = this.card.querySelector(".o_okr_current");
        if (current) {
            current.textContent = data.current_value;
        }
        const outer = this.card.querySelector(".o_okr_progress");
        if (outer) {
            outer.setAttribute("aria-valuenow", data.progress);
            const bar = outer.querySelector(".progress-bar");
            bar.classList.remove(...PROGRESS_CLASSES);
            bar.classList.add(progressClass(data.progress));
            bar.style.width = `${Math.min(data.progress, 100)}%`;
            bar.textContent = `${data.progress}%`;
        }
    }
}

registry.category("public.interactions").add("okr_addon.portal_checkin", OkrPortalCheckin);
