"""Which terms of a module still lack a translation in its i18n/<lang>.po.

Shared by okr_addon's translation test and the bridges' ones.
"""

import fnmatch
import os
import re

import polib
from lxml import etree

from odoo.modules.module import Manifest, get_module_path
from odoo.tools.translate import (
    JAVASCRIPT_TRANSLATION_COMMENT,
    PYTHON_TRANSLATION_COMMENT,
    TranslationModuleReader,
)

# printf-style placeholders (%(name)s, %s, %.2f...) and str.format fields ({0}, {name});
# "%%" (a literal percent sign) is matched first so that it is never read as one.
PLACEHOLDER = re.compile(r"%%|%(?:\([^)]+\))?[-#0 +]*\d*(?:\.\d+)?[sdifgeExXr]|\{[^{}]*\}")

# okr_addon's folder also holds its bridge modules (own templates) and, in a
# development checkout, `.okr`, whose addons folder links back to the root.
SKIPPED_FOLDERS = {"bridges", ".okr", ".git", "__pycache__", "node_modules"}


class ModuleTermReader(TranslationModuleReader):
    """Odoo's exporter, with the static terms taken from the module's folder only.

    The stock reader walks every addons path and attributes a file to the first
    folder below it: okr_addon's bridges would count as okr_addon, and the
    `.okr` link would be walked again and again.
    """

    def _export_translatable_resources(self):
        for module in self._modules:
            module_path = get_module_path(module)
            addons_path = os.path.dirname(module_path)
            self._path_list = [(addons_path, True)]
            for root, dirs, files in os.walk(module_path, followlinks=True):
                dirs[:] = [name for name in dirs if name not in SKIPPED_FOLDERS]
                for fname in fnmatch.filter(files, "*.py"):
                    self._babel_extract_terms(
                        fname,
                        addons_path,
                        root,
                        "odoo.tools.babel:extract_python",
                        extra_comments=[PYTHON_TRANSLATION_COMMENT],
                        extract_keywords={"_": None, "_lt": None},
                    )
                if fnmatch.fnmatch(root, "*/static/src*"):
                    for fname in fnmatch.filter(files, "*.js"):
                        self._babel_extract_terms(
                            fname,
                            addons_path,
                            root,
                            "odoo.tools.babel:extract_javascript",
                            extra_comments=[JAVASCRIPT_TRANSLATION_COMMENT],
                            extract_keywords={"_t": None},
                        )
                    for fname in fnmatch.filter(files, "*.xml"):
                        self._babel_extract_terms(
                            fname,
                            addons_path,
                            root,
                            "odoo.tools.translate:babel_extract_qweb",
                            extra_comments=[JAVASCRIPT_TRANSLATION_COMMENT],
                        )


def demo_xmlids(module):
    """External ids of the records the module's demo files define."""
    module_path = get_module_path(module)
    xmlids = set()
    for path in Manifest.for_addon(module).get("demo", []):
        if not path.endswith(".xml"):
            continue
        tree = etree.parse(os.path.join(module_path, path))
        for xmlid in tree.xpath("//*[self::record or self::template or self::menuitem]/@id"):
            xmlids.add(xmlid if "." in xmlid else f"{module}.{xmlid}")
    return xmlids


def module_terms(env, module):
    """Source terms of the module as Odoo exports them, demo records left out.

    Returns {msgid: first place it comes from}.
    """
    demo = demo_xmlids(module)
    terms = {}
    for term_module, ttype, name, res_id, source, _value, _comments in ModuleTermReader(
        env.cr, modules=[module]
    ):
        if term_module != module or (ttype in ("model", "model_terms") and res_id in demo):
            continue
        terms.setdefault(source, f"{ttype}:{name}:{res_id}")
    return terms


def _po_path(module, lang):
    return os.path.join(get_module_path(module), "i18n", f"{lang}.po")


def placeholder_mismatches(module, lang):
    """Python messages whose translation would not format like the source.

    The placeholders of msgid and msgstr must be the same (in any order), and a
    translation may not add a lone "%" that formatting would choke on.
    Returns "msgid: source placeholders != translation placeholders" lines.
    """
    po_path = _po_path(module, lang)
    if not os.path.exists(po_path):
        return []
    problems = []
    for entry in polib.pofile(po_path):
        if not entry.msgstr or PYTHON_TRANSLATION_COMMENT not in entry.comment:
            continue
        source = sorted(p for p in PLACEHOLDER.findall(entry.msgid) if p != "%%")
        translated = sorted(p for p in PLACEHOLDER.findall(entry.msgstr) if p != "%%")
        stray = "%" in PLACEHOLDER.sub("", entry.msgstr)
        if source != translated or (source and stray):
            problems.append(f"{entry.msgid!r}: {source} != {translated} in {entry.msgstr!r}")
    return problems


def untranslated_terms(env, module, lang):
    """Terms of the module without a (non-fuzzy, non-empty) msgstr in i18n/<lang>.po.

    Returns sorted "msgid  (where)" lines; empty when everything is translated.
    """
    po_path = _po_path(module, lang)
    translated = set()
    if os.path.exists(po_path):
        translated = {
            entry.msgid
            for entry in polib.pofile(po_path)
            if entry.msgstr.strip() and not entry.obsolete and "fuzzy" not in entry.flags
        }
    return sorted(
        f"{msgid!r}  ({where})"
        for msgid, where in module_terms(env, module).items()
        if msgid not in translated
    )


class TranslationChecks:
    """The completeness and placeholder checks of one module's zh_CN.po, for the
    test classes of okr_addon and of each bridge (set ``module``)."""

    module = "okr_addon"
    lang = "zh_CN"
    # Odoo's test loader only collects a class's own methods unless told otherwise.
    allow_inherited_tests_method = True

    def test_every_term_is_translated(self):
        missing = untranslated_terms(self.env, self.module, self.lang)
        self.assertFalse(
            missing,
            f"{len(missing)} msgid(s) of {self.module} have no translation in "
            f"i18n/{self.lang}.po (run bin/i18n, then translate them):\n" + "\n".join(missing),
        )

    def test_placeholders_kept(self):
        problems = placeholder_mismatches(self.module, self.lang)
        self.assertFalse(problems, f"{self.lang}.po changes placeholders:\n" + "\n".join(problems))
