"""An open log holds each entry once: the Entry objects stand in the storage's table in place of
the documents they were read from, entries have no per-object dict, repeated strings are shared,
and the file's bytes are not kept beside what was parsed from them."""

from __future__ import annotations

import errno
import gc
import json
from pathlib import Path

import pytest

from powerdeck.core.entry import Entry
from powerdeck.core.errors import LogWriteError
from powerdeck.store import storage as storage_module
from powerdeck.store.log import Log


def fill(data_dir: Path, count: int = 30) -> None:
    with Log.open(data_dir) as log:
        for n in range(count):
            log.add(f"{n % 3 + 1}.1", f"action {n}", "outcome" if n % 2 else "", "learning")


def test_the_table_holds_the_entries_themselves(data_dir: Path) -> None:
    fill(data_dir)
    with Log.open(data_dir) as log:
        entries = log.entries()
        table = log._storage.read()["entries"]  # private on purpose: what memory holds
        assert len(table) == len(entries) == 30
        by_id = {entry.id: entry for entry in entries}
        assert all(isinstance(doc, Entry) and doc is by_id[doc.id] for doc in table.values())


def test_edits_keep_the_table_of_entries_and_write_documents(data_dir: Path) -> None:
    fill(data_dir, 3)
    with Log.open(data_dir) as log:
        first, second, third = log.entries()
        log.update(first.id, outcome="it changed")
        log.delete(second.id)
        log.restore(second)
        added = log.add("9.1", "new")
        table = log._storage.read()["entries"]
        assert all(isinstance(doc, Entry) for doc in table.values())
    docs = json.loads((data_dir / "log.json").read_text())["entries"]
    assert sorted(doc["id"] for doc in docs.values()) == sorted([first.id, second.id, third.id, added.id])
    changed = next(doc for doc in docs.values() if doc["id"] == first.id)
    assert changed["outcome"] == "it changed" and "is_open" not in changed
    with Log.open(data_dir) as log:
        assert log.get(first.id).outcome == "it changed"  # type: ignore[union-attr]
        assert log.get(second.id) == second


def test_an_entry_has_no_dict_and_shares_repeated_strings(data_dir: Path) -> None:
    fill(data_dir)
    with Log.open(data_dir) as log:
        entries = log.entries()
    assert not hasattr(entries[0], "__dict__")
    cards = {id(entry.card) for entry in entries}
    assert len(cards) == 3  # one string per card id, not one per entry
    # The texts and times are one blob of UTF-8 (core/entry.py), `updated` in it only when it is
    # not `created` (tests/test_entry_compact.py measures what an entry holds).
    never_edited = [entry for entry in entries if entry.updated == entry.created]
    assert never_edited and all(holds_its_time_once(entry) for entry in never_edited)


def holds_its_time_once(entry: Entry) -> bool:
    """No str of the entry's texts is kept (only its id and card), and its blob holds its time once."""
    refs = gc.get_referents(entry)
    strings = {id(ref) for ref in refs if isinstance(ref, str)}
    blob = next(ref for ref in refs if isinstance(ref, bytes))
    return strings == {id(entry.id), id(entry.card)} and blob.count(entry.created.encode()) == 1


def test_is_open_is_worked_out_from_the_texts_and_not_stored(data_dir: Path) -> None:
    with Log.open(data_dir) as log:
        entry = log.add("1.1", "a", " \n", "learnt")
        assert entry.is_open
        assert "is_open" not in entry.to_dict()
        done = log.update(entry.id, outcome="came")
        assert not done.is_open
        assert Entry.from_dict(done.to_dict()) == done


def test_the_file_bytes_are_not_kept(data_dir: Path) -> None:
    fill(data_dir)
    with Log.open(data_dir) as log:
        log.entries()
        held = vars(log._storage).values()
        assert not any(isinstance(value, bytes) for value in held)
        assert not any(isinstance(value, tuple) and any(isinstance(part, bytes) for part in value) for value in held)


def test_a_refused_write_still_shows_the_log_as_it_was(data_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # The failed transaction's changes are dropped and the file is read back from disk.
    fill(data_dir, 5)
    with Log.open(data_dir) as log:
        before = log.entries()

        def full(*args: object, **kwargs: object) -> None:
            raise OSError(errno.ENOSPC, "No space left on device")

        monkeypatch.setattr(storage_module, "write_private", full)
        with pytest.raises(LogWriteError):
            log.add("2.1", "not saved")
        with pytest.raises(LogWriteError):
            log.update(before[0].id, action="not saved either")
        assert log.entries() == before
        assert log.get(before[0].id) == before[0]
        monkeypatch.undo()
        log.add("2.1", "saved now")
        assert log.count() == 6


@pytest.mark.parametrize("where", ["meta", "worksheets", "nested"])
def test_an_entry_shaped_document_anywhere_else_never_breaks_the_open(data_dir: Path, where: str) -> None:
    # Entries are made as the file is parsed (json's object hook sees every object, at any depth):
    # one in another table is a document again, one nested inside a document is refused whole.
    from powerdeck.store.log import LogDamagedError

    with Log.open(data_dir) as log:
        entry = log.add("1.1", "a")
    data = json.loads((data_dir / "log.json").read_text())
    for doc in data["meta"].values():
        doc.pop("checksum", None)  # as a log written before the checksum: it opens as it is
    shaped = entry.to_dict() | {"id": "other"}
    if where == "nested":
        data["worksheets"] = {"1": {"card": "1.2", "kind": "notes", "text": shaped, "updated": entry.created}}
    else:
        data.setdefault(where, {})["7"] = shaped
    (data_dir / "log.json").write_text(json.dumps(data))
    try:
        with Log.open(data_dir) as log:
            assert [e.id for e in log.entries()] == [entry.id]
            assert all(isinstance(doc, dict) for name, table in log._storage.read().items()
                       if name != "entries" for doc in table.values())
    except LogDamagedError as error:  # refused in one line, never a traceback
        assert "\n" not in str(error)


def test_the_order_kept_by_bisection_is_the_order_of_a_fresh_read(data_dir: Path) -> None:
    from datetime import datetime, timedelta, timezone

    from hypothesis import given, settings
    from hypothesis import strategies as st

    start = datetime(2025, 1, 1, tzinfo=timezone.utc)

    @settings(max_examples=40, deadline=None)
    @given(st.lists(st.tuples(st.integers(0, 50), st.integers(-3, 3), st.sampled_from(["add", "delete", "update"])),
                    min_size=1, max_size=12))
    def run(steps: list[tuple[int, int, str]]) -> None:
        folder = data_dir / f"run-{len(list(data_dir.glob('run-*')))}"
        with Log.open(folder) as log:
            for n, (hours, offset, what) in enumerate(steps):
                existing = log.entries()
                if what == "delete" and existing:
                    log.delete(existing[hours % len(existing)].id)
                elif what == "update" and existing:
                    log.update(existing[hours % len(existing)].id, outcome=f"changed {n}")
                else:
                    zone = timezone(timedelta(hours=offset))
                    stamp = (start + timedelta(hours=hours)).astimezone(zone).isoformat(timespec="seconds")
                    log.import_entries([Entry(f"e{n}", "1.1", 1, "a", "", "", stamp, stamp)])
            kept = [entry.id for entry in log.entries()]
        with Log.open(folder) as fresh:
            assert [entry.id for entry in fresh.entries()] == kept

    run()
