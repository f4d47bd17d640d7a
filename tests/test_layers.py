"""The layers point one way: the app's screens and widgets never import the command line."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "src" / "powerdeck"
UI = sorted([*PACKAGE.glob("tui/screens/*/[!_]*.py"), PACKAGE / "tui/screens/__init__.py",
             *PACKAGE.glob("tui/widgets/*.py"), PACKAGE / "tui/app.py"])


def imported(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
        elif isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
    return names


@pytest.mark.parametrize("path", UI, ids=lambda path: f"{path.parent.name}/{path.name}")
def test_ui_module_does_not_import_the_command_line(path: Path) -> None:
    cli = sorted(name for name in imported(path) if name.startswith("powerdeck.cli.main"))
    assert cli == [], f"{path.name} imports {cli}: move what it needs out of the command-line module"
