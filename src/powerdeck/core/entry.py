"""The review log's model: an entry, a filter over entries, and a per-card draft.

Plain data with no I/O, so the store, the screens and the exporters share one definition.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable
from dataclasses import FrozenInstanceError, asdict, dataclass, field, fields
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


_SEP = b"\xff"
"""Between the texts in an entry's blob: a byte UTF-8 never uses (nor does 'surrogatepass')."""
_AS_CREATED = b"\xfe"
_AS_UPDATED = b"\xfd"
"""The blob's `updated` or `reflected` when it is `created` (an entry never edited, or reflected on
as it was written), or `reflected` when it is `updated`: the time is kept once. Bytes UTF-8 never
uses either."""
_UTF8 = "utf-8"
_EXACT = "surrogatepass"
"""A lone surrogate (a broken terminal's, an import's \\udXXX) kept exactly, as the log keeps it."""
_BLOB_FIELDS = ("created", "updated", "reflected", "follow_up", "action", "outcome", "learning")
"""The texts an entry keeps in its blob, in order: the short ones first, so reading one of them
never scans the long ones."""
_SMALL_OBJECT = 512
"""Bytes up to which CPython's allocator serves an object from its pools (pymalloc)."""
_UPDATED, _REFLECTED, _FOLLOW_UP, _ACTION, _OUTCOME, _LEARNING = (
    _BLOB_FIELDS.index(name) for name in _BLOB_FIELDS[1:])


