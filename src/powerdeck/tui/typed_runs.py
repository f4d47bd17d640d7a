"""A paste without bracketed paste, taken as one insert instead of one edit per character.

A terminal without bracketed paste (PuTTY's default, some tmux and screen setups) sends a paste to
the app as if it were typed, and Textual reads it as one `Key` event per character. Each one then
costs a full trip: the priority bindings are looked up, the key is forwarded to the field, the
field makes an edit (selection, wrapping, scrolling, undo history), and `TextArea.Changed` and
`SelectionChanged` bubble up through every container, about fifteen messages a character. A 50 KB
paste took minutes.

So when the app reads a key that a text field would simply insert, and more such keys are already
queued behind it, it takes the whole run from its queue and inserts it in the field at once, as a
bracketed paste is. The run stops at the first key that is anything else (escape, ctrl+s, tab, an
arrow) or that an enabled priority binding would act on: that key, and everything after it, goes
the usual way, after the text before it is in the field. What lands in the field is what the
keys one by one would have put there (a field with `tab_behavior="focus"` inserts printable
characters and enter, and nothing else, TextArea._on_key), in the same order.
"""

from __future__ import annotations

import asyncio
from typing import Any

from textual import events
from textual.app import App
from textual.message import Message
from textual.message_pump import MessagePump, MessagePumpClosed

from powerdeck.tui import private_api

AVAILABLE = (callable(private_api.private(MessagePump, "_peek_message"))
             and not private_api.gone("_pending_message")
             and "_pending_message" in MessagePump.__init__.__code__.co_names)
"""The private Textual parts this takes a run through are where Textual 8 has them (see
docs/architecture.md, "Private Textual API"); without them every key goes the usual way."""

RUN_LIMIT = 16_384
"""Characters taken in one go: the screen is drawn between runs (the paste is seen arriving)."""


def typed_text(message: Message | None) -> str | None:
    """What a text field inserts for this key, or None when the key is not plain typing."""
    if type(message) is not events.Key or message.is_forwarded or getattr(message, "handed_back", False):
        return None  # a key handed back from under the too-small message goes one at a time (app.on_event)
    if message.key == "enter":
        return "\n"
    if message.is_printable and message.character:
        return message.character
    return None


async def insert_typed_run(app: App[Any], first: events.Key) -> bool:
    """Insert `first` and the plain typing queued right behind it in the focused field at once.

    Returns False (nothing done: the key goes the usual way) when there is no such run."""
    if not app.screen_stack:
        return False  # closing: the usual path drops the key
    area = app.screen.focused
    if not AVAILABLE or area is None:
        return False
    # Here, not at the top: TextArea's modules cost about 13 ms of a start, and the first screen
    # (reading) has no text field; when one is focused they are loaded already.
    from textual.widgets import TextArea

    if (not isinstance(area, TextArea) or area.read_only or area.tab_behavior != "focus"
            or not callable(private_api.private(TextArea, "_replace_via_keyboard"))):
        return False
    first_text = typed_text(first)
    if first_text is None:
        return False
    await asyncio.sleep(0)  # the driver thread's keys waiting to be queued join the queue
    if not app.screen_stack or typed_text(app._peek_message()) is None:
        return False  # one key at a time is typing (the usual path), or the app closed meanwhile
    bound = app.screen.active_bindings

    def acts(key: events.Key) -> bool:
        active = bound.get(key.key)
        return active is not None and active.binding.priority

    if acts(first) or area.screen is not app.screen or not area.has_focus:
        return False  # checked before any key is taken from the queue: none can be lost
    pieces = [first_text]
    size = len(first_text)
    while size < RUN_LIMIT:
        try:
            message = app._peek_message()
        except MessagePumpClosed:
            break
        text = typed_text(message)
        if text is None or acts(message):  # type: ignore[arg-type]  # typed_text() is not None only for an events.Key
            break
        app._pending_message = None  # taken from the queue
        pieces.append(text)
        size += len(text)
    app.app_focus = True
    if result := area._replace_via_keyboard("".join(pieces), *area.selection):
        area.move_cursor(result.end_location)
    return True
