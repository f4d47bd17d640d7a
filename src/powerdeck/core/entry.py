"""The review log's model: an entry, a filter over entries, and a per-card draft.

Plain data with no I/O, so the store, the screens and the exporters share one definition.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field, fields
from datetime import date, datetime
from typing import Any

from powerdeck.core.fields import ID_RULE, card_capability, check_text, is_id
from powerdeck.core.fields import MAX_TEXT as MAX_TEXT  # re-exported: where it was defined before fields.py
from powerdeck.core.text import folded

FIELDS: tuple[str, ...] = ("action", "outcome", "learning")
"""The three texts a user writes for a card, in the order the editor shows them."""
FIELD_LABELS: dict[str, str] = {"action": "Action", "outcome": "Outcome", "learning": "Learning"}
"""Each text's name as a person reads it: the editor's labels and the exports' headings."""


def now_iso() -> str:
    """The current time as ISO 8601 with the local time zone, to the second."""
    return datetime.now().astimezone().isoformat(timespec="seconds")


def new_entry_id() -> str:
    """A stable id that survives edits, exports and re-imports."""
    import uuid  # here: uuid loads `platform` and more, and a start adds no entry

    return uuid.uuid4().hex


MIN_YEAR, MAX_YEAR = 1900, 9999


def check_card_id(card_id: object) -> int:
    """The capability of a well-formed card id; ValueError (short message) otherwise."""
    return card_capability(card_id)


def check_timestamp(name: str, value: object) -> datetime:
    """An ISO 8601 date and time with a time zone, in a year a calendar can show."""
    problem = f'field "{name}" must be a date and time with a time zone, e.g. 2026-01-31T09:00:00+00:00'
    if not isinstance(value, str) or len(value) > 40:
        raise ValueError(problem)
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise ValueError(problem) from None
    try:
        if moment.tzinfo is None or moment.utcoffset() is None:
            raise ValueError(problem)
        if not MIN_YEAR <= moment.year <= MAX_YEAR:
            raise ValueError(f'field "{name}" has the year {moment.year}: '
                             f"only {MIN_YEAR} to {MAX_YEAR} are accepted")
        moment.timestamp()  # sorting needs it; out-of-range offsets overflow here
    except (OverflowError, OSError):
        raise ValueError(problem) from None
    return moment


def capability_of(card_id: str) -> int:
    """The capability number a card id belongs to: "10.2" -> 10 (ValueError if not a card id)."""
    return card_capability(card_id)


def _blank(text: str) -> bool:
    """`not text.strip()`, without making the stripped copy."""
    return not text or text.isspace()


@dataclass(frozen=True, slots=True)
class Entry:
    """One record in the review log book: what was done about a card, and what came of it.

    Slots, not a __dict__: a log holds tens of thousands of these for as long as the app runs."""

    id: str
    card: str
    capability: int
    action: str
    outcome: str
    learning: str
    created: str
    updated: str
    follow_up: str = ""
    """"Come back to this by": YYYY-MM-DD, or "" for none (core/follow_up.py)."""
    private: bool = False
    """Kept out of every review pack unless asked for; the JSON backup keeps it."""
    tags: tuple[str, ...] = ()
    hours: float | None = None
    """Time spent, for CPD totals; None when not given."""
    reflected: str = ""
    """When the outcome or learning last changed (ISO 8601), or "" (none written, or written
    before powerdeck kept it: `reflected_on` then falls back to `updated`)."""
    is_open: bool = field(init=False, repr=False, compare=False)
    """An entry is open while its outcome or its learning is still to write (worked out once:
    the review log counts and draws it for every entry shown, on every key of a search)."""

    def __post_init__(self) -> None:
        object.__setattr__(self, "is_open", _blank(self.outcome) or _blank(self.learning))

    @property
    def created_date(self) -> date:
        return datetime.fromisoformat(self.created).date()

    @property
    def follow_up_date(self) -> date | None:
        return date.fromisoformat(self.follow_up) if self.follow_up else None

    @property
    def reflected_on(self) -> date | None:
        """The day the outcome or learning last changed; None while both are empty."""
        if not (self.outcome.strip() or self.learning.strip()):
            return None
        return datetime.fromisoformat(self.reflected or self.updated).date()

    def is_due(self, today: date) -> bool:
        """Open, with a follow-up date that has come (today or before)."""
        day = self.follow_up_date
        return day is not None and day <= today and self.is_open

    def to_dict(self, *, full: bool = False) -> dict[str, Any]:
        """The stored form. The extras (follow-up, private, tags, hours) are written only when set,
        unless `full` (the JSON export): an entry from before them is stored exactly as it was."""
        data = {name: getattr(self, name) for name in STORED_FIELDS}
        data["tags"] = list(self.tags)
        if not full:
            for name, default in EXTRA_DEFAULTS.items():
                if data[name] == default:
                    del data[name]
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Entry:
        """Build an entry from stored or imported data; raises KeyError/TypeError/ValueError with a
        short message that never quotes the (possibly huge) value.

        Everything the log later relies on is checked here, once: a bad entry is refused at the
        door rather than crashing every later start or export."""
        values = {name: data[name] for name in ENTRY_FIELDS}
        extras = _checked_extras(data)
        for name in ("id", "card", *FIELDS, "created", "updated"):
            if not isinstance(values[name], str):
                raise TypeError(f"field {name!r} must be text")
        if not is_id(values["id"]):
            raise ValueError(f'field "id" must be {ID_RULE}')
        capability = values["capability"]
        if not isinstance(capability, int) or isinstance(capability, bool):
            raise TypeError("field 'capability' must be a whole number")
        if check_card_id(values["card"]) != capability:
            raise ValueError(f'field "capability" must match the card: card {values["card"]} '
                             f"is in capability {check_card_id(values['card'])}")
        for name in FIELDS:
            check_text(name, values[name])
        check_timestamp("created", values["created"])
        check_timestamp("updated", values["updated"])
        # One string object for what thousands of entries repeat: the card id, and `updated`
        # where it is `created` (an entry never edited).
        values["card"] = sys.intern(values["card"])
        if values["updated"] == values["created"]:
            values["updated"] = values["created"]
        return cls(**values, **extras)

    def first_line(self, name: str = "action") -> str:
        text: str = getattr(self, name)
        return text.strip().splitlines()[0] if text.strip() else ""


