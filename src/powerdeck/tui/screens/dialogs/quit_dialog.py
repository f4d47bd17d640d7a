"""Quitting while text could not be written: say why, and offer to save it elsewhere.

Shown by App.action_quit when a draft write was refused (disk full, read-only folder, a log
damaged by another program). Quitting never drops that text silently: the user saves it to a
folder of their choice (a private JSON file, rescue.py), keeps editing, or quits knowingly.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Input, Static

from powerdeck.core.errors import PowerdeckError
from powerdeck.core.text import visible_line
from powerdeck.tui.screens.dialogs.dialog import Dialog
from powerdeck.tui.widgets.inert_input import InertInput


class QuitDialog(Dialog[str]):
    """Dismisses with "saved", "keep" or "quit"."""

    DEFAULT_CSS = """
    QuitDialog #quit-problem {
        margin: 1 0 0 0;
    }
    QuitDialog Input {
        margin: 1 0 0 0;
    }
    QuitDialog Horizontal {
        height: auto;
        align-horizontal: center;
        margin: 1 0 0 0;
    }
    QuitDialog Button {
        margin: 0 1;
    }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "keep_editing", "Keep editing", id="quit-keep", priority=True),
    ]

    def __init__(self, problem: str, save: Callable[[str], Path], default_folder: str | None = None) -> None:
        super().__init__()
        self._problem = problem
        self._save = save
        self._default = default_folder if default_folder is not None else str(Path.home())
        self.saved_line: str | None = None
        """Where the text went, once saved: the app says it again on the terminal as it exits."""

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static("Your text is not saved", classes="dialog-title", markup=False)
            yield Static(f"Your text could not be saved: {visible_line(self._problem)}", id="quit-problem",
                         markup=False)
            yield InertInput(self._default, id="quit-folder", placeholder="folder to save the text in")
            yield Static("", id="quit-error", classes="dialog-error", markup=False)
            with Horizontal():
                yield Button("Save to another folder…", id="quit-save", variant="primary")
                yield Button("Keep editing", id="quit-keep-editing")
                yield Button("Quit without saving", id="quit-discard", variant="error")
            yield Static("enter in the folder: save there · escape: keep editing", classes="dialog-hint", markup=False)

    def on_mount(self) -> None:
        self.set_focus(self.query_one("#quit-save", Button))

    def _save_to_folder(self) -> None:
        folder = self.query_one("#quit-folder", Input).value.strip() or self._default
        try:
            path = self._save(folder)
        except PowerdeckError as error:
            self.query_one("#quit-error", Static).update(visible_line(str(error)))
            self.set_focus(self.query_one("#quit-folder", Input))
            return
        self.saved_line = visible_line(f"Your text was saved in {path}")
        self.app.notify(self.saved_line, markup=False, timeout=10)
        self.dismiss("saved")

    @on(Input.Submitted, "#quit-folder")
    def _folder_entered(self) -> None:
        self._save_to_folder()

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "quit-save":
            self._save_to_folder()
        elif event.button.id == "quit-discard":
            self.dismiss("quit")
        else:
            self.dismiss("keep")

    def action_keep_editing(self) -> None:
        self.dismiss("keep")
