"""`powerdeck cards [ID]`: the deck's outline, or one card, as plain text (no app needed)."""

from __future__ import annotations

import shutil
import sys
import textwrap
from typing import Any

from powerdeck.core.errors import PowerdeckError
from powerdeck.core.text import visible, visible_line
from powerdeck.deck.model import Card, Deck, deck_path_from, load_deck

MAX_WIDTH = 100
MIN_WIDTH = 30


class UnknownCardError(PowerdeckError):
    """`powerdeck cards ID` with an id that is not in the deck."""


def run_cards(args: Any) -> int:
    deck = load_deck(deck_path_from(getattr(args, "deck", None)))
    card_id = getattr(args, "card_id", None)
    if card_id is None:
        text = outline(deck)
    else:
        card = deck.find_card(card_id.strip())
        if card is None:
            first, last = deck.cards[0].id, deck.cards[-1].id
            raise UnknownCardError(
                f'no card "{visible_line(card_id)}"; card ids look like {visible_line(first)} … {visible_line(last)} '
                '(run "powerdeck cards" to list them)'
            )
        text = card_text(deck, card, _width())
    _write(text)
    return 0


def outline(deck: Deck) -> str:
    """Each capability's number and title, its cards indented under it, then the credit."""
    lines = [deck.title, ""]
    for capability in deck.capabilities:
        lines.append(f"{capability.number}. {capability.title}")
        lines.extend(f"   {card.id:<5} {card.title}" for card in capability.cards)
    lines += ["", credit_line(deck)]
    return "\n".join(lines) + "\n"


def card_text(deck: Deck, card: Card, width: int) -> str:
    """One card as plain text wrapped to `width`, paragraphs separated by blank lines."""
    capability = deck.capability(card.capability)
    blocks = [
        f"{capability.number}. {capability.title}",
        f"{card.id}  {card.title}",
        *card.paragraphs,
        credit_line(deck),
    ]
    return "\n\n".join(textwrap.fill(block, width, break_on_hyphens=False) for block in blocks) + "\n"


def credit_line(deck: Deck) -> str:
    return f"{deck.title}, by {deck.author}."


def _width() -> int:
    columns = shutil.get_terminal_size((80, 24)).columns
    return max(MIN_WIDTH, min(columns, MAX_WIDTH))


def _write(text: str) -> None:
    """Print, never failing on a terminal that cannot show ’ or …, never obeying a deck's control
    characters (an escape sequence in a title is shown as ␛[…, not run by the terminal)."""
    reconfigure = getattr(sys.stdout, "reconfigure", None)
    if reconfigure is not None:
        try:
            reconfigure(errors="replace")
        except (ValueError, OSError):
            pass
    sys.stdout.write(visible(text))
