"""A plain paste (no bracketed paste) arrives whole and in order; text refused in the review log's
editor is offered by the quit dialog; a hang-up with a failing log writes the rescue file and the
next start says where it is; a rescue file imports back as drafts."""

from __future__ import annotations

import json
import os
import signal
import sys
from pathlib import Path

import pytest

from disk_helpers import refuse_writes
from powerdeck.store.log import Log
from pty_harness import PtyApp, base_env, powerdeck_command
from ui_helpers import make_app, quit_and_save_in, settle, type_text

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "bench"))
from paste import MARKER, paste_text, send_raw

FIRST = "1.1  Changing your perspective"


def drafts(data: Path) -> dict[str, str]:
    state = json.loads((data / "state.json").read_text(encoding="utf-8"))  # drafts live beside the log
    return {d["card"]: d["action"] for d in state.get("drafts", {}).values()}


@pytest.mark.slow
def test_a_20_kb_raw_paste_arrives_whole_in_order_and_the_draft_matches(tmp_path: Path) -> None:
    data = tmp_path / "data"
    text = paste_text(20)
    with PtyApp([*powerdeck_command(), "--data", str(data)], base_env()) as app:
        app.wait_for(FIRST, timeout=30)
        app.wait_quiet(0.3)
        app.send("enter")
        app.wait_for("Done", timeout=15)
        app.wait_quiet(0.3)
        send_raw(app, text)  # \n as \r, 4 KB chunks, no bracketed paste
        app.wait_for(MARKER, timeout=600)
        app.send("ctrl+q")
        assert app.wait_exit(timeout=30) == 0
    assert drafts(data)["1.1"] == text


async def test_text_refused_in_the_review_log_editor_is_offered_by_the_quit_dialog(
    data_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with Log.open(data_dir) as log:
        log.add("2.1", "an action written before")
    app = make_app(data_dir)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("L")
        await settle(app, pilot)
        await pilot.press("enter")  # opens the entry, at its first empty field (Outcome)
        await settle(app, pilot)
        refuse_writes(monkeypatch)
        await type_text(pilot, "it went well")
        await settle(app, pilot)
        rescue = tmp_path / "rescue"
        await quit_and_save_in(app, pilot, rescue)
    (saved,) = [json.loads(path.read_text()) for path in rescue.iterdir()]
    (draft,) = saved["drafts"]
    assert draft["card"] == "2.1" and draft["outcome"] == "it went well"
    assert draft["action"] == "an action written before" and draft["entry_id"]


def damage(data: Path) -> None:
    # The state file, where drafts are kept: a damaged log.json alone no longer stops a draft.
    garbage = data / "garbage"
    garbage.write_bytes(b"not json at all")
    os.replace(garbage, data / "state.json")


@pytest.mark.slow
def test_sighup_with_a_damaged_log_writes_the_rescue_file_and_the_next_start_names_it(tmp_path: Path) -> None:
    data, home = tmp_path / "data", tmp_path / "home"
    home.mkdir(mode=0o700)
    env = base_env(HOME=str(home))
    with PtyApp([*powerdeck_command(), "--data", str(data)], env) as app:
        app.wait_for(FIRST, timeout=30)
        app.send("enter")
        app.wait_for("Done", timeout=15)
        damage(data)  # another program wrote garbage: every write is now refused
        app.type("words for the rescue", gap=0.01)
        app.wait_for("words for the rescue", timeout=15)
        app.proc.send_signal(signal.SIGHUP)
        assert app.wait_exit(timeout=15) == 128 + signal.SIGHUP
    (rescue,) = home.glob("powerdeck-unsaved-*.json")
    assert oct(rescue.stat().st_mode & 0o777) == "0o600"
    assert [d["action"] for d in json.loads(rescue.read_text())["drafts"]] == ["words for the rescue"]
    for path in data.glob("state.json*"):
        path.unlink()  # mended (say, restored): the next start can run
    for _ in range(2):
        with PtyApp([*powerdeck_command(), "--data", str(data)], env, cols=120, rows=30) as app:
            app.wait_for(FIRST, timeout=30)
            app.wait_quiet(0.5)
            shown = app.text().replace("\n", "")
            app.send("ctrl+q")
            app.wait_exit(timeout=15)
        if _ == 0:
            assert "could not be saved" in shown
        else:
            assert "could not be saved" not in shown  # once


def test_a_rescue_file_imports_back_as_drafts_and_a_damaged_one_is_refused(tmp_path: Path) -> None:
    from powerdeck.cli.main import main
    from powerdeck.core.entry import Draft
    from powerdeck.store.rescue import write_rescue

    data = tmp_path / "data"
    with Log.open(data) as log:
        log.save_draft("3.1", "another draft already here", "", "")
    rescued = [Draft("1.1", "typed \x1b[31m text", "", "", None, "2026-01-01T00:00:00+00:00"),
               Draft("3.1", "rescued for 3.1", "", "", None, "")]
    path = write_rescue(tmp_path, rescued)
    assert main(["import", str(path), "--data", str(data)]) == 0
    with Log.open(data) as log:
        assert log.draft("1.1").action == "typed \x1b[31m text"  # exactly as typed
        assert log.draft("3.1").action == "another draft already here"
        assert [e.action for e in log.entries() if e.card == "3.1"] == ["rescued for 3.1"]
    before = (data / "log.json").read_bytes()
    damaged = tmp_path / "damaged.json"
    damaged.write_text(json.dumps({"format": "powerdeck-unsaved-drafts", "version": 1, "drafts": [{"card": 5}]}))
    assert main(["import", str(damaged), "--data", str(data)]) == 2
    assert (data / "log.json").read_bytes() == before
