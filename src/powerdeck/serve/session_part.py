"""What every part of a session channel (export_job.py, invite_prompt.py, person_app.py) may use of
the AppSession that inherits them (channel.py): declared here once, for the type checker."""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import asyncssh

    from powerdeck.serve.login import DeckServer
    from powerdeck.serve.state import ServerState


class SessionPart:
    """A part of AppSession; AppSession sets these in its __init__."""

    if TYPE_CHECKING:
        server: DeckServer
        state: ServerState
        chan: asyncssh.SSHServerChannel[bytes] | None
        closed: bool
        paused: bool
        pid: int | None
        pty_eof: asyncio.Event
        prompt: asyncio.Queue[bytes] | None

        def _say(self, line: str) -> None: ...
