"""Widgets draw and post messages; only screens and the app talk to the log.

The rule is checked in the source (no widget module imports a screen or touches `.store`), and in
use: the review log's pane and list work mounted alone in a bare App that has no store at all.
"""

from __future__ import annotations

import ast
from pathlib import Path

from textual import on
from textual.app import App, ComposeResult

from powerdeck.core.entry import Entry
from powerdeck.core.follow_up import BLANK_DETAILS
from powerdeck.deck.model import load_deck
from powerdeck.tui.widgets.entry_pane import EntryPane
from powerdeck.tui.widgets.log_list import LogList

WIDGETS = Path(__file__).parent.parent / "src" / "powerdeck" / "tui" / "widgets"


def crossings(source: str) -> list[str]:
    """What in one module breaks the rule: an import of powerdeck.tui.screens (at the top or inside a
    function) or any use of an attribute called `store`."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.ImportFrom) and node.module is not None:
            names = [node.module] + [f"{node.module}.{alias.name}" for alias in node.names]
            found += [f"line {node.lineno}: imports {name}" for name in names
                      if name.startswith("powerdeck.tui.screens")]
        elif isinstance(node, ast.Import):
            found += [f"line {node.lineno}: imports {alias.name}" for alias in node.names
                      if alias.name.startswith("powerdeck.tui.screens")]
        elif isinstance(node, ast.Attribute) and node.attr == "store":
            found.append(f"line {node.lineno}: uses .store")
    return sorted(set(found))


def test_the_check_finds_what_it_looks_for() -> None:
    source = (
        "from powerdeck.tui.screens.dialogs.confirm_dialog import ChoiceDialog\n"
        "import powerdeck.tui.screens.log.log_screen\n"
        "from powerdeck.tui import screens\n"
        "def f(app):\n"
        "    from powerdeck.tui.screens.workbook.map_screen import MapScreen\n"
        "    return app.store.read(len)\n"
    )
    assert crossings(source) == [
        "line 1: imports powerdeck.tui.screens.dialogs.confirm_dialog",
        "line 1: imports powerdeck.tui.screens.dialogs.confirm_dialog.ChoiceDialog",
        "line 2: imports powerdeck.tui.screens.log.log_screen",
        "line 3: imports powerdeck.tui.screens",
        "line 5: imports powerdeck.tui.screens.workbook.map_screen",
        "line 5: imports powerdeck.tui.screens.workbook.map_screen.MapScreen",
        "line 6: uses .store",
    ]
    assert crossings("from powerdeck.tui.widgets.card_view import CardView\nstored = 1\n") == []


def test_no_widget_imports_a_screen_or_talks_to_the_store() -> None:
    modules = sorted(WIDGETS.glob("*.py"))
    assert len(modules) > 10  # the folder is where the test thinks it is
    problems = {path.name: found for path in modules if (found := crossings(path.read_text("utf-8")))}
    assert problems == {}


ENTRY = Entry(id="entry-1", card="4.2", capability=4, action="Ask the team", outcome="", learning="",
              created="2026-01-05T10:00:00+00:00", updated="2026-01-05T10:00:00+00:00")


class PaneAlone(App[None]):
    """A bare App: no store, no log, no screens of powerdeck's."""

    def __init__(self) -> None:
        super().__init__()
        self.asked: list[EntryPane.SaveRequested] = []
        self.searches: list[str] = []

    def compose(self) -> ComposeResult:
        yield EntryPane(load_deck(), cursor_blink=False, id="pane")
        yield LogList({"4.2": "A card"}, id="list")

    @on(EntryPane.SaveRequested)
    def _asked(self, message: EntryPane.SaveRequested) -> None:
        self.asked.append(message)

    @on(LogList.SearchChanged)
    def _searched(self, message: LogList.SearchChanged) -> None:
        self.searches.append(message.text)


async def test_the_entry_pane_posts_save_requested_and_does_no_store_work() -> None:
    app = PaneAlone()
    async with app.run_test(size=(100, 30)) as pilot:
        pane = app.query_one(EntryPane)
        pane.show(ENTRY, card_entries=3)
        pane.focus_first_empty()
        await pilot.press("d", "o", "n", "e")
        await pilot.pause()
        typed = {**BLANK_DETAILS, "action": "Ask the team", "outcome": "done", "learning": ""}
        assert pane.is_dirty and pane.unsaved() == (ENTRY, typed)
        pane.request_save()
        await pilot.pause()
        assert [(m.entry, m.values["outcome"], m.then_close) for m in app.asked] == [(ENTRY, "done", False)]
        # Nothing was stored: the fields still differ from the entry until the screen says so.
        assert pane.is_dirty
        stored = ENTRY.changed(outcome="done", updated="2026-01-06T09:00:00+00:00")
        pane.saved(ENTRY, stored, app.asked[0].values)
        assert not pane.is_dirty and pane.editing == stored and pane.unsaved() is None
        assert pane.close() == "entry-1" and pane.editing is None
        pane.request_save()  # nothing open: nothing asked
        await pilot.pause()
        assert len(app.asked) == 1


async def test_the_log_list_shows_what_it_is_given_and_posts_the_search() -> None:
    app = PaneAlone()
    async with app.run_test(size=(100, 30)) as pilot:
        log_list = app.query_one(LogList)
        log_list.show([ENTRY], 5, log_list.entry_filter)
        assert log_list.shown == [ENTRY] and log_list.total == 5 and log_list.open_count == 1
        app.set_focus(log_list.start_search(""))
        await pilot.press("t", "e")
        await pilot.pause()
        assert app.searches == ["t", "te"]
