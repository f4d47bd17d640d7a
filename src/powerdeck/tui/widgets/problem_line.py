"""The line above the status bar that says why the log refuses writes and what to do.

It sits in the screen's layout, not over it: the field being typed in shrinks and never hides
under it, as it did under a stack of toasts (one per refused autosave). Hidden while every write lands."""

from __future__ import annotations

from collections.abc import Callable

from textual.content import Content
from textual.widgets import Static


class ProblemLine(Static):
    """'Not saved: <why, and what to do>' or nothing (hidden)."""

    DEFAULT_CSS = """
    ProblemLine {
        height: auto;
        max-height: 6;
        padding: 0 1;
        background: $error 30%;
        color: $text;
    }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__("", markup=False, id=id)
        self.display = False
        self.unfollow: Callable[[], None] | None = None
        """Called as the line is taken down: whoever it follows lets go of it (a Textual Signal
        holds its subscriber, and so the whole closed screen, until its next publish)."""

    def on_unmount(self) -> None:
        if self.unfollow is not None:
            self.unfollow()
            self.unfollow = None

    def show(self, line: str) -> None:
        """`line` as given (the app made it visible: no markup, no control characters); "" hides."""
        self.display = bool(line)
        if line:
            self.update(Content(f"Not saved: {line}"))
