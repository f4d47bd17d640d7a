"""A tiny app for tests/test_lean_text_area.py: two editor fields, styled as powerdeck's.

    python tests/apps/lean_field_app.py [--stock] [--text TEXT] [--placeholder TEXT]

`--stock` uses Textual's TextArea instead of LeanTextArea (to compare bytes); `--naive` a
LeanTextArea that redraws only the rows of the cursor's old and new line (wrong on purpose:
the tests must catch it).
Keys (besides the fields' own):
  ctrl+r  forced full repaint: every cache dropped, every widget and the screen redrawn;
          afterwards the marker at the top right shows R<n>.
  ctrl+t  ping: after the next screen refresh the marker shows P<n> (nothing else redrawn),
          so a test knows the keys sent before it were handled and painted.
  ctrl+l  load_text() a fixed three-line text into the focused field.
  ctrl+g  load_text("") into the focused field.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "src"))

from textual.app import App, ComposeResult  # noqa: E402
from textual.binding import Binding  # noqa: E402
from textual.reactive import reactive  # noqa: E402
from textual.widget import Widget  # noqa: E402
from textual.widgets import Label, TextArea  # noqa: E402

from powerdeck.tui.widgets.lean_text_area import LeanTextArea  # noqa: E402

LOADED_TEXT = "loaded one\nloaded two is a longer line that wraps across the narrow field\nloaded three"


class NaiveTextArea(LeanTextArea):
    """Repaints only the rows of the lines the cursor left and entered (not the rows an edit
    shifts or re-wraps, nor a selection's middle): wrong on purpose."""

    _previous_line = 0

    def _refresh_changed_rows(self) -> None:
        line = self.selection.end[0]
        for index in {line, self._previous_line}:
            if index < len(self.wrapped_document._line_index_to_offsets):
                for row in self.wrapped_document._line_index_to_offsets[index]:
                    self.refresh_lines(row)
        self._previous_line = line


class Marker(Widget):
    """R<refreshes> P<pings>: fixed size, repaint only (no layout). At the bottom of the screen:
    a frame is written top to bottom and can reach the terminal in more than one read, so once
    the marker shows, the rows above it in the same frame have arrived too."""

    DEFAULT_CSS = "Marker { width: 12; height: 1; dock: bottom; }"
    text: reactive[str] = reactive("R0 P0")

    def render(self) -> str:
        return self.text


class FieldApp(App):
    CSS = """
    Screen { padding: 1 2; }
    .field-label { margin-top: 1; }
    TextArea { height: 4; width: 44; border-left: outer $panel; padding: 0 1; }
    TextArea:focus { border-left: outer $accent; }
    """
    BINDINGS = [
        # Not priority bindings: the key goes through the focused field's queue first, so the
        # action runs after every key sent before it was handled.
        Binding("ctrl+r", "full_repaint"),
        Binding("ctrl+t", "ping"),
        Binding("ctrl+l", "load"),
        Binding("ctrl+g", "load_empty"),
    ]

    def __init__(self, field_class: type[TextArea], text: str, placeholder: str) -> None:
        super().__init__()
        self.field_class = field_class
        self.initial = text
        self.placeholder = placeholder
        self.refreshes = 0
        self.pings = 0

    def compose(self) -> ComposeResult:
        cls = self.field_class
        yield Marker()
        yield Label("Action · what will you do?", classes="field-label")
        first = cls(self.initial, id="first", soft_wrap=True, tab_behavior="focus", compact=True,
                    placeholder=self.placeholder)
        first.cursor_blink = False
        yield first
        yield Label("Outcome · what happened?", classes="field-label")
        second = cls("second field", id="second", soft_wrap=True, tab_behavior="focus", compact=True)
        second.cursor_blink = False
        yield second
        yield Label("fields ready")

    def on_mount(self) -> None:
        self.query_one("#first", TextArea).focus()

    def _marker(self) -> None:
        """Show the counts once nothing is waiting to be painted (else try after the next refresh)."""
        screen = self.screen
        pending = (
            screen._dirty_widgets
            or screen._compositor._dirty_regions
            or screen._repaint_required
            or screen._layout_required
            or any(w._repaint_required or w._layout_required for w in screen.walk_children())
        )
        if pending:
            self.call_after_refresh(self._marker)
            return
        self.query_one(Marker).text = f"R{self.refreshes} P{self.pings}"

    def action_full_repaint(self) -> None:
        for widget in self.screen.walk_children(with_self=True):
            if isinstance(widget, TextArea):
                widget._line_cache.clear()
            widget.refresh()
        self.screen.refresh()
        self.refreshes += 1
        self.call_after_refresh(self._marker)

    def action_ping(self) -> None:
        self.pings += 1
        self.call_after_refresh(self._marker)

    def _focused_area(self) -> TextArea:
        focused = self.focused
        return focused if isinstance(focused, TextArea) else self.query_one("#first", TextArea)

    def action_load(self) -> None:
        self._focused_area().load_text(LOADED_TEXT)

    def action_load_empty(self) -> None:
        self._focused_area().load_text("")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--stock", action="store_true")
    parser.add_argument("--naive", action="store_true")
    parser.add_argument("--text", default="")
    parser.add_argument("--placeholder", default="")
    args = parser.parse_args()
    field_class = TextArea if args.stock else NaiveTextArea if args.naive else LeanTextArea
    FieldApp(field_class, args.text.replace("\\n", "\n"), args.placeholder).run()


if __name__ == "__main__":
    main()
