"""A small modal question with a few answers, each on its own key (y/n, s/d, ...).

The question text may hold user text (an entry's first line, a file path): it is shown literally.
"""

from __future__ import annotations

from dataclasses import dataclass

from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Static

from powerdeck.tui.screens.dialogs.dialog import Dialog


@dataclass(frozen=True)
class Choice:
    key: str
    label: str
    value: str
    variant: str = "default"


YES_NO = (Choice("y", "Yes", "yes", "primary"), Choice("n", "No", "no"))


class ChoiceDialog(Dialog[str | None]):
    """Ask one question; dismiss with the chosen value, or None on escape."""

    DEFAULT_CSS = """
    ChoiceDialog > Vertical {
        width: 64;
    }
    ChoiceDialog #choice-question {
        margin: 1 0;
    }
    ChoiceDialog Horizontal {
        height: auto;
        align-horizontal: center;
    }
    ChoiceDialog Button {
        margin: 0 1;
        min-width: 10;
    }
    ChoiceDialog #choice-hint {
        text-align: center;
    }
    """

    BINDINGS = [
        Binding("escape", "choose('')", "Cancel", id="choice-cancel", priority=True),
        Binding("left", "app.focus_previous", "Previous", show=False, id="choice-left", priority=True),
        Binding("right", "app.focus_next", "Next", show=False, id="choice-right", priority=True),
    ]

    def __init__(self, title: str, question: str, choices: tuple[Choice, ...] = YES_NO) -> None:
        super().__init__()
        self._title = title
        self._question = question
        self._choices = choices

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(self._title, id="choice-title", classes="dialog-title", markup=False)
            yield Static(self._question, id="choice-question", markup=False)
            with Horizontal():
                for choice in self._choices:
                    yield Button(
                        f"{choice.label} ({choice.key})",
                        id=f"choice-{choice.value}",
                        variant=choice.variant,  # type: ignore[arg-type]  # Choice.variant holds one of Button's variant names
                    )
            yield Static("escape: cancel", id="choice-hint", classes="dialog-hint", markup=False)

    def on_mount(self) -> None:
        self.set_focus(self.query_one(Button))

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        value = (event.button.id or "").removeprefix("choice-")
        self.dismiss(value)

    def on_key(self, event: events.Key) -> None:
        # A choice's letter (y, n, ...) as the key bubbles up from the focused button (buttons take
        # only enter and space). Per dialog, so not in BINDINGS; Textual has no public way to add
        # a binding to one screen after it is made.
        for choice in self._choices:
            if event.key == choice.key:
                event.stop()
                self.dismiss(choice.value)
                return

    def action_choose(self, value: str) -> None:
        self.dismiss(value or None)
