"""What the deck screen shows of a card from the log: its entries, notes and workbook line, and
the sidebar's counts; read in one go (from the log's summary while the log is still being read)
and drawn into the card view, the notes and the editor's list of entries."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from powerdeck.core.entry import Entry, EntryFilter
from powerdeck.deck.model import Card
from powerdeck.tui.screens.workbook.workbook_open import peek_for
from powerdeck.tui.widgets.card_notes import CardNotes
from powerdeck.tui.widgets.card_view import CardView
from powerdeck.tui.widgets.sidebar import CapabilitySidebar
from powerdeck.tui.widgets.worksheet_peek import peek_text

if TYPE_CHECKING:
    from powerdeck.tui.screens.deck.deck_screen import DeckScreen


@dataclass(frozen=True)
class ShownCard:
    """What one card shows from the log: its entries (newest first), its workbook line, and how
    many entries it has (more than `entries` holds when they come from the log's summary)."""

    entries: list[Entry]
    peek: str
    total: int


class CardDrawer:
    """Reads what the showing card needs from the log and draws it, for one deck screen."""

    def __init__(self, screen: DeckScreen) -> None:
        self._screen = screen

    def read(self, card: Card) -> ShownCard:
        """What the card's notes and entry list show, in one read of the log; from the log's
        summary while the log is still being read (app.first_frame), unless the card's draft is
        of an earlier entry (the editor then needs that entry's stored text)."""
        screen = self._screen
        wants_peek = bool(card.worksheet or card.looks_back)
        first = screen.power_app.first_frame
        draft = screen.draft_keeper.drafts.get(card.id)
        if first is not None and (draft is None or draft.entry_id is None):
            found = first.summary.card(card.id)
            peek = peek_text(card, screen.power_app.deck, first.summary.sheets()) if wants_peek else ""
            return ShownCard(list(found.newest), peek, found.count)
        card_filter = EntryFilter(card=card.id)
        entries, sheets = screen.power_app.store.read(
            lambda log: (log.entries(card_filter), log.worksheets() if wants_peek else {}))
        return ShownCard(entries, peek_text(card, screen.power_app.deck, sheets) if wants_peek else "", len(entries))

    def draw(self, shown: ShownCard, *, direction: int) -> None:
        screen = self._screen
        card = screen.card
        screen.query_one(CardView).show(card, screen.power_app.deck.capability(card.capability), direction=direction)
        self.draw_entries(shown)

    def draw_entries(self, shown: ShownCard) -> None:
        self._show_notes(shown.entries, shown.peek, shown.total)
        self._screen.editor.set_entries(shown.entries)

    def draw_entries_now(self) -> None:
        """The showing card's entries, read now (the writes queued before have landed)."""
        screen = self._screen
        if screen.card_id and screen.is_attached:
            self.draw_entries(self.read(screen.card))

    def redraw_card(self, *, direction: int = 0) -> None:
        self.draw(self.read(self._screen.card), direction=direction)

    def show_notes(self, entries: list[Entry] | None = None) -> None:
        """The notes under or beside the card: its draft, its entries, its workbook line."""
        screen = self._screen
        card = screen.card
        if entries is None or screen.power_app.first_frame is not None:
            shown = self.read(card)
            self._show_notes(shown.entries, shown.peek, shown.total)
        else:
            self._show_notes(entries, peek_for(screen.power_app, card), len(entries))

    def _show_notes(self, entries: list[Entry], peek: str, total: int) -> None:
        screen = self._screen
        card = screen.card
        screen.query_one(CardNotes).show(
            entries,
            screen.draft_keeper.drafts.get(card.id),
            kept=screen.draft_keeper.is_kept(card.id),
            compact=not screen.has_class("-wide"),
            peek=peek,
            total=total,
        )

    def redraw_counts(self) -> None:
        screen = self._screen
        first = screen.power_app.first_frame
        counts = (first.summary.count_by_capability() if first is not None
                  else screen.power_app.store.read(lambda log: log.count_by_capability()))
        deck = screen.power_app.deck
        drafted = {deck.card(card_id).capability
                   for card_id in screen.draft_keeper.kept_cards() if deck.find_card(card_id)}
        screen.query_one(CapabilitySidebar).set_counts(counts, drafted)
