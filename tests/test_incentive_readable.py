"""Incentive lines read by people: the full explanation, deductions called deductions,
and a run telling why its postings still wait for payroll."""

import datetime

from lxml import etree

from odoo.tests import Form, tagged

from .test_incentive import IncentiveCase

D = datetime.date


@tagged("post_install", "-at_install")
class TestIncentiveLinesReadable(IncentiveCase):
    def _computed_run(self):
        run = self._run()
        run.action_compute()
        return run

    def test_the_line_form_opens_with_the_whole_explanation(self):
        run = self._computed_run()
        line = self._line(run, self.emp_colleague)
        self.assertGreater(len(line.explanation), 40)
        # What the run's line list opens (its context names the line form).
        lines = etree.fromstring(run.get_views([(False, "form")])["views"]["form"]["arch"]).xpath(
            "//field[@name='line_ids']"
        )[0]
        self.assertIn("okr_addon.okr_incentive_line_view_form", lines.get("context"))
        column = lines.xpath(".//list/field[@name='explanation']")[0]
        self.assertIn("text-wrap", column.get("class"), "the column wraps, never cut")
        self.assertEqual(column.get("width"), "420px")
        form = Form(line.with_user(self.user_admin), view="okr_addon.okr_incentive_line_view_form")
        self.assertEqual(form.explanation, line.explanation, "the whole explanation")
        self.assertEqual(form.label, "Scrap rate deduction")
        self.assertEqual(form.amount, -300)

    def test_the_same_line_reads_in_english_and_in_chinese(self):
        """HR computed the run in English; the Chinese reader reads it in Chinese, the
        KPI's own name included, from the same stored facts."""
        self.scrap.with_context(lang="en_US").name = "Scrap rate"
        self.env["res.lang"]._activate_lang("zh_CN")
        self.env["ir.module.module"]._load_module_terms(["okr_addon"], ["zh_CN"], overwrite=True)
        self.scrap.with_context(lang="zh_CN").name = "废品率"
        run = self._run()
        run.with_context(lang="en_US").action_compute()
        line = self._line(run, self.emp_worker)
        english = line.with_context(lang="en_US").explanation
        chinese = line.with_context(lang="zh_CN").explanation
        self.assertTrue(english.startswith("Scrap rate 3.5% vs target 4% → completion"), english)
        self.assertIn("tier ", english)
        self.assertIn("废品率 实际 3.5%，目标 4%", chinese)
        self.assertIn("完成率", chinese)
        self.assertNotIn("completion", chinese)
        self.assertEqual(
            english.rsplit(" → ", 1)[1], chinese.rsplit(" → ", 1)[1], "the same amount"
        )

    def test_a_deduction_is_labelled_a_deduction_not_a_bonus(self):
        run = self._computed_run()
        worker, colleague = self._line(run, self.emp_worker), self._line(run, self.emp_colleague)
        self.assertEqual(worker.label, "Scrap bonus")
        self.assertEqual(colleague.amount, -300)
        self.assertEqual(colleague.label, "Scrap rate deduction")
        self.assertNotIn("bonus", colleague.display_name.lower())
        self.assertEqual(colleague.display_name, "Scrap rate deduction · Zhang San")
        # The employee reads it so too, without any access to the rules themselves.
        own = colleague.with_user(self.user_colleague)
        self.assertFalse(
            self.env["okr.incentive.rule"].with_user(self.user_colleague).has_access("read")
        )
        self.assertEqual(own.label, "Scrap rate deduction")
        self.assertEqual(own.display_name, "Scrap rate deduction · Zhang San")
        self.rule.deduction_name = "Scrap deduction"
        self.assertEqual(colleague.label, "Scrap deduction", "the rule's own name for it")
        self.assertEqual(worker.label, "Scrap bonus")
        # The employee's chatter announces it as a deduction too.
        self._approve(run)
        run.action_post()
        notes = self.emp_colleague.sudo().message_ids.mapped("body")
        self.assertTrue(any("Scrap deduction" in (body or "") for body in notes), notes)

    def test_a_run_says_which_payroll_its_postings_wait_for(self):
        run = self._computed_run()
        self.assertFalse(run.payroll_waiting_note, "nothing posted, nothing waits")
        self._approve(run)
        run.action_post()
        pending = run.posting_ids.filtered(lambda p: p.state == "pending")
        self.assertEqual(len(pending), 2, "no payroll took the two postings yet")
        note = run.payroll_waiting_note
        self.assertTrue(note.startswith("2 postings wait for "), note)
        self.assertIn("Nov 2026", note)
        connector = self.env["okr.connector"].create(
            {
                "name": "HQ payroll",
                "kind": "payroll_rest",
                "endpoint_url": "http://127.0.0.1:9/",
                "allow_local_network": True,
            }
        )
        run.payroll_connector_id = connector
        self.assertEqual(
            run.payroll_waiting_note,
            "2 postings wait for the payroll of Nov 2026: Send to External Payroll hands "
            "them to HQ payroll.",
        )
        run.posting_ids[0].sudo().write({"state": "sent"})
        self.assertTrue(run.payroll_waiting_note.startswith("1 posting waits for the payroll"))
        self.env["res.lang"]._activate_lang("zh_CN")
        self.env["ir.module.module"]._load_module_terms(["okr_addon"], ["zh_CN"], overwrite=True)
        self.assertIn("2026年11月", run.with_context(lang="zh_CN").payroll_waiting_note)
        self.assertEqual(
            self._line(run, self.emp_colleague).with_context(lang="zh_CN").label,
            "Scrap rate扣款",
        )
