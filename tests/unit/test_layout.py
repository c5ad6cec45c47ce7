"""The pure rooms of the layout (docs/layout.md) never import Odoo.

``okr_addon/logic/`` (maths, periods, scoring, ledger plans) and
``connectors/`` (file and API adapters) run under plain pytest, in the
benchmarks and in any tool without an Odoo server. Each file is parsed with
``ast``, so an import is found wherever it sits (inside a function, behind a
``try``, or through ``importlib.import_module("odoo")``) and comments or
strings that merely mention Odoo are not.
"""

import ast
import pathlib

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]
PURE_ROOMS = ("okr_addon/logic", "connectors")


def _pure_files():
    """Return every Python file of the pure rooms, relative to the repository root."""
    files = []
    for room in PURE_ROOMS:
        files += sorted((ROOT / room).rglob("*.py"))
    return [path.relative_to(ROOT) for path in files]


def _package_of(relpath):
    """Return the dotted package of a file, e.g. ``okr_addon.logic`` for its modules."""
    return list(relpath.with_suffix("").parts)[:-1]


def _is_odoo(name):
    return name == "odoo" or name.startswith("odoo.")


def forbidden_imports(source, relpath):
    """Return ``(line, what)`` for each import in ``source`` that leaves the pure room.

    Forbidden: ``odoo`` and ``odoo.*`` (plain, from-, or dynamic imports with a
    literal name), and relative imports that climb out of the file's room —
    ``from ..models import …`` in ``okr_addon/logic`` would load Odoo models.
    """
    room = next(r for r in PURE_ROOMS if relpath.as_posix().startswith(r + "/"))
    room_parts = room.split("/")
    package = _package_of(relpath)
    found = []
    for node in ast.walk(ast.parse(source, filename=str(relpath))):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names if _is_odoo(alias.name)]
        elif isinstance(node, ast.ImportFrom):
            if node.level == 0:
                if _is_odoo(node.module or ""):
                    found.append((node.lineno, node.module))
                continue
            base = package[: len(package) - (node.level - 1)]
            target = base + (node.module.split(".") if node.module else [])
            if node.level - 1 > len(package) or target[: len(room_parts)] != room_parts:
                dots = "." * node.level
                found.append((node.lineno, f"{dots}{node.module or ''} (outside {room}/)"))
        elif isinstance(node, ast.Call):
            func = node.func
            name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
            if name in ("import_module", "__import__") and node.args:
                arg = node.args[0]
                if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
                    if _is_odoo(arg.value):
                        found.append((node.lineno, arg.value))
    return found


def test_the_pure_rooms_have_files():
    files = _pure_files()
    for room in PURE_ROOMS:
        assert any(path.as_posix().startswith(room + "/") for path in files), room


@pytest.mark.parametrize("relpath", _pure_files(), ids=lambda path: path.as_posix())
def test_pure_file_does_not_import_odoo(relpath):
    source = (ROOT / relpath).read_text(encoding="utf-8")
    found = forbidden_imports(source, relpath)
    assert not found, f"{relpath} imports outside its pure room: " + ", ".join(
        f"line {line}: {what}" for line, what in found
    )


@pytest.mark.parametrize(
    "source",
    [
        "import odoo\n",
        "import odoo.tools as tools\n",
        "from odoo import fields\n",
        "from odoo.exceptions import UserError\n",
        "def f():\n    from odoo import api\n",
        "try:\n    import odoo\nexcept ImportError:\n    pass\n",
        "import importlib\nimportlib.import_module('odoo.http')\n",
        "__import__('odoo')\n",
        "from ..models import okr_cycle\n",
        "from .. import models\n",
        "from ... import connectors\n",
    ],
)
def test_the_check_catches(source):
    assert forbidden_imports(source, pathlib.Path("okr_addon/logic/example.py"))


@pytest.mark.parametrize(
    "source",
    [
        "import datetime\nfrom . import periods\nfrom .stats import median\n",
        "# from odoo import fields\nDOC = 'import odoo'\n",
        "import odoorpc_like_name\n",
    ],
)
def test_the_check_lets_pure_code_through(source):
    assert not forbidden_imports(source, pathlib.Path("okr_addon/logic/example.py"))


def test_relative_imports_within_connectors_are_pure():
    source = "from ..errors import ConnectorError\nfrom .schema import Punch\n"
    assert not forbidden_imports(source, pathlib.Path("connectors/attendance/rest.py"))
    assert forbidden_imports(
        "from ...okr_addon import logic\n", pathlib.Path("connectors/attendance/rest.py")
    )
