"""A worksheet: what one person made for one card (its voices, its map, its list or memo).

One worksheet per card. Text is stored exactly as typed; `from_dict` refuses anything that is not
the shape we write, so a damaged or hostile record never reaches the screens.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields, replace
from typing import Any

from powerdeck.core.entry import check_timestamp
from powerdeck.core.fields import MAX_NAME, MAX_PEOPLE, MAX_TEXT, card_capability, check_text, is_id
from powerdeck.core.fields import WORKSHEET_KINDS as KINDS

RINGS = ("close", "around", "far")
QUALITIES = ("strong", "stressed", "distant")
SECTORS = ("statutory", "voluntary", "community", "faith", "social enterprise", "housing", "other")


@dataclass(frozen=True)
class Person:
    """Someone (or a group) on the relationship map, named as the person chooses."""

    id: str
    name: str
    ring: str = "around"
    quality: str = "strong"
    sector: str = "other"
    missing: bool = False
    """Missing from the map or seen too little: one to bring in."""

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "name": self.name, "ring": self.ring, "quality": self.quality,
                "sector": self.sector, "missing": self.missing}

    @classmethod
    def from_dict(cls, raw: Any) -> Person:
        if not isinstance(raw, dict):
            raise TypeError("a person should be an object")
        _refuse_unknown(raw, cls)
        person = cls(
            id=_text(raw, "id"), name=_text(raw, "name", limit=MAX_NAME), ring=_choice(raw, "ring", RINGS),
            quality=_choice(raw, "quality", QUALITIES), sector=_choice(raw, "sector", SECTORS),
            missing=_flag(raw, "missing"),
        )
        if not person.id:
            raise ValueError('a person has an empty "id"')
        if not is_id(person.id):
            raise ValueError('a person\'s "id" must be 1 to 64 letters, digits, ".", "_", ":" or "-"')
        return person


@dataclass(frozen=True)
class Worksheet:
    card: str
    kind: str
    text: str = ""
    """Voices (one phrase a line), a list (one item a line), notes or a memo: as typed."""
    people: tuple[Person, ...] = field(default=())
    """The relationship map."""
    draft: str = ""
    """A map item half typed: kept so a dropped connection does not lose it."""
    updated: str = ""

    @property
    def is_empty(self) -> bool:
        return not self.text.strip() and not self.people and not self.draft.strip()

    def with_changes(self, **changes: Any) -> Worksheet:
        return replace(self, **changes)

    def to_dict(self) -> dict[str, Any]:
        return {"card": self.card, "kind": self.kind, "text": self.text,
                "people": [person.to_dict() for person in self.people], "draft": self.draft,
                "updated": self.updated}

    @classmethod
    def from_dict(cls, raw: Any) -> Worksheet:
        """The worksheet in `raw`; TypeError or ValueError (with a short reason) if not valid."""
        if not isinstance(raw, dict):
            raise TypeError("a worksheet should be an object")
        _refuse_unknown(raw, cls)
        people = raw.get("people", [])
        if not isinstance(people, list):
            raise TypeError('"people" should be a list')
        if len(people) > MAX_PEOPLE:
            raise ValueError(f"a map holds more than {MAX_PEOPLE:,} people")
        card = _text(raw, "card", limit=40)
        try:
            card_capability(card)
        except ValueError:
            raise ValueError(f"card {card!r} is not a card id like 1.2") from None
        sheet = cls(card=card, kind=_choice(raw, "kind", KINDS),
                    text=_text(raw, "text", ""), people=tuple(Person.from_dict(p) for p in people),
                    draft=_text(raw, "draft", ""), updated=_text(raw, "updated", "", limit=40))
        if sheet.updated:
            check_timestamp("updated", sheet.updated)
        ids = [person.id for person in sheet.people]
        if len(set(ids)) != len(ids):
            raise ValueError("two people on the map have the same id")
        return sheet


def _refuse_unknown(raw: dict[str, Any], kind: type[Any]) -> None:
    """A field the dataclass does not have (to_dict writes exactly its fields) is refused."""
    unknown = set(raw) - {item.name for item in fields(kind)}
    if unknown:
        raise ValueError(f"unknown field {min(unknown)!r}")


def _text(raw: dict[str, Any], key: str, default: str | None = None, limit: int = MAX_TEXT) -> str:
    if key not in raw:
        if default is None:
            raise KeyError(key)
        return default
    value = raw[key]
    if not isinstance(value, str):
        raise TypeError(f'"{key}" should be text')
    return check_text(key, value, limit)


def _choice(raw: dict[str, Any], key: str, choices: tuple[str, ...]) -> str:
    value = _text(raw, key)
    if value not in choices:
        raise ValueError(f'"{key}" should be one of {", ".join(choices)}')
    return value


def _flag(raw: dict[str, Any], key: str) -> bool:
    value = raw.get(key, False)
    if not isinstance(value, bool):
        raise TypeError(f'"{key}" should be true or false')
    return value
