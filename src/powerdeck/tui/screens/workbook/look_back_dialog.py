"""Which of the cards a card looks back to (2.3: the map of 1.2, the voices of 1.3) to open."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from powerdeck.core.text import visible_line
from powerdeck.deck.model import Card


class LookBackDialog(ModalScreen[str | None]):
    DEFAULT_CSS = """
    LookBackDialog { align: center middle; }
    LookBackDialog > Vertical {
        width: 60; max-width: 100%; height: auto; border: round $primary; background: $surface; padding: 0 1;
    }
    LookBackDialog OptionList { height: auto; max-height: 8; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", "Cancel", id="look-back-cancel",
                                                     tooltip="Close without opening", priority=True)]

    def __init__(self, cards: list[Card]) -> None:
        super().__init__()
        self.cards = cards

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static("Look back at:", markup=False)
            yield OptionList(*(Option(Text(visible_line(f"{c.id} {c.title} ({c.worksheet})")), id=c.id)
                               for c in self.cards), id="look-back-list")

    @on(OptionList.OptionSelected)
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option.id)

    def action_cancel(self) -> None:
        self.dismiss(None)
