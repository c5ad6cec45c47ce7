"""Take the README screenshots from a running okr_addon demo database.

Needs Playwright for Python (``pip install playwright``, no ``playwright install``)
and a Chromium binary (Debian: ``apt-get install chromium``). The server must run a
database installed with demo data, e.g.::

    python3 -m odoo … -d okr_shot -i okr_addon,payroll --with-demo --stop-after-init
    python3 -m odoo … -d okr_shot --db-filter='^okr_shot$' --http-port 8090 &
    python3 docs/screenshots.py --url http://127.0.0.1:8090

Writes docs/*.png (each kept under ~400 KB) and exits non-zero when a page shows an
error dialog, a login form where it should not, or logs a JavaScript error.
"""

import argparse
import io
import sys
from pathlib import Path

from PIL import Image
from playwright.sync_api import TimeoutError as PlaywrightTimeout
from playwright.sync_api import sync_playwright

DOCS = Path(__file__).resolve().parent
MAX_BYTES = 400_000
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
WEB_READY = ".o_action_manager .o_view_controller"
ERROR_SELECTORS = (".o_error_dialog", ".o_dialog .modal-title:has-text('Error')")


def save_small(png: bytes, name: str) -> Path:
    """Write the PNG, shrinking colours then size until it is under MAX_BYTES."""
    path = DOCS / name
    image = Image.open(io.BytesIO(png)).convert("RGB")
    data = png
    scale = 1.0
    while len(data) > MAX_BYTES:
        candidate = image
        if scale < 1.0:
            size = (round(image.width * scale), round(image.height * scale))
            candidate = image.resize(size, Image.LANCZOS)
        out = io.BytesIO()
        candidate.quantize(colors=256, method=Image.Quantize.MEDIANCUT).save(
            out, "PNG", optimize=True
        )
        data = out.getvalue()
        scale -= 0.1
    path.write_bytes(data)
    print(f"{path.relative_to(DOCS.parent)}: {len(data) // 1024} KB")
    return path


