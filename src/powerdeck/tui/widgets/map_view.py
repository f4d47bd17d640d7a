"""The relationship map drawn as rings around "me", each person marked with the quality."""

from __future__ import annotations

from rich.text import Text
from textual import events
from textual.widgets import Static

from powerdeck.core.text import visible_line
from powerdeck.workbook.model import Person
from powerdeck.workbook.relmap import draw, drawing_rows

STYLES = {"ring": "dim", "me": "bold", "strong": "bold green", "stressed": "bold red",
          "distant": "italic", "": ""}
LEGEND = "+ strong  ! stressed  ~ distant  ? seen too little"


def legend_lines(width: int, more: str = "") -> list[str]:
    """The legend, on as many lines as the width needs (each mark stays beside its word)."""
    lines = [""]
    for part in [*LEGEND.split("  "), *([more.strip()] if more else [])]:
        joined = f"{lines[-1]}  {part}" if lines[-1] else part
        if len(joined) <= width or not lines[-1]:
            lines[-1] = joined
        else:
            lines.append(part)
    return lines


def map_text(people: tuple[Person, ...], width: int, height: int) -> Text:
    legend = legend_lines(width)
    drawing = draw(people, width, max(height - len(legend), 7))
    text = Text(no_wrap=True, overflow="crop")
    for n, row in enumerate(drawing_rows(drawing)):
        if n:
            text.append("\n")
        for run, style in row:
            text.append(visible_line(run), style=STYLES.get(style, ""))
    more = f"({drawing.hidden} more in the list)" if drawing.hidden else ""
    text.append("\n" + "\n".join(legend_lines(width, more)), style="dim")
    return text


class MapView(Static):
    DEFAULT_CSS = """
    MapView { height: 1fr; }
    """

    def __init__(self, **kwargs: object) -> None:
        super().__init__("", markup=False, **kwargs)  # type: ignore[arg-type]  # Static's keyword arguments (id, classes, ...) passed through
        self._people: tuple[Person, ...] = ()

    def show(self, people: tuple[Person, ...]) -> None:
        self._people = people
        self._draw()

    def _draw(self) -> None:
        width, height = self.size.width or 40, self.size.height or 15
        self.update(map_text(self._people, width, height))

    def on_resize(self, event: events.Resize) -> None:
        self._draw()
