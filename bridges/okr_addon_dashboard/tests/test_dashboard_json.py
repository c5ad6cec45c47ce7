"""The dashboard's spreadsheet against the models it reads.

Every pivot, list and Odoo chart names a model, fields, measures, group-bys,
a domain and the department filter's field chain: each is checked against the
models as installed, then each data source is read as HR would read it. A
renamed or removed field fails here, not on HR's screen.
"""

import datetime
import json
import re

import polib

from odoo import fields
from odoo.fields import Domain
from odoo.modules.module import get_module_path
from odoo.tests import TransactionCase, new_test_user, tagged
from odoo.tools import file_open
from odoo.tools.translate import extract_spreadsheet_terms

FILE = "okr_addon_dashboard/data/files/okr_dashboard.json"
PIVOT_REF = re.compile(r"PIVOT(?:\.VALUE|\.HEADER)?\((\d+)")
LIST_REF = re.compile(r"ODOO\.LIST(?:\.HEADER)?\((\d+)")
LIST_FIELD = re.compile(r'ODOO\.LIST(?:\.HEADER)?\(\d+,\s*(?:\d+,\s*)?"([^"]+)"')
SHEET_REF = re.compile(r"^(\w+)!([A-Z]+\d+)$")


def load_dashboard():
    with file_open(FILE) as fh:
        return json.load(fh)


def odoo_charts(data):
    for sheet in data["sheets"]:
        for figure in sheet["figures"]:
            if figure["tag"] == "chart" and figure["data"]["type"].startswith("odoo_"):
                yield figure["data"]


