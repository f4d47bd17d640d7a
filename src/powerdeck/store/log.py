"""The review log book: entries in `log.json`; per-card drafts and small app state in the small
`state.json` beside it (state_file.py), so a draft autosave or the remembered card never rewrites
the entries.

Every change is one locked read-modify-write through `SafeJSONStorage.transaction()`, so two
sessions of one user never lose each other's work. Queries run on an in-memory index of Entry
objects that is rebuilt only when the file changed (ours or another process's write).

A log written before the split keeps its `drafts` and `state` tables until the first write of
any kind moves them into the state file (`_migrate`); until then they are read from the log, so
an old log opens, read-only too, exactly as it is.

The workbook's worksheets live in the same file; their methods are in workbook/store.py.
"""

from __future__ import annotations

import bisect
import math
import os
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager, suppress
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tinydb import TinyDB
from tinydb.table import Document

from powerdeck.core.entry import (
    ENTRY_FIELDS,
    EXTRA_FIELDS,
    FIELDS,
    Draft,
    Entry,
    EntryFilter,
    capability_of,
    new_entry_id,
    now_iso,
)
from powerdeck.core.errors import LogWriteError, PowerdeckError
from powerdeck.core.fields import STATE_TYPES
from powerdeck.store.locations import log_path, state_path
from powerdeck.store.log_search import SearchIndex, SearchTexts, SearchWork
from powerdeck.store.state_file import DRAFTS, STATE, StateFile, StateTables, check_drafts_and_state
from powerdeck.store.storage import (
    META,
    Data,
    LogDamagedError,
    SafeJSONStorage,
    SchemaProblem,
    check_meta,
)
from powerdeck.store.worksheets import WORKSHEETS, WorksheetTable, validate_worksheets

if TYPE_CHECKING:
    from powerdeck.workbook.model import Worksheet

__all__ = ["SCHEMA_VERSION", "Draft", "Entry", "EntryFilter", "InvalidEntryError", "Log",
           "LogDamagedError", "LogWriteError"]

SCHEMA_VERSION = 2
READABLE_VERSIONS = (1, 2)
"""1: entries (and, before state.json, drafts and state). 2: and worksheets (a 1 becomes a 2 with
its first worksheet: see `_bump_schema`)."""
ENTRIES = "entries"


Parsed = tuple[dict[str, Entry], dict[str, Entry]]
"""A log's entries by doc id, and by their own id."""


def validate(data: Data) -> Parsed:
    """Refuse a file this version does not understand, before anything can write over it.

    Returns the entries by doc id and by id, so the Log's index need not parse them a second time.
    By doc id, that is the table itself when the parse made every entry already (no second dict
    of 10,000 made and dropped: its pages stayed with the process).
    """
    if not check_meta(data, "schema_version", SCHEMA_VERSION, READABLE_VERSIONS, "schema", "log"):
        return {}, {}  # `{}` or empty tables hold nothing to lose: treated as a new log
    table = data.get(ENTRIES, {})
    entries = table
    by_id: dict[str, Entry] = {}
    for doc_id, doc in table.items():
        if isinstance(doc, Entry):
            entry = doc  # checked as it was parsed (entry_or_document)
        else:
            try:
                entry = Entry.from_dict(doc)
            except (KeyError, TypeError, ValueError) as exc:
                raise SchemaProblem(f"entry {doc_id} is not valid ({type(exc).__name__}: {exc})") from None
            if entries is table:
                entries = dict(table)
            entries[doc_id] = entry
        if entry.id in by_id:
            first = next(key for key, other in entries.items() if other is by_id[entry.id])
            raise SchemaProblem(f"entries {first} and {doc_id} have the same id")
        by_id[entry.id] = entry
    _check_the_rest(data)
    return entries, by_id


def _check_the_rest(data: Data) -> None:
    check_drafts_and_state(data)  # an older log's tables, until the first write moves them
    try:
        validate_worksheets(data.get(WORKSHEETS, {}))
    except ValueError as exc:
        raise SchemaProblem(str(exc)) from None


