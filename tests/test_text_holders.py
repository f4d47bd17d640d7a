"""Every holder of typed text x every way out: nothing typed is lost.

The holders: the deck's editor, the review log's entry pane, and every worksheet (voices, the
map's name box, a list, notes, a memo). The ways out: ctrl+q with the log refusing writes (the
quit dialog, then a rescue file), SIGHUP, SIGTERM and a fault (real processes, the log damaged by
another program mid-session: the text is in a rescue file in the home folder). A rescue file
imports back, worksheets included.
"""

from __future__ import annotations

import json
import os
import signal
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from textual.widgets import Input, TextArea

from disk_helpers import refuse_writes
from powerdeck.store.log import Log
from powerdeck.tui.app import PowerDeckApp
from powerdeck.tui.screens.dialogs.quit_dialog import QuitDialog
from powerdeck.tui.text_holders import UnsavedTextHolder
from powerdeck.workbook.model import Person, Worksheet
from pty_harness import PtyApp, base_env, powerdeck_command
from ui_helpers import deck_screen, make_app, quit_and_save_in, settle, type_text

TEXT = "words that must not be lost"


@dataclass(frozen=True)
class Holder:
    name: str
    card: str
    keys: tuple[str, ...]
    """Keys from the card's reading screen to a field that takes the text."""
    wait_for: str
    """What the real app shows once that field is there."""
    found: Callable[[dict[str, Any]], str]
    """The text as the rescue file holds it."""


def draft_field(name: str) -> Callable[[dict[str, Any]], str]:
    return lambda rescue: next(d[name] for d in rescue["drafts"] if d[name])


def sheet_field(name: str) -> Callable[[dict[str, Any]], str]:
    return lambda rescue: next(s[name] for s in rescue["worksheets"] if s[name])


HOLDERS = [
    Holder("deck editor", "1.1", ("enter",), "WRITING", draft_field("action")),
    # The seeded entry of 2.1 has an action: the pane opens at its first empty field, Outcome.
    Holder("review log pane", "2.1", ("L", "enter"), "Entry for card 2.1", draft_field("outcome")),
    Holder("voices", "1.3", ("w",), "· voices", sheet_field("text")),
    Holder("map name", "1.2", ("w", "a"), "relationship map", sheet_field("draft")),
    Holder("list", "8.1", ("w",), "A list: one item a line", sheet_field("text")),
    Holder("notes", "10.1", ("w",), "· notes", sheet_field("text")),
    Holder("memo", "10.3", ("w",), "· memo", sheet_field("text")),
]
IDS = [holder.name for holder in HOLDERS]


def seed(data: Path, card: str) -> None:
    """A log with one entry (for the review log's pane) that opens on `card`."""
    with Log.open(data) as log:
        log.add("2.1", "an action written before")
        log.set_state("last_card", card)


def sheet_text(data: Path, card: str) -> str:
    with Log.open(data) as log:
        sheet = log.worksheet(card)
    assert sheet is not None, f"no worksheet for {card} in the log"
    return sheet.text


# -- the holders are found by the protocol ----------------------------------------------------


async def test_every_screen_that_takes_text_is_a_holder_and_the_app_finds_it(data_dir: Path) -> None:
    seed(data_dir, "1.1")
    app = make_app(data_dir)
    async with app.run_test(size=(100, 30)) as pilot:
        for holder in HOLDERS:
            app.action_go_to_card(holder.card)  # back to the deck, at the card
            await settle(app, pilot)
            await pilot.press(*holder.keys)
            await settle(app, pilot)
            assert isinstance(app.screen, UnsavedTextHolder), holder.name
            assert app.screen in app.text_holders(), holder.name
        assert app.refused in app.text_holders()


# -- ctrl+q with the log refusing writes (in process) -----------------------------------------


