"""The review log's model: an entry, a filter over entries, and a per-card draft.

Plain data with no I/O, so the store, the screens and the exporters share one definition.
"""

from __future__ import annotations

import uuid
from dataclasses import asdict, dataclass, field, fields
from datetime import date, datetime
from typing import Any, Iterable

FIELDS: tuple[str, ...] = ("action", "outcome", "learning")
"""The three texts a user writes for a card, in the order the editor shows them."""


def now_iso() -> str:
    """The current time as ISO 8601 with the local time zone, to the second."""
    return datetime.now().astimezone().isoformat(timespec="seconds")


def new_entry_id() -> str:
    """A stable id that survives edits, exports and re-imports."""
    return uuid.uuid4().hex


def capability_of(card_id: str) -> int:
    """The capability number a card id belongs to: "10.2" -> 10."""
    return int(card_id.split(".", 1)[0])


@dataclass(frozen=True)
class Entry:
    """One record in the review log book: what was done about a card, and what came of it."""

    id: str
    card: str
    capability: int
    action: str
    outcome: str
    learning: str
    created: str
    updated: str

    @property
    def is_open(self) -> bool:
        """An entry is open while its outcome or its learning is still to write."""
        return not self.outcome.strip() or not self.learning.strip()

    @property
    def created_date(self) -> date:
        return datetime.fromisoformat(self.created).date()

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Entry:
        """Build an entry from stored or imported data; raises KeyError/TypeError/ValueError."""
        values = {name: data[name] for name in _ENTRY_FIELDS}
        for name in ("id", "card", *FIELDS, "created", "updated"):
            if not isinstance(values[name], str):
                raise TypeError(f"field {name!r} must be text")
        if not isinstance(values["capability"], int) or isinstance(values["capability"], bool):
            raise TypeError("field 'capability' must be a whole number")
        datetime.fromisoformat(values["created"])
        datetime.fromisoformat(values["updated"])
        return cls(**values)

    def first_line(self, name: str = "action") -> str:
        text: str = getattr(self, name)
        return text.strip().splitlines()[0] if text.strip() else ""


_ENTRY_FIELDS: tuple[str, ...] = tuple(f.name for f in fields(Entry))
"""Looked up once: `fields()` per entry was most of the time to open a 10,000-entry log."""


@dataclass(frozen=True)
class EntryFilter:
    """Which entries to show; every part that is set must match (an empty filter matches all)."""

    capabilities: frozenset[int] = field(default_factory=frozenset)
    card: str | None = None
    text: str = ""
    since: date | None = None
    until: date | None = None
    open_only: bool = False

    @property
    def is_empty(self) -> bool:
        return self == EntryFilter()

    def matches(self, entry: Entry) -> bool:
        if self.capabilities and entry.capability not in self.capabilities:
            return False
        if self.card is not None and entry.card != self.card:
            return False
        if self.open_only and not entry.is_open:
            return False
        if self.since is not None or self.until is not None:
            created = entry.created_date
            if self.since is not None and created < self.since:
                return False
            if self.until is not None and created > self.until:
                return False
        if self.text:
            needle = self.text.casefold()
            if not any(needle in getattr(entry, name).casefold() for name in FIELDS):
                return False
        return True

    def apply(self, entries: Iterable[Entry]) -> list[Entry]:
        return [entry for entry in entries if self.matches(entry)]


@dataclass(frozen=True)
class Draft:
    """Unsaved text for one card, kept so that nothing typed is ever lost."""

    card: str
    action: str = ""
    outcome: str = ""
    learning: str = ""
    entry_id: str | None = None
    """The entry being edited, or None for a new entry."""
    updated: str = ""

    @property
    def is_blank(self) -> bool:
        return not any(getattr(self, name).strip() for name in FIELDS)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Draft:
        return cls(**{f.name: data.get(f.name, f.default) for f in fields(cls)})