EXTRA_DEFAULTS: dict[str, Any] = {"follow_up": "", "private": False, "tags": [], "hours": None, "reflected": ""}
"""The optional fields and their values when not set (absent from a stored entry)."""
EXTRA_FIELDS: tuple[str, ...] = tuple(EXTRA_DEFAULTS)
STORED_FIELDS: tuple[str, ...] = tuple(f.name for f in fields(Entry) if f.init)
"""Every field an entry can have on disk (not `is_open`, worked out from the texts)."""
ENTRY_FIELDS: tuple[str, ...] = tuple(name for name in STORED_FIELDS if name not in EXTRA_DEFAULTS)
"""Every field an entry must have, stored or exported, in order (the extras are optional).
Looked up once: `fields()` per entry was most of the time to open a 10,000-entry log."""


def _checked_extras(data: dict[str, Any]) -> dict[str, Any]:
    """The optional fields present in `data`, checked (core/follow_up.py has the rules)."""
    from powerdeck.core.follow_up import check_follow_up, check_hours, check_tags

    extras: dict[str, Any] = {}
    if data.keys().isdisjoint(EXTRA_DEFAULTS):  # most entries: none of them
        return extras
    if "follow_up" in data:
        extras["follow_up"] = check_follow_up(data["follow_up"])
    if "private" in data:
        if not isinstance(data["private"], bool):
            raise TypeError('field "private" must be true or false')
        extras["private"] = data["private"]
    if "tags" in data:
        extras["tags"] = check_tags(data["tags"])
    if "hours" in data:
        extras["hours"] = check_hours(data["hours"])
    if "reflected" in data and data["reflected"] != "":
        check_timestamp("reflected", data["reflected"])
        extras["reflected"] = data["reflected"]
    return extras


@dataclass(frozen=True)
class EntryFilter:
    """Which entries to show; every part that is set must match (an empty filter matches all)."""

    capabilities: frozenset[int] = field(default_factory=frozenset)
    card: str | None = None
    text: str = ""
    since: date | None = None
    until: date | None = None
    open_only: bool = False
    due_on: date | None = None
    """Only entries due for an outcome on this day (`Entry.is_due`): the "due" filter."""
    tag: str | None = None
    """Only entries carrying this tag (compared ignoring case)."""

    @property
    def is_empty(self) -> bool:
        return self == EntryFilter()

    def matches(self, entry: Entry) -> bool:
        if self.capabilities and entry.capability not in self.capabilities:
            return False
        if self.due_on is not None and not entry.is_due(self.due_on):
            return False
        if self.tag is not None and folded(self.tag) not in (folded(tag) for tag in entry.tags):
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
            needle = folded(self.text)
            if not any(needle in folded(getattr(entry, name)) for name in FIELDS):
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
    follow_up: str = ""
    tags: str = ""
    hours: str = ""
    """The details as typed in the editor (core/follow_up.py's DETAILS), checked only on save."""

    @property
    def details(self) -> dict[str, str]:
        return {"follow_up": self.follow_up, "tags": self.tags, "hours": self.hours}

    @property
    def is_blank(self) -> bool:
        return not any(getattr(self, name).strip() for name in FIELDS)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    def to_stored(self) -> dict[str, Any]:
        """As the state file keeps it: the details only when typed (an older powerdeck's drafts stay as they were)."""
        data = self.to_dict()
        for name in ("follow_up", "tags", "hours"):
            if not data[name]:
                del data[name]
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Draft:
        values = {f.name: data.get(f.name, f.default) for f in fields(cls)}
        for name in ("follow_up", "tags", "hours"):  # typed text; anything else reads as nothing
            if not isinstance(values[name], str):
                values[name] = ""
        return cls(**values)
