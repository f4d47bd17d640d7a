"""Every identifier and field the store keeps, defined once: the deck's check, the log, the
worksheets, an import and every export ask these, so what one accepts the others can hold.

A card id is ASCII digits, a dot, ASCII digits ("4.2"): `str.isdigit()` is true for "²" and
int() reads Arabic-Indic digits, so only [0-9] counts, and an id that is nothing else can never
carry a space, a control character or a bidi override onto a screen or into a file name.
No I/O and no Textual here: the command line and the store load it at every start.
"""

from __future__ import annotations

import re

MAX_CAPABILITY = 999
"""A capability number is 1 to 999: as many digits as a card id's head may have."""
_CARD = re.compile(r"([1-9][0-9]{0,2})\.([0-9]{1,3})", re.ASCII)
_ID = re.compile(r"[A-Za-z0-9._:-]{1,64}", re.ASCII)

CARD_ID_RULE = 'a card id is a capability number, a dot and a number, such as "4.2"'
ID_RULE = "1 to 64 letters, digits, \".\", \"_\", \":\" or \"-\""

MAX_TEXT = 1_000_000
"""Characters in one written field (an entry's action, outcome or learning; a worksheet's text
or half-typed map name): far beyond anything typed (a 50 KB paste is a long one), small enough
that a hostile import cannot fill the disk or the screen."""
MAX_NAME = 1_000
"""Characters in a name on the relationship map (typed in one line)."""
MAX_PEOPLE = 1_000
"""People on one relationship map."""

NAME_KEY = "reviewer_name"
ROLE_KEY = "reviewer_role"
"""State keys (state.json): the person's name and role, asked once by the export and remembered."""
STATE_TYPES: dict[str, type] = {"theme": str, "last_card": str, "export_period": str, NAME_KEY: str, ROLE_KEY: str}
"""The type each known state value must have: a value of another type (a hand-edited or hostile
file) reads as absent rather than reaching code that expects text."""

WORKSHEET_KINDS = ("voices", "map", "notes", "list", "memo")
"""What a card may ask a person to make (docs/deck-format.md, "Worksheets")."""


def is_card_id(value: object) -> bool:
    """True for a well-formed card id ("4.2"), whatever deck it belongs to."""
    return isinstance(value, str) and _CARD.fullmatch(value) is not None


def card_capability(card_id: object) -> int:
    """The capability of a well-formed card id ("10.2" -> 10); ValueError (short) otherwise."""
    match = _CARD.fullmatch(card_id) if isinstance(card_id, str) else None
    if match is None:
        raise ValueError(f'field "card" must be a card id such as 4.2 ({CARD_ID_RULE})')
    return int(match.group(1))


def card_order(card_id: str) -> tuple[int, int, str]:
    """A sort key putting "2.10" after "2.9"; never raises (an id from elsewhere sorts last)."""
    match = _CARD.fullmatch(card_id)
    if match is None:
        return (MAX_CAPABILITY + 1, 0, card_id)
    return (int(match.group(1)), int(match.group(2)), "")


def ascii_number(value: object, max_digits: int = 12) -> int | None:
    """The whole number that ASCII digits spell ("42" -> 42), else None. Never `str.isdigit()`:
    it is true for "²", which `int()` then refuses with a traceback."""
    if isinstance(value, str) and 0 < len(value) <= max_digits and value.isascii() and value.isdigit():
        return int(value)
    return None


def is_id(value: object) -> bool:
    """True for a well-formed entry (or person) id: ASCII letters, digits and `._:-`, 1 to 64."""
    return isinstance(value, str) and _ID.fullmatch(value) is not None


def check_text(name: str, value: object, limit: int = MAX_TEXT) -> str:
    """A text field within its size; TypeError or ValueError naming the field, never the value."""
    if not isinstance(value, str):
        raise TypeError(f'field "{name}" must be text')
    if len(value) > limit:
        raise ValueError(f'field "{name}" is longer than {limit:,} characters')
    return value
