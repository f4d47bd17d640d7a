"""The folders are the layers, and the arrows point down (docs/architecture.md, "Layers").

    cli/  serve/  web/            the doors
    tui/                          the Textual app
    export/  deck/                files out, the deck in
    store/                        everything that touches the disk; its face is all others see
    workbook/  core/              the model and the shared vocabulary: no I/O, no Textual

Each rule is checked over the source as written (every import, top-level or local), so a rule
broken in a rarely-run path fails here and not in a person's session.
"""

from __future__ import annotations

import ast
import importlib
import importlib.util
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "src" / "powerdeck"
MODULES = sorted(PACKAGE.rglob("*.py"))
DOORS = ("cli", "serve", "web")
BELOW_THE_APP = ("core", "deck", "store", "export", "workbook")
TEXTUAL_ALLOWED = ("tui", "serve")


def folder(path: Path) -> str:
    parts = path.relative_to(PACKAGE).parts
    return parts[0] if len(parts) > 1 else ""


def imports(path: Path) -> list[tuple[int, str]]:
    """Every module `path` imports, with its line; `from a import b` counts as both a and a.b."""
    found: list[tuple[int, str]] = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.append((node.lineno, node.module))
            found += [(node.lineno, f"{node.module}.{alias.name}") for alias in node.names]
        elif isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
    return found


def ident(path: Path) -> str:
    return str(path.relative_to(PACKAGE))


def broken(path: Path, rule: object) -> list[str]:
    return [f"{ident(path)}:{line} imports {name}" for line, name in imports(path) if rule(name)]


@pytest.mark.parametrize("path", MODULES, ids=ident)
def test_only_the_app_and_the_ssh_door_import_textual(path: Path) -> None:
    if folder(path) in TEXTUAL_ALLOWED:
        return
    assert broken(path, lambda name: name.split(".")[0] in ("textual", "rich")) == []


@pytest.mark.parametrize("path", [p for p in MODULES if folder(p) in BELOW_THE_APP], ids=ident)
def test_the_lower_layers_import_nothing_from_the_app_or_the_doors(path: Path) -> None:
    above = tuple(f"powerdeck.{name}" for name in ("tui", *DOORS))
    assert broken(path, lambda name: name.startswith(above)) == []


@pytest.mark.parametrize("path", [p for p in MODULES if folder(p) in ("core", "workbook")], ids=ident)
def test_the_model_and_the_vocabulary_touch_no_disk(path: Path) -> None:
    """core/ and workbook/ import only each other: nothing of the store, the deck or an export."""
    allowed = ("powerdeck.core", "powerdeck.workbook")
    assert broken(path, lambda name: name.startswith("powerdeck.") and not name.startswith(allowed)) == []


@pytest.mark.parametrize("path", [p for p in MODULES if folder(p) != "store"], ids=ident)
def test_outside_the_store_only_its_face_is_imported(path: Path) -> None:
    face = importlib.import_module("powerdeck.store")
    faces_names = {f"powerdeck.store.{name}" for name in face.__all__}

    def behind_the_face(name: str) -> bool:
        return name.startswith("powerdeck.store.") and name not in faces_names

    assert broken(path, behind_the_face) == []


@pytest.mark.parametrize("path", [p for p in MODULES if folder(p) in ("tui", "core", "deck", "store",
                                                                      "export", "workbook")], ids=ident)
def test_nothing_below_the_doors_imports_the_command_line(path: Path) -> None:
    assert broken(path, lambda name: name.startswith("powerdeck.cli")) == []


@pytest.mark.parametrize("face", sorted({p.parent for p in MODULES if p.name == "__init__.py"} - {PACKAGE}),
                         ids=lambda p: str(p.relative_to(PACKAGE)))
def test_every_folder_has_a_face_whose_names_all_resolve(face: Path) -> None:
    name = "powerdeck." + ".".join(face.relative_to(PACKAGE).parts)
    module = importlib.import_module(name)
    assert module.__doc__, f"{name}/__init__.py says what the folder is for"
    assert isinstance(getattr(module, "__all__", None), list), f"{name}/__init__.py lists its face in __all__"
    missing = [attr for attr in module.__all__
               if not hasattr(module, attr) and importlib.util.find_spec(f"{name}.{attr}") is None]
    assert missing == []
