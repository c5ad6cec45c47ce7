import contextlib
import io
import pathlib
import re

from odoo.tests import HttpCase, tagged

GUIDE = pathlib.Path(__file__).resolve().parent.parent / "docs" / "integrators.md"


@tagged("post_install", "-at_install")
class TestJsonRpcExamples(HttpCase):
    """The integrator guide's JSON-RPC examples run as written against the demo data."""

    def _example(self):
        text = GUIDE.read_text(encoding="utf-8")
        section = text[text.index("## JSON-RPC examples") :]
        code = re.search(r"```python\n(.*?)```", section, re.S).group(1)
        self.assertIn('"okr_demo", 2, "admin"', code, "the example's login line changed")
        login = f'"{self.env.cr.dbname}", 2, "admin"'
        code = code.replace('"okr_demo", 2, "admin"', login)
        return code.replace("http://localhost:8069", self.base_url())

    def test_integrator_examples_run(self):
        wang_wu = self.env.ref("okr_addon.emp_wang_wu", raise_if_not_found=False)
        if not wang_wu:
            self.skipTest("the integrator examples use the demo data")
        definition = self.env["kpi.definition"].search([("source", "=", "manual")], limit=1)
        self.env["kpi.measurement"].search(
            [
                ("definition_id", "=", definition.id),
                ("employee_id", "=", wang_wu.id),
                ("date", "=", "2026-11-20"),
                ("source", "=", "manual"),
            ]
        ).unlink()
        self.assertEqual(self.env.ref("base.user_admin").id, 2)
        printed = io.StringIO()
        # The example opens its own connection (plain urllib, no test cookie).
        with contextlib.redirect_stdout(printed), self.allow_requests(all_requests=True):
            exec(self._example(), {"__name__": "readme_example"})
        zhang_san = self.env.ref("okr_addon.emp_zhang_san")
        checkin = self.env["okr.checkin"].search(
            [("key_result_id.employee_id", "=", zhang_san.id), ("source", "=", "connector")],
            order="id desc",
            limit=1,
        )
        self.assertEqual(checkin.value, 3)
        measurement = self.env["kpi.measurement"].search(
            [("source_reference", "=", "mes:line-2:2026-11-20")]
        )
        self.assertEqual((measurement.value, measurement.employee_id), (3.9, wang_wu))
        output = printed.getvalue()
        self.assertIn("current_value", output)
        self.assertIn("likely_to_miss", output)
        self.assertIn("'score'", output, "the objectives of the running cycle are listed")
