"""What a start imports before its first frame: only what the deck screen, reading, uses.

Each module in `launch.LOADED_ON_FIRST_USE` loads where it is first used (a dialog opened, a
worksheet described, the writing form built). One imported at the top of a module on the start
path again would cost every start its import, silently: these tests fail instead. Each start runs
in a fresh interpreter, as a real start does, from the cli module to the first screen drawn.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from powerdeck.deck.model import load_deck
from powerdeck.store.log import Log
from powerdeck.tui.launch import LOADED_ON_FIRST_USE

WRITING_FORM = ("textual.widgets._text_area", "powerdeck.tui.widgets.lean_text_area")
"""Still imported at the start by widgets/entry_editor.py (the form's module, imported by the deck
screen for its messages), though the form itself is built only when writing starts."""

START = """
import asyncio, json, sys
from pathlib import Path

import powerdeck.cli.main  # the start path, as `powerdeck` takes it: cli -> launch -> app
from powerdeck.tui import launch
from powerdeck.store import locations
from powerdeck.tui.app import PowerDeckApp
from powerdeck.deck.model import load_deck
from powerdeck.store.log import Log
from powerdeck.tui.options import AppOptions


async def first_frame() -> None:
    deck = load_deck(None, cache=locations.cache_dir())  # as launch.run_app loads it
    log = Log.open(Path(sys.argv[1]))
    app = PowerDeckApp(deck, log, AppOptions(animation="none", over_ssh=True, animation_chosen=True))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert type(app.screen).__name__ == "DeckScreen", app.screen
        loaded = [name for name in launch.LOADED_ON_FIRST_USE if name in sys.modules]
        app.exit()
    log.close()
    print(json.dumps(loaded))


asyncio.run(first_frame())
"""


@pytest.fixture
def loaded_at_start(tmp_path: Path) -> list[str]:
    """The modules of the list that a start has imported once its first screen is drawn."""
    cache = tmp_path / "cache-home"
    env = {**os.environ, "XDG_CACHE_HOME": str(cache)}
    load_deck(None, cache=cache / "powerdeck")  # a start after the first: the deck cache is there
    data = tmp_path / "data"
    with Log.open(data) as log:  # the first card has an entry to list
        log.add("1.1", "asked")
    done = subprocess.run([sys.executable, "-c", START, str(data)], capture_output=True, text=True,
                          timeout=120, env=env)
    assert done.returncode == 0, done.stderr
    loaded: list[str] = json.loads(done.stdout.splitlines()[-1])
    return loaded


def test_a_start_leaves_for_later_what_its_first_frame_does_not_use(loaded_at_start: list[str]) -> None:
    assert [name for name in loaded_at_start if name not in WRITING_FORM] == []


def test_a_start_does_not_import_the_writing_forms_text_area(loaded_at_start: list[str]) -> None:
    assert [name for name in loaded_at_start if name in WRITING_FORM] == []


def test_the_list_names_modules_that_exist() -> None:
    # A renamed module would make the list pass for ever without checking anything.
    import importlib.util

    assert [name for name in LOADED_ON_FIRST_USE if importlib.util.find_spec(name) is None] == []
