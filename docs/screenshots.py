"""Take the README screenshots from a running okr_addon demo database.

Needs Playwright for Python (``pip install playwright``, no ``playwright install``)
and a Chromium binary (Debian: ``apt-get install chromium``; ``fonts-noto-cjk`` for
the Chinese set). The server must run a database installed with demo data, the HR
dashboard (``spreadsheet_dashboard``) and, for ``--lang zh_CN``, Simplified Chinese::

    python3 -m odoo … -d okr_shot -i okr_addon,payroll,spreadsheet_dashboard \\
        --with-demo --load-language=zh_CN --stop-after-init
    python3 -m odoo … -d okr_shot --db-filter='^okr_shot$' --http-port 8090 &
    python3 docs/screenshots.py --url http://127.0.0.1:8090
    python3 docs/screenshots.py --url http://127.0.0.1:8090 --lang zh_CN
    python3 docs/screenshots.py --url http://127.0.0.1:8090 --only team-board,cycle-health

Sets the demo users' language (``--lang``, default English; a language that is not
active yet is installed first), then writes docs/<shot>.png, or
docs/<shot>-<lang>.png for another language, each kept under ~400 KB. Exits
non-zero when a page shows an error dialog, a login form where it should not, an
empty board, or logs a JavaScript error.
"""

