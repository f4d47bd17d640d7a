"""What an export wrote, and over SSH how to copy it to a laptop: the file's path and the `scp`
command each whole on a line of its own, ready to select and copy (a notification wrapped both
in the middle). Enter or escape closes it."""

from __future__ import annotations

from pathlib import Path

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import HorizontalScroll, Vertical
from textual.content import Content
from textual.widgets import Static

from powerdeck.core.text import plural, visible_line
from powerdeck.tui.screens.dialogs.dialog import Dialog


class ExportedDialog(Dialog[None]):
    DEFAULT_CSS = """
    ExportedDialog > Vertical { width: auto; min-width: 40; }
    ExportedDialog .exported-line { height: auto; max-height: 2; scrollbar-size-horizontal: 1; }
    ExportedDialog .exported-line Static { width: auto; text-wrap: nowrap; text-style: bold; }
    ExportedDialog .dialog-hint { margin-top: 1; }
    """
    BINDINGS = [Binding("escape,enter", "close", "Close", id="exported-close")]

    def __init__(self, count: int, path: Path, copy_command: str | None) -> None:
        super().__init__()
        self.count = count
        self.path = path
        self.copy_command = copy_command

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(Content(f"Exported {plural(self.count)} to"), classes="dialog-title")
            with HorizontalScroll(classes="exported-line"):
                yield Static(Content(visible_line(str(self.path))), id="exported-path")
            if self.copy_command:
                yield Static(Content("To copy it to your laptop, run this there:"), classes="dialog-hint")
                with HorizontalScroll(classes="exported-line"):
                    yield Static(Content(visible_line(self.copy_command)), id="exported-copy")
            yield Static(Content("enter or escape: close"), classes="dialog-hint")

    @property
    def text(self) -> str:
        """What the dialog says, one line each (for tests and a quick look)."""
        return "\n".join(str(static.content) for static in self.query(Static))

    def action_close(self) -> None:
        self.dismiss(None)
