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
        appearing = bool(line) and not self.display
        self.display = bool(line)
        if line:
            self.update(Content(f"Not saved: {line}"))
        if appearing:
            self.call_after_refresh(self._keep_focus_in_view)

    def _keep_focus_in_view(self) -> None:
        # The line takes its rows from the screen's layout: the field being typed in may now lie
        # below the fold of its scrolling form (the review log's entry at 80x24). Bring it back.
        focused = self.screen.focused if self.is_attached else None
        if focused is not None:
            focused.scroll_visible(animate=False, immediate=True)
