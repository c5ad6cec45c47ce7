import { registry } from "@web/core/registry";

function keys(digits) {
    return [...digits].map((digit) => ({
        content: `Tap ${digit} on the keypad`,
        trigger: `.o_okr_kiosk_keypad .o_okr_kiosk_key[data-key='${digit}']`,
        run: "click",
    }));
}

function expectValue(name, expected) {
    return {
        content: `The ${name} field reads what was tapped`,
        trigger: `input[name=${name}]`,
        run() {
            if (this.anchor.value !== expected) {
                throw new Error(`${name} is "${this.anchor.value}", expected "${expected}"`);
            }
        },
    };
}

// Badge 4711, PIN 2580 on the on-screen keypad; the cards, then the countdown.
registry.category("web_tour.tours").add("okr_kiosk_keypad", {
    steps: () => [
        { content: "The keypad is shown", trigger: ".o_okr_kiosk_keypad:not(.d-none)" },
        { content: "The clock runs", trigger: ".o_okr_kiosk_clock:not(:empty)" },
        ...keys("4712"),
        { content: "Oops: delete the last digit", trigger: ".o_okr_kiosk_key[data-key='back']", run: "click" },
        ...keys("1"),
        expectValue("badge", "4711"),
        { content: "OK asks for the PIN", trigger: ".o_okr_kiosk_ok", run: "click" },
        { content: "The PIN field is active", trigger: "input[name=pin].o_okr_kiosk_active" },
        ...keys("2580"),
        expectValue("pin", "2580"),
        expectValue("badge", "4711"),
        {
            content: "OK enters",
            trigger: ".o_okr_kiosk_ok",
            run: "click",
            expectUnloadPage: true,
        },
        {
            content: "The key result card shows its current value and its target",
            trigger:
                ".o_okr_kiosk_kr:contains('Parts per hour'):has(.o_okr_current:contains('40')):has(.o_okr_target:contains('50'))",
        },
        {
            content: "The KPI card shows its target",
            trigger: ".o_okr_kiosk_kpi:contains('Daily defects'):has(.o_okr_target:contains('3'))",
        },
        {
            content: "The countdown is visible",
            trigger: ".o_okr_kiosk_timer:not(.d-none) .o_okr_kiosk_seconds",
        },
        {
            content: "The countdown counts down",
            trigger: ".o_okr_kiosk_seconds:contains('27')",
        },
    ],
});
