"""Lists, notes and memos (cards 8.1, 9.1, 10.1, 10.3): a full-screen writing view.

The whole screen is the text (a manifesto is longer than a 4-line field); it is kept as it is
typed, and escape goes back to the card.
"""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.widgets import Static, TextArea

from powerdeck.core.text import visible_line
from powerdeck.deck.model import Card
from powerdeck.tui.screens.workbook.worksheet_base import WorksheetScreen
from powerdeck.tui.widgets.lean_footer import LeanFooter
from powerdeck.tui.widgets.lean_text_area import LeanTextArea
from powerdeck.tui.widgets.problem_line import ProblemLine
from powerdeck.workbook.model import Worksheet
from powerdeck.workbook.notes import list_items, word_count

HINTS = {
    "list": "A list: one item a line.",
    "notes": "Notes: a few lines, or keywords.",
    "memo": "A memo: write as much as you need.",
}


class NotesScreen(WorksheetScreen):
    DEFAULT_CSS = """
    NotesScreen #ws-title { height: 1; padding: 0 1; text-style: bold; background: $panel; }
    NotesScreen #notes-hint { height: 1; padding: 0 1; color: $text-muted; }
    NotesScreen #notes-text { height: 1fr; }
    NotesScreen #ws-status { height: 1; padding: 0 1; color: $text-muted; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "back", "Back", id="notes-back", tooltip="Back to the card (kept as you type)",
                priority=True),
    ]

    def __init__(self, card: Card, kind: str) -> None:
        super().__init__(card, kind)

    def compose(self) -> ComposeResult:
        yield Static(Text(visible_line(f"{self.card.id} {self.card.title} · {self.sheet.kind}")), id="ws-title")
        yield Static(HINTS[self.sheet.kind], id="notes-hint", markup=False)
        yield LeanTextArea(self.sheet.text, id="notes-text", soft_wrap=True, tab_behavior="focus")
        yield ProblemLine(id="problem-line")
        yield Static("", id="ws-status", markup=False)
        yield LeanFooter()

    def on_mount(self) -> None:
        self.set_focus(self.query_one("#notes-text", TextArea))
        self._count()

    def current(self) -> Worksheet:
        # The field itself, not the last Changed message: a hang-up can come before it is handled.
        if not self.is_mounted:
            return self.sheet
        return self.sheet.with_changes(text=self.query_one("#notes-text", TextArea).text)

    def _count(self) -> None:
        text = self.sheet.text
        size = f"{len(list_items(text))} items" if self.sheet.kind == "list" else f"{word_count(text)} words"
        self.set_status(size)

    @on(TextArea.Changed, "#notes-text")
    def _typed(self, event: TextArea.Changed) -> None:
        self.sheet = self.sheet.with_changes(text=event.text_area.text)
        self._count()
        self.changed()