def check_write(data: Data) -> None:
    """What a save is about to write, checked as a read will check it (storage.py calls it before
    anything touches the disk). Each entry was checked as it was made (`checked`): here the rest,
    and ids that must stay unique, so a save costs no full parse of a large log."""
    check_meta(data, "schema_version", SCHEMA_VERSION, READABLE_VERSIONS, "schema", "log")
    # The table holds Entry objects (Log._validate), and a document just inserted by TinyDB.
    ids = [_id_of(doc) for doc in data.get(ENTRIES, {}).values()]
    if len(set(ids)) != len(ids):
        raise SchemaProblem("two entries would have the same id")
    _check_the_rest(data)


def _id_of(doc: Entry | dict[str, Any]) -> Any:
    """An entry's id, whether the table holds it as an Entry or as a document just inserted."""
    return doc.id if isinstance(doc, Entry) else doc.get("id")


EXTRA_FIELDS_SET = frozenset(EXTRA_FIELDS)
DETAIL_NAMES = ("follow_up", "tags", "hours")


def _extras(extras: Mapping[str, Any] | None) -> dict[str, Any]:
    """The extras a caller passes, by name; an unknown name is a programming error."""
    if not extras:
        return {}
    unknown = set(extras) - EXTRA_FIELDS_SET
    if unknown:
        raise TypeError(f"not an entry's extra: {', '.join(sorted(unknown))}")
    return {name: tuple(value) if name == "tags" else value for name, value in extras.items()}


ENTRY_KEYS = frozenset(ENTRY_FIELDS)
STORED_KEYS = ENTRY_KEYS | EXTRA_FIELDS_SET


def entry_or_document(doc: dict[str, Any]) -> Any:
    """json.loads' hook for the log: a document with an entry's fields (and maybe its extras, and
    nothing else) becomes that Entry as it is parsed, so the file's dicts are never all alive at
    once (their holes stayed in the process's memory). Anything else, a bad entry too, stays as
    it is, for `validate` to judge (and refuse with its one-line message)."""
    keys = doc.keys()
    if len(doc) >= len(ENTRY_KEYS) and ENTRY_KEYS <= keys <= STORED_KEYS:
        try:
            entry = Entry.from_dict(doc)
        except (KeyError, TypeError, ValueError):
            return doc
        # The texts parsed for it are freed first, so a long entry's blob is made again where they
        # were, not after them (1.2 MiB less at 10,000 entries of ~850 characters).
        doc.clear()
        return entry.relocated()
    return doc


class InvalidEntryError(PowerdeckError, ValueError):
    """An entry this log would refuse to read back (bad date, card, size): it is never written."""


def checked(entry: Entry) -> Entry:
    """The entry itself if the file could hold it; InvalidEntryError otherwise. Every entry is
    checked before it is written, so the log never holds one that would make it unreadable."""
    try:
        Entry.from_dict(entry.to_dict())
    except (KeyError, TypeError, ValueError) as exc:
        raise InvalidEntryError(f"Entry {entry.id[:64]!r} was not saved: {exc}") from None
    return entry


PATCHED_ONE_BY_ONE = 16
"""Up to this many entries put by one write are placed by bisection; more (an import), a sort."""


def _created_at(entry: Entry) -> float:
    # Entry.from_dict guarantees a time zone and a year timestamp() can take (a log holding
    # anything else is refused as damaged).
    return datetime.fromisoformat(entry.created).timestamp()


def _older(entry: Entry) -> float:
    return -_created_at(entry)