import argparse
import io
import re
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
DASHBOARD_READY = ".o_spreadsheet_dashboard_action .o-grid"
ERROR_SELECTORS = (".o_error_dialog", ".o_dialog .modal-title:has-text('Error')")
# Users whose screens are shot: their language follows --lang.
DEMO_LOGINS = ("admin", "li.na", "wang.wu", "zhang.san")
DEMO_TZ = "Europe/Brussels"
CJK = re.compile(r"[\u4e00-\u9fff]")
# The shots, in the order they are taken; --only picks some of them.
SHOTS = (
    "cycle-health",
    "hr-dashboard",
    "goal-map",
    "kpi-dashboard",
    "incentive-run",
    "employee-profile",
    "profile",
    "team-board",
    "reconcile-day",
    "phone-checkin",
    "earnings-preview",
    "phone-kiosk",
)


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
    def __init__(self, browser, url, lang="en_US"):
        self.browser = browser
        self.url = url.rstrip("/")
        self.lang = lang
        self.suffix = "" if lang == "en_US" else f"-{lang}"
        self.problems = []
        self.rpc_id = 0

    # -- browser -----------------------------------------------------------------

    def context(self, width, height, scale=1, login=None):
        context = self.browser.new_context(
            viewport={"width": width, "height": height},
            device_scale_factor=scale,
            is_mobile=width < 500,
            has_touch=width < 500,
            locale=self.lang.replace("_", "-"),
            # The demo's working schedules and terminal are on this clock: times read
            # the same in lists (the browser's zone) and in notes (the employee's).
            timezone_id=DEMO_TZ,
        )
        # Pages without a user (the kiosk) follow the visitor's language cookie.
        context.add_cookies([{"name": "frontend_lang", "value": self.lang, "url": self.url}])
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
        if self.lang.startswith("zh") and not CJK.search(page.inner_text("body")):
            self.problems.append(f"{label}: no Chinese text on the page")

    def web_client(self, page, path, label, ready=WEB_READY):
        page.goto(f"{self.url}{path}")
        page.wait_for_selector(ready, timeout=60_000)
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

    def open_app(self, page, label):
        """Open the OKR app from the apps menu, as a user does: it lands each
        role on its first screen."""
        page.goto(f"{self.url}/odoo")
        page.wait_for_selector(".o_navbar_apps_menu button", timeout=30_000)
        page.click(".o_navbar_apps_menu button")
        page.click("a.o_app[data-menu-xmlid='okr_addon.okr_menu_root']")
        page.wait_for_selector(WEB_READY, timeout=30_000)
        self.settle(page)
        self.check(page, label)

    def overflow(self, page, label):
        """Report anything wider than the phone screen (horizontal scrolling)."""
        width = page.evaluate("document.documentElement.scrollWidth")
        if width > 375:
            self.problems.append(f"{label}: page is {width}px wide at 375px")

    def save(self, page, name, **kwargs):
        save_small(page.screenshot(**kwargs), f"{name}{self.suffix}.png")

    # -- data --------------------------------------------------------------------

    def rpc(self, session, model, method, *args, **kwargs):
        """JSON-RPC with the cookies of the browser context ``session`` (logged in)."""
        self.rpc_id += 1
        response = session.request.post(
            f"{self.url}/web/dataset/call_kw/{model}/{method}",
            data={
                "jsonrpc": "2.0",
                "method": "call",
                "id": self.rpc_id,
                "params": {"model": model, "method": method, "args": args, "kwargs": kwargs},
            },
        )
        body = response.json()
        if "error" in body:
            raise SystemExit(f"{model}.{method}: {body['error']['data']['message']}")
        return body["result"]

    def ref(self, context, xmlid):
        module, name = xmlid.split(".")
        rows = self.rpc(
            context,
            "ir.model.data",
            "search_read",
            [("module", "=", module), ("name", "=", name)],
            fields=["res_id"],
        )
        if not rows:
            raise SystemExit(f"{xmlid} not found: is the demo data installed?")
        return rows[0]["res_id"]

    def prepare(self):
        """Install the language if needed, set it on the demo users, find the records."""
        context, _page = self.context(1024, 768, login="admin")
        langs = self.rpc(
            context,
            "res.lang",
            "search_read",
            [("code", "=", self.lang)],
            fields=["active"],
            context={"active_test": False},
        )
        if not langs:
            raise SystemExit(f"unknown language {self.lang}")
        if not langs[0]["active"]:
            print(f"installing {self.lang} and its translations…")
            wizard = self.rpc(
                context, "base.language.install", "create", {"lang_ids": [langs[0]["id"]]}
            )
            self.rpc(context, "base.language.install", "lang_install", [wizard])
            # A request served while the language was being activated may have
            # cached it as inactive (the spreadsheet dashboard then fails on its
            # date format): writing it again clears the server's language cache.
            self.rpc(context, "res.lang", "write", [langs[0]["id"]], {"active": True})
        if self.lang.startswith("zh"):
            # okr_addon's own terms are loaded: its menu "Home" reads 首页.
            menu = self.ref(context, "okr_addon.okr_menu_home")
            name = self.rpc(
                context, "ir.ui.menu", "read", [menu], ["name"], context={"lang": self.lang}
            )[0]["name"]
            if not CJK.search(name):
                raise SystemExit(f"okr_addon has no {self.lang} terms loaded (menu: {name})")
        users = self.rpc(
            context,
            "res.users",
            "search",
            [("login", "in", list(DEMO_LOGINS))],
            context={"active_test": False},
        )
        self.rpc(context, "res.users", "write", users, {"lang": self.lang})
        # The nightly forecast the phone's earnings preview reads: as on the day after
        # the install, not the evening of it.
        cron = self.ref(context, "okr_addon.ir_cron_kpi_forecast")
        self.rpc(context, "ir.cron", "method_direct_trigger", [cron])
        self.run_id = self.ref(context, "okr_addon.incentive_run_current_quarter")
        self.employee_id = self.ref(context, "okr_addon.emp_wang_wu")
        context.close()

    # -- the shots ---------------------------------------------------------------

    def hr(self, only):
        """HR's first screen and overviews, as the OKR administrator."""
        if not only & {"cycle-health", "hr-dashboard", "goal-map", "kpi-dashboard"}:
            return
        context, page = self.context(1440, 900, login="admin")
        if "cycle-health" in only:  # HR's first screen: opening the OKR app
            self.open_app(page, "cycle health")
            if not page.locator(".o_okr_home_tile").count():
                self.problems.append("cycle health: no tile waits for HR")
            page.set_viewport_size({"width": 1440, "height": 500})  # the tiles, no blank
            self.settle(page)
            self.save(page, "cycle-health")
            page.set_viewport_size({"width": 1440, "height": 900})
        if "hr-dashboard" in only:
            # Tall enough for the figures, completion by department and the trend
            # by cycle; the incentives and sync health sections follow below.
            page.set_viewport_size({"width": 1440, "height": 1620})
            self.web_client(page, "/odoo/okr-dashboard", "hr dashboard", ready=DASHBOARD_READY)
            # Charts are figures drawn on canvases once their data has loaded.
            page.wait_for_selector(".o-figure canvas", timeout=60_000)
            self.settle(page)
            page.wait_for_timeout(2_000)
            if page.locator(".o_spreadsheet_dashboard_action .dashboard-loading-status").count():
                self.problems.append("hr dashboard: the dashboard did not load")
            self.save(page, "hr-dashboard")
            page.set_viewport_size({"width": 1440, "height": 900})
        if "goal-map" in only:
            self.web_client(
                page, "/odoo/action-okr_addon.okr_objective_goal_map_action", "goal map"
            )
            # A folded node's button is the primary one ("Unfold", in any language).
            unfold = page.locator(".o_hierarchy_node .o_hierarchy_node_button.btn-primary")
            if unfold.count():  # open the first company objective's departments
                unfold.first.click()
                self.settle(page)
            self.save(page, "goal-map")
        if "kpi-dashboard" in only:
            self.web_client(page, "/odoo/action-okr_addon.kpi_target_dashboard_action", "kpi")
            self.save(page, "kpi-dashboard")
        context.close()

    def hr_files(self, only):
        """The incentive run and an employee's file, as the OKR administrator."""
        if only & {"incentive-run", "employee-profile"}:
            # Below 1400 px the chatter goes under the form: the lines get the full width.
            context, page = self.context(1366, 900, login="admin")
            if "incentive-run" in only:
                self.web_client(
                    page,
                    f"/odoo/action-okr_addon.okr_incentive_run_action/{self.run_id}",
                    "incentive run",
                )
                # Tall enough for the current quarter's lines: the team pool's shares
                # held by a worker's open dispute, the piece rate, the scrap bonus.
                page.set_viewport_size({"width": 1366, "height": 1500})
                self.settle(page)
                self.save(page, "incentive-run")
                page.set_viewport_size({"width": 1366, "height": 900})
            if "employee-profile" in only:
                self.web_client(page, f"/odoo/employees/{self.employee_id}", "employee")
                page.click(".o_notebook .nav-link[name=incentives]")
                self.settle(page)
                self.check(page, "employee")
                self.save(page, "employee-profile")
            context.close()

        if "profile" in only:
            # The capability profile tab, tall enough to show it whole.
            context, page = self.context(1366, 1180, login="admin")
            self.web_client(page, f"/odoo/employees/{self.employee_id}", "employee")
            page.click(".o_notebook .nav-link[name=okr_profile]")
            self.settle(page)
            self.check(page, "profile")
            if not page.locator(".o_okr_profile_history").count():
                self.problems.append("profile: the Profile tab shows no history table")
            self.save(page, "profile")
            context.close()

    def team_board(self):
        """The workshop lead's first screen: a column per team member, likely-to-miss
        and weakest first."""
        context, page = self.context(1366, 900, login="li.na")
        self.open_app(page, "team board")
        if not page.locator(".o_kanban_record").count():
            self.problems.append("team board: no key result shown")
        # One column per team member: widen the window until every column shows.
        width = page.evaluate("document.querySelector('.o_kanban_renderer').scrollWidth")
        if width > 1366:
            page.set_viewport_size({"width": width + 24, "height": 900})
            self.settle(page)
        page.set_viewport_size({"width": max(width + 24, 1366), "height": 600})
        self.settle(page)
        self.save(page, "team-board")
        context.close()

    def reconcile_day(self):
        """The workshop lead's review of a day two attendance sources disagree on."""
        context, page = self.context(1366, 760, login="li.na")
        self.web_client(
            page, "/odoo/action-okr_addon.okr_attendance_day_to_review_action", "reconcile"
        )
        rows = page.locator(".o_data_row")
        if not rows.count():
            self.problems.append("reconcile: no day to review")
        else:
            rows.first.click()
            page.wait_for_selector(".o_form_view", timeout=30_000)
            self.settle(page)
        self.save(page, "reconcile-day")
        context.close()

    def phone(self, only):
        if {"phone-checkin", "earnings-preview"} & only:
            context, page = self.context(375, 812, scale=2, login="zhang.san")
            page.goto(f"{self.url}/my/okr")
            page.wait_for_load_state("networkidle")
            self.check(page, "/my/okr")
            self.overflow(page, "/my/okr")
            if "phone-checkin" in only:
                self.save(page, "phone-checkin", full_page=True)
            if "earnings-preview" in only:
                # "What I could earn": the heading above the first preview at the top.
                label = page.locator(".o_okr_preview_label")
                if not label.count() or not page.locator(".o_okr_preview").count():
                    self.problems.append("/my/okr: no earnings preview for zhang.san")
                else:
                    top = label.first.evaluate(
                        "el => el.previousElementSibling.getBoundingClientRect().top"
                        " + window.scrollY"
                    )
                    page.evaluate(f"window.scrollTo(0, {max(top - 16, 0)})")
                    page.wait_for_timeout(300)
                    self.save(page, "earnings-preview")
            context.close()

        if "phone-kiosk" in only:
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
            self.save(page, "phone-kiosk", full_page=True)
            context.close()