async def quit_with_writes_refused(app: PowerDeckApp, pilot: Any, holder: Holder, rescue: Path,
                                   monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    deck_screen(app).go_to_card(holder.card)
    await pilot.press(*holder.keys)
    await settle(app, pilot)
    refuse_writes(monkeypatch)
    await type_text(pilot, TEXT)
    await quit_and_save_in(app, pilot, rescue)
    (path,) = rescue.iterdir()
    assert path.stat().st_mode & 0o777 == 0o600
    saved: dict[str, Any] = json.loads(path.read_text())
    return saved


@pytest.mark.parametrize("holder", HOLDERS, ids=IDS)
async def test_ctrl_q_with_the_log_refusing_writes_asks_and_the_rescue_file_holds_the_text(
        data_dir: Path, tmp_path: Path, holder: Holder, monkeypatch: pytest.MonkeyPatch) -> None:
    # Regression (worksheets): the app exited 0 with no dialog and no rescue file.
    seed(data_dir, "1.1")
    rescue = tmp_path / "rescue"
    rescue.mkdir()
    app = make_app(data_dir)
    async with app.run_test(size=(100, 30)) as pilot:
        saved = await quit_with_writes_refused(app, pilot, holder, rescue, monkeypatch)
    assert holder.found(saved) == TEXT
    assert app.return_code == 0


WORKSHEETS = [holder for holder in HOLDERS if holder.name in ("voices", "map name", "list", "notes", "memo")]


@pytest.mark.parametrize("holder", WORKSHEETS, ids=[holder.name for holder in WORKSHEETS])
async def test_the_outside_probe_a_worksheet_with_the_log_damaged_then_ctrl_q(
        data_dir: Path, tmp_path: Path, holder: Holder) -> None:
    """The review's probe: type on a worksheet, another program damages the log (drafts and the
    card to reopen still reach state.json), ctrl+q. Regression: the app exited 0 with no dialog and
    no rescue file (the worksheet screen swallowed the refusal and the rescue file had no worksheets)."""
    seed(data_dir, holder.card)
    rescue = tmp_path / "rescue"
    rescue.mkdir()
    app = make_app(data_dir)
    async with app.run_test(size=(100, 30), notifications=True) as pilot:
        await pilot.press(*holder.keys)
        await settle(app, pilot)
        garbage = data_dir / "garbage"
        garbage.write_bytes(b"not json at all")
        os.replace(garbage, data_dir / "log.json")
        await type_text(pilot, TEXT)
        await pilot.press("ctrl+q")
        await settle(app, pilot)
        assert app.is_running, "quit with the worksheet refused: no dialog"
        dialog = app.screen
        assert isinstance(dialog, QuitDialog)
        # The dialog says why: no toast of the same refusal covers it (half of it at 80x24).
        assert not [n.message for n in app._notifications]
        dialog.query_one("#quit-folder", Input).value = str(rescue)
        await pilot.click("#quit-save")
        await settle(app, pilot)
    (path,) = rescue.iterdir()
    assert holder.found(json.loads(path.read_text())) == TEXT
    assert (data_dir / "log.json").read_bytes() == b"not json at all"  # never written over


async def test_a_worksheet_left_before_its_refused_write_is_still_offered(
        data_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Escape leaves the worksheet before its write is refused: the app keeps the text, reopening
    the worksheet shows it, and ctrl+q offers it."""
    seed(data_dir, "1.3")
    app = make_app(data_dir)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("w")
        refuse_writes(monkeypatch)
        await type_text(pilot, TEXT)
        await pilot.press("escape")
        await settle(app, pilot)
        assert [sheet.text for sheet in app.refused.worksheets.values()] == [TEXT]
        await pilot.press("w")  # opens as typed, not as the log last had it
        await settle(app, pilot)
        assert app.screen.query_one("#voices-input", TextArea).text == TEXT
        await pilot.press("escape")
        await settle(app, pilot)
        assert [sheet.text for sheet in app.unsaved_text().worksheets] == [TEXT]
        await pilot.press("ctrl+q")
        await settle(app, pilot)
        assert isinstance(app.screen, QuitDialog)


async def test_a_refused_worksheet_is_written_once_the_log_takes_writes_again(
        data_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    seed(data_dir, "10.3")
    app = make_app(data_dir)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("w")
        with monkeypatch.context() as refusing:
            refuse_writes(refusing)
            await type_text(pilot, TEXT)
            await pilot.press("escape")
            await settle(app, pilot)
        assert app.unsaved_text()
        await pilot.press("ctrl+q")  # the disk is back: written, and the app quits
        await settle(app, pilot)
    assert not app.is_running
    assert sheet_text(data_dir, "10.3") == TEXT


# -- SIGHUP, SIGTERM and a fault, with the log damaged (real processes) -----------------------

FAULTY = (
    "import sys\n"
    "from powerdeck.tui.screens.dialogs import help_screen\n"
    "def broken(self):\n"
    "    raise RuntimeError('a planted fault')\n"
    "help_screen.HelpScreen.compose = broken\n"
    "from powerdeck.cli.main import main\n"
    "sys.exit(main())\n"
)


def damage(data: Path) -> None:
    """Another program wrote garbage over both files: every write is refused from now on."""
    for name in ("log.json", "state.json"):
        garbage = data / "garbage"
        garbage.write_bytes(b"not json at all")
        os.replace(garbage, data / name)


def go_to_field(app: PtyApp, holder: Holder) -> None:
    app.wait_for("READING", timeout=30)
    for key in holder.keys:
        app.send(key)
        # A command letter acts once no other key follows it for a moment (deck_keys.LETTER_SETTLE):
        # sent faster, "w" then "a" would be someone typing a word.
        time.sleep(0.6)
    app.wait_for(holder.wait_for, timeout=15)


def rescue_files(home: Path) -> list[dict[str, Any]]:
    files = sorted(home.glob("powerdeck-unsaved-*.json"))
    for path in files:
        assert path.stat().st_mode & 0o777 == 0o600
    return [json.loads(path.read_text()) for path in files]


@pytest.mark.slow
@pytest.mark.parametrize("way_out", ["SIGHUP", "SIGTERM", "fault"])
@pytest.mark.parametrize("holder", HOLDERS, ids=IDS)
def test_a_signal_or_a_fault_with_the_log_damaged_leaves_the_text_in_a_rescue_file(
        tmp_path: Path, holder: Holder, way_out: str) -> None:
    data, home = tmp_path / "data", tmp_path / "home"
    home.mkdir(mode=0o700)
    seed(data, holder.card)
    argv = [sys.executable, "-c", FAULTY] if way_out == "fault" else powerdeck_command()
    with PtyApp([*argv, "--data", str(data)], base_env(HOME=str(home)), cols=100, rows=30) as app:
        go_to_field(app, holder)
        damage(data)
        app.type(TEXT, gap=0.01)
        # Its last word: the deck's Action field at 100x30 is narrow enough (since the form grew
        # its follow-up, tags and hours lines) that the sentence wraps there.
        app.wait_for(TEXT.split()[-1], timeout=15)
        if way_out == "fault":
            app.send("f1")  # the help screen, which is broken
        else:
            app.proc.send_signal(getattr(signal, way_out))
        code = app.wait_exit(timeout=20)
        output = app.raw.decode("utf-8", "replace")
    assert code != 0
    (rescued,) = rescue_files(home)
    assert holder.found(rescued) == TEXT
    if way_out == "fault":
        assert "fault in powerdeck itself" in output and "powerdeck-unsaved-" in output
        assert "Traceback" not in output
    if way_out == "SIGHUP":  # the terminal is gone: the next start names the file
        assert (home / ".powerdeck-unsaved-notice").exists()


@pytest.mark.slow
@pytest.mark.parametrize("way_out", ["SIGTERM", "fault"])
def test_a_worksheet_reaches_the_log_on_sigterm_and_a_fault_when_the_log_takes_it(
        tmp_path: Path, way_out: str) -> None:
    data, home = tmp_path / "data", tmp_path / "home"
    home.mkdir(mode=0o700)
    seed(data, "8.1")
    argv = [sys.executable, "-c", FAULTY] if way_out == "fault" else powerdeck_command()
    with PtyApp([*argv, "--data", str(data)], base_env(HOME=str(home)), cols=100, rows=30) as app:
        go_to_field(app, HOLDERS[4])
        app.type(TEXT, gap=0.01)
        app.wait_for(TEXT, timeout=15)
        if way_out == "fault":
            app.send("f1")
        else:
            app.proc.send_signal(signal.SIGTERM)
        app.wait_exit(timeout=20)
    assert rescue_files(home) == []
    assert sheet_text(data, "8.1") == TEXT


# -- the rescue file comes back -----------------------------------------------------------------


def test_a_rescue_file_brings_worksheets_back_and_keeps_what_the_log_has_too(tmp_path: Path) -> None:
    from powerdeck.cli.main import main
    from powerdeck.core.entry import Draft
    from powerdeck.store.rescue import UnsavedText, write_rescue

    data = tmp_path / "data"
    with Log.open(data) as log:
        log.save_worksheet(Worksheet("1.3", "voices", text="said before\n"))
        log.save_worksheet(Worksheet("1.2", "map", people=(Person("p1", "JS"),)))
    rescued = UnsavedText(
        (Draft("1.1", "a card's draft", "", "", None, ""),),
        (Worksheet("1.3", "voices", text="said before\nsaid after\n"),  # grew from the stored text
         Worksheet("1.2", "map", people=(Person("p2", "housing lead"),), draft="GP pract"),
         Worksheet("10.3", "memo", text="a memo \x1b[31m as typed")),
    )
    path = write_rescue(tmp_path, rescued)
    assert main(["import", str(path), "--data", str(data)]) == 0
    with Log.open(data) as log:
        assert log.drafts()["1.1"].action == "a card's draft"
        sheets = log.worksheets()
    assert sheets["1.3"].text == "said before\nsaid after\n"
    assert [p.name for p in sheets["1.2"].people] == ["housing lead", "JS"]  # neither map dropped
    assert sheets["1.2"].draft == "GP pract"
    assert sheets["10.3"].text == "a memo \x1b[31m as typed"


def test_a_version_1_rescue_file_still_imports(tmp_path: Path) -> None:
    from powerdeck.cli.main import main

    data = tmp_path / "data"
    old = tmp_path / "old.json"
    old.write_text(json.dumps({"format": "powerdeck-unsaved-drafts", "version": 1, "drafts": [
        {"card": "4.1", "entry_id": None, "action": "from an older powerdeck", "outcome": "", "learning": "",
         "updated": ""}]}))
    assert main(["import", str(old), "--data", str(data)]) == 0
    with Log.open(data) as log:
        assert log.drafts()["4.1"].action == "from an older powerdeck"


def test_a_damaged_worksheet_in_a_rescue_file_refuses_the_whole_file(tmp_path: Path) -> None:
    from powerdeck.cli.main import main

    data = tmp_path / "data"
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"format": "powerdeck-unsaved-drafts", "version": 2, "drafts": [
        {"card": "4.1", "entry_id": None, "action": "fine", "outcome": "", "learning": "", "updated": ""}],
        "worksheets": [{"card": "1.3", "kind": "not a kind"}]}))
    assert main(["import", str(bad), "--data", str(data)]) == 2
    assert not (data / "state.json").exists() or "fine" not in (data / "state.json").read_text()
