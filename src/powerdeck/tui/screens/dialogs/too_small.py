"""Shown instead of a broken layout while the terminal is smaller than the app can use.

Keys typed meanwhile are held, not dropped: the app hands the typing ones (characters, backspace,
enter, tab) back to the field that was focused once the terminal is big enough (App._check_size).
"""

from __future__ import annotations

from textual import events
from textual.app import ComposeResult
from textual.screen import Screen
from textual.widgets import Static

from powerdeck.tui.screens.dialogs.min_size import MIN_HEIGHT, MIN_WIDTH

TYPING_KEYS = frozenset({"backspace", "delete", "enter", "tab", "shift+tab", "left", "right", "up", "down"})
HELD_LIMIT = 100_000
"""At most this many keys are held (a paste into a tiny terminal still fits)."""


def too_small_message(width: int, height: int) -> str:
    return (
        f"Make the terminal larger (now {width}x{height}, needs {MIN_WIDTH}x{MIN_HEIGHT}). "
        "Your text is safe. ctrl+q quits."
    )


class TooSmallScreen(Screen[None]):
    """One message, centred; the app pops this screen as soon as the terminal is big enough."""

    DEFAULT_CSS = """
    TooSmallScreen {
        align: center middle;
    }
    TooSmallScreen > Static {
        width: 1fr;
        height: auto;
        padding: 0 1;
        text-align: center;
    }
    """

    def __init__(self, size: tuple[int, int] | None = None) -> None:
        super().__init__()
        self._terminal_size = size
        self.held_keys: list[events.Key] = []
        """Typing keys pressed while this screen showed, in order, for the field underneath."""

    def on_key(self, event: events.Key) -> None:
        event.stop()
        self.hold_key(event)

    def hold_key(self, event: events.Key) -> None:
        """Keep a typing key for the field underneath (the app calls this as the key arrives)."""
        if (event.is_printable or event.key in TYPING_KEYS) and len(self.held_keys) < HELD_LIMIT:
            self.held_keys.append(events.Key(event.key, event.character))

    def compose(self) -> ComposeResult:
        yield Static(too_small_message(*(self._terminal_size or self.app.size)), id="too-small-message", markup=False)

    def show_size(self, width: int, height: int) -> None:
        # The app may report a new size before this screen has composed its message.
        self._terminal_size = (width, height)
        for message in self.query("#too-small-message").results(Static):
            message.update(too_small_message(width, height))

    def on_resize(self) -> None:
        self.show_size(*self.app.size)
