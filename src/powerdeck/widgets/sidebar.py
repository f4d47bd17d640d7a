"""The capability sidebar: the ten capabilities with their entry counts, the current one highlighted.

It never takes focus: the screen's keys (up/down, k/j, 1-0) move it, so the arrow keys mean
the same thing wherever focus is outside the editor.
"""

from __future__ import annotations

from rich.cells import cell_len
from textual import events
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from powerdeck.deck import Capability


def shorten(text: str, width: int) -> str:
    """Cut text to a number of terminal cells, ending in an ellipsis when cut."""
    if cell_len(text) <= width:
        return text
    out = ""
    for char in text:
        if cell_len(out + char) > width - 1:
            break
        out += char
    return out.rstrip() + "…"


class CapabilitySidebar(OptionList, can_focus=False):
    """One line per capability: number, title shortened to fit, and how many entries it has."""

    COMPONENT_CLASSES = OptionList.COMPONENT_CLASSES

    def __init__(self, capabilities: tuple[Capability, ...], *, id: str | None = None) -> None:
        super().__init__(markup=False, id=id)
        self._capabilities = capabilities
        self._counts: dict[int, int] = {}
        self._drafts: set[int] = set()
        self._current = 1

    def on_mount(self) -> None:
        self._rebuild()

    def on_resize(self, event: events.Resize) -> None:
        self._rebuild()

    def set_counts(self, counts: dict[int, int], drafts: set[int]) -> None:
        if counts != self._counts or drafts != self._drafts:
            self._counts = dict(counts)
            self._drafts = set(drafts)
            self._rebuild()

    def set_drafts(self, drafts: set[int]) -> None:
        """Only the "draft kept" marks (a draft changes no counts)."""
        self.set_counts(self._counts, drafts)

    def select_capability(self, number: int) -> None:
        # Kept here too: options are built on the first resize, after the first card is chosen.
        self._current = number
        if self.option_count and self.highlighted != number - 1:  # the same again would repaint
            self.highlighted = number - 1

    def _label(self, capability: Capability, width: int) -> str:
        count = self._counts.get(capability.number, 0)
        mark = "✎" if capability.number in self._drafts else " "
        tail = f"{mark}{count:>3}" if count else f"{mark}   "
        number = f"{capability.number:>2} "
        room = width - len(number) - len(tail) - 1
        if room < 6:
            # Too narrow for titles: numbers (and the draft mark) only.
            return f"{number}{mark}"
        return f"{number}{shorten(capability.title, room):<{room}} {tail}"

    def _rebuild(self) -> None:
        width = self.scrollable_content_region.width
        if not width:
            return  # not laid out yet: the first resize builds the labels at their real width
        options = [
            Option(self._label(capability, width), id=f"cap-{capability.number}")
            for capability in self._capabilities
        ]
        self.set_options(options)
        self.highlighted = self._current - 1
