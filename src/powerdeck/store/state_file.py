"""Drafts and small app state (last card, theme, reviewer) in their own small file beside the log.

A draft autosave or the remembered card rewrites this file, a few KB, never the log: their cost
does not grow with the number of entries. It is a SafeJSONStorage like the log (atomic, its own
lock `state.json.lock` taken for the whole read-modify-write and the file re-read under it,
O_NOFOLLOW, 0600, backups, a damaged file refused and left untouched) and it carries its own
version, `state_version`, apart from the log's `schema_version`.

On disk, in TinyDB's table shape so the storage's checks apply unchanged:

    {"meta": {"1": {"state_version": 1}},
     "drafts": {"1": {"card": "2.1", "action": "…", "outcome": "", "learning": "",
                      "entry_id": null, "updated": "…", "saved_as": "…"}},
     "state": {"1": {"key": "last_card", "value": "2.1"}}}

`saved_as` is set only while ctrl+s turns the draft into an entry (see `Log.save_entry`).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from powerdeck.store.storage import Data, SafeJSONStorage, SchemaProblem, check_meta

STATE_VERSION = 1
DRAFTS, STATE, META = "drafts", "state", "meta"
DRAFT_TEXTS = ("card", "action", "outcome", "learning")


def check_drafts_and_state(data: Data) -> None:
    """The drafts and state tables, in the state file or in an older log: refuse a malformed one."""
    for doc_id, doc in data.get(DRAFTS, {}).items():
        if not all(isinstance(doc.get(name), str) for name in DRAFT_TEXTS) \
                or not isinstance(doc.get("entry_id"), (str, type(None))) \
                or not isinstance(doc.get("saved_as"), (str, type(None))) \
                or not isinstance(doc.get("updated", ""), str):
            raise SchemaProblem(f"draft {doc_id} is not valid")
    for doc_id, doc in data.get(STATE, {}).items():
        if not isinstance(doc.get("key"), str):
            raise SchemaProblem(f"state {doc_id} is not valid")


def validate_state(data: Data) -> None:
    """Refuse a state file this version does not understand, before anything can write over it;
    the same check runs on what a write is about to put there (a state file is small)."""
    if check_meta(data, "state_version", STATE_VERSION, (STATE_VERSION,), "state", "state file"):
        check_drafts_and_state(data)


@dataclass
class StateTables:
    """The state file as read: drafts by card, state values by key (documents as stored)."""

    drafts: dict[str, dict[str, Any]] = field(default_factory=dict)
    values: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def of(cls, data: Data | None) -> StateTables:
        data = data or {}
        drafts = {doc["card"]: doc for doc in data.get(DRAFTS, {}).values()}
        values = {doc["key"]: doc["value"] for doc in data.get(STATE, {}).values() if "value" in doc}
        return cls(drafts, values)

    def copy(self) -> StateTables:
        return StateTables({card: dict(doc) for card, doc in self.drafts.items()}, dict(self.values))

    def to_data(self) -> Data:
        return {
            META: {"1": {"state_version": STATE_VERSION}},
            DRAFTS: {str(n): doc for n, doc in enumerate(self.drafts.values(), 1)},
            STATE: {str(n): {"key": key, "value": value} for n, (key, value) in enumerate(self.values.items(), 1)},
        }


class StateFile:
    """The state file of one log. Reads are cached by the storage's generation (a stat per read)."""

    def __init__(self, path: str | os.PathLike[str], *, accept_edits: bool = False) -> None:
        self.storage = SafeJSONStorage(path, validate=validate_state, check_write=validate_state,
                                       accept_edits=accept_edits)
        self._cache: tuple[int, StateTables] | None = None
        self._work: StateTables | None = None
        """What the outermost `edit()` is changing: a nested edit changes the same tables."""

    def read(self) -> StateTables:
        """The file as on disk now (do not mutate: `edit()` is the way to change it); inside an
        `edit()`, the tables as changed so far (`Log.batch` reads what it has just written)."""
        with self.storage.thread_lock:
            if self._work is not None:
                return self._work
            data = self.storage.read()
            generation = self.storage.generation
            if self._cache is None or self._cache[0] != generation:
                self._cache = (generation, StateTables.of(data))
            return self._cache[1]

    @contextmanager
    def edit(self) -> Iterator[StateTables]:
        """A locked read-modify-write of the file as on disk now: one atomic write when the outermost
        edit ends, none at all when nothing changed. A damaged file raises before anything is written."""
        with self.storage.transaction():
            if self._work is not None:
                yield self._work
                return
            current = self.read()
            self._work = current.copy()
            try:
                yield self._work
                if self._work != current:
                    self.storage.write(self._work.to_data())
            finally:
                self._work = None

    def close(self) -> None:
        self.storage.close()