class Entry:
    """One record in the review log book: what was done about a card, and what came of it.

    Immutable, built by keyword or in the order of STORED_FIELDS, compared and hashed by value,
    like the frozen dataclass it was; `changed()` is its `dataclasses.replace`.

    Memory: a log holds tens of thousands of these for as long as the app runs. The texts (dates
    and the three written ones) are one UTF-8 `bytes` blob, read back on access, instead of seven
    str objects: 33 bytes of overhead for all of them rather than 49-80 each, and one byte per
    character of most text, where a str holding one curly apostrophe takes two for every
    character. The id stays a str (the log's index is keyed by that very object), the card an
    interned str; the extras most entries leave unset (private, tags, hours) share one slot."""

    __slots__ = ("_blob", "_extra", "capability", "card", "id", "is_open")
    __match_args__ = ("id", "card", "capability", "action", "outcome", "learning", "created", "updated",
                      "follow_up", "private", "tags", "hours", "reflected")

    id: str
    card: str
    capability: int
    is_open: bool
    """An entry is open while its outcome or its learning is still to write (worked out once:
    the review log counts and draws it for every entry shown, on every key of a search)."""
    _blob: bytes
    _extra: tuple[bool, tuple[str, ...], float | None] | None
    """(private, tags, hours), or None for (False, (), None)."""

    def __init__(self, id: str, card: str, capability: int, action: str, outcome: str, learning: str,
                 created: str, updated: str, follow_up: str = "", private: bool = False,
                 tags: tuple[str, ...] = (), hours: float | None = None, reflected: str = "") -> None:
        try:  # a log's whole parse makes one of these per entry: one call per text, no more
            blob = _SEP.join((
                created.encode(_UTF8, _EXACT),
                _AS_CREATED if updated == created else updated.encode(_UTF8, _EXACT),
                _AS_CREATED if reflected == created else _AS_UPDATED if reflected == updated
                else reflected.encode(_UTF8, _EXACT),
                follow_up.encode(_UTF8, _EXACT), action.encode(_UTF8, _EXACT),
                outcome.encode(_UTF8, _EXACT), learning.encode(_UTF8, _EXACT)))
        except AttributeError:
            texts = {"created": created, "updated": updated, "reflected": reflected, "follow_up": follow_up,
                     "action": action, "outcome": outcome, "learning": learning}
            name = next(name for name, text in texts.items() if not isinstance(text, str))
            raise TypeError(f'field "{name}" must be text') from None
        if type(card) is str:
            # One string object for what thousands of entries repeat.
            card = sys.intern(card)
        setter = object.__setattr__
        setter(self, "id", id)
        setter(self, "card", card)
        setter(self, "capability", capability)
        unset = private is False and hours is None and tags == () and isinstance(tags, tuple)
        setter(self, "_extra", None if unset else (private, tags, hours))
        setter(self, "is_open", _blank(outcome) or _blank(learning))
        setter(self, "_blob", blob)

    @property
    def private(self) -> bool:
        """Kept out of every review pack unless asked for; the JSON backup keeps it."""
        extra = self._extra
        return False if extra is None else extra[0]

    @property
    def tags(self) -> tuple[str, ...]:
        extra = self._extra
        return () if extra is None else extra[1]

    @property
    def hours(self) -> float | None:
        """Time spent, for CPD totals; None when not given."""
        extra = self._extra
        return None if extra is None else extra[2]

    # -- the texts in the blob -------------------------------------------------------------

    def _part(self, index: int) -> bytes:
        blob = self._blob
        start = 0
        for _ in range(index):
            start = blob.index(_SEP, start) + 1
        end = blob.find(_SEP, start)
        return blob[start:] if end < 0 else blob[start:end]

    def _text(self, index: int) -> str:
        return self._part(index).decode(_UTF8, _EXACT)

    @property
    def created(self) -> str:
        blob = self._blob
        return blob[:blob.index(_SEP)].decode(_UTF8, _EXACT)

    @property
    def updated(self) -> str:
        part = self._part(_UPDATED)
        return self.created if part == _AS_CREATED else part.decode(_UTF8, _EXACT)

    @property
    def reflected(self) -> str:
        """When the outcome or learning last changed (ISO 8601), or "" (none written, or written
        before powerdeck kept it: `reflected_on` then falls back to `updated`)."""
        part = self._part(_REFLECTED)
        if part == _AS_CREATED:
            return self.created
        return self.updated if part == _AS_UPDATED else part.decode(_UTF8, _EXACT)

    @property
    def follow_up(self) -> str:
        """"Come back to this by": YYYY-MM-DD, or "" for none (core/follow_up.py)."""
        return self._text(_FOLLOW_UP)

    @property
    def action(self) -> str:
        return self._text(_ACTION)

    @property
    def outcome(self) -> str:
        return self._text(_OUTCOME)

    @property
    def learning(self) -> str:
        return self._text(_LEARNING)

    def texts(self) -> tuple[str, str, str]:
        """The action, outcome and learning, read in one go (the search reads all three)."""
        action, outcome, learning = self._blob.split(_SEP)[_ACTION:]
        return action.decode(_UTF8, _EXACT), outcome.decode(_UTF8, _EXACT), learning.decode(_UTF8, _EXACT)

    def _values(self) -> dict[str, Any]:
        """Every stored field by name, in STORED_FIELDS' order (each text decoded once: a save
        writes every entry of the log through here)."""
        created, updated, reflected, follow_up, action, outcome, learning = self._blob.split(_SEP)
        created_at = created.decode(_UTF8, _EXACT)
        updated_at = created_at if updated == _AS_CREATED else updated.decode(_UTF8, _EXACT)
        if reflected == _AS_CREATED:
            reflected_at = created_at
        else:
            reflected_at = updated_at if reflected == _AS_UPDATED else reflected.decode(_UTF8, _EXACT)
        return {"id": self.id, "card": self.card, "capability": self.capability,
                "action": action.decode(_UTF8, _EXACT), "outcome": outcome.decode(_UTF8, _EXACT),
                "learning": learning.decode(_UTF8, _EXACT), "created": created_at, "updated": updated_at,
                "follow_up": follow_up.decode(_UTF8, _EXACT), "private": self.private, "tags": self.tags,
                "hours": self.hours, "reflected": reflected_at}

    # -- value semantics (as the frozen dataclass had them) --------------------------------

    def _key(self) -> tuple[Any, ...]:
        # The blob stands for its seven texts: one encoding per set of texts (`updated` is the
        # marker exactly when it equals `created`), so equal blobs are equal texts.
        return (self.id, self.card, self.capability, self._blob, self.private, self.tags, self.hours)

    def __eq__(self, other: object) -> bool:
        if other.__class__ is not self.__class__:
            return NotImplemented
        assert isinstance(other, Entry)
        return self._key() == other._key()

    def __hash__(self) -> int:
        return hash(self._key())

    def __repr__(self) -> str:
        fields = ", ".join(f"{name}={value!r}" for name, value in self._values().items())
        return f"{type(self).__name__}({fields})"

    def __setattr__(self, name: str, value: object) -> None:
        raise FrozenInstanceError(f"cannot assign to field {name!r}")

    def __delattr__(self, name: str) -> None:
        raise FrozenInstanceError(f"cannot delete field {name!r}")

    def __reduce__(self) -> tuple[type[Entry], tuple[Any, ...]]:
        # pickle and copy: built again from its values (the default would set the slots one by
        # one, which __setattr__ refuses).
        return (type(self), tuple(self._values().values()))

    def changed(self, **changes: Any) -> Entry:
        """A copy with `changes` (field names and new values), as `dataclasses.replace` did."""
        values = self._values()
        unknown = changes.keys() - values.keys()
        if unknown:
            raise TypeError(f"not an entry's field: {', '.join(sorted(unknown))}")
        values.update(changes)
        return type(self)(**values)

    __replace__ = changed  # copy.replace (Python 3.13)

    def relocated(self) -> Entry:
        """This entry, with a long blob copied to memory allocated now (an equal entry).

        For a parse: called once the texts an entry was made from are freed, the copy takes their
        place, where the blob made while they were alive sat after them and left a hole each
        time. Blobs of up to 512 bytes (with their header) come from Python's own small-object pools, which do not
        fragment so: those entries are returned as they are."""
        if sys.getsizeof(self._blob) <= _SMALL_OBJECT:
            return self
        moved = object.__new__(type(self))
        setter = object.__setattr__
        for name in self.__slots__:
            setter(moved, name, getattr(self, name))
        setter(moved, "_blob", bytes(memoryview(self._blob)))  # one allocation, of the exact size
        return moved

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
        data = self._values()
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
        values = [data[name] for name in ENTRY_FIELDS]
        extras = _checked_extras(data)
        entry_id, card, capability, action, outcome, learning, created, updated = values
        for name, value in zip(ENTRY_FIELDS, values, strict=True):
            if name != "capability" and not isinstance(value, str):
                raise TypeError(f"field {name!r} must be text")
        if not is_id(entry_id):
            raise ValueError(f'field "id" must be {ID_RULE}')
        if not isinstance(capability, int) or isinstance(capability, bool):
            raise TypeError("field 'capability' must be a whole number")
        if check_card_id(card) != capability:
            raise ValueError(f'field "capability" must match the card: card {card} '
                             f"is in capability {check_card_id(card)}")
        for name, text in (("action", action), ("outcome", outcome), ("learning", learning)):
            check_text(name, text)
        check_timestamp("created", created)
        if updated != created:  # the same text passes the same check
            check_timestamp("updated", updated)
        return cls(entry_id, card, capability, action, outcome, learning, created, updated, **extras)

    def first_line(self, name: str = "action") -> str:
        text: str = getattr(self, name)
        return text.strip().splitlines()[0] if text.strip() else ""


EXTRA_DEFAULTS: dict[str, Any] = {"follow_up": "", "private": False, "tags": [], "hours": None, "reflected": ""}
"""The optional fields and their values when not set (absent from a stored entry)."""
EXTRA_FIELDS: tuple[str, ...] = tuple(EXTRA_DEFAULTS)
STORED_FIELDS: tuple[str, ...] = Entry.__match_args__
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
