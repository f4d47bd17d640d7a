"""The workbook from the deck screen: its line about the worksheets (read here, drawn by
widgets/worksheet_peek.py) and the `w` key that opens this card's worksheet, or the one it looks
back to.

The deck screen adds WORKBOOK_BINDINGS, calls `peek_for` when it shows a card and `open_workbook`
for the key; a worksheet's write reaches it as every change does, through the log watcher's signal.
"""

from __future__ import annotations

from typing import Any

from textual.binding import Binding, BindingType
from textual.screen import Screen

from powerdeck.deck.model import Card
from powerdeck.tui.app_services import AppServices, services
from powerdeck.tui.widgets.worksheet_peek import peek_text

WORKBOOK_BINDINGS: list[BindingType] = [
    # A command letter like r and e: it goes through the deck screen's typing gate (deck_keys).
    Binding("w", "letter('workbook')", "Workbook", id="workbook",
            tooltip="Open this card's worksheet, or the ones it looks back to", show=False, priority=True),
]


def peek_for(app: AppServices, card: Card) -> str:
    """The workbook line for `card` ("" when it has no worksheet and looks back to none)."""
    if not (card.worksheet or card.looks_back):
        return ""
    sheets = app.store.read(lambda log: log.worksheets())
    return peek_text(card, app.deck, sheets)


def worksheet_screen(card: Card, *, breadth: bool = False) -> Screen[None] | None:
    from powerdeck.tui.screens.workbook.map_screen import MapScreen
    from powerdeck.tui.screens.workbook.notes_screen import NotesScreen
    from powerdeck.tui.screens.workbook.voices_screen import VoicesScreen

    if card.worksheet == "voices":
        return VoicesScreen(card)
    if card.worksheet == "map":
        return MapScreen(card, breadth=breadth)
    if card.worksheet in ("notes", "list", "memo"):
        return NotesScreen(card, card.worksheet)
    return None


def open_workbook(screen: Screen[Any], card: Card) -> None:
    """The `w` key: this card's worksheet; else the one it looks back to (a choice of several)."""
    app, deck = screen.app, services(screen).deck
    if card.worksheet:
        target = worksheet_screen(card)
        if target is not None:
            app.push_screen(target)
        return
    refs = [deck.card(ref) for ref in card.looks_back if deck.card(ref).worksheet]
    if not refs:
        app.notify("This card has no worksheet.", markup=False)
        return
    if len(refs) == 1:
        target = worksheet_screen(refs[0], breadth=True)
        if target is not None:
            app.push_screen(target)
        return
    from powerdeck.tui.screens.workbook.look_back_dialog import LookBackDialog

    def chosen(card_id: str | None) -> None:
        if card_id:
            target = worksheet_screen(deck.card(card_id), breadth=True)
            if target is not None:
                app.push_screen(target)

    app.push_screen(LookBackDialog(refs), chosen)
