"""The word cloud, drawn to the width it is given (see workbook/cloud.py for the size cues)."""

from __future__ import annotations

from rich.text import Text
from textual import events
from textual.widgets import Static

from powerdeck.core.text import visible_line
from powerdeck.workbook.cloud import layout
from powerdeck.workbook.voices import Phrase

# ANSI colour names: the same 16 colours in every terminal; with NO_COLOR case and bold remain.
TIER_STYLES = {4: "bold yellow", 3: "bold cyan", 2: "", 1: "dim italic"}


def cloud_text(phrases: list[Phrase], width: int, *, small_apart: bool = False) -> Text:
    cloud = layout(phrases, width, small_apart=small_apart)
    text = Text(no_wrap=True, overflow="crop")
    for n, words in enumerate(cloud.lines):
        if n:
            text.append("\n")
        column = 0
        for word in words:
            text.append(" " * (word.column - column))
            text.append(visible_line(word.text), style=TIER_STYLES[word.tier])
            column = word.column + len(word.text)
    if cloud.apart:
        text.append("\n\nSmall voices:\n", style="bold")
        text.append("\n".join(f"  {visible_line(p.text)}" for p in cloud.apart), style="italic")
    if not phrases:
        text.append("The cloud appears here as you type.", style="dim")
    return text


class CloudView(Static):
    DEFAULT_CSS = """
    CloudView { height: auto; padding: 0 1; }
    """

    def __init__(self, **kwargs: object) -> None:
        super().__init__("", markup=False, **kwargs)  # type: ignore[arg-type]  # Static's keyword arguments (id, classes, ...) passed through
        self._phrases: list[Phrase] = []
        self._apart = False

    def show(self, phrases: list[Phrase], *, small_apart: bool) -> None:
        self._phrases, self._apart = phrases, small_apart
        self._draw()

    def _draw(self) -> None:
        width = max(self.size.width - 2, 20) if self.size.width else 40
        self.update(cloud_text(self._phrases, width, small_apart=self._apart))

    def on_resize(self, event: events.Resize) -> None:
        self._draw()