def newest_first(table: Mapping[str, Entry]) -> list[Entry]:
    """The table's entries by `created`, newest first, a later doc id first within one second.

    A log is written in the order its entries were made, so its table (by doc id) is usually in
    order already: checked in one pass, with one timestamp alive at a time. Otherwise sorted, with
    one float per entry alive for the sort. Keys of a tuple, a float and an int per entry cost
    1.9 MiB at 10,000 entries that the process then kept (the small objects' pools they were made
    in stay resident once freed); the floats alone, 1 MiB."""
    entries = list(table.values())
    previous = -1
    for doc_id in table:  # a file TinyDB wrote has them in order; a hand-edited one may not
        number = int(doc_id)
        if number <= previous:
            entries = [table[key] for key in sorted(table, key=int)]
            break
        previous = number
    latest = -math.inf
    for entry in entries:
        moment = _created_at(entry)
        if moment < latest:
            entries.reverse()  # later doc id first, which the sort by time keeps (it is stable)
            entries.sort(key=_created_at, reverse=True)
            return entries
        latest = moment
    entries.reverse()
    return entries


def _place(entries: list[Entry], entry: Entry, doc_id: int, table: Mapping[str, Any]) -> int:
    """Where `entry` (at `doc_id`) goes in `entries`, newest first as `newest_first` sorts them."""
    older = _older(entry)
    start = bisect.bisect_left(entries, older, key=_older)
    end = bisect.bisect_right(entries, older, lo=start, key=_older)
    if start == end:
        return start
    # Made in the same second as others: the later doc id goes first. Their doc ids are looked up
    # for these few only, not kept per entry.
    tied = {other.id for other in entries[start:end]}
    doc_ids = {_id_of(doc): int(key) for key, doc in table.items() if _id_of(doc) in tied}
    return start + sum(1 for other in entries[start:end] if doc_ids[other.id] > doc_id)


