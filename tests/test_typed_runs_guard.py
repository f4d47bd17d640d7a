"""typed_runs.py takes a queued run of typed keys through two private parts of Textual's message
pump: this fails loudly, instead of a paste silently going back to one edit per key (or worse),
if a Textual release moves them."""

from __future__ import annotations

import inspect

from textual.message_pump import MessagePump


def test_the_message_pump_still_has_the_queue_peek_typed_runs_uses() -> None:
    assert callable(getattr(MessagePump, "_peek_message", None))
    source = inspect.getsource(MessagePump)
    assert "self._pending_message" in source  # _peek_message keeps the peeked message there
    assert "_pending_message = None" in source or "self._pending_message is not None" in source
