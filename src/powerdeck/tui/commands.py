"""Command palette entries of our own: go to any card or capability, a random card, the log.

A search matches a command's name as Textual's palette does (letters in order), and also finds a
card by the words of its text and its capability ("commission" finds capability 5 and cards 5.1,
5.2 and 5.3), ignoring case and accents. Such a hit ranks below a name's and says where the word is.
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import partial

from textual.command import DiscoveryHit, Hit, Hits, Provider
from textual.content import Content

from powerdeck.core.text import folded, visible_line
from powerdeck.tui.app_services import services
from powerdeck.tui.cells import shorten


class DeckCommands(Provider):
    """Every card by "4.2 Title", plus the deck screen's actions."""

    def _commands(self) -> Iterator[tuple[str, object, str]]:
        app = services(self)
        yield ("Random card", app.action_random_card, "Draw a card at random (r)")
        yield ("Review log", app.action_open_log, "Browse, filter and edit your entries (L)")
        yield ("Export log...", app.action_export_log, "Write your log to a file for a review")
        for capability in app.deck.capabilities:
            if capability.cards:
                yield (
                    f"Go to capability {capability.number} {capability.title}",
                    partial(app.action_go_to_card, capability.cards[0].id),
                    f"Its first card, {capability.cards[0].id}",
                )
        for card in app.deck.cards:
            yield (
                f"Go to card {card.id} {card.title}",
                partial(app.action_go_to_card, card.id),
                f"Capability {card.capability}",
            )

    def _texts(self) -> dict[str, list[str]]:
        """Each card command's words to search beyond its name: the card's text, its capability."""
        app = services(self)
        texts: dict[str, list[str]] = {}
        for card in app.deck.cards:
            capability = app.deck.capability(card.capability)
            texts[f"Go to card {card.id} {card.title}"] = [*card.paragraphs, capability.title]
        return texts

    async def discover(self) -> Hits:
        for name, callback, help_text in self._commands():
            yield DiscoveryHit(name, callback, help=help_text)  # type: ignore[arg-type]  # the callbacks are zero-argument callables; Textual's hit type wants its own alias

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        words = folded(query).split()
        texts = self._texts()
        for name, callback, help_text in self._commands():
            score = matcher.match(name)
            if score > 0:
                yield Hit(score, matcher.highlight(name), callback, help=help_text)  # type: ignore[arg-type]  # the callbacks are zero-argument callables; Textual's hit type wants its own alias
                continue
            where = found_in(words, [name, *texts.get(name, [])])
            if where:
                yield Hit(TEXT_SCORE, Content(name), callback, help=where)  # type: ignore[arg-type]  # as above


TEXT_SCORE = 0.3
"""A hit in a card's text ranks below one in a name."""


def found_in(words: list[str], texts: list[str]) -> str:
    """Where every word is found in `texts` taken together (case and accents ignored): the
    passage holding the first word, shortened; "" when some word is missing."""
    if not words:
        return ""
    together = folded(" ".join(texts))
    if not all(word in together for word in words):
        return ""
    passage = next((text for text in texts if words[0] in folded(text)), texts[0])
    return "“" + shorten(visible_line(passage), 70) + "”"
