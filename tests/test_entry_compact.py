"""Issue 25: an Entry keeps its texts in one UTF-8 blob (core/entry.py), and the log's index keeps
no per-entry pair beside it (store/log.py).

Whatever the store accepts comes back exactly, through `from_dict`/`to_dict` and through a real
log on disk (astral characters, lone surrogates, bytes UTF-8 never uses, empty and longest texts);
equality, hashing, `repr` and immutability are those of the frozen dataclass it was; and an entry
holds about its texts' UTF-8 size, where a str holding one curly apostrophe took two bytes for
every character."""

from __future__ import annotations

import copy
import gc
import json
import pickle
import re
import shutil
import sys
import tempfile
import tracemalloc
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import FrozenInstanceError
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import field_strategies as fs
from powerdeck.core.entry import EXTRA_DEFAULTS, MAX_TEXT, STORED_FIELDS, Entry
from powerdeck.store.log import Log

SETTINGS = settings(derandomize=True, deadline=None, database=None, max_examples=200,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
STAMP = "2026-01-01T09:00:00+00:00"
LATER = "2026-02-01T10:30:00+01:00"

ODD = ["", "\x00", "ÿ", "þ", "\xff\xfe", "\ud800", "\udfff", "\ud83d\ude00", "\ude00\ud83d", "😀", "’", "\uffff",
       "\U0010ffff", "a\ud800b", "\r\n", " ", "\t"]
"""Text that could trip a byte format: the two bytes the blob uses as markers are never UTF-8, but
their characters (ÿ, þ) are text; lone surrogates (a pair of them is not an astral character)."""
texts = (st.text(st.characters(exclude_categories=()), max_size=60)
         | st.lists(st.sampled_from(ODD) | fs.text, max_size=6).map("".join))
"""Any str at all: every code point, surrogates too (JSON's \\udXXX escapes carry them)."""


def kwargs_for(draw: st.DrawFn) -> dict[str, Any]:
    card = draw(fs.card_ids)
    created = draw(fs.timestamps)
    updated = draw(st.just(created) | fs.timestamps)
    return {"id": draw(fs.ids), "card": card, "capability": int(card.split(".")[0]), "action": draw(texts),
            "outcome": draw(texts), "learning": draw(texts), "created": created, "updated": updated,
            "follow_up": draw(fs.follow_ups), "private": draw(st.booleans()), "tags": draw(fs.tags),
            "hours": draw(fs.hours), "reflected": draw(st.just("") | fs.timestamps)}


accepted = st.composite(kwargs_for)()
"""The keyword arguments of an entry the store accepts (Entry.from_dict's rules), any text."""


def stored_form(values: dict[str, Any]) -> dict[str, Any]:
    """What to_dict must give for these values: every field in order, extras only when set."""
    data = {name: values[name] for name in STORED_FIELDS}
    data["tags"] = list(values["tags"])
    return {name: value for name, value in data.items()
            if name not in EXTRA_DEFAULTS or value != EXTRA_DEFAULTS[name]}


def dataclass_repr(values: dict[str, Any]) -> str:
    return "Entry(" + ", ".join(f"{name}={values[name]!r}" for name in STORED_FIELDS) + ")"


@SETTINGS
@given(accepted)
def test_property_any_accepted_entry_comes_back_exactly(values: dict[str, Any]) -> None:
    entry = Entry(**values)
    for name in STORED_FIELDS:
        assert getattr(entry, name) == values[name], name
        assert type(getattr(entry, name)) is type(values[name]), name
    assert entry.to_dict() == stored_form(values)
    assert list(entry.to_dict()) == list(stored_form(values))  # the file's key order
    assert entry.to_dict(full=True) == {name: list(values[name]) if name == "tags" else values[name]
                                        for name in STORED_FIELDS}
    again = Entry.from_dict(entry.to_dict())
    assert again == entry and hash(again) == hash(entry)
    assert {name: getattr(again, name) for name in STORED_FIELDS} == values
    assert Entry(*(values[name] for name in STORED_FIELDS)) == entry  # positional, in the fields' order
    assert repr(entry) == dataclass_repr(values)
    assert entry.is_open == (not values["outcome"].strip() or not values["learning"].strip())
    assert entry.texts() == (values["action"], values["outcome"], values["learning"])
    assert pickle.loads(pickle.dumps(entry)) == entry
    assert copy.copy(entry) == entry and copy.deepcopy(entry) == entry


@contextmanager
def folder() -> Iterator[Path]:
    """A fresh data folder per example (hypothesis runs many examples in one test)."""
    top = Path(tempfile.mkdtemp(prefix="pd-compact-"))
    try:
        yield top / "data"
    finally:
        shutil.rmtree(top, ignore_errors=True)


SURROGATE_PAIR = re.compile("[\ud800-\udbff][\udc00-\udfff]")


def json_keeps(values: dict[str, Any]) -> bool:
    """Not a high surrogate followed by a low one: JSON writes them as two escapes that any reader
    (Python's json too) reads back as one astral character, whatever wrote them. (Such a pair never
    comes from a terminal: a broken one gives lone low surrogates.)"""
    return not any(SURROGATE_PAIR.search(values[name]) for name in ("action", "outcome", "learning"))


@settings(SETTINGS, max_examples=40)
@given(st.lists(accepted.filter(json_keeps), min_size=1, max_size=6, unique_by=lambda values: values["id"]))
def test_property_entries_come_back_exactly_from_a_real_log_on_disk(many: list[dict[str, Any]]) -> None:
    entries = [Entry(**values) for values in many]
    with folder() as data:
        with Log.open(data) as log:
            assert log.import_entries(entries) == entries
        on_disk = json.loads((data / "log.json").read_text(encoding="utf-8"))["entries"]
        assert sorted(on_disk.values(), key=lambda doc: doc["id"]) == \
            sorted((stored_form(values) for values in many), key=lambda doc: doc["id"])
        with Log.open(data) as log:
            for values, entry in zip(many, entries, strict=True):
                found = log.get(entry.id)
                assert found == entry and hash(found) == hash(entry)
                assert {name: getattr(found, name) for name in STORED_FIELDS} == values
            changed = log.update(entries[0].id, learning=many[-1]["action"] + "\ud800’")
        with Log.open(data) as log:
            assert log.get(entries[0].id) == changed
            assert changed.learning == many[-1]["action"] + "\ud800’"
            assert changed.action == many[0]["action"] and changed.created == many[0]["created"]


def test_the_longest_texts_come_back_exactly_from_disk(data_dir: Path) -> None:
    longest = {"action": "😀" * MAX_TEXT, "outcome": ("\udc80’a" * MAX_TEXT)[:MAX_TEXT],
               "learning": ("ÿ\x00\udfff" * MAX_TEXT)[:MAX_TEXT]}
    entry = Entry(id="x" * 64, card="999.999", capability=999, **longest, created=STAMP, updated=LATER,
                  follow_up="9999-12-31", private=True, tags=("t" * 60,), hours=10_000.0, reflected=LATER)
    with Log.open(data_dir) as log:
        log.import_entries([entry])
    with Log.open(data_dir) as log:
        found = log.get(entry.id)
    assert found == entry
    assert found is not None and all(getattr(found, name) == text for name, text in longest.items())
    with pytest.raises(ValueError, match="longer than"):
        Entry.from_dict(entry.changed(action="a" * (MAX_TEXT + 1)).to_dict())


# -- the frozen dataclass's value semantics ------------------------------------------------------

BASE: dict[str, Any] = {"id": "e1", "card": "4.2", "capability": 4, "action": "a", "outcome": "o", "learning": "l",
                        "created": STAMP, "updated": STAMP, "follow_up": "", "private": False, "tags": (),
                        "hours": None, "reflected": ""}
OTHER: dict[str, Any] = {"id": "e2", "card": "4.3", "capability": 5, "action": "a’", "outcome": "",
                         "learning": "\ud800", "created": LATER, "updated": LATER, "follow_up": "2026-03-01",
                         "private": True, "tags": ("x",), "hours": 1.5, "reflected": LATER}


@pytest.mark.parametrize("name", STORED_FIELDS)
def test_entries_differing_in_any_one_field_are_unequal(name: str) -> None:
    one, other = Entry(**BASE), Entry(**(BASE | {name: OTHER[name]}))
    assert one != other and (one == other) is False
    assert one == Entry(**BASE) and hash(one) == hash(Entry(**BASE))
    assert len({one, other, Entry(**BASE)}) == 2


def test_the_times_are_kept_exactly_whichever_are_the_same() -> None:
    # The blob marks `updated` or `reflected` as "the same as created" or "as updated": only ever
    # when it is.
    times = [STAMP, LATER, "", "\udfff"]
    for created in times:
        for updated in times:
            for reflected in times:
                values = BASE | {"created": created, "updated": updated, "reflected": reflected}
                entry = Entry(**values)
                assert (entry.created, entry.updated, entry.reflected) == (created, updated, reflected)
                assert entry.to_dict(full=True) == values | {"tags": []}
                assert repr(entry) == dataclass_repr(values)
    assert Entry(**(BASE | {"updated": LATER})) != Entry(**BASE)
    assert Entry(**(BASE | {"reflected": STAMP})) != Entry(**BASE)
    assert Entry(**(BASE | {"updated": LATER, "reflected": LATER})) != Entry(**(BASE | {"updated": LATER}))
    # Equal strings built apart make an equal entry, with the same hash.
    built = Entry(**(BASE | {"created": "".join(STAMP), "updated": STAMP[:10] + STAMP[10:]}))
    assert built == Entry(**BASE) and hash(built) == hash(Entry(**BASE))


def test_the_extras_keep_their_values_and_types() -> None:
    # An unset extra shares one slot; anything else is kept exactly as given, as the dataclass did.
    listed = Entry(**(BASE | {"tags": []}))  # type: ignore[arg-type]  # a list where a tuple belongs
    assert listed.tags == [] and listed != Entry(**BASE)
    whole = Entry(**(BASE | {"hours": 2}))
    assert whole.hours == 2 and type(whole.hours) is int
    assert Entry(**(BASE | {"private": True})).private is True


@pytest.mark.parametrize("name", [*STORED_FIELDS, "is_open", "anything"])
def test_an_entry_cannot_be_changed_in_place(name: str) -> None:
    entry = Entry(**BASE)
    with pytest.raises(FrozenInstanceError):
        setattr(entry, name, "x")
    with pytest.raises(FrozenInstanceError):
        delattr(entry, name)
    assert entry == Entry(**BASE)
    assert not hasattr(entry, "__dict__")


def test_changed_is_dataclasses_replace() -> None:
    entry = Entry(**BASE)
    new = entry.changed(outcome="", tags=("a", "b"), updated=LATER)
    assert new == Entry(**(BASE | {"outcome": "", "tags": ("a", "b"), "updated": LATER}))
    assert new.is_open and not entry.is_open
    assert entry == Entry(**BASE)  # the original is untouched
    assert entry.changed() == entry
    with pytest.raises(TypeError):
        entry.changed(is_open=True)  # worked out from the texts, never given
    with pytest.raises(TypeError):
        entry.changed(colour="red")


def test_texts_must_be_text() -> None:
    for name in ("action", "outcome", "learning", "created", "updated", "follow_up", "reflected"):
        with pytest.raises(TypeError, match=name):
            Entry(**(BASE | {name: None}))


def test_an_entry_is_not_equal_to_anything_else() -> None:
    entry = Entry(**BASE)
    assert entry != tuple(BASE.values()) and entry != BASE and entry != "e1"
    match entry:
        case Entry(entry_id, card, capability, action):
            assert (entry_id, card, capability, action) == ("e1", "4.2", 4, "a")
        case _:
            pytest.fail("Entry's positional pattern")


# -- memory ---------------------------------------------------------------------------------------


def held_bytes(entry: Entry) -> int:
    """The entry and what it alone refers to (not the card id every entry of the card shares, nor
    the interpreter's shared small values), as sys.getsizeof counts them."""
    total = sys.getsizeof(entry)
    seen = {id(entry.card)}
    todo = [ref for ref in gc.get_referents(entry) if not isinstance(ref, type)]
    while todo:
        ref = todo.pop()
        if ref is None or isinstance(ref, bool) or id(ref) in seen or ref == () \
                or (type(ref) is int and -5 <= ref <= 256):
            continue
        seen.add(id(ref))
        total += sys.getsizeof(ref)
        if isinstance(ref, tuple):
            todo.extend(ref)
    return total


def utf8_size(entry: Entry) -> int:
    return sum(len(getattr(entry, name).encode("utf-8", "surrogatepass"))
               for name in ("id", "action", "outcome", "learning", "created"))


@pytest.mark.parametrize("words", [
    "spoke with the community group about the next steps ",
    "we met the group at the library; they’d like the café drop-in ",  # one ’ made every str 2 bytes a char
    "встретились с группой в библиотеке ",
])
def test_an_entry_holds_about_its_texts_utf8_size(words: str) -> None:
    entry = Entry(id="0123456789abcdef0123456789abcdef", card="4.2", capability=4, action=(words * 9)[:360],
                  outcome=(words * 9)[:300], learning=(words * 9)[:240], created=STAMP, updated=STAMP)
    # Before: 438 bytes beside the text for ASCII (a str per text, 144 for the object), 1,370 with
    # a curly apostrophe, 634 in Cyrillic (two bytes a character either way); now 169.
    assert held_bytes(entry) - utf8_size(entry) <= 250
    edited = Entry(**{name: getattr(entry, name) for name in STORED_FIELDS} | {"updated": LATER})
    # `updated` is stored once more only when it differs from `created`
    assert held_bytes(edited) - held_bytes(entry) >= len(LATER) - 8


def test_an_open_log_holds_little_per_entry_beside_the_texts(data_dir: Path) -> None:
    count = 2000
    with Log.open(data_dir) as log:
        log.import_entries(Entry(id=f"{n:032x}", card=f"{1 + n % 10}.1", capability=1 + n % 10,
                                 action=f"Action {n}: spoke with the community group", outcome="It went well" * (n % 2),
                                 learning="Ask earlier", created=f"2024-01-01T{n % 24:02d}:{n % 60:02d}:00+00:00",
                                 updated=f"2024-01-01T{n % 24:02d}:{n % 60:02d}:00+00:00") for n in range(count))
    gc.collect()
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        log = Log.open(data_dir)
        entries = log.entries()
        gc.collect()
        held = tracemalloc.get_traced_memory()[0] - before
    finally:
        tracemalloc.stop()
    try:
        text = sum(utf8_size(entry) for entry in entries)
        # Before: 584 B an entry beside its texts (a str per text, a 144-byte object, the index's
        # (doc id, Entry) pair); now 308 B (the entry, its id, the blob's header, the table's
        # doc-id key, two dicts' slots and the list's).
        assert (held - text) / count <= 420
    finally:
        log.close()


# -- the order the index keeps, against one worked out from the file -----------------------------


def order_on_disk(data: Path) -> list[str]:
    """Entry ids newest first by `created`, a later doc id first within the same moment."""
    docs = json.loads((data / "log.json").read_text(encoding="utf-8")).get("entries", {})
    return [doc["id"] for doc_id, doc in sorted(
        docs.items(), key=lambda item: (datetime.fromisoformat(item[1]["created"]).timestamp(), int(item[0])),
        reverse=True)]


steps = st.lists(st.tuples(st.sampled_from(["add", "import", "delete", "update", "restore"]),
                           st.integers(0, 5), st.integers(0, 30)), min_size=1, max_size=10)


@settings(SETTINGS, max_examples=40)
@given(steps)
def test_property_the_index_keeps_the_order_the_file_gives(script: list[tuple[str, int, int]]) -> None:
    # Few distinct moments (whole hours, three time zones), so many entries share one: the doc
    # id decides; an import of more than 16 sorts the whole log, fewer are placed one by one.
    zones = ["+00:00", "+01:00", "-02:00"]
    with folder() as data:
        with Log.open(data) as log:
            deleted: list[Entry] = []
            for n, (what, hour, size) in enumerate(script):
                existing = log.entries()
                stamp = f"2026-01-01T{10 + hour % 3:02d}:00:00{zones[hour % 3]}"
                if what == "delete" and existing:
                    deleted.append(log.delete(existing[size % len(existing)].id))
                elif what == "update" and existing:
                    log.update(existing[size % len(existing)].id, outcome=f"changed {n}")
                elif what == "restore" and deleted:
                    log.restore(deleted.pop())
                else:
                    many = size if what == "import" else 1
                    log.import_entries([Entry(f"e{n}-{k}", "1.1", 1, "a", "", "", stamp if k % 2 else
                                              f"2026-01-01T{10 + k % 4:02d}:00:00{zones[k % 3]}", stamp)
                                        for k in range(many)])
                assert [entry.id for entry in log.entries()] == order_on_disk(data)
        with Log.open(data) as fresh:
            assert [entry.id for entry in fresh.entries()] == order_on_disk(data)


def test_a_file_whose_doc_ids_are_out_of_order_is_sorted_by_them(data_dir: Path) -> None:
    # TinyDB writes doc ids in order; a hand-edited (or merged) file may not have them so.
    with Log.open(data_dir) as log:
        log.import_entries([Entry(f"e{n}", "1.1", 1, "a", "", "", STAMP, STAMP) for n in range(5)])
    path = data_dir / "log.json"
    data = json.loads(path.read_text())
    data["entries"] = {doc_id: data["entries"][doc_id] for doc_id in ["3", "1", "5", "2", "4"]}
    for doc in data["meta"].values():
        doc.pop("checksum", None)  # as a log written before the checksum: opened as it is
    path.write_text(json.dumps(data))
    with Log.open(data_dir) as log:
        assert [entry.id for entry in log.entries()] == ["e4", "e3", "e2", "e1", "e0"] == order_on_disk(data_dir)
        log.add("1.1", "newest")
        assert [entry.id for entry in log.entries()][1:] == ["e4", "e3", "e2", "e1", "e0"]


@pytest.mark.parametrize("size", [0, 100, 400, 460, 5000])
def test_a_relocated_entry_is_the_same_entry(size: int) -> None:
    # The log's parse copies a long entry's blob once the texts it was made from are freed.
    entry = Entry(**(BASE | {"action": ("a’" * size)[:size], "tags": ("t",), "hours": 2.5}))
    moved = entry.relocated()
    assert moved == entry and hash(moved) == hash(entry) and repr(moved) == repr(entry)
    assert moved.is_open == entry.is_open and moved.tags == ("t",)
    blobs = [next(ref for ref in gc.get_referents(one) if isinstance(ref, bytes)) for one in (entry, moved)]
    assert blobs[0] == blobs[1]
    assert (blobs[0] is blobs[1]) == (sys.getsizeof(blobs[0]) <= 512)
