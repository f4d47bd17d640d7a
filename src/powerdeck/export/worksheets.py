"""The workbook in a review pack: what each worksheet becomes, before Markdown or Word draws it.

One `Section` per worksheet with content, in deck order (cards another deck had come last, by
id): a relationship map is a table (name, ring, quality, sector, seen too little); voices are a
table of their words and weights, most weight first, the small voices marked; a list is a list;
notes and memos are paragraphs. Text stays as typed: each format escapes it its own way.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from powerdeck.core.fields import card_order
from powerdeck.export.common import DeckLike, card_title
from powerdeck.workbook.model import Worksheet
from powerdeck.workbook.notes import list_items
from powerdeck.workbook.voices import small_voices, weights

WORKBOOK_HEADING = "Workbook"
KIND_LABELS = {"voices": "Voices", "map": "Relationship map", "notes": "Notes", "list": "List",
               "memo": "Memo"}
MAP_HEADER = ("Name", "Ring", "Quality", "Sector", "Seen too little")
VOICES_HEADER = ("Words", "Weight", "Said by", "Small voice")
SEEN_TOO_LITTLE = "yes"
SMALL_VOICE = "small voice"


@dataclass(frozen=True)
class Section:
    card: str
    heading: str
    """ "1.2 Mapping relationships" (card id and title)."""
    kind: str
    label: str
    """ "Relationship map", "Voices", ... """
    header: tuple[str, ...] = ()
    rows: list[tuple[str, ...]] = field(default_factory=list)
    """A table (map, voices) when `header` is set."""
    items: list[str] = field(default_factory=list)
    """A list's items."""
    text: str = ""
    """Notes or a memo, as typed."""


def _card_order(positions: dict[str, int], card: str) -> tuple[int, tuple[int, int, str]]:
    if card in positions:
        return (0, (positions[card], 0, card))
    return (1, card_order(card))


def sections(worksheets: Iterable[Worksheet], deck: DeckLike) -> list[Section]:
    """The worksheets with something in them, as the packs show them."""
    positions = {str(card.id): index for index, card in
                 enumerate(card for capability in deck.capabilities for card in capability.cards)}
    out = []
    for sheet in sorted(worksheets, key=lambda s: _card_order(positions, s.card)):
        heading = f"{sheet.card} {card_title(deck, sheet.card)}"
        label = KIND_LABELS.get(sheet.kind, sheet.kind)
        if sheet.kind == "map":
            if not sheet.people:
                continue
            rows: list[tuple[str, ...]] = [(p.name, p.ring, p.quality, p.sector, SEEN_TOO_LITTLE if p.missing else "")
                    for p in sheet.people]
            out.append(Section(sheet.card, heading, sheet.kind, label, MAP_HEADER, rows))
        elif sheet.kind == "voices":
            phrases = weights(sheet.text)
            if not phrases:
                continue
            quiet = {phrase.text for phrase in small_voices(phrases)}
            rows = [(p.text, str(p.count), ", ".join(p.roles), SMALL_VOICE if p.text in quiet else "")
                    for p in phrases]
            out.append(Section(sheet.card, heading, sheet.kind, label, VOICES_HEADER, rows))
        elif sheet.kind == "list":
            items = list_items(sheet.text)
            if items:
                out.append(Section(sheet.card, heading, sheet.kind, label, items=items))
        elif sheet.text.strip():
            out.append(Section(sheet.card, heading, sheet.kind, label, text=sheet.text))
    return out
