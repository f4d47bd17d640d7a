"""Bytes through a session's pseudo-terminal, never blocking the loop: keys written as the pty takes
them, the rest kept in order until it can take more (a paste larger than the pty's buffer); the
app's output read as it comes."""

from __future__ import annotations

import asyncio
import os
from collections.abc import Callable


def flush_pending(master: int, pending: bytearray, again: Callable[[], None]) -> None:
    """Write what the pty takes of `pending` now; call `again` when it can take the rest. A pty that
    is gone drops the rest (its app has ended)."""
    loop = asyncio.get_running_loop()
    try:
        written = os.write(master, bytes(pending)) if pending else 0
    except BlockingIOError:
        written = 0
    except OSError:
        pending.clear()
        return
    del pending[:written]
    loop.remove_writer(master)
    if pending:
        loop.add_writer(master, again)


def read_available(master: int) -> bytes | None:
    """What the app has written so far; b"" once it has gone (the pty closed); None for nothing yet."""
    try:
        return os.read(master, 65536)
    except BlockingIOError:
        return None
    except OSError:
        return b""
