"""The deck screen's two states, reading and writing, and the badge that always names the one it
is in (`READING card 4.2`, `WRITING: Outcome card 4.2`).

*Reading* shows the card and its notes; the editor is not displayed and nothing has focus.
*Writing* (focus inside the editor) shows the editor instead: `-writing` on the screen, `-editing`
on `#work`, and the card's "more" label names the keys that scroll it from the field. The state
follows the focus: the screen calls `switch()` whenever focus enters or leaves the editor. Which
keys act in which state is deck_keys.py's `READING` and `WRITING`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.content import Content
from textual.widgets import Static

from powerdeck.tui.widgets.card_notes import CardNotes
from powerdeck.tui.widgets.card_view import MORE, CardView

if TYPE_CHECKING:
    from powerdeck.tui.screens.deck.deck_screen import DeckScreen

TYPING_HINT = "Typing does nothing here: press enter or e to write."


class DeckMode:
    """Reading or writing, for one deck screen: the switch between them and the badge."""

    def __init__(self, screen: DeckScreen) -> None:
        self.screen = screen
        self.writing = False

    def badge(self) -> Content:
        """The state, always in view and in words: reading or writing, which card, which field."""
        screen = self.screen
        card = screen.card_id
        if not self.writing:
            return Content.from_markup("[b reverse] READING [/] $card", card=f"card {card}" if card else "")
        name = screen.editor.active_field if screen.is_mounted else None
        detail = screen.editor.active_detail if screen.is_mounted and name is None else None
        where = f"WRITING: {name.capitalize()}" if name else f"WRITING: {detail}" if detail else "WRITING"
        return Content.from_markup("[b reverse] $where [/] card $card", where=where, card=card)

    def show_badge(self) -> None:
        mode = self.screen.query_one("#mode", Static)
        text = self.badge()
        if mode.content != text:
            mode.update(text)

    def switch(self, writing: bool) -> None:
        """Switch between the two states: reading (card and notes) and writing (card and form)."""
        screen = self.screen
        if writing != self.writing:
            self.writing = writing
            if writing:
                screen.gate.reset()  # a letter waiting to act is text in the field now
            # Back to reading, a letter already waiting came after the editor lost focus (this
            # switch runs a refresh later): a command, as "escape 4" sent in one burst means.
            if str(screen.query_one("#status", Static).content) == TYPING_HINT:
                screen.set_status("")  # the hint has been followed
            screen.query_one("#work").set_class(writing, "-editing")
            screen.set_class(writing, "-writing")
            screen.editor.display = writing
            screen.query_one(CardNotes).display = not writing
            if not writing:
                screen.draft_keeper.draw_notes()  # autosaves while writing left the hidden notes alone
            view = screen.query_one(CardView)
            view.more_label = " ↓ more: ctrl+↓ or f3 " if writing else MORE
            view.refresh()
        self.show_badge()
        screen.refresh_bindings()
