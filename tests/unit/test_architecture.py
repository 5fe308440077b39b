"""The dependency rules of the README, checked rather than only written down."""

import ast
import sys
from pathlib import Path

APP = Path(__file__).resolve().parents[2] / "app"


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text())
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


def test_domain_imports_only_the_standard_library_and_itself() -> None:
    for path in (APP / "domain").rglob("*.py"):
        for name in _imports(path):
            top = name.split(".")[0]
            allowed = top in sys.stdlib_module_names or name.startswith("app.domain")
            assert allowed, f"{path.name} imports {name}"


def test_services_and_adapters_do_not_import_the_ui_framework() -> None:
    for folder in ("services", "adapters", "domain"):
        for path in (APP / folder).rglob("*.py"):
            banned = {n for n in _imports(path) if n.split(".")[0] == "reflex"}
            assert not banned, f"{path} imports {banned}"
