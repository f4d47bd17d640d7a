"""The card itself: its capability, id and title, and its text as the card prints it.

A change of card slides the new card in from the side it comes from. Textual's animator skips
straight to the end when the app's animation level is "none" (or "basic" for the fade), and the
content is always replaced at once, so keys pressed during an animation are never lost: the
view ends on the card the last key led to.
"""

from __future__ import annotations

from textual.containers import VerticalScroll
from textual.content import Content
from textual.geometry import Offset
from textual.widgets import Static

from powerdeck.deck import Capability, Card

SLIDE_CELLS = 6
"""How far a new card starts from its place: a short slide costs few repaints over SSH."""
SLIDE_SECONDS = 0.22


def render_card(card: Card, capability: Capability, *, entries: int, has_draft: bool) -> Content:
    """The card as styled content; deck text goes in as variables, so it is never parsed as markup."""
    parts: list[Content] = [
        Content.from_markup(
            "[dim]Capability $number · $title[/]", number=str(capability.number), title=capability.title
        ),
        Content("\n"),
        Content.from_markup("[b $accent]$id[/]  [b]$title[/]", id=card.id, title=card.title),
        Content("\n"),
    ]
    for paragraph in card.paragraphs:
        parts.append(Content("\n"))
        if paragraph.rstrip().endswith("?"):
            # Questions are what the card asks the reader: mark them as the printed card sets them apart.
            parts.append(Content.from_markup("[$accent]›[/] $text", text=paragraph))
        else:
            parts.append(Content(paragraph))
        parts.append(Content("\n"))
    notes = []
    if entries:
        notes.append(f"{entries} log {'entry' if entries == 1 else 'entries'}")
    if has_draft:
        notes.append("✎ draft kept")
    if notes:
        parts.append(Content("\n"))
        parts.append(Content.from_markup("[dim]$notes[/]", notes=" · ".join(notes)))
    return Content("").join(parts)


class CardView(VerticalScroll, can_focus=False):
    """Shows one card; `show` swaps it, animated in the direction of travel."""

    DEFAULT_CSS = """
    CardView {
        padding: 0 1;
    }
    CardView > #card-text {
        width: 1fr;
    }
    """

    def compose(self):
        yield Static(id="card-text")

    def show(
        self,
        card: Card,
        capability: Capability,
        *,
        direction: int = 0,
        entries: int = 0,
        has_draft: bool = False,
    ) -> None:
        text = self.query_one("#card-text", Static)
        changed = getattr(self, "_card_id", None) != card.id
        self._card_id = card.id
        text.update(render_card(card, capability, entries=entries, has_draft=has_draft))
        if not changed:
            return
        self.scroll_home(animate=False)
        if direction and self.app.animation_level != "none":
            # With no animation the offset is never set: a frame drawn out of place would cost a
            # second paint of the whole card over a slow link.
            # A new animation on the same attribute replaces one still running.
            text.styles.offset = (SLIDE_CELLS * direction, 0)
            text.animate(
                "offset", Offset(0, 0), duration=SLIDE_SECONDS, easing="out_cubic", level="basic"
            )
            if self.app.animation_level == "full":
                text.styles.opacity = 0.3
                text.styles.animate(
                    "opacity", 1.0, duration=SLIDE_SECONDS, easing="out_cubic", level="full"
                )

    @property
    def card_id(self) -> str | None:
        return getattr(self, "_card_id", None)
