from odoo.addons.okr_addon.tests.i18n_common import TranslationChecks
from odoo.tests import TransactionCase, tagged


@tagged("post_install", "-at_install")
class TestTranslations(TranslationChecks, TransactionCase):
    module = "okr_addon_dashboard"
