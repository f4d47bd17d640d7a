"""Why the log refuses writes, said once and kept in view until a write lands again.

Every refused write (each autosave of a draft, a save, a worksheet's change) reports its problem
here. The same problem is said once, not once per refusal: a screen with a `ProblemLine` shows it
in its layout, above the status bar, where it covers nothing; another screen (a dialog, the help)
gets one toast. A write that lands (the store announces it: log_watch.py) takes the line down.
"""

from __future__ import annotations

from typing import Any

from textual.app import App
from textual.signal import Signal

from powerdeck.core.errors import PowerdeckError
from powerdeck.store import LogDamagedError
from powerdeck.tui.widgets.problem_line import ProblemLine


class ProblemNotice:
    """The app's one notice of refused writes."""

    def __init__(self, app: App[Any]) -> None:
        self._app = app
        self.line = ""
        """The problem being shown ("" while writes land)."""
        self.changed: Signal[str] = Signal(app, "problem-changed")

    def report(self, line: str) -> None:
        """A write was refused for the reason `line` (visible text, one line)."""
        if line == self.line:
            return  # said already, and still in view
        self.line = line
        self.changed.publish(line)
        if not self._app.screen.query(ProblemLine):
            self._app.notify(line, title="Not saved", severity="error", timeout=15, markup=False)

    def clear(self) -> None:
        """A write landed: the problem is gone."""
        if self.line:
            self.line = ""
            self.changed.publish("")

    def follow(self, widget: ProblemLine) -> None:
        """`widget` shows this notice from now on (a screen calls it once mounted)."""
        widget.show(self.line)
        self.changed.subscribe(widget, widget.show)
        widget.unfollow = lambda: self.changed.unsubscribe(widget)


def problem_line(error: PowerdeckError) -> str:
    """One line for a failed read or write mid-session, saying where the text can still go."""
    if isinstance(error, LogDamagedError):
        return (
            f"Your log file was changed by another program: {error} "
            "Or quit and start with --data DIR; your text is kept until then."
        )
    return str(error)
