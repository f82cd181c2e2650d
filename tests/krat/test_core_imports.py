"""The core imports no app (issue 17, point 3; docs STYLE.md "Layout"): `krat/` names no
module of meetings, cases or actionplan, neither by an import nor by an import string; the
apps plug into it through what their `AppConfig` declares (`krat.contributions`)."""

from __future__ import annotations

import ast
import re
from pathlib import Path

from krat import contributions

ROOT = Path(__file__).resolve().parents[2]
APPS = ("meetings", "cases", "actionplan")
# A dotted name of an app's module or object ("cases.api", "meetings.choices.X").
DOTTED = re.compile(rf"^({'|'.join(APPS)})(\.\w+)+$")

# Where the core must name an app, and why.
ALLOWED = {
    # INSTALLED_APPS lists the apps; drf-spectacular takes the API's enum names as import strings.
    "krat/settings.py": "installs the apps and names their enums for the API schema",
    # The root URLconf mounts each app's pages under its Albanian prefix.
    "krat/urls.py": "includes each app's URLconf",
}


def _docstrings(tree: ast.AST) -> set[int]:
    """The ids of the docstring nodes (their examples may name an app)."""
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
            body = node.body
            if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
                found.add(id(body[0].value))
    return found


def app_references(source: str) -> list[str]:
    """Each import of an app's module, each string naming one, each `get_model(app, …)`."""
    tree = ast.parse(source)
    docstrings = _docstrings(tree)
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [a.name for a in node.names if a.name.split(".")[0] in APPS]
        elif isinstance(node, ast.ImportFrom):
            if node.level == 0 and node.module and node.module.split(".")[0] in APPS:
                found.append(node.module)
        elif isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docstrings:
            if DOTTED.match(node.value):
                found.append(node.value)
        elif isinstance(node, ast.Call) and getattr(node.func, "attr", None) == "get_model":
            first = node.args[0] if node.args else None
            if isinstance(first, ast.Constant) and str(first.value).split(".")[0] in APPS:
                found.append(f"get_model({first.value!r})")
    return found


def test_the_core_imports_no_app():
    found = {}
    for path in sorted((ROOT / "krat").rglob("*.py")):
        name = path.relative_to(ROOT).as_posix()
        if name in ALLOWED or "/migrations/" in name:
            continue
        references = app_references(path.read_text(encoding="utf-8"))
        if references:
            found[name] = references
    assert found == {}


def test_the_check_finds_what_it_looks_for():
    source = (
        "import cases.models\n"
        "from meetings.choices import MeetingStatus\n"
        "from krat import models\n"
        'x = "actionplan.api"\n'
        'y = apps.get_model("cases", "VictimReport")\n'
        'z = "meetings:list"  # a URL name is no import\n'
    )
    assert app_references(source) == [
        "cases.models",
        "meetings.choices",
        "actionplan.api",
        "get_model('cases')",
    ]


def test_every_app_declares_its_contribution_once():
    registered = {c.app: c for c in contributions.contributions()}
    assert set(registered) == set(APPS)
    keys = [s.key for s in contributions.report_sections()]
    assert len(keys) == len(set(keys))
    # Deterministic order: the report's sections by their number, whatever the start-up order.
    from krat.report.selectors import sections

    assert [s.key for s in sections()] == [
        "summary",
        "institutions",
        "meetings",
        "victims",
        "street",
        "employment",
        "awareness",
        "plan",
        "annex",
    ]
    assert [c.app for c in contributions.contributions()] == ["meetings", "actionplan", "cases"]
    loaders = contributions.demo_loaders()
    assert [loader.__module__ for loader in loaders] == ["actionplan.demo", "meetings.demo", "cases.demo"]
