"""The look every modal dialog shares, as CSS for a dialog's DEFAULT_CSS.

A dialog is a ModalScreen holding one Vertical: centred, a bordered panel at most the screen's
size, a bold title (class `dialog-title`), muted hints (`dialog-hint`) and problems in the error
colour (`dialog-error`). Rules are scoped by the dialog's own type name, as Textual's
DEFAULT_CSS is, so one dialog never restyles another.
"""

from __future__ import annotations


def dialog_css(name: str, *, width: int = 76) -> str:
    """The shared frame for the dialog class called `name`, `width` columns wide at most."""
    return f"""
{name} {{
    align: center middle;
}}
{name} > Vertical {{
    width: {width};
    max-width: 100%;
    height: auto;
    max-height: 100%;
    border: thick $accent;
    background: $panel;
    padding: 0 1;
}}
{name} .dialog-title {{
    text-style: bold;
    color: $accent;
}}
{name} .dialog-hint {{
    color: $text-muted;
}}
{name} .dialog-error {{
    color: $error;
    height: auto;
}}
"""


def plain_list_css(name: str, widget: str, *, max_height: int | None = None) -> str:
    """A list inside the dialog `name` (OptionList, SelectionList, RadioSet), drawn without a frame
    of its own inside the dialog's border, as tall as its items (up to `max_height` rows)."""
    limit = f"\n    max-height: {max_height};" if max_height is not None else ""
    return f"""
{name} {widget} {{
    height: auto;{limit}
    border: none;
    padding: 0;
}}
"""
