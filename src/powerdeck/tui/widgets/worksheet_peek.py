"""The deck screen's line about the workbook: this card's worksheet, or what the cards it looks
back to hold (2.3: the map of 1.2 and the cloud of 1.3, in brief; 7.1: the map's breadth).

Text only: the deck screen reads the worksheets and shows the line (screens/workbook_open.py:
`peek_for`, and the `w` key that opens a worksheet).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from powerdeck.deck.model import Card, Deck

if TYPE_CHECKING:
    from powerdeck.workbook.model import Worksheet


def describe(sheet: Worksheet | None, kind: str, *, breadth: bool = False) -> str:
    """One worksheet in brief."""
    if sheet is None or sheet.is_empty:
        return {"voices": "no voices yet", "map": "no map yet"}.get(kind, "nothing written yet")
    # The workbook's modules load once there is a worksheet to describe: the deck screen imports
    # this module, and most starts show a card with nothing written in its worksheet.
    from powerdeck.workbook import relmap
    from powerdeck.workbook.notes import brief, list_items, word_count
    from powerdeck.workbook.voices import small_voices, weights

    if kind == "voices":
        phrases = weights(sheet.text)
        quiet = small_voices(phrases)
        large = ", ".join([p.text for p in phrases if p not in quiet][:3])
        small = ", ".join(p.text for p in quiet[:2])
        return f"{sum(p.count for p in phrases)} said; large: {large}" + (f"; small: {small}" if small else "")
    if kind == "map":
        people = sheet.people
        stressed = sum(p.quality == "stressed" for p in people)
        text = f"{len(people)} on the map, {stressed} stressed, {len(relmap.missing(people))} seen too little"
        return text + (f"; {relmap.breadth(people).summary()}" if breadth else "")
    if kind == "list":
        return f"{len(list_items(sheet.text))} items: {brief(', '.join(list_items(sheet.text)), 50)}"
    return f"{word_count(sheet.text)} words: {brief(sheet.text, 50)}"


def peek_text(card: Card, deck: Deck, sheets: dict[str, Worksheet]) -> str:
    parts = []
    if card.worksheet:
        parts.append(f"Your {card.worksheet}: {describe(sheets.get(card.id), card.worksheet)}")
    for ref in card.looks_back:
        other = deck.find_card(ref)
        kind = other.worksheet if other and other.worksheet else ""
        if kind:
            parts.append(f"{ref} {kind}: {describe(sheets.get(ref), kind, breadth=len(card.looks_back) == 1)}")
    if not parts:
        return ""
    return ("Looks back · " if card.looks_back and not card.worksheet else "") + " · ".join(parts) + "  (w opens)"
