"""The deck screen's moves: card to card, capability to capability, a random card, scrolling the
card, and the keys that open the workbook, the review log and what is due.

A part of DeckScreen (a Screen class it inherits from): the bindings name these actions on the screen."""

from __future__ import annotations

import random
from typing import TYPE_CHECKING

from textual.screen import Screen

from powerdeck.deck.model import Card
from powerdeck.tui.screens.workbook.workbook_open import open_workbook
from powerdeck.tui.widgets.card_view import CardView

if TYPE_CHECKING:
    from powerdeck.tui.app_services import AppServices
    from powerdeck.tui.screens.deck.deck_keys import TypingGate

LETTERS = {
    "edit": "action_edit",
    "random_card": "action_random_card",
    "open_log": "action_open_log",
    "open_due": "action_open_due",
    "help": "action_help",
    "scroll_card_down": "action_scroll_card_down",
    "workbook": "action_workbook",
}
"""The reading screen's command letters, by binding name, and the action each runs."""


class CardMoves(Screen[None]):
    """Moving about the deck (DeckScreen's navigation keys)."""

    if TYPE_CHECKING:  # what DeckScreen gives its parts
        card_id: str
        gate: TypingGate

        @property
        def power_app(self) -> AppServices: ...
        @property
        def card(self) -> Card: ...
        def set_status(self, text: str) -> None: ...
        def queue_draft_write(self) -> None: ...
        def _show(self, card: Card, *, direction: int) -> None: ...

    def _go(self, card: Card, direction: int | None = None) -> None:
        """Show a card; without a direction, it slides in from the side it lies on in the deck."""
        if card.id == self.card_id:
            return
        if direction is None:
            deck = self.power_app.deck
            direction = 1 if deck.card_index(card.id) > deck.card_index(self.card_id) else -1
        self._show(card, direction=direction)

    def action_previous_card(self) -> None:
        self.gate.flush()
        self._go(self.power_app.deck.step(self.card_id, -1), -1)

    def action_next_card(self) -> None:
        self.gate.flush()
        self._go(self.power_app.deck.step(self.card_id, 1), 1)

    def action_letter(self, name: str) -> None:
        """A command letter or digit while reading: it acts unless it turns out to be typing."""
        if name.startswith("capability_"):
            number = int(name.removeprefix("capability_"))
            self.gate.command(name, lambda: self.action_capability(number))
            return
        action = getattr(self, LETTERS[name])
        self.gate.command(name, action)

    def action_help(self) -> None:
        self.power_app.action_help()

    def action_scroll_card_down(self) -> None:
        self.action_scroll_card(1)

    def action_capability(self, number: int) -> None:
        deck = self.power_app.deck
        found = next((capability for capability in deck.capabilities if capability.number == number), None)
        if found is None:  # a team's deck need not number its capabilities 1..10
            numbers = ", ".join(str(capability.number) for capability in deck.capabilities)
            self.set_status(f"This deck has no capability {number}; its capabilities are {numbers}.")
            return
        target = found.cards[0]
        current = self.card.capability
        if number != current:
            self._go(target, 1 if number > current else -1)

    def _step_capability(self, delta: int) -> None:
        deck = self.power_app.deck
        numbers = [capability.number for capability in deck.capabilities]
        index = (numbers.index(self.card.capability) + delta) % len(numbers)
        self._go(deck.capability(numbers[index]).cards[0], delta)

    def action_previous_capability(self) -> None:
        self.gate.flush()
        self._step_capability(-1)

    def action_next_capability(self) -> None:
        self.gate.flush()
        self._step_capability(1)

    def action_random_card(self) -> None:
        deck = self.power_app.deck
        others = [card for card in deck.cards if card.id != self.card_id]
        if not others:
            return
        card = random.choice(others)
        self._go(card)
        self.set_status(f"Drew card {card.id} at random")

    def go_to_card(self, card_id: str) -> None:
        self._go(self.power_app.deck.card(card_id))

    def action_scroll_card(self, pages: int) -> None:
        self.gate.flush()
        view = self.query_one(CardView)
        if pages > 0:
            view.scroll_page_down(animate=False)
        else:
            view.scroll_page_up(animate=False)

    def action_scroll_card_lines(self, direction: int) -> None:
        """While writing: scroll the card beside or above the field, without leaving the field."""
        view = self.query_one(CardView)
        view.scroll_relative(y=direction * max(1, view.scrollable_content_region.height - 1), animate=False)

    def action_workbook(self) -> None:
        open_workbook(self, self.card)

    def action_open_log(self) -> None:
        self.queue_draft_write()
        self.power_app.action_open_log()

    def action_open_due(self) -> None:
        self.queue_draft_write()
        self.power_app.action_open_due()
