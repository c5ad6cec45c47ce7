/** @odoo-module */

/**
 * Phone check-in on /my/okr without reloading the page.
 *
 * A check-in form carrying data-okr-fetch posts the same fields (CSRF token
 * included) to that JSON route and puts the key result's new value, progress
 * and the "Saved" message in place. Without JavaScript the form posts to its
 * action and the page is redirected, as before.
 */

import { _t } from "@web/core/l10n/translation";

const OK_CLASSES = ["bg-success", "bg-warning", "bg-primary"];

function progressClass(percent) {
    if (percent >= 100) {
        return "bg-success";
    }
    return percent < 50 ? "bg-warning" : "bg-primary";
}

function showStatus(card, text, isError) {
    let status = card.querySelector(".o_okr_card_status");
    if (!status) {
        status = document.createElement("div");
        status.setAttribute("role", "status");
        card.querySelector("form").before(status);
    }
    status.className = `o_okr_card_status alert py-1 my-1 small ${
        isError ? "alert-danger" : "alert-success"
    }`;
    status.textContent = text;
}

function showFigures(card, data) {
    const current = card.querySelector(".o_okr_current");
    if (current) {
        current.textContent = data.current_value;
    }
    const outer = card.querySelector(".o_okr_progress");
    if (outer) {
        outer.setAttribute("aria-valuenow", data.progress);
        const bar = outer.querySelector(".progress-bar");
        bar.classList.remove(...OK_CLASSES);
        bar.classList.add(progressClass(data.progress));
        bar.style.width = `${Math.min(data.progress, 100)}%`;
        bar.textContent = `${data.progress}%`;
    }
}

async function checkIn(form) {
    const card = form.closest(".o_okr_kr") || form.parentElement;
    const button = form.querySelector("button[type=submit]");
    button.disabled = true;
    let response;
    try {
        response = await fetch(form.dataset.okrFetch, {
            method: "POST",
            body: new FormData(form),
            headers: { Accept: "application/json" },
        });
    } catch {
        // Offline or dropped: whether it was saved is unknown, so do not post again.
        showStatus(card, _t("No connection: the check-in may not be saved."), true);
        button.disabled = false;
        return;
    }
    const isJson = (response.headers.get("Content-Type") || "").includes("application/json");
    if (!isJson) {
        // Expired session (400), not found (404)...: nothing was saved; let the
        // plain form post show Odoo's own page for it.
        form.submit();
        return;
    }
    const data = await response.json();
    button.disabled = false;
    if (!data.ok) {
        showStatus(card, data.error, true);
        return;
    }
    showFigures(card, data);
    showStatus(card, data.message, false);
    for (const name of ["value", "note"]) {
        if (form.elements[name]) {
            form.elements[name].value = "";
        }
    }
}

document.addEventListener("submit", (event) => {
    const form = event.target;
    if (!(form instanceof HTMLFormElement) || !form.dataset.okrFetch || !window.fetch) {
        return;
    }
    event.preventDefault();
    checkIn(form);
});
