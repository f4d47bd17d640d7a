"""Issue 19, finding 3: every one-line text field of every screen shows what it holds and never
obeys it. A map's half-typed name from an import, and the name and role in the export dialog read
from state.json, left the alternate screen and set the window title. Each field is opened with
hostile text and the very bytes the screen would send to the terminal are checked."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest
from textual import events
from textual.widgets import Input

from powerdeck.core.entry import EntryFilter
from powerdeck.core.text import UNSAFE
from powerdeck.export import NAME_KEY, ROLE_KEY
from powerdeck.tui.app import PowerDeckApp
from powerdeck.tui.screens.dialogs.export_dialog import ExportDialog
from powerdeck.tui.screens.dialogs.quit_dialog import QuitDialog
from powerdeck.tui.screens.log.filter_dialogs import PeriodPicker
from powerdeck.tui.screens.workbook.map_screen import MapScreen
from powerdeck.tui.widgets.inert_input import InertInput
from powerdeck.workbook.model import Worksheet
from ui_helpers import deck_screen, make_app, settle

SOURCE = Path(__file__).resolve().parent.parent / "src" / "powerdeck"
EVIL = "\x1b[?1049l\x1b]0;pwned\x07\x9b31m\u202eevil\x1b[2J\x00\x85"
_DRAWN = re.compile(r"\x1b\[[0-9;]*m|\x1b\[[0-9]+;[0-9]+H")
"""What the screen itself sends: colours (SGR) and cursor moves. Anything else is not drawing."""


def terminal_bytes(app: PowerDeckApp) -> str:
    """Everything the screen as now drawn would write to a terminal, less its own colours and moves."""
    update = app.screen._compositor.render_full_update()
    return _DRAWN.sub("", update.render_segments(app.console)).replace("\r\n", "").replace("\n", "")


def assert_inert(app: PowerDeckApp) -> None:
    drawn = terminal_bytes(app)
    assert "\x1b" not in drawn and "pwned\x07" not in drawn
    assert UNSAFE.search(drawn) is None, sorted({hex(ord(c)) for c in UNSAFE.findall(drawn)})
    for field in app.screen.query(Input):
        assert UNSAFE.search(field.value) is None and "\t" not in field.value


def test_every_one_line_field_is_an_inert_input() -> None:
    # grep for `Input(`: each one the app builds is the inert kind (the Pilot tests below open each).
    made = {path.relative_to(SOURCE).as_posix(): len(re.findall(r"(?<![A-Za-z])Input\(", path.read_text()))
            for path in SOURCE.rglob("*.py")}
    assert {name: count for name, count in made.items() if count} == {}
    inert = sorted(path.relative_to(SOURCE).as_posix() for path in SOURCE.rglob("*.py")
                   if "InertInput(" in path.read_text() and path.name != "inert_input.py")
    # The screens the Pilot tests below open; a new field elsewhere needs its own test here.
    assert set(inert) >= {"tui/screens/dialogs/export_dialog.py", "tui/screens/dialogs/quit_dialog.py",
                          "tui/screens/log/filter_dialogs.py", "tui/screens/workbook/map_screen.py",
                          "tui/widgets/entry_editor.py"}


async def test_a_maps_half_typed_name_from_an_import_is_shown_inert(tmp_path: Path) -> None:
    app = make_app(tmp_path / "data")
    app.store.write_and_wait(lambda log: log.save_worksheet(Worksheet("1.2", "map", draft=f"JS {EVIL}")))
    async with app.run_test(size=(80, 24)) as pilot:
        deck_screen(app).go_to_card("1.2")
        await pilot.press("w")
        await settle(app, pilot)
        assert isinstance(app.screen, MapScreen)
        assert "JS ␛" in app.screen.query_one("#map-name", Input).value
        assert_inert(app)


async def test_the_export_dialogs_name_and_role_from_state_json_are_shown_inert(tmp_path: Path) -> None:
    app = make_app(tmp_path / "data")
    app.store.write_and_wait(lambda log: (log.set_state(NAME_KEY, f"Sam {EVIL}"), log.set_state(ROLE_KEY, EVIL)))
    async with app.run_test(size=(80, 24)) as pilot:
        app.action_export_log()
        await settle(app, pilot)
        assert isinstance(app.screen, ExportDialog)
        assert app.screen.query_one("#export-name", Input).value.startswith("Sam ␛")
        assert_inert(app)


async def test_the_editors_detail_fields_from_a_draft_in_state_json_are_shown_inert(tmp_path: Path) -> None:
    app = make_app(tmp_path / "data")
    details = {"follow_up": f"+3w {EVIL}", "tags": f"CPD, {EVIL}", "hours": f"1 {EVIL}"}
    app.store.write_and_wait(lambda log: log.save_draft("2.1", "a draft", "", "", details=details))
    async with app.run_test(size=(80, 24)) as pilot:
        deck_screen(app).go_to_card("2.1")
        await pilot.press("e")
        await settle(app, pilot)
        assert deck_screen(app).editor.detail_field("tags").value.startswith("CPD, ␛")
        assert_inert(app)


@pytest.mark.parametrize("dialog", ["quit", "period", "export-path"])
async def test_every_other_field_is_inert_given_and_pasted(tmp_path: Path, dialog: str) -> None:
    app = make_app(tmp_path / "data")
    async with app.run_test(size=(80, 24)) as pilot:
        if dialog == "quit":
            await app.push_screen(QuitDialog("the disk is full", lambda folder: Path(folder) / "r.json", EVIL))
        elif dialog == "period":
            await app.push_screen(PeriodPicker(None, None, today=date(2026, 12, 1)))
        else:
            await app.push_screen(ExportDialog(EntryFilter(), 1, 1, name=EVIL, role=EVIL, today=date(2026, 12, 1)))
        await settle(app, pilot)
        assert_inert(app)
        for field in app.screen.query(InertInput):  # a paste is the other way in
            field.focus()
            await pilot.pause()
            field.value = ""
            field.post_message(events.Paste("p\x1b[2J"))  # short: the period's fields take 10
            await settle(app, pilot)
            assert field.value == "p␛[2J"
        assert_inert(app)


@pytest.mark.slow
def test_on_a_real_terminal_the_map_name_and_the_export_dialog_obey_nothing(tmp_path: Path) -> None:
    # The finding itself, in a pty: these two fields left the alternate screen and set the title.
    from powerdeck.store.log import Log
    from pty_harness import PtyApp, base_env, powerdeck_command

    data = tmp_path / "data"
    with Log.open(data) as log:
        log.add("1.2", "an entry, so the review log has a line")
        log.save_worksheet(Worksheet("1.2", "map", draft=f"JS {EVIL}"))
        log.set_state(NAME_KEY, f"Sam {EVIL}")
        log.set_state(ROLE_KEY, EVIL)
        log.set_state("last_card", "1.2")
    with PtyApp([*powerdeck_command(), "--data", str(data)], base_env()) as app:
        app.wait_for("Mapping", timeout=20)
        app.send("w")  # the map, with the half-typed name
        app.wait_for("JS ␛", timeout=10)
        for _ in range(2):  # out of the name field, then off the map
            app.send("escape")
            app.wait_quiet(0.5, after=app.send(b""))
        app.send("L")
        app.wait_for("Review log", timeout=10)
        app.send("w")  # the export dialog, with the name and role remembered
        app.wait_for("pwned␇", timeout=10)  # shown as a picture (the field shows its end)
        app.send("escape")
        app.wait_quiet(0.5, after=app.send(b""))
        app.send("escape")
        app.wait_quiet(0.5, after=app.send(b""))
        app.send("ctrl+q")
        app.wait_exit(timeout=10)
        raw = app.raw
    body = raw[: raw.rfind(b"\x1b[?1049l")]  # the app's own exit from the alternate screen
    for sequence in (b"\x1b[?1049l", b"\x1b]0;", b"pwned\x07", "\x9b".encode(), "\u202e".encode(), b"\x1b[2J"):
        assert sequence not in body, sequence