class Shooter:
    def __init__(self, browser, url):
        self.browser = browser
        self.url = url.rstrip("/")
        self.problems = []

    def context(self, width, height, scale=1, login=None):
        context = self.browser.new_context(
            viewport={"width": width, "height": height},
            device_scale_factor=scale,
            is_mobile=width < 500,
            has_touch=width < 500,
        )
        page = context.new_page()
        page.on("pageerror", lambda error: self.problems.append(f"JS error: {error}"))
        page.on("response", self.on_response)
        if login:
            page.goto(f"{self.url}/web/login")
            page.fill("input[name=login]", login)
            page.fill("input[name=password]", login)
            with page.expect_navigation():
                page.click("form button[type=submit]")
            if "/web/login" in page.url:
                raise SystemExit(f"login as {login} failed")
        return context, page

    def on_response(self, response):
        # Odoo's employee form shows icons of Enterprise apps that are not there.
        upsell = response.url.endswith("/static/description/icon.png") and (
            "/okr_addon/" not in response.url
        )
        if response.status >= 400 and not upsell:
            self.problems.append(f"HTTP {response.status}: {response.url}")

    def check(self, page, label):
        if page.locator("form input[name=password]").count() and "kiosk" not in label:
            self.problems.append(f"{label}: login form shown")
        for selector in ERROR_SELECTORS:
            if page.locator(selector).count():
                text = page.locator(selector).first.inner_text()[:300]
                self.problems.append(f"{label}: error dialog: {text}")

    def web_client(self, page, path, label):
        page.goto(f"{self.url}{path}")
        page.wait_for_selector(WEB_READY, timeout=30_000)
        self.settle(page)
        self.check(page, label)

    @staticmethod
    def settle(page):
        """Wait for RPCs to end: the web client's bus keeps a connection open, so
        "networkidle" may never come; Odoo's loading indicator is the real sign."""
        try:
            page.wait_for_load_state("networkidle", timeout=5_000)
        except PlaywrightTimeout:
            pass
        page.wait_for_function(
            "!document.querySelector('.o_loading_indicator, .o_blockUI, .o_spinner')",
            timeout=30_000,
        )
        page.wait_for_timeout(800)  # charts and hierarchy lines animate in

    def phone(self):
        context, page = self.context(375, 812, scale=2, login="zhang.san")
        page.goto(f"{self.url}/my/okr")
        page.wait_for_load_state("networkidle")
        self.check(page, "/my/okr")
        self.overflow(page, "/my/okr")
        save_small(page.screenshot(full_page=True), "phone-checkin.png")
        context.close()

        context, page = self.context(375, 812, scale=2)
        page.goto(f"{self.url}/okr/kiosk/demo-kiosk")
        page.fill("input[name=badge]", "1002")
        page.fill("input[name=pin]", "1002")
        with page.expect_navigation():
            page.click("form button[type=submit]")
        page.wait_for_load_state("networkidle")
        if page.locator("input[name=badge]").count():
            self.problems.append("kiosk: badge 1002 / PIN 1002 not accepted")
        self.check(page, "kiosk")
        self.overflow(page, "kiosk")
        save_small(page.screenshot(full_page=True), "phone-kiosk.png")
        context.close()

    def overflow(self, page, label):
        """Report anything wider than the phone screen (horizontal scrolling)."""
        width = page.evaluate("document.documentElement.scrollWidth")
        if width > 375:
            self.problems.append(f"{label}: page is {width}px wide at 375px")

    def desktop(self, run_id, employee_id):
        context, page = self.context(1440, 900, login="admin")
        self.web_client(page, "/odoo/action-okr_addon.okr_objective_goal_map_action", "goal map")
        unfold = page.locator(".o_hierarchy_node button:has-text('Unfold')")
        if unfold.count():  # open the first department's team objectives
            unfold.first.click()
            self.settle(page)
        save_small(page.screenshot(), "goal-map.png")

        self.web_client(page, "/odoo/action-okr_addon.kpi_target_dashboard_action", "kpi")
        save_small(page.screenshot(), "kpi-dashboard.png")
        context.close()

        # Below 1400 px the chatter goes under the form: the lines get the full width.
        context, page = self.context(1366, 900, login="admin")

        self.web_client(
            page, f"/odoo/action-okr_addon.okr_incentive_run_action/{run_id}", "incentive run"
        )
        save_small(page.screenshot(), "incentive-run.png")

        self.web_client(page, f"/odoo/employees/{employee_id}", "employee")
        page.click(".o_notebook .nav-link:has-text('Incentives')")
        self.settle(page)
        self.check(page, "employee")
        save_small(page.screenshot(), "employee-profile.png")
        context.close()

    def team_board(self):
        """The workshop lead's morning board: likely-to-miss and weakest first."""
        context, page = self.context(1366, 900, login="li.na")
        self.web_client(
            page, "/odoo/action-okr_addon.okr_key_result_team_board_action", "team board"
        )
        if not page.locator(".o_kanban_record").count():
            self.problems.append("team board: no key result shown")
        save_small(page.screenshot(), "team-board.png")
        context.close()

    def profile(self, employee_id):
        """The capability profile tab, tall enough to show it whole."""
        context, page = self.context(1366, 1180, login="admin")
        self.web_client(page, f"/odoo/employees/{employee_id}", "employee")
        page.click(".o_notebook .nav-link:has-text('Profile')")
        self.settle(page)
        self.check(page, "profile")
        if not page.locator(".o_okr_profile_history").count():
            self.problems.append("profile: the Profile tab shows no history table")
        save_small(page.screenshot(), "profile.png")
        context.close()


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--url", default="http://127.0.0.1:8090")
    parser.add_argument("--chromium", default="/usr/bin/chromium")
    parser.add_argument("--run-id", type=int, default=1, help="demo incentive run")
    parser.add_argument("--employee-id", type=int, required=True, help="Wang Wu's id")
    parser.add_argument(
        "--only",
        choices=("phone", "desktop", "team-board", "profile"),
        action="append",
        help="take only these screenshots (repeatable; default: all)",
    )
    args = parser.parse_args()
    # Playwright gives the browser a fresh temporary profile (--user-data-dir).
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=args.chromium, headless=True, args=CHROMIUM_ARGS
        )
        shooter = Shooter(browser, args.url)
        only = set(args.only or ("phone", "desktop", "team-board", "profile"))
        if "phone" in only:
            shooter.phone()
        if "desktop" in only:
            shooter.desktop(args.run_id, args.employee_id)
        if "team-board" in only:
            shooter.team_board()
        if "profile" in only:
            shooter.profile(args.employee_id)
        browser.close()
    for problem in shooter.problems:
        print("PROBLEM:", problem)
    sys.exit(1 if shooter.problems else 0)


if __name__ == "__main__":
    main()
