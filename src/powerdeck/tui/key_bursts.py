"""Acting on keys in the order they were typed, when a slow link delivers them in one burst.

The screens with text fields (the deck screen's editor, the review log's entry pane) use priority
bindings (why: screens/deck_keys.py), which run as soon as the app reads their key, while the
letters before them are only queued for the focused field. These helpers keep the two in order.
"""

from __future__ import annotations

import asyncio
from typing import Any

from textual.screen import Screen
from textual.widget import Widget


async def settle_keys(focused: Widget | None, within: Widget) -> None:
    """Let the focused field take the keys already sent to it before its text is read.

    A priority binding (ctrl+s, escape, ctrl+q) runs as soon as the app reads its key, but the
    letters before it were only queued for the field; in a burst ("text" + ctrl+s, or + escape +
    "l") the action would read the field without them, and letters landing in a field hidden
    meanwhile would be lost. Waiting here also holds back the keys after it. Nothing to wait for
    unless the focus is inside `within`.
    """
    if focused is None or within not in focused.ancestors_with_self:
        return
    typed = asyncio.Event()
    if focused.call_later(typed.set):
        await typed.wait()


def focus_field(screen: Screen[Any], step: int) -> None:
    """tab / shift+tab: the next or previous field."""
    # Screen.focus_next moves focus at once (the bindings are priority bindings), unlike a
    # queued app action, so the letters typed right after tab land in the new field.
    if step > 0:
        screen.focus_next()
    else:
        screen.focus_previous()
