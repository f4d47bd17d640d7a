"""A start draws its first frame from the log's summary, before the log's entries are parsed, and
shows nothing wrong: the right counts, the card's entries, and the log read in right after.

The summary (store/log_summary.py) is believed only while the log on disk is the very file it
describes; a log written since by anything that did not write the summary is parsed as before."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from textual.app import App

from powerdeck.core.entry import Entry
from powerdeck.store import log as log_module
from powerdeck.store.log import Log
from powerdeck.store.log_summary import (
    NEWEST,
    FirstFrame,
    SummaryKeeper,
    open_log,
    read_summary,
    summary_of,
    summary_path,
    write_summary,
)
from powerdeck.store.log_worker import LogWorker
from powerdeck.tui.app import PowerDeckApp
from powerdeck.tui.options import AppOptions
from powerdeck.tui.widgets.card_notes import CardNotes
from ui_helpers import DECK, deck_screen, settle, sidebar, until


def fill(data_dir: Path) -> None:
    """12 entries for card 1.1 (more than the notes list), 2 for 1.2, 3 in capability 4, one open."""
    with Log.open(data_dir) as log:
        for n in range(12):
            log.add("1.1", f"asked the group, time {n}", "they came", "ask sooner")
        log.add("1.2", "first on 1.2\nsecond line")
        log.add("1.2", "again on 1.2", "went well", "listen")
        for card in ("4.1", "4.1", "4.2"):
            log.add(card, f"did {card}", "done", "learnt")


def keep_summary(data_dir: Path) -> None:
    """What the app's writer does after each write: the summary follows the log."""
    with Log.open(data_dir) as log:
        summary = summary_of(log)
        assert summary is not None
        write_summary(log.path, summary)


def app_for(data_dir: Path) -> tuple[PowerDeckApp, FirstFrame | None]:
    log, first = open_log(data_dir)
    options = AppOptions(animation="none", over_ssh=True, animation_chosen=True)
    return PowerDeckApp(DECK, log, options, first), first


def notes_text(app: PowerDeckApp) -> str:
    return deck_screen(app).query_one(CardNotes).text


