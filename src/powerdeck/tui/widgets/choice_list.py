"""One choice of several, where moving is choosing: the arrow keys move the mark and pick.

The chosen line is marked `(•)` and the others `( )`, so the choice reads without colour
(NO_COLOR, 16 colours, a screen reader). Enter posts `Submitted` (a dialog moves on).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from textual import on
from textual.message import Message
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from powerdeck.core.text import visible_line

CHOSEN_MARK = "(•) "
OTHER_MARK = "( ) "


class ChoiceList(OptionList):
    """Choices as (value, label); `value` is the chosen one."""

    @dataclass
    class Chosen(Message):
        choice_list: ChoiceList
        value: str

        @property
        def control(self) -> ChoiceList:
            return self.choice_list

    @dataclass
    class Submitted(Message):
        choice_list: ChoiceList
        value: str

        @property
        def control(self) -> ChoiceList:
            return self.choice_list

    def __init__(self, choices: Sequence[tuple[str, str]], chosen: str, *, id: str | None = None) -> None:
        self._labels = {value: visible_line(label) for value, label in choices}
        self.value = chosen if chosen in self._labels else choices[0][0]
        super().__init__(
            *(Option(self._prompt(value), id=value) for value, _ in choices), id=id, markup=False
        )

    def _prompt(self, value: str) -> str:
        return f"{CHOSEN_MARK if value == self.value else OTHER_MARK}{self._labels[value]}"

    def on_mount(self) -> None:
        super().on_mount()  # OptionList lays out its lines here
        self.highlighted = list(self._labels).index(self.value)

    def choose(self, value: str) -> None:
        if value not in self._labels or value == self.value:
            return
        previous, self.value = self.value, value
        for changed in (previous, value):
            self.replace_option_prompt(changed, self._prompt(changed))
        self.highlighted = list(self._labels).index(value)
        self.post_message(self.Chosen(self, value))

    @on(OptionList.OptionHighlighted)
    def _moved(self, event: OptionList.OptionHighlighted) -> None:
        event.stop()
        # Highlight messages arrive after the fact: one for a line the highlight has already
        # left is stale, and acting on it would move the highlight back (and back again).
        if event.option_index == self.highlighted and event.option.id is not None:
            self.choose(event.option.id)

    @on(OptionList.OptionSelected)
    def _selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        if event.option.id is not None:
            self.choose(event.option.id)
        self.post_message(self.Submitted(self, self.value))