@tagged("post_install", "-at_install")
class TestDashboardSpreadsheet(TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.data = load_dashboard()
        cls.user_hr = new_test_user(
            cls.env, "okr_dash_json_hr", groups="base.group_user,okr_addon.group_okr_admin"
        )

    # -- helpers -----------------------------------------------------------------
    def assertChain(self, model_name, chain, where):
        """Each step of a dotted field path exists; returns the last field."""
        model = self.env[model_name]
        field = None
        for step in chain.split("."):
            self.assertIn(step, model._fields, f"{where}: {model._name} has no field {step!r}")
            field = model._fields[step]
            if field.relational:
                model = self.env[field.comodel_name]
        return field

    def assertGroupBy(self, model_name, spec, where):
        name, _sep, granularity = spec.partition(":")
        field = self.assertChain(model_name, name, where)
        self.assertTrue(
            field.store or field.type == "many2one", f"{where}: cannot group by {spec!r}"
        )
        if granularity:
            self.assertIn(field.type, ("date", "datetime"), f"{where}: {spec!r}")

    def assertMeasure(self, model_name, measure, where):
        if measure == "__count":
            return
        field = self.assertChain(model_name, measure, where)
        self.assertTrue(field.store, f"{where}: measure {measure!r} is not stored")
        self.assertTrue(field.aggregator, f"{where}: measure {measure!r} has no aggregator")

    def assertDomain(self, model_name, domain, where):
        model = self.env[model_name]
        Domain(domain).validate(model)
        # reading through it raises on an unknown field, operator or value
        model.with_user(self.user_hr).search_count(domain)

    def assertFilterMatching(self, model_name, matching, where):
        filters = {f["id"]: f for f in self.data["globalFilters"]}
        for filter_id, match in matching.items():
            self.assertIn(filter_id, filters, f"{where}: unknown filter")
            field = self.assertChain(model_name, match["chain"], where)
            self.assertEqual(field.type, match["type"], where)
            if filters[filter_id]["type"] == "relation":
                self.assertEqual(field.comodel_name, filters[filter_id]["modelName"], where)

    # -- tests -----------------------------------------------------------------
    def test_pivots_read_existing_fields(self):
        self.assertTrue(self.data["pivots"])
        for pid, pivot in self.data["pivots"].items():
            where = f"pivot {pid} ({pivot['name']})"
            self.assertEqual(pivot["type"], "ODOO", where)
            model = pivot["model"]
            self.assertIn(model, self.env, where)
            for measure in pivot["measures"]:
                self.assertMeasure(model, measure["fieldName"], where)
            for dimension in pivot["rows"] + pivot["columns"]:
                self.assertGroupBy(model, dimension["fieldName"], where)
            self.assertDomain(model, pivot["domain"], where)
            self.assertFilterMatching(model, pivot["fieldMatching"], where)
            # what the spreadsheet asks the server, as HR
            self.env[model].with_user(self.user_hr).formatted_read_group(
                pivot["domain"],
                [d["fieldName"] for d in pivot["rows"]],
                [
                    "__count" if m["fieldName"] == "__count" else f"{m['fieldName']}:sum"
                    for m in pivot["measures"]
                ],
            )

    def test_lists_read_existing_fields(self):
        for lid, lst in self.data["lists"].items():
            where = f"list {lid} ({lst['name']})"
            for column in lst["columns"]:
                self.assertChain(lst["model"], column, where)
            for order in lst["orderBy"]:
                self.assertChain(lst["model"], order["name"], where)
            self.assertDomain(lst["model"], lst["domain"], where)
            self.assertFilterMatching(lst["model"], lst["fieldMatching"], where)
            self.env[lst["model"]].with_user(self.user_hr).search_read(
                lst["domain"], lst["columns"], limit=10
            )

    def test_charts_read_existing_fields(self):
        charts = list(odoo_charts(self.data))
        self.assertEqual({c["type"] for c in charts}, {"odoo_bar", "odoo_line", "odoo_pie"})
        for chart in charts:
            meta = chart["metaData"]
            where = f"chart {chart['title']['text']!r}"
            model = meta["resModel"]
            self.assertEqual(chart["type"], f"odoo_{meta['mode']}", where)
            self.assertMeasure(model, meta["measure"], where)
            self.assertEqual(meta["groupBy"], chart["searchParams"]["groupBy"], where)
            for spec in meta["groupBy"]:
                self.assertGroupBy(model, spec, where)
            domain = chart["searchParams"]["domain"]
            self.assertDomain(model, domain, where)
            self.assertFilterMatching(model, chart.get("fieldMatching", {}), where)
            measure = meta["measure"]
            self.env[model].with_user(self.user_hr).formatted_read_group(
                domain,
                meta["groupBy"],
                ["__count" if measure == "__count" else f"{measure}:sum"],
            )
            self.assertIn(chart["chartId"], self.data["chartOdooMenusReferences"], where)

    def test_formulas_reference_defined_sources(self):
        pivots = set(self.data["pivots"])
        lists = self.data["lists"]
        sheets = {s["name"]: s for s in self.data["sheets"]}
        for sheet in self.data["sheets"]:
            for ref, content in sheet["cells"].items():
                for pid in PIVOT_REF.findall(content):
                    self.assertIn(pid, pivots, f"{sheet['name']}!{ref}")
                for lid in LIST_REF.findall(content):
                    self.assertIn(lid, lists, f"{sheet['name']}!{ref}")
                for fname in LIST_FIELD.findall(content):
                    for lst in lists.values():
                        self.assertIn(fname, lst["columns"], f"{sheet['name']}!{ref}")
            for figure in sheet["figures"]:
                key = figure["data"].get("keyValue")
                if key:
                    sheet_name, cell = SHEET_REF.match(key).groups()
                    self.assertIn(cell, sheets[sheet_name]["cells"], key)
        # the completion table's reference line
        data_cells = sheets["Data"]["cells"]
        self.assertEqual(data_cells["A10"], '=_t("Target 100%")')
        self.assertEqual(data_cells["B10"], "100")
        for ref in self.data["chartOdooMenusReferences"].values():
            self.assertTrue(self.env.ref(ref, raise_if_not_found=False), ref)

    def test_sheet_texts_are_translated(self):
        with file_open(FILE, "rb") as fh:
            terms = {
                term
                for _line, _func, term, _comments in extract_spreadsheet_terms(fh, None, None, None)
            }
        self.assertIn("Target 100%", terms)
        po = polib.pofile(f"{get_module_path('okr_addon_dashboard')}/i18n/zh_CN.po")
        translated = {e.msgid for e in po if e.msgstr.strip() and not e.obsolete}
        self.assertFalse(terms - translated, "untranslated dashboard texts")

    def test_sync_windows_count_the_days_they_say(self):
        """ "Failed Syncs (7 Days)" and the 30-day sync tables: relative dates work."""
        connector = self.env["okr.connector"].create(
            {"name": "Press shop terminal", "kind": "attendance_csv", "tz": "Asia/Shanghai"}
        )
        now = fields.Datetime.now()
        Log = self.env["okr.sync.log"]
        recent, older, old = Log.create(
            [
                {
                    "connector_id": connector.id,
                    "state": state,
                    "date_start": now - datetime.timedelta(days=days),
                }
                for state, days in (("failed", 2), ("failed", 10), ("success", 40))
            ]
        )
        pivots = {p["name"]: p for p in self.data["pivots"].values()}
        Log = Log.with_user(self.user_hr)
        mine = [("connector_id", "=", connector.id)]
        self.assertEqual(Log.search(mine + pivots["KPI - Failed Syncs (7 Days)"]["domain"]), recent)
        self.assertEqual(
            Log.search(mine + pivots["Syncs by State (30 Days)"]["domain"]), recent | older
        )
        self.assertNotIn(old, Log.search(self.data["lists"]["1"]["domain"]))
