"""The app over a log written elsewhere: a remembered state of the wrong type, drafts and entries
of cards this deck lacks, and a start that changes nothing writing nothing."""

from __future__ import annotations

import os
from pathlib import Path

from textual.widgets import Static

from log_helpers import open_log
from powerdeck.store.log import Log
from ui_helpers import make_app, settle


def log_files(data_dir: Path) -> dict[str, tuple[int, bytes]]:
    return {name: (os.stat(data_dir / name).st_ino, (data_dir / name).read_bytes())
            for name in sorted(os.listdir(data_dir)) if name.startswith("log.json") and not name.endswith(".lock")}


def log_and_backups(data_dir: Path) -> dict[str, tuple[int, bytes]]:
    """The log and its backups, without its summary (which a start writes when it has none)."""
    return {name: found for name, found in log_files(data_dir).items() if not name.endswith(".summary")}


async def test_a_start_with_a_remembered_theme_writes_nothing(data_dir: Path) -> None:
    with Log.open(data_dir) as log:
        log.add("1.1", "x")
        log.set_state("theme", "nord")
        log.set_state("last_card", "1.1")
    with Log.open(data_dir) as log:
        log.add("1.1", "y")  # a second session: bak1 exists
    before = log_and_backups(data_dir)
    app = make_app(data_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        assert app.theme == "nord"
        app.write_unsaved_and_wait()  # what ctrl+q does
        await settle(app, pilot)
    assert log_and_backups(data_dir) == before
    # The first start wrote the log's summary; a start after it writes nothing at all.
    assert "log.json.summary" in log_files(data_dir)
    before = log_files(data_dir)
    app = make_app(data_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        app.write_unsaved_and_wait()
        await settle(app, pilot)
    assert log_files(data_dir) == before


async def test_state_of_the_wrong_type_is_ignored(data_dir: Path) -> None:
    with Log.open(data_dir) as log:
        log.set_state("theme", ["a", "list"])
        log.set_state("last_card", 42)
    app = make_app(data_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        assert app.screen.card_id == "1.1"  # type: ignore[attr-defined]
        assert app.theme == "textual-dark"


async def test_drafts_and_entries_of_cards_not_in_this_deck_never_stop_the_app(data_dir: Path) -> None:
    with Log.open(data_dir) as log:
        team = log.add("11.2", "a team deck's card")
        log.save_draft("11.2", "unsaved words", "", "")
        log.save_draft("2.1", "a draft here", "", "")
    app = make_app(data_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        status = str(app.screen.query_one("#status", Static).render())
        assert "2.1, 11.2" in status
        await open_log(app, pilot)
        entry_list = app.screen.query_one("#log-entries")
        assert [e.id for e in entry_list.entries] == [team.id]  # type: ignore[attr-defined]
        assert "not in this deck" in str(entry_list.render_line(0).text) + "".join(
            strip.text for strip in (entry_list.render_line(y) for y in range(3)))
    with Log.open(data_dir) as log:  # kept as they were
        assert set(log.drafts()) == {"11.2", "2.1"} and log.get(team.id) == team
