"""Dependencies point one way (DESIGN §2): config -> teams -> tracker -> assessments -> paths ->
careers, and config -> analytics -> tracker (curator analytics read learner data). The catalogue
apps never import the learner side; when the catalogue changes they send a signal
(careers/signals.py, paths/signals.py) and tracker/receivers.py and analytics/receivers.py listen.

Every .py file of the apps below is parsed, and every import in it is checked: at module
level or inside a function, under `if TYPE_CHECKING:`, relative imports, and
`importlib.import_module("...")` / `__import__("...")` with a literal name."""

import ast
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
LEARNER_SIDE = ("tracker", "teams", "assessments", "analytics")
# app -> the apps it must not import (anything that depends on it).
FORBIDDEN = {
    "careers": ("paths", *LEARNER_SIDE),
    "paths": LEARNER_SIDE,
    "assessments": ("tracker", "teams", "analytics"),
    "tracker": ("teams", "analytics"),
}


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imported_names(path: Path) -> Iterator[tuple[int, str]]:
    """(line, dotted module name) of every import in the file."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    package = module_name(path).split(".")
    if path.name != "__init__.py":
        package = package[:-1]
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name
        elif isinstance(node, ast.ImportFrom):
            if node.level:  # relative: from the file's package, `level - 1` packages up
                base = package[: len(package) - (node.level - 1)]
                name = ".".join([*base, *([node.module] if node.module else [])])
            else:
                name = node.module or ""
            yield node.lineno, name
            for alias in node.names:  # `from . import tracker` names a module too
                yield node.lineno, f"{name}.{alias.name}"
        elif (
            isinstance(node, ast.Call)
            and (
                (
                    isinstance(node.func, ast.Name)
                    and node.func.id in {"__import__", "import_module"}
                )
                or (isinstance(node.func, ast.Attribute) and node.func.attr == "import_module")
            )
            and node.args
            and isinstance(node.args[0], ast.Constant)
            and isinstance(node.args[0].value, str)
        ):
            yield node.lineno, node.args[0].value


def violations(app: str) -> list[str]:
    found = []
    for path in sorted((ROOT / app).rglob("*.py")):
        for line, name in imported_names(path):
            top = name.split(".")[0]
            if top in FORBIDDEN[app]:
                found.append(f"{path.relative_to(ROOT)}:{line} imports {name}")
    return found


@pytest.mark.parametrize("app", sorted(FORBIDDEN))
def test_catalogue_apps_never_import_what_depends_on_them(app):
    assert (ROOT / app).is_dir()
    assert violations(app) == []


def test_the_checker_sees_imports_anywhere(tmp_path, monkeypatch):
    """The walk itself: an import inside a function, one under TYPE_CHECKING and a dynamic
    one are all caught; a relative import and a string that mentions tracker are not."""
    app = tmp_path / "careers"
    (app / "sub").mkdir(parents=True)
    (app / "__init__.py").write_text("")
    (app / "sub" / "__init__.py").write_text("")
    (app / "sub" / "views.py").write_text(
        "from typing import TYPE_CHECKING\n"
        "import importlib\n"
        "if TYPE_CHECKING:\n"
        "    from tracker.models import User\n"
        "def view():\n"
        "    from tracker import selectors\n"
        "    import teams.services as t\n"
        "    return importlib.import_module('assessments.models')\n"
        "from .. import paths\n"
        "NOTE = 'tracker listens to careers/signals.py'\n"
    )
    monkeypatch.setattr(sys.modules[__name__], "ROOT", tmp_path)

    assert sorted(violations("careers")) == [
        "careers/sub/views.py:4 imports tracker.models",
        "careers/sub/views.py:4 imports tracker.models.User",
        "careers/sub/views.py:6 imports tracker",
        "careers/sub/views.py:6 imports tracker.selectors",
        "careers/sub/views.py:7 imports teams.services",
        "careers/sub/views.py:8 imports assessments.models",
    ]  # `from .. import paths` is careers.paths: a relative import stays inside the app
