/**
 * The shop-floor kiosk (/okr/kiosk/<token>), like Odoo's Attendances kiosk.
 *
 * - The clock in the header.
 * - The big keypad of the start screen: it types into the badge field, then
 *   (after OK) into the PIN field; the plain form posts as it does without
 *   JavaScript. A badge scanner still types into the focused field.
 * - The countdown back to the start screen: the sooner of IDLE seconds without
 *   a touch and the server's end of the session (both from the page); any
 *   touch or key restarts it; at zero it posts "Done" (the logout form).
 *
 * Every text comes from the page, in the language the server chose.
 */

import { Interaction } from "@web/public/interaction";
import { registry } from "@web/core/registry";

export class OkrKioskClock extends Interaction {
    static selector = ".o_okr_kiosk_clock";

    start() {
        this.show();
        const timer = setInterval(() => this.show(), 1000);
        this.registerCleanup(() => clearInterval(timer));
    }

    show() {
        const now = new Date();
        let text;
        try {
            text = now.toLocaleTimeString(document.documentElement.lang || undefined, {
                hour: "2-digit",
                minute: "2-digit",
            });
        } catch {
            text = now.toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });
        }
        this.el.textContent = text;
        this.el.setAttribute("datetime", now.toISOString());
    }
}

export class OkrKioskKeypad extends Interaction {
    static selector = "form.o_okr_kiosk_login";
    dynamicContent = {
        ".o_okr_kiosk_key": {
            "t-on-click": (ev) => this.press(ev.currentTarget.dataset.key),
        },
        ".o_okr_kiosk_field": {
            "t-on-focus": (ev) => {
                this.active = ev.currentTarget;
            },
            "t-att-class": (el) => ({ o_okr_kiosk_active: el === this.active }),
        },
        ".o_okr_kiosk_ok": { "t-on-click": (ev) => this.ok(ev) },
    };

    setup() {
        this.badge = this.el.elements.badge;
        this.pin = this.el.elements.pin;
        this.active = this.badge.value ? this.pin : this.badge;
    }

    start() {
        this.el.querySelector(".o_okr_kiosk_keypad").classList.remove("d-none");
        // The keypad types: no phone keyboard over it.
        for (const field of [this.badge, this.pin]) {
            field.inputMode = "none";
        }
    }

    press(key) {
        const field = this.active;
        if (key === "clear") {
            field.value = "";
        } else if (key === "back") {
            field.value = field.value.slice(0, -1);
        } else {
            field.value += key;
        }
    }

    ok(ev) {
        // OK after the badge asks for the PIN; OK after the PIN posts the form.
        if (this.active === this.badge && this.badge.value && !this.pin.value) {
            ev.preventDefault();
            this.active = this.pin;
        }
    }
}

export class OkrKioskCountdown extends Interaction {
    static selector = ".o_okr_kiosk_countdown";

    setup() {
        this.idleMs = Number(this.el.dataset.idleSeconds) * 1000;
        this.endsAt = Date.now() + Number(this.el.dataset.secondsLeft) * 1000;
        this.leaving = false;
        this.touch();
    }

    start() {
        this.el.querySelector(".o_okr_kiosk_timer").classList.remove("d-none");
        for (const type of ["pointerdown", "touchstart", "keydown", "input"]) {
            this.addListener(document, type, () => this.touch(), { passive: true });
        }
        const timer = setInterval(() => this.tick(), 250);
        this.registerCleanup(() => clearInterval(timer));
        this.tick();
    }

    touch() {
        this.idleUntil = Math.min(Date.now() + this.idleMs, this.endsAt);
    }

    tick() {
        const left = Math.max(0, Math.ceil((this.idleUntil - Date.now()) / 1000));
        this.el.querySelector(".o_okr_kiosk_seconds").textContent = String(left);
        if (left === 0 && !this.leaving) {
            this.leaving = true;
            this.el.querySelector("form.o_okr_kiosk_logout").submit();
        }
    }
}

registry
    .category("public.interactions")
    .add("okr_addon.kiosk_clock", OkrKioskClock)
    .add("okr_addon.kiosk_keypad", OkrKioskKeypad)
    .add("okr_addon.kiosk_countdown", OkrKioskCountdown);
