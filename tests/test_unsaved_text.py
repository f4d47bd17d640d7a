"""Text that cannot be written (log damaged by another program, read-only folder, disk full) is
never dropped: the app keeps running, keeps it in memory, says in one line where it can go, and
quitting asks instead of exiting with it lost. The "draft kept" marks claim only written drafts."""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path

import pytest

from disk_helpers import refuse_writes
from powerdeck.core.errors import PowerdeckError
from powerdeck.store.storage import SafeJSONStorage
from powerdeck.tui.screens.dialogs.quit_dialog import QuitDialog
from ui_helpers import (
    card_text,
    deck_screen,
    drafts_on_disk,
    fast_watch,
    field,
    make_app,
    quit_and_save_in,
    settle,
    type_text,
    watcher_looks,
)


def damage(data_dir: Path, name: str = "log.json") -> None:
    garbage = data_dir / "garbage"
    garbage.write_bytes(b"not json at all")
    os.replace(garbage, data_dir / name)


@pytest.mark.parametrize("name", ["log.json", "state.json"])
async def test_a_file_damaged_while_typing_keeps_the_app_and_the_text(
        data_dir: Path, name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    fast_watch(monkeypatch)
    app = make_app(data_dir)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await pilot.press("e")
        await type_text(pilot, "first words")
        await settle(app, pilot)
        deck_screen(app).queue_draft_write()
        await settle(app, pilot)
        damage(data_dir, name)
        await type_text(pilot, " and more")
        deck_screen(app).queue_draft_write()  # the autosave
        await settle(app, pilot)
        await watcher_looks(app, pilot)
        await type_text(pilot, "!")
        await settle(app, pilot)
        assert app.is_running
        assert field(app, "action").text == "first words and more!"
        status = str(deck_screen(app).query_one("#status").render())
        if name == "state.json":
            assert "NOT written" in status  # the drafts' own file refuses every write
        else:
            # Drafts live beside the log: a damaged log does not stop them reaching the disk.
            assert "Draft kept" in status
            assert drafts_on_disk(data_dir)["1.1"]["action"] == "first words and more"
        line = app.problems.line  # said in the line above the status bar (problem_notice.py)
        assert "changed by another program" in line and name in line and "--data DIR" in line, line
    assert (data_dir / name).read_bytes() == b"not json at all"


async def test_quit_with_writes_refused_asks_and_saves_elsewhere(data_dir: Path, tmp_path: Path,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    app = make_app(data_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        refuse_writes(monkeypatch)
        await pilot.press("e")
        await type_text(pilot, "do not lose me")
        deck_screen(app).queue_draft_write()
        await settle(app, pilot)
        assert "draft kept" not in card_text(app)
        rescue = tmp_path / "rescue"
        await quit_and_save_in(app, pilot, rescue)
    files = list(rescue.iterdir())
    assert len(files) == 1
    assert stat.S_IMODE(files[0].stat().st_mode) == 0o600
    saved = json.loads(files[0].read_text())
    assert [d["action"] for d in saved["drafts"]] == ["do not lose me"]
    assert drafts_on_disk(data_dir) == {}


async def test_quit_dialog_keep_editing_and_a_second_ctrl_q_keep_the_text(data_dir: Path,
                                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    app = make_app(data_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        refuse_writes(monkeypatch)
        await pilot.press("e")
        await type_text(pilot, "still here")
        await pilot.press("ctrl+q")
        await settle(app, pilot)
        assert isinstance(app.screen, QuitDialog)
        await pilot.press("ctrl+q")
        await settle(app, pilot)
        assert app.is_running and isinstance(app.screen, QuitDialog)
        await pilot.press("escape")
        await settle(app, pilot)
        assert app.is_running and not isinstance(app.screen, QuitDialog)
        assert field(app, "action").text == "still here"


async def test_a_write_failing_with_an_unexpected_error_is_reported(data_dir: Path,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    """An OSError the store did not turn into a PowerdeckError (flock, say): "Saving…" must end."""
    app = make_app(data_dir)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        def broken(self: SafeJSONStorage, data: object) -> None:
            raise OSError(5, "Input/output error")

        monkeypatch.setattr(SafeJSONStorage, "write", broken)
        await pilot.press("e")
        await type_text(pilot, "an entry")
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        status = str(deck_screen(app).query_one("#status").render())
        assert "Saving" not in status and "Not saved" in status
        assert "Input/output error" in app.problems.line
        assert field(app, "action").text == "an entry"


def test_rescue_file_is_private_and_never_overwrites(tmp_path: Path) -> None:
    from powerdeck.core.entry import Draft
    from powerdeck.store.rescue import write_rescue

    drafts = [Draft(card="1.1", action="a\ud800", outcome="", learning="", entry_id=None, updated="x")]
    first = write_rescue(tmp_path, drafts)
    second = write_rescue(tmp_path, drafts)
    assert first != second
    assert json.loads(first.read_text())["drafts"][0]["action"] == "a\ud800"
    os.chmod(tmp_path, 0o500)
    try:
        if os.geteuid() != 0:
            with pytest.raises(PowerdeckError):
                write_rescue(tmp_path, drafts)
    finally:
        os.chmod(tmp_path, 0o700)
