"""Command palette entries of our own: go to any card by id or title, a random card, the log."""

from __future__ import annotations

from collections.abc import Iterator
from functools import partial

from textual.command import DiscoveryHit, Hit, Hits, Provider

from powerdeck.tui.app_services import services


class DeckCommands(Provider):
    """Every card by "4.2 Title", plus the deck screen's actions."""

    def _commands(self) -> Iterator[tuple[str, object, str]]:
        app = services(self)
        yield ("Random card", app.action_random_card, "Draw a card at random (r)")
        yield ("Review log", app.action_open_log, "Browse, filter and edit your entries (L)")
        yield ("Export log...", app.action_export_log, "Write your log to a file for a review")
        for card in app.deck.cards:
            yield (
                f"Go to card {card.id} {card.title}",
                partial(app.action_go_to_card, card.id),
                f"Capability {card.capability}",
            )

    async def discover(self) -> Hits:
        for name, callback, help_text in self._commands():
            yield DiscoveryHit(name, callback, help=help_text)  # type: ignore[arg-type]  # the callbacks are zero-argument callables; Textual's hit type wants its own alias

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for name, callback, help_text in self._commands():
            score = matcher.match(name)
            if score > 0:
                yield Hit(score, matcher.highlight(name), callback, help=help_text)  # type: ignore[arg-type]  # the callbacks are zero-argument callables; Textual's hit type wants its own alias
