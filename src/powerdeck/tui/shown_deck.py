"""The deck as the app shows it: every text made visible (no control characters reach the terminal)."""

from __future__ import annotations

from dataclasses import replace

from powerdeck.core.text import visible, visible_line
from powerdeck.deck.model import Deck, Section


def shown_deck(deck: Deck) -> Deck:
    """The deck as the app shows it: every title and paragraph passed through visible(), so a
    deck file's control characters are shown, never obeyed, wherever a screen draws deck text
    (card view, sidebar, help, palette, review log). Card ids stay as they are (they are keys)."""

    def section(s: Section) -> Section:
        return replace(s, heading=visible_line(s.heading), paragraphs=tuple(visible(p) for p in s.paragraphs))

    capabilities = tuple(
        replace(
            capability,
            title=visible_line(capability.title),
            cards=tuple(
                replace(card, title=visible_line(card.title), paragraphs=tuple(visible(p) for p in card.paragraphs))
                for card in capability.cards
            ),
        )
        for capability in deck.capabilities
    )
    return replace(
        deck,
        title=visible_line(deck.title),
        author=visible_line(deck.author),
        guidance=tuple(section(s) for s in deck.guidance),
        credit=section(deck.credit),
        capabilities=capabilities,
    )

