"""A second session's entries reach the screen, however they were read in (no processes needed)."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from powerdeck.store.log import Log
from ui_helpers import deck_screen, entries_list, fast_watch, make_app, notes_text, sidebar, watcher_looks


async def test_an_entry_read_in_by_our_own_save_still_shows(data_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Regression (the real-ssh two-session test failed about 1 run in 8): our own save re-reads
    # the file under the lock, taking in the other session's entry; the disk then matched what we
    # had written, so the poll, which only looked at the disk, never redrew the list.
    fast_watch(monkeypatch)
    app = make_app(data_dir)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        with Log.open(data_dir) as other:
            other.add("1.1", "written in the other session")
        await asyncio.to_thread(app.store.write_and_wait, lambda log: log.set_state("probe", 1))
        await watcher_looks(app, pilot)  # by the app's own timer
        assert "1 entry" in notes_text(app)
        entries = await entries_list(app, pilot)
        assert "written in the other session" in str(entries.get_option_at_index(1).prompt)


async def test_an_idle_poll_draws_nothing(data_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    fast_watch(monkeypatch)
    app = make_app(data_dir)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        screen = deck_screen(app)
        await watcher_looks(app, pilot)  # the first look may catch the start-up writes
        published: list[object] = []
        app.log_watcher.changed.subscribe(screen, published.append)
        await watcher_looks(app, pilot, looks=5)
        assert published == []
        assert sidebar(app).current_capability == 1