@pytest.fixture
def parsed_at(monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    """Records how many frames had been written when the log's entries were first parsed."""
    seen: dict[str, Any] = {"frames": 0, "parsed_after": None}
    display = App._display

    def record(app: App[Any], screen: Any, renderable: Any) -> None:
        if renderable is not None:
            seen["frames"] += 1
        display(app, screen, renderable)

    validate = log_module.validate

    def noted(data: Any) -> Any:
        if seen["parsed_after"] is None and data.get("entries"):
            seen["parsed_after"] = seen["frames"]
        return validate(data)

    monkeypatch.setattr(App, "_display", record)
    monkeypatch.setattr(log_module, "validate", noted)
    return seen


async def test_the_first_frame_is_drawn_before_the_log_is_parsed_and_shows_the_right_counts(
        data_dir: Path, parsed_at: dict[str, Any]) -> None:
    fill(data_dir)
    keep_summary(data_dir)
    parsed_at["parsed_after"] = None  # the set-up's own parses
    app, first = app_for(data_dir)
    assert first is not None
    async with app.run_test(size=(120, 40)) as pilot:
        await until(pilot, lambda: parsed_at["frames"] > 0, "the first frame")
        labels = sidebar(app).labels
        assert any(label.endswith("(14)") or " 14" in label for label in labels[:1]), labels
        assert " 3" in labels[3] or "(3)" in labels[3], labels
        notes = notes_text(app)
        assert "12 entries for this card" in notes
        assert "… and 4 more" in notes
        assert "asked the group, time 11" in notes  # the newest first
        await until(pilot, lambda: app.first_frame is None, "the log read in")
        await settle(app, pilot)
        assert parsed_at["parsed_after"] is not None and parsed_at["parsed_after"] >= 1
        assert sidebar(app).labels == labels
        assert notes_text(app) == notes


async def test_nothing_is_written_again_when_the_log_is_read_in(data_dir: Path, parsed_at: dict[str, Any]) -> None:
    # The log read in gives other Entry objects that draw the very same notes and counts: not a
    # byte more over the link.
    fill(data_dir)
    keep_summary(data_dir)
    app, first = app_for(data_dir)
    assert first is not None
    async with app.run_test(size=(120, 40)) as pilot:
        await until(pilot, lambda: parsed_at["frames"] > 0, "the first frame")
        await pilot.pause(0.1)
        written = parsed_at["frames"]
        await until(pilot, lambda: app.first_frame is None, "the log read in")
        await settle(app, pilot)
        assert parsed_at["frames"] == written


def test_a_summary_is_not_believed_once_the_log_has_changed(data_dir: Path) -> None:
    fill(data_dir)
    keep_summary(data_dir)
    assert read_summary(data_dir / "log.json") is not None
    with Log.open(data_dir) as log:  # another program's write (an import, an older powerdeck)
        log.add("2.1", "written without the summary")
    assert read_summary(data_dir / "log.json") is None
    log, first = open_log(data_dir)
    try:
        assert first is None
        assert log.count_by_capability()[2] == 1
    finally:
        log.close()


async def test_a_stale_summary_shows_the_log_as_it_is(data_dir: Path) -> None:
    fill(data_dir)
    keep_summary(data_dir)
    with Log.open(data_dir) as log:
        for _ in range(3):
            log.add("1.1", "three more, after the summary")
    app, first = app_for(data_dir)
    assert first is None
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        assert "15 entries for this card" in notes_text(app)
    assert read_summary(data_dir / "log.json") is not None  # written afresh after the start


async def test_keys_before_the_log_is_read_in_show_other_cards_from_the_summary(
        data_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    fill(data_dir)
    keep_summary(data_dir)
    held: list[Any] = []
    monkeypatch.setattr(PowerDeckApp, "read_whole_log", lambda self: held.append(self))
    app, first = app_for(data_dir)
    assert first is not None
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await pilot.press("right")
        await pilot.pause()
        assert deck_screen(app).card_id == "1.2"
        assert app.first_frame is not None  # still the summary
        notes = notes_text(app)
        assert "2 entries" in notes and "first on 1.2" in notes and "second line" not in notes
        monkeypatch.undo()
        app.read_whole_log()
        await until(pilot, lambda: app.first_frame is None, "the log read in")
        await settle(app, pilot)
        assert notes_text(app) == notes


async def test_a_draft_of_an_earlier_entry_starts_from_the_log(data_dir: Path) -> None:
    # Its editor needs the entry's stored text, which the summary does not hold whole.
    fill(data_dir)
    with Log.open(data_dir) as log:
        entry = log.entries()[0]
        log.save_draft(entry.card, "changed", "", "", entry_id=entry.id)
    keep_summary(data_dir)
    log, first = open_log(data_dir)
    log.close()
    assert first is None


def test_the_writer_keeps_the_summary_after_each_write(data_dir: Path) -> None:
    fill(data_dir)
    log = Log.open(data_dir)
    worker = LogWorker(log, lambda callback, value: None, summary=SummaryKeeper(log.path))
    try:
        worker.write_and_wait(lambda log: log.add("9.1", "a new one"))
        summary = read_summary(log.path)
        assert summary is not None
        assert summary.count_by_capability() == log.count_by_capability()
        assert summary.card("9.1").newest[0].action == "a new one"
        worker.write_and_wait(lambda log: log.delete(log.entries()[0].id))
        summary = read_summary(log.path)
        assert summary is not None and "9.1" not in summary.cards
        assert oct(os.stat(summary_path(log.path)).st_mode & 0o777) == "0o600"
    finally:
        worker.close()
        log.close()


def test_the_summary_keeps_the_newest_and_the_count_of_each_card(data_dir: Path) -> None:
    fill(data_dir)
    with Log.open(data_dir) as log:
        summary = summary_of(log)
        assert summary is not None
        card = summary.card("1.1")
        assert card.count == 12 and len(card.newest) == NEWEST
        newest = [entry.id for entry in log.entries() if entry.card == "1.1"][:NEWEST]
        assert [entry.id for entry in card.newest] == newest
        two = summary.card("1.2")
        assert [entry.is_open for entry in two.newest] == [False, True]
        assert two.newest[1].action == "first on 1.2"  # its first line only


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.one_of(st.binary(max_size=400),
                 st.recursive(st.none() | st.integers() | st.text(max_size=8),
                              lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=6), inner,
                                                                                         max_size=4),
                              max_leaves=20).map(lambda value: repr(value).encode())))
def test_any_summary_file_is_believed_or_ignored_never_an_error(tmp_path_factory: pytest.TempPathFactory,
                                                                raw: bytes) -> None:
    directory = tmp_path_factory.mktemp("data")
    with Log.open(directory) as log:
        log.add("1.1", "one")
    summary_path(directory / "log.json").write_bytes(raw)
    assert read_summary(directory / "log.json") is None


