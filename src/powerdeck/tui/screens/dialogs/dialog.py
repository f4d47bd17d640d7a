"""`Dialog`: the modal screen every dialog is built on, with the look they share.

A dialog holds one Vertical: centred, a bordered panel 76 columns wide at most (a subclass sets
its own `Name > Vertical { width: N; }`), never larger than the screen, a bold title (class
`dialog-title`), muted hints (`dialog-hint`), problems in the error colour (`dialog-error`), and
lists (OptionList, SelectionList and their kin) drawn without a frame of their own inside the
dialog's border, as tall as their items (a subclass adds a `max-height`).

Textual matches a type selector against every class a screen derives from, and a subclass's
DEFAULT_CSS outranks its base's, so `Dialog` rules reach every dialog and each dialog's own
rules win over them.
"""

from __future__ import annotations

from typing import TypeVar

from textual.binding import Binding
from textual.screen import ModalScreen

ResultType = TypeVar("ResultType")


class Dialog(ModalScreen[ResultType]):
    # A modal screen hides the app's keys, so the app's f7 (select all of a text box) is here too.
    BINDINGS = [Binding("f7", "app.select_all_field", "Select all", id="dialog-select-all", show=False)]
    DEFAULT_CSS = """
    Dialog {
        align: center middle;
    }
    Dialog > Vertical {
        width: 76;
        max-width: 100%;
        height: auto;
        max-height: 100%;
        border: thick $accent;
        background: $panel;
        padding: 0 1;
    }
    Dialog .dialog-title {
        text-style: bold;
        color: $accent;
    }
    Dialog .dialog-hint {
        color: $text-muted;
    }
    Dialog .dialog-error {
        color: $error;
        height: auto;
    }
    Dialog OptionList {
        height: auto;
        border: none;
        padding: 0;
    }
    """
