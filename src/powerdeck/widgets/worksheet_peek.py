"""The deck screen's line about the workbook: this card's worksheet, or what the cards it looks
back to hold (2.3: the map of 1.2 and the cloud of 1.3, in brief; 7.1: the map's breadth).

Kept apart from the deck screen, which only composes the widget, calls `refresh_peek` when it
shows a card, adds WORKBOOK_BINDINGS and calls `open_workbook` for the key.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from textual.binding import Binding, BindingType
from textual.screen import Screen

from powerdeck.deck import Card, Deck
from powerdeck.workbook import relmap
from powerdeck.workbook.model import Worksheet
from powerdeck.workbook.notes import brief, list_items, word_count
from powerdeck.workbook.voices import small_voices, weights

if TYPE_CHECKING:
    from powerdeck.app import PowerDeckApp

WORKBOOK_BINDINGS: list[BindingType] = [
    # A command letter like r and e: it goes through the deck screen's typing gate (deck_keys).
    Binding("w", "letter('workbook')", "Workbook", id="workbook",
            tooltip="Open this card's worksheet, or the ones it looks back to", show=False, priority=True),
]


def describe(sheet: Worksheet | None, kind: str, *, breadth: bool = False) -> str:
    """One worksheet in brief."""
    if sheet is None or sheet.is_empty:
        return {"voices": "no voices yet", "map": "no map yet"}.get(kind, "nothing written yet")
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


def peek_for(app: PowerDeckApp, card: Card) -> str:
    """The workbook line for `card` ("" when it has no worksheet and looks back to none)."""
    if not (card.worksheet or card.looks_back):
        return ""
    sheets = app.store.read(lambda log: log.worksheets())
    return peek_text(card, app.deck, sheets)


def refresh_all_peeks(app: PowerDeckApp) -> None:
    """A worksheet was written: every deck screen on the stack shows it in its notes (the screen
    may have resumed before the write landed)."""
    for screen in app.screen_stack:
        show_notes = getattr(screen, "show_notes", None)
        if show_notes is not None:
            show_notes()


def worksheet_screen(card: Card, *, breadth: bool = False) -> Screen[None] | None:
    from powerdeck.screens.map_screen import MapScreen
    from powerdeck.screens.notes_screen import NotesScreen
    from powerdeck.screens.voices_screen import VoicesScreen

    if card.worksheet == "voices":
        return VoicesScreen(card)
    if card.worksheet == "map":
        return MapScreen(card, breadth=breadth)
    if card.worksheet in ("notes", "list", "memo"):
        return NotesScreen(card, card.worksheet)
    return None


def open_workbook(screen: Screen[Any], card: Card) -> None:
    """The `w` key: this card's worksheet; else the one it looks back to (a choice of several)."""
    app: PowerDeckApp = screen.app  # type: ignore[assignment]  # Screen.app is App[Any]; the workbook opens only in PowerDeckApp
    if card.worksheet:
        target = worksheet_screen(card)
        if target is not None:
            app.push_screen(target)
        return
    refs = [app.deck.card(ref) for ref in card.looks_back if app.deck.card(ref).worksheet]
    if not refs:
        app.notify("This card has no worksheet.", markup=False)
        return
    if len(refs) == 1:
        target = worksheet_screen(refs[0], breadth=True)
        if target is not None:
            app.push_screen(target)
        return
    from powerdeck.screens.look_back_dialog import LookBackDialog

    def chosen(card_id: str | None) -> None:
        if card_id:
            target = worksheet_screen(app.deck.card(card_id), breadth=True)
            if target is not None:
                app.push_screen(target)

    app.push_screen(LookBackDialog(refs), chosen)