def test_a_summary_naming_another_file_is_ignored(data_dir: Path) -> None:
    fill(data_dir)
    keep_summary(data_dir)
    path = summary_path(data_dir / "log.json")
    text = path.read_text()
    summary = read_summary(data_dir / "log.json")
    assert summary is not None
    size = summary.signature[1]
    path.write_text(text.replace(f",{size},", f",{size + 1},", 1))
    assert read_summary(data_dir / "log.json") is None


def test_an_entry_in_the_summary_of_another_card_is_refused(data_dir: Path) -> None:
    fill(data_dir)
    keep_summary(data_dir)
    path = summary_path(data_dir / "log.json")
    path.write_text(path.read_text().replace('"card":"1.2"', '"card":"1.3"', 1))
    assert read_summary(data_dir / "log.json") is None


def test_previews_are_never_longer_than_a_line(data_dir: Path) -> None:
    with Log.open(data_dir) as log:
        log.add("3.1", "x" * 5000 + "\nmore")
        summary = summary_of(log)
    assert summary is not None
    preview: Entry = summary.card("3.1").newest[0]
    assert preview.action == "x" * 300


def test_a_summary_left_half_written_by_a_crash_is_swept(data_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from powerdeck.store import log_summary, private_write

    fill(data_dir)

    def crash(*args: Any, **kwargs: Any) -> None:
        raise KeyboardInterrupt  # stands for the process dying after the temporary file was written

    with Log.open(data_dir) as log:
        summary = summary_of(log)
    assert summary is not None
    monkeypatch.setattr(private_write.os, "replace", crash)
    monkeypatch.setattr(private_write.os, "unlink", lambda *args, **kwargs: None)
    with pytest.raises(KeyboardInterrupt):
        log_summary.write_summary(data_dir / "log.json", summary)
    monkeypatch.undo()
    assert [path.name for path in data_dir.glob(".*.tmp")]
    Log.open(data_dir).close()
    assert not list(data_dir.glob(".*.tmp"))


async def test_once_the_writer_has_read_the_log_nothing_reads_the_summary(
        data_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Regression: until the read's callback had run on the event loop, screens still read the
    # summary, so a draft kept meanwhile (the review log, opened while the read was under way and
    # waiting on it) was missing when the deck read its drafts again.
    fill(data_dir)
    keep_summary(data_dir)
    monkeypatch.setattr(PowerDeckApp, "_log_read_in", lambda self, version: None)  # not run yet
    app, first = app_for(data_dir)
    assert first is not None
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        assert app.store.read_in
        app.store.write_and_wait(lambda log: log.save_draft("1.2", "kept in the review log", "", ""))
        screen = deck_screen(app)
        screen.draft_keeper.read()
        assert "1.2" in screen.draft_keeper.drafts
        assert app.first_frame is None


async def test_the_first_frame_says_what_is_due_from_the_summary(data_dir: Path, parsed_at: dict[str, Any]) -> None:
    # The start's one line of what is due (core/follow_up.py) needs every open entry with a
    # follow-up date: the summary keeps them, so that line too is drawn before the log is parsed.
    from datetime import date, timedelta

    from ui_helpers import status

    today = date.today()
    with Log.open(data_dir) as log:
        log.add("9.2", "Counted what matters", extras={"follow_up": (today - timedelta(days=3)).isoformat()})
        log.add("4.2", "Met the PCN lead", extras={"follow_up": today.isoformat()})
        log.add("6.1", "Summer visit", extras={"follow_up": (today + timedelta(days=40)).isoformat()})
        log.add("1.1", "Walked", "Saw", "Ask first", extras={"follow_up": today.isoformat()})  # done: not due
    keep_summary(data_dir)
    parsed_at["parsed_after"] = None
    app, first = app_for(data_dir)
    assert first is not None and len(first.summary.follow_ups) == 3
    async with app.run_test(size=(80, 24)) as pilot:
        await until(pilot, lambda: parsed_at["frames"] > 0, "the first frame")
        line = status(app)
        assert line.startswith("D: 2 actions are due for an outcome: 9.2 (overdue since "), line
        await until(pilot, lambda: app.first_frame is None, "the log read in")
        await settle(app, pilot)
        assert parsed_at["parsed_after"] is not None and parsed_at["parsed_after"] >= 1
