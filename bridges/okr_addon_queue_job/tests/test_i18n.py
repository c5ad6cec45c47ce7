from odoo.addons.okr_addon.tests.i18n_common import (
    placeholder_mismatches,
    untranslated_terms,
)
from odoo.tests import TransactionCase, tagged


@tagged("post_install", "-at_install")
class TestTranslations(TransactionCase):
    def test_every_term_is_translated(self):
        missing = untranslated_terms(self.env, "okr_addon_queue_job", "zh_CN")
        self.assertFalse(
            missing,
            f"{len(missing)} msgid(s) of okr_addon_queue_job have no translation "
            "in i18n/zh_CN.po (run bin/i18n, then translate them):\n" + "\n".join(missing),
        )

    def test_placeholders_kept(self):
        problems = placeholder_mismatches("okr_addon_queue_job", "zh_CN")
        self.assertFalse(problems, "zh_CN.po changes placeholders:\n" + "\n".join(problems))
