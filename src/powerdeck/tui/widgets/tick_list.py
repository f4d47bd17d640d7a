"""A SelectionList whose boxes differ without colour: ticked shows "✓", unticked a blank box.

Textual draws the same "X" in every box and tells ticked from unticked by colour alone, so in 16
colours, with NO_COLOR or to a colour-blind reader every box looked ticked.
"""

from __future__ import annotations

from typing import TypeVar

from rich.segment import Segment
from textual.strip import Strip
from textual.widgets import Checkbox, SelectionList

T = TypeVar("T")
TICKED = "✓"
UNTICKED = " "


class TickList(SelectionList[T]):
    """SelectionList, its box drawn "✓" when ticked and empty when not."""

    def render_line(self, y: int) -> Strip:
        line = super().render_line(y)
        segments = []
        for segment in line:
            text, style, control = segment
            # SelectionList draws its boxes with the toggle buttons' glyph (Checkbox is one).
            if text == Checkbox.BUTTON_INNER and style is not None and "option" in style.meta:
                index = style.meta["option"]
                ticked = self.get_option_at_index(index).value in self.selected
                segment = Segment(TICKED if ticked else UNTICKED, style, control)
            segments.append(segment)
        return Strip(segments, line.cell_length)