def shot_names(value):
    names = {name.strip() for name in value.split(",") if name.strip()}
    unknown = names - set(SHOTS)
    if unknown:
        raise argparse.ArgumentTypeError(
            f"unknown shot(s) {', '.join(sorted(unknown))}; choose from {', '.join(SHOTS)}"
        )
    return names


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--url", default="http://127.0.0.1:8090")
    parser.add_argument("--chromium", default="/usr/bin/chromium")
    parser.add_argument(
        "--lang",
        default="en_US",
        help="language of the demo users (e.g. zh_CN); other than en_US, "
        "the files get a -<lang> suffix",
    )
    parser.add_argument(
        "--only",
        type=shot_names,
        action="append",
        metavar="NAME[,NAME]",
        help=f"take only these screenshots (repeatable; default: all): {', '.join(SHOTS)}",
    )
    args = parser.parse_args()
    only = set().union(*args.only) if args.only else set(SHOTS)
    # Playwright gives the browser a fresh temporary profile (--user-data-dir).
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=args.chromium, headless=True, args=CHROMIUM_ARGS
        )
        shooter = Shooter(browser, args.url, args.lang)
        shooter.prepare()
        shooter.hr(only)
        shooter.hr_files(only)
        if "team-board" in only:
            shooter.team_board()
        if "reconcile-day" in only:
            shooter.reconcile_day()
        shooter.phone(only)
        browser.close()
    for problem in shooter.problems:
        print("PROBLEM:", problem)
    sys.exit(1 if shooter.problems else 0)


if __name__ == "__main__":
    main()
