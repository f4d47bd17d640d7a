"""The Log API on real files: every field round-trips, filters, edits, undo, import, drafts, state."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

import powerdeck.store.log as log_module
from powerdeck.store.log import SCHEMA_VERSION, Draft, Entry, EntryFilter, Log

NASTY = [
    "[/b] [bold]not markup[/bold] \\[x] $x {y} <z> %s",
    "emoji 😀🏳️‍🌈👩🏽‍⚕️",
    "مرحبا بالعالم",
    "שלום עולם",
    "line one\nline two\r\n\ttabbed \x00 nul",
    "lone surrogate \ud800 kept",
    "x" * 100_000,
]


class Clock:
    """A controllable now_iso(), so created/updated differences do not need sleeps."""

    def __init__(self) -> None:
        self.tick = 0

    def __call__(self) -> str:
        self.tick += 1
        return f"2026-03-{1 + self.tick // 24:02d}T{self.tick % 24:02d}:00:00+01:00"


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    fake = Clock()
    monkeypatch.setattr(log_module, "now_iso", fake)
    return fake


@pytest.fixture
def log(tmp_path: Path) -> Log:
    return Log(tmp_path / "data" / "log.json")


def test_new_log_stores_schema_version(tmp_path: Path) -> None:
    Log.open(tmp_path / "d")
    data = json.loads((tmp_path / "d" / "log.json").read_text("utf-8"))
    [meta] = data["meta"].values()
    assert meta["schema_version"] == SCHEMA_VERSION and set(meta) == {"schema_version", "checksum"}


@pytest.mark.parametrize("text", NASTY, ids=["markup", "emoji", "arabic", "hebrew", "controls",
                                              "surrogate", "100k"])
def test_every_field_round_trips_through_the_file(log: Log, text: str) -> None:
    entry = log.add("10.2", text, outcome=text + "o", learning=text + "l")
    again = Log(log.path).get(entry.id)  # a fresh Log parses the file
    assert again == entry
    assert (again.card, again.capability) == ("10.2", 10)
    assert again.action == text and again.outcome == text + "o" and again.learning == text + "l"


def test_file_is_compact_utf8(log: Log) -> None:
    log.add("1.1", "مرحبا 😀")
    raw = log.path.read_bytes()
    assert "مرحبا 😀".encode() in raw and b", " not in raw and b": " not in raw


def test_update_keeps_id_and_created_and_moves_updated(log: Log, clock: Clock) -> None:
    entry = log.add("1.1", "did")
    changed = log.update(entry.id, outcome="went well", learning="ask first")
    assert changed.id == entry.id and changed.created == entry.created
    assert changed.updated > entry.updated
    assert (changed.action, changed.outcome, changed.learning) == ("did", "went well", "ask first")
    assert Log(log.path).get(entry.id) == changed
    assert log.update(entry.id, action="did") == changed  # no change: nothing moves
    with pytest.raises(KeyError):
        log.update("nope", action="x")


def test_delete_and_restore(log: Log) -> None:
    keep = log.add("1.1", "keep")
    gone = log.add("2.1", "gone")
    assert log.delete(gone.id) == gone
    assert log.get(gone.id) is None and log.entries() == [keep]
    log.restore(gone)
    assert Log(log.path).get(gone.id) == gone
    edited = log.update(keep.id, action="edited")
    log.restore(keep)  # undo of an edit puts the old text back
    assert log.get(keep.id) == keep != edited
    with pytest.raises(KeyError):
        log.delete("nope")


def test_entries_newest_first(log: Log, clock: Clock) -> None:
    made = [log.add("1.1", str(n)) for n in range(5)]
    assert log.entries() == made[::-1]
    assert Log(log.path).entries() == made[::-1]


def test_ids_distinct_and_stable(log: Log) -> None:
    ids = [log.add("1.1", str(n)).id for n in range(30)]
    assert len(set(ids)) == 30
    assert sorted(e.id for e in Log(log.path).entries()) == sorted(ids)


@pytest.fixture
def sample(log: Log, clock: Clock) -> dict[str, Entry]:
    clock.tick = 0  # 2026-03-01 ...
    a = log.add("1.1", "Talked to Team", "good", "listen")          # closed, cap 1, 03-01
    b = log.add("1.2", "wrote", "", "")                              # open, cap 1
    clock.tick = 48
    c = log.add("2.1", "met", "TEAM liked it", "")                   # open, cap 2, 03-03
    clock.tick = 96
    d = log.add("3.1", "planned", "ok", "the team decides")          # closed, cap 3, 03-05
    return {"a": a, "b": b, "c": c, "d": d}


CASES = [
    (EntryFilter(), "dcba"),
    (EntryFilter(capabilities=frozenset({1})), "ba"),
    (EntryFilter(capabilities=frozenset({1, 3})), "dba"),
    (EntryFilter(card="2.1"), "c"),
    (EntryFilter(text="team"), "dca"),                  # case-insensitive, any of the three texts
    (EntryFilter(text="LISTEN"), "a"),
    (EntryFilter(since=date(2026, 3, 3)), "dc"),
    (EntryFilter(until=date(2026, 3, 3)), "cba"),
    (EntryFilter(since=date(2026, 3, 2), until=date(2026, 3, 4)), "c"),
    (EntryFilter(open_only=True), "cb"),
    (EntryFilter(capabilities=frozenset({1, 2}), open_only=True), "cb"),
    (EntryFilter(capabilities=frozenset({1, 2}), text="team", open_only=True), "c"),
    (EntryFilter(card="1.1", text="team", since=date(2026, 3, 1), until=date(2026, 3, 1)), "a"),
    (EntryFilter(card="1.1", open_only=True), ""),
]


@pytest.mark.parametrize("flt,expected", CASES)
def test_filters(log: Log, sample: dict[str, Entry], flt: EntryFilter, expected: str) -> None:
    assert log.entries(flt) == [sample[k] for k in expected]


def test_counts(log: Log, sample: dict[str, Entry]) -> None:
    assert log.count_by_capability() == {1: 2, 2: 1, 3: 1}
    assert log.count_by_capability(EntryFilter(text="team")) == {1: 1, 2: 1, 3: 1}
    assert log.open_by_capability() == {1: 1, 2: 1}
    assert log.count_by_card() == {"1.1": 1, "1.2": 1, "2.1": 1, "3.1": 1}


def test_import_skips_present_ids(log: Log, tmp_path: Path) -> None:
    mine = log.add("1.1", "mine")
    other = Log(tmp_path / "other" / "log.json")
    theirs = [other.add("2.1", "t1"), other.add("3.1", "t2")]
    changed_mine = mine.changed(action="should not replace")
    added = log.import_entries([changed_mine, *theirs, theirs[0]])
    assert added == theirs
    assert log.get(mine.id) == mine
    assert log.import_entries(theirs) == []
    assert {e.id for e in Log(log.path).entries()} == {mine.id, *(e.id for e in theirs)}


def test_drafts(log: Log) -> None:
    assert log.draft("1.1") is None and log.drafts() == {}
    first = log.save_draft("1.1", "a 😀", "b", "c")
    second = log.save_draft("1.1", "a2", "b2", "c2", entry_id="e1")
    other = log.save_draft("2.1", "x", "", "")
    fresh = Log(log.path)
    assert fresh.draft("1.1") == second != first
    assert fresh.drafts() == {"1.1": second, "2.1": other}
    assert isinstance(second, Draft) and second.entry_id == "e1"
    fresh.clear_draft("1.1")
    assert Log(log.path).drafts() == {"2.1": other}
    fresh.clear_draft("9.9")  # clearing nothing is fine


def test_state(log: Log) -> None:
    assert log.get_state("theme") is None and log.get_state("theme", "dark") == "dark"
    log.set_state("last_card", "4.2")
    log.set_state("theme", "light")
    log.set_state("theme", "nord")
    assert Log(log.path).get_state("theme") == "nord"
    assert Log(log.path).get_state("last_card") == "4.2"


def test_changed_on_disk_sees_another_instance(log: Log) -> None:
    mine = log.add("1.1", "mine")
    assert not log.changed_on_disk()
    other = Log(log.path)
    theirs = other.add("2.1", "theirs")
    assert log.changed_on_disk()
    assert {e.id for e in log.entries()} == {mine.id, theirs.id}
    assert not log.changed_on_disk()
    # and the other sees ours after we write again: no lost update between two instances
    log.update(theirs.id, learning="seen")
    assert other.get(theirs.id).learning == "seen"
    assert other.get(mine.id) == mine


def test_index_patched_after_own_saves_matches_the_file(log: Log, clock: Clock) -> None:
    # The Log patches its in-memory index after its own saves instead of re-reading: it must
    # always agree with what a fresh reader of the file sees.
    made = [log.add(f"{1 + n % 3}.1", str(n)) for n in range(6)]
    log.update(made[0].id, learning="l")
    log.delete(made[1].id)
    log.restore(made[1])
    log.restore(made[2])
    log.import_entries([made[3].changed(id="imported", created="2026-01-01T00:00:00+00:00")])
    log.save_draft("1.1", "d", "", "")
    log.set_state("theme", "x")
    log.delete(made[4].id)
    fresh = Log(log.path)
    assert log.entries() == fresh.entries() and len(fresh.entries()) == 6
    assert log.count_by_capability() == fresh.count_by_capability()
