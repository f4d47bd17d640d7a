"""The one-line text field every screen uses: what it holds is shown, never obeyed.

An Input draws its value as it is, so a control character in it (from an import, from
state.json, from a paste) went to the terminal raw: a map's half-typed name from an import left
the alternate screen and set the window title. Every value an InertInput takes, the first one
included, passes through `visible_line` (ESC shows as ␛, a tab or newline as a space) on its way
in: one step at the boundary, so no screen has to remember it. A person cannot type a control
character, so nothing typed changes.
"""

from __future__ import annotations

from textual.widgets import Input

from powerdeck.core.text import visible_line


class InertInput(Input):
    """`Input` whose value never holds a control character, a bidi override or a lone surrogate."""

    def validate_value(self, value: str) -> str:
        """Textual's reactive validator for `value`: runs on every assignment, the initial one too."""
        return visible_line(value)