class Log(WorksheetTable):
    """One user's review log file (its worksheets' methods: `WorksheetTable`, workbook/store.py)."""

    def __init__(self, path: str | os.PathLike[str], *, accept_edits: bool = False, defer: bool = False) -> None:
        """`accept_edits`: only for `powerdeck repair`, which opens a hand-edited log to check it.
        `defer`: the file is parsed by the first query rather than now (a start whose first frame
        comes from the log's summary, log_summary.py; the summary vouches that the file is a good log)."""
        self.path = Path(path)
        self._parsed: tuple[Data, Parsed] | None = None
        self._db = TinyDB(self.path, storage=SafeJSONStorage, validate=self._validate,
                          check_write=check_write, accept_edits=accept_edits, defer_read=defer,
                          object_hook=entry_or_document)
        self._storage: SafeJSONStorage = self._db.storage  # type: ignore[assignment]  # TinyDB types .storage as its Storage base; this one is built with SafeJSONStorage
        self._generation = -1
        self._by_id: dict[str, Entry] = {}
        """The entries by id, keyed by each entry's own id string. Where the table holds each (its
        doc id) is not kept per entry: a write looks it up (`_doc_id`)."""
        self._newest_first: list[Entry] = []
        self._search: SearchIndex | None = None
        self._search_texts = SearchTexts()
        try:
            self._state = StateFile(state_path(self.path), accept_edits=accept_edits)
        except BaseException:
            self._db.close()
            raise
        if not defer and not self._raw(META):  # checked first without the lock: a read-only folder stays readable
            with self._changing():
                if not self._raw(META):
                    self._db.table(META).insert(Document({"schema_version": SCHEMA_VERSION}, doc_id=1))
                    self._patch()

    @classmethod
    def open(cls, directory: str | os.PathLike[str], *, defer: bool = False) -> Log:
        return cls(log_path(directory), defer=defer)

    def close(self) -> None:
        self._db.close()
        self._state.close()

    def __enter__(self) -> Log:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- internals -------------------------------------------------------------------------

    def _validate(self, data: Data) -> None:
        for name, table in data.items():
            if name != ENTRIES:  # an entry-shaped document elsewhere is a document again
                for doc_id, doc in table.items():
                    if isinstance(doc, Entry):
                        table[doc_id] = doc.to_dict()
        try:
            parsed = validate(data)
        except (AttributeError, TypeError) as exc:  # an Entry nested where a document was expected
            raise SchemaProblem(f"it holds a record of an unexpected shape ({exc})") from None
        if ENTRIES in data:
            # The table holds the Entry objects in place of the documents they were made from:
            # one copy of each entry in memory, not two (the file writes them back as documents,
            # storage.encode). TinyDB's own insert and remove leave them as they are (they make
            # a new table: the one kept in `_parsed` is never changed under it).
            data[ENTRIES] = parsed[0]
        self._parsed = (data, parsed)  # kept for _index(): parse each entry only once

    def _raw(self, table: str) -> dict[str, Any]:
        """A table as stored, refreshed from disk if another process wrote (do not mutate)."""
        return (self._storage.read() or {}).get(table, {})

    def _index(self) -> dict[str, Entry]:
        with self._storage.thread_lock:  # Textual workers may query from threads
            return self._refresh_index()

    def _refresh_index(self) -> dict[str, Entry]:
        data = self._storage.read() or {}
        if self._storage.generation != self._generation:
            entries, self._by_id = self._parsed[1] if self._parsed and self._parsed[0] is data else validate(data)
            self._parsed = None
            self._sort(entries)
        return self._by_id

    def _sort(self, table: Mapping[str, Entry]) -> None:
        # The sort keys are made for the sort and dropped (_patch inserts a few by bisection).
        self._newest_first = newest_first(table)
        self._sorted()

    def _sorted(self) -> None:
        self._search = None
        self._generation = self._storage.generation

    @contextmanager
    def _changing(self) -> Iterator[dict[str, Entry]]:
        """A locked read-modify-write of the log, yielding the index as on disk right now."""
        with self._storage.transaction():
            self._migrate()
            if not self._raw(META):  # never write a log without its schema (it would not open again)
                self._db.table(META).insert(Document({"schema_version": SCHEMA_VERSION}, doc_id=1))
            yield self._index()

    def _change_state(self, edit: Callable[[StateTables], None]) -> None:
        """A locked read-modify-write of the state file: `edit` changes the tables as on disk now.

        An older log's tables are moved into the state file first, but only when `edit` changes
        something: an old log stays byte-for-byte as it was until something is really written.
        Lock order, always: the log's, then the state file's, never the other way round."""
        if self._has_legacy():
            view = self._view().copy()
            edit(view)
            if view == self._view():
                return
            self._migrate()
        index = self._index() if any("saved_as" in doc for doc in self._state.read().drafts.values()) else {}
        with self._state.edit() as tables:
            for card, doc in list(tables.drafts.items()):
                if self._became(doc, index):
                    del tables.drafts[card]  # an entry already (see save_entry): nothing to keep
            edit(tables)

    def _has_legacy(self) -> bool:
        data = self._storage.read() or {}
        return DRAFTS in data or STATE in data

    def _migrate(self) -> None:
        """Move a log's `drafts` and `state` tables (written before state.json existed, or by an older
        powerdeck since) into the state file, under both locks.

        The state file is written first and the log loses its copy after: a crash between leaves
        both, and the next write moves them again. What the log holds wins over the state file: it
        is either that same copy, or newer (an older powerdeck wrote it after the last move)."""
        if not self._has_legacy():  # the usual case: a dict lookup, no lock
            return
        with self._storage.transaction():
            data = self._storage.read() or {}
            if DRAFTS not in data and STATE not in data:
                return
            self._index()  # as on disk under the lock, so _patch() below may keep it
            old = StateTables.of(data).copy()
            with self._state.edit() as tables:
                tables.drafts.update(old.drafts)
                tables.values.update(old.values)
            for name in (DRAFTS, STATE):
                self._db.drop_table(name)  # staged: written with the log's next commit
            self._patch()

    @staticmethod
    def _became(doc: dict[str, Any], index: dict[str, Entry]) -> bool:
        """A draft left behind by a save that wrote its entry but was stopped before dropping it."""
        found = index.get(doc.get("saved_as") or "")
        return found is not None and all(getattr(found, name) == doc.get(name) for name in FIELDS)

    def _view(self) -> StateTables:
        """Drafts and state as every read sees them: the state file's, with an older log's tables
        (not moved yet) over them, as `_migrate` will move them (do not mutate)."""
        tables = self._state.read()
        legacy = self._storage.read() or {}
        if DRAFTS not in legacy and STATE not in legacy:
            return tables
        moved = tables.copy()
        old = StateTables.of(legacy)
        moved.drafts.update(old.drafts)
        moved.values.update(old.values)
        return moved

    def _draft_docs(self) -> dict[str, dict[str, Any]]:
        docs = self._view().drafts
        if any("saved_as" in doc for doc in docs.values()):
            index = self._index()
            docs = {card: doc for card, doc in docs.items() if not self._became(doc, index)}
        return docs

    def _patch(self, put: Iterable[tuple[int, Entry]] = (), removed: Iterable[str] = ()) -> None:
        """After our own save inside `_changing()`: update the index instead of rebuilding it.

        Sound because nobody else can write while we hold the lock, so the file now is the index
        we started from plus our own changes. Rebuilding would cost ~100 ms at 10,000 entries.
        """
        put = list(put)
        removed = list(removed)
        for entry_id in removed:
            self._by_id.pop(entry_id, None)
        table = self._raw(ENTRIES) if put else {}
        for doc_id, entry in put:
            self._by_id[entry.id] = entry
            if str(doc_id) in table:
                table[str(doc_id)] = entry  # staged, not written yet: the Entry, not a second copy
        if len(put) > PATCHED_ONE_BY_ONE:
            self._sort(table)
            return
        gone = {*removed, *(entry.id for _, entry in put)}
        entries = [entry for entry in self._newest_first if entry.id not in gone] if gone else self._newest_first
        for doc_id, entry in put:
            entries.insert(_place(entries, entry, doc_id, table), entry)
        self._newest_first = entries
        self._sorted()

    @staticmethod
    def _next_doc_id(raw: dict[str, Any]) -> int:
        # Computed from the file just re-read under the lock. TinyDB's own Table._next_id is
        # cached per process, so two sessions would hand out the same id and overwrite each other.
        return max(map(int, raw), default=0) + 1

    def _find(self, entry_id: str) -> tuple[int, Entry]:
        try:
            entry = self._index()[entry_id]
        except KeyError:
            raise KeyError(f"no entry with id {entry_id!r}") from None
        return self._doc_id(entry), entry

    def _doc_id(self, entry: Entry) -> int:
        """Where the table holds `entry`: a write's look-up (a scan, about 1 ms at 10,000 entries,
        beside the write's ~60 ms), rather than a doc id kept per entry while the log is open."""
        table = self._raw(ENTRIES)
        for doc_id, doc in table.items():
            if doc is entry:  # the table holds the index's very objects (_validate, _patch)
                return int(doc_id)
        for doc_id, doc in table.items():  # never expected; by id, as check_write counts them
            if _id_of(doc) == entry.id:
                return int(doc_id)
        raise KeyError(f"no entry with id {entry.id!r}")

    def _insert(self, table: str, docs: list[dict[str, Any]]) -> int:
        """Insert under explicit doc ids; returns the first one."""
        first = self._next_doc_id(self._raw(table))
        self._db.table(table).insert_multiple(
            [Document(doc, doc_id=first + n) for n, doc in enumerate(docs)])
        return first

    # -- entries ---------------------------------------------------------------------------

    def add(self, card: str, action: str, outcome: str = "", learning: str = "",
            *, entry_id: str | None = None, extras: Mapping[str, Any] | None = None) -> Entry:
        """A new entry (under `entry_id` when given: save_entry chooses it before writing);
        `extras`: follow_up, private, tags, hours (core/entry.py's EXTRA_DEFAULTS)."""
        stamp = now_iso()
        entry = Entry(id=entry_id or new_entry_id(), card=card, capability=capability_of(card), action=action,
                      outcome=outcome, learning=learning, created=stamp, updated=stamp,
                      reflected=stamp if outcome.strip() or learning.strip() else "", **_extras(extras))
        checked(entry)
        with self._changing():
            doc_id = self._insert(ENTRIES, [entry.to_dict()])
            self._patch([(doc_id, entry)])
        return entry

    def update(self, entry_id: str, *, action: str | None = None, outcome: str | None = None,
               learning: str | None = None, extras: Mapping[str, Any] | None = None) -> Entry:
        """Change texts (and extras); `updated` moves, `id` and `created` never do. KeyError if unknown."""
        with self._changing():
            doc_id, old = self._find(entry_id)
            changes: dict[str, Any] = {name: text for name, text in
                                       (("action", action), ("outcome", outcome), ("learning", learning))
                                       if text is not None and text != getattr(old, name)}
            changes.update((name, value) for name, value in _extras(extras).items()
                           if value != getattr(old, name))
            if not changes:
                return old
            stamp = now_iso()
            if "outcome" in changes or "learning" in changes:
                changes["reflected"] = stamp
            new = checked(old.changed(**changes, updated=stamp))
            self._replace(doc_id, new)
            self._patch([(doc_id, new)])
        return new

    def _replace(self, doc_id: int, entry: Entry) -> None:
        """The stored document becomes exactly `entry.to_dict()` (an extra set back to nothing, a
        follow-up cleared, is not left behind): `entry` is staged in place of the document, as
        the table holds Entry objects (_validate). Not TinyDB's update(), which edits in place."""
        data = dict(self._storage.read() or {})
        data[ENTRIES] = {**data.get(ENTRIES, {}), str(doc_id): entry}
        self._storage.write(data)

    def delete(self, entry_id: str) -> Entry:
        """Remove an entry and return it, so `restore()` can undo. KeyError if unknown."""
        with self._changing():
            doc_id, old = self._find(entry_id)
            self._db.table(ENTRIES).remove(doc_ids=[doc_id])
            self._patch(removed=[entry_id])
        return old

    def restore(self, entry: Entry) -> Entry:
        """Undo: put the entry back exactly as it was (replacing a later edit of it)."""
        checked(entry)
        with self._changing() as index:
            found = index.get(entry.id)
            if found is None:
                doc_id = self._insert(ENTRIES, [entry.to_dict()])
            else:
                doc_id = self._doc_id(found)
                self._replace(doc_id, entry)
            self._patch([(doc_id, entry)])
        return entry

    def get(self, entry_id: str) -> Entry | None:
        return self._index().get(entry_id)

    def entries(self, filter: EntryFilter | None = None) -> list[Entry]:
        """Newest first (by created)."""
        self._index()
        if filter is None or filter.is_empty:
            return list(self._newest_first)
        with self._storage.thread_lock:
            if self._search is None:
                self._search_texts.keep_only(self._newest_first)
                self._search = SearchIndex(self._newest_first, self._search_texts)
            return self._search.apply(filter)

    def unsearched(self) -> list[Entry]:
        """The entries whose search text is not made yet (to make on a thread: `log_search.texts_for`)."""
        self._index()
        with self._storage.thread_lock:
            return self._search_texts.missing(self._newest_first)

    def adopt_search_texts(self, texts: dict[str, tuple[Entry, str]]) -> None:
        """Texts made on a thread for `unsearched()`'s entries: the next search finds them ready."""
        with self._storage.thread_lock:
            self._search_texts.adopt(texts)

    def search_work(self) -> SearchWork:
        """The search's texts to make for the log as it is now: `run()` it on a thread, off any
        lock, then hand it back to `adopt_search_work`."""
        self._index()
        with self._storage.thread_lock:
            return SearchWork(self._newest_first, self._search_texts)

    def adopt_search_work(self, work: SearchWork) -> None:
        """Texts made on a thread: kept; and if the log is still the version they were made for,
        its search index takes them whole, so the first key typed finds everything ready."""
        with self._storage.thread_lock:
            self._search_texts.adopt(work.new)
            if work.newest_first is self._newest_first:
                if self._search is None:
                    self._search = SearchIndex(self._newest_first, self._search_texts)
                self._search.adopt(work)

    def count(self) -> int:
        """How many entries the log holds."""
        return len(self._index())

    def count_by_capability(self, filter: EntryFilter | None = None) -> dict[int, int]:
        return dict(Counter(entry.capability for entry in self.entries(filter)))

    def open_by_capability(self) -> dict[int, int]:
        return dict(Counter(entry.capability for entry in self.entries() if entry.is_open))

    def count_by_card(self) -> dict[str, int]:
        return dict(Counter(entry.card for entry in self.entries()))

    def save_entry(self, card: str, action: str, outcome: str = "", learning: str = "",
                   entry_id: str | None = None, *, clear_draft: bool = True,
                   extras: Mapping[str, Any] | None = None) -> Entry:
        """ctrl+s: update the entry `entry_id` (or add a new one when it is None or gone) and, with
        `clear_draft`, drop the card's draft.

        The entry and the draft live in two files, so this is up to three atomic writes, in an
        order that a crash can never turn into a lost entry or a draft resurrected as a duplicate:
        1. the card's draft (if it has one) takes the texts being saved and `saved_as`, the id
           the entry will have; 2. the entry is written to the log; 3. the draft is dropped.
        Stopped before 2: the draft is there, its entry is not, so it is still a draft. Stopped
        after 2: the draft's `saved_as` entry exists with its very texts, so every read ignores
        it and the next write of the state file drops it (`_became`)."""
        marked: str | None = None
        with self._changing() as index:
            target = entry_id if entry_id is not None and entry_id in index else new_entry_id()
            if clear_draft and card in self._state.read().drafts:

                def mark(tables: StateTables) -> None:
                    nonlocal marked
                    draft = tables.drafts.get(card)
                    if draft is not None:
                        tables.drafts[card] = {**draft, "action": action, "outcome": outcome,
                                               "learning": learning, "saved_as": target}
                        marked = target

                self._change_state(mark)
            if target == entry_id:
                entry = self.update(target, action=action, outcome=outcome, learning=learning, extras=extras)
            else:
                entry = self.add(card, action, outcome, learning, entry_id=target, extras=extras)
        if marked is not None:

            def drop(tables: StateTables) -> None:
                if tables.drafts.get(card, {}).get("saved_as") == marked:
                    del tables.drafts[card]

            # The entry is on disk: a refused write here must not say "not saved" (the user would
            # save it again, twice). The draft left marked is ignored, and dropped later.
            with suppress(PowerdeckError):
                self._change_state(drop)
        return entry

    def import_entries(self, entries: Iterable[Entry]) -> list[Entry]:
        """Add the entries whose id is not in the log yet (nor earlier in `entries`).

        All or nothing: one entry the log could not read back refuses the lot, before any write."""
        entries = [checked(entry) for entry in entries]
        with self._changing() as index:
            seen = set(index)
            new = []
            for entry in entries:
                if entry.id not in seen:
                    seen.add(entry.id)
                    new.append(entry)
            if new:
                first = self._insert(ENTRIES, [entry.to_dict() for entry in new])
                self._patch((first + n, entry) for n, entry in enumerate(new))
        return new

    def import_all(self, entries: Iterable[Entry], sheets: Iterable[Worksheet]) -> tuple[list[Entry], list[Worksheet]]:
        """`import_entries` and `import_worksheets` as one write: all of it, or (a refusal, a full
        disk, a log that would grow past what powerdeck opens) none of it."""
        with self._changing():
            return self.import_entries(entries), self.import_worksheets(sheets)

    @contextmanager
    def batch(self) -> Iterator[None]:
        """Several changes of entries, drafts and state written together when the block ends
        (the log's, then the state file's lock: the order every write takes them in). An error
        inside writes nothing to either file."""
        with self._changing(), self._state.edit():
            yield

    def seal(self) -> None:
        """Write the log and the state file as they are now, with their checksums (`powerdeck
        repair`, after the files were opened with `accept_edits` and checked whole)."""
        with self._changing(), self._state.edit():
            self._storage.write(self._storage.read() or {})
            state = self._state.storage.read()
            if state is not None:
                self._state.storage.write(state)

    # -- drafts and state (in the state file) -----------------------------------------------

    def draft(self, card: str) -> Draft | None:
        doc = self._draft_docs().get(card)
        return Draft.from_dict(doc) if doc is not None else None

    def save_draft(self, card: str, action: str, outcome: str, learning: str,
                   entry_id: str | None = None, details: Mapping[str, str] | None = None) -> Draft:
        """`details`: the follow-up, tags and hours as typed (core/follow_up.py), kept with the texts."""
        typed = {name: str(text) for name, text in (details or {}).items() if name in DETAIL_NAMES}
        draft = Draft(card, action, outcome, learning, entry_id, now_iso(), **typed)
        new = draft.to_stored()

        def keep(tables: StateTables) -> None:
            old = tables.drafts.get(card)
            # The same text kept again (autosave after an undo, a second quit) is not written again.
            if old is None or any(old.get(name) != new.get(name) for name in (*FIELDS, "entry_id", *DETAIL_NAMES)):
                tables.drafts[card] = new

        self._change_state(keep)
        return draft

    def clear_draft(self, card: str) -> None:
        def drop(tables: StateTables) -> None:
            tables.drafts.pop(card, None)

        self._change_state(drop)

    def drafts(self) -> dict[str, Draft]:
        return {card: Draft.from_dict(doc) for card, doc in self._draft_docs().items()}

    def get_state(self, key: str, default: Any = None) -> Any:
        value = self._view().values.get(key, default)
        wanted = STATE_TYPES.get(key)
        return value if wanted is None or isinstance(value, wanted) else default

    def set_state(self, key: str, value: Any) -> None:
        """Small JSON values only (last card, theme). An unchanged value writes nothing."""
        self._change_state(lambda tables: tables.values.update({key: value}))

    @property
    def problem(self) -> PowerdeckError | None:
        """Set when the file was damaged by someone else mid-session: reads show the last good
        data, and every write is refused (with this error) until the file is mended."""
        return self._storage.problem or self._state.storage.problem

    def signature(self) -> tuple[int, int, int] | None:
        """The log file as last read or written here: (mtime_ns, size, inode); None before the
        first read. What the log's summary is keyed by (log_summary.py)."""
        return self._storage.stamp

    def has_legacy_tables(self) -> bool:
        """The log still holds an older version's drafts or state (moved by the next write)."""
        return self._has_legacy()

    def state_tables(self) -> StateTables:
        """The state file's drafts and values, without reading the log (do not mutate): what a first
        frame drawn from the summary shows, which is sound only for a log without legacy tables."""
        return self._state.read()

    def changed_on_disk(self) -> bool:
        """Another session wrote the log or the state file since we last read; the next query
        shows its changes."""
        return self._storage.changed_on_disk() or self._state.storage.changed_on_disk()

    def version(self) -> int:
        """A number that changes whenever the log's contents as seen here change: our own saves,
        and another session's once read (a stat per call; the file is parsed only if it changed).

        changed_on_disk() alone misses another session's entry that our own next save read in
        (the save re-reads the file under the lock): the disk then matches what we last wrote."""
        self._storage.read()
        self._state.read()
        return self._storage.generation + self._state.storage.generation  # both only ever grow

    # -- the file's schema (worksheets: workbook/store.py) ----------------------------------

    def _bump_schema(self) -> None:
        """Schema 1 -> 2, inside a worksheet's write: the worksheets table is new, nothing else
        changes. Done with the first worksheet, not on open: a log that changes nothing is never
        written (and an older powerdeck can still read a log without worksheets)."""
        ids = [int(i) for i, doc in self._raw(META).items() if doc.get("schema_version") != SCHEMA_VERSION]
        if ids:
            self._db.table(META).update({"schema_version": SCHEMA_VERSION}, doc_ids=ids)

    def schema_version(self) -> int:
        meta: dict[str, Any] = next(iter(self._raw(META).values()), {})
        version = meta.get("schema_version", SCHEMA_VERSION)
        return int(version)
