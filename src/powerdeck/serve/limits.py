"""Counters the server checks before it does any work for a connection.

asyncssh has nothing like sshd's MaxStartups or MaxAuthTries, so these are ours: connections
still logging in, failed attempts per address in the last minute, sessions in total and per
person. A second session of the same person takes over from the first (see session handling in
server.py): someone whose laptop went to sleep gets straight back in, and the old session is told
and keeps its draft.
"""

from __future__ import annotations

import time
from collections import deque
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Limits:
    max_unauthenticated: int = 10
    """Connections that have not finished logging in, all addresses together."""
    max_failures_per_minute: int = 10
    """Failed logins and wrong invite codes from one address in 60 s before it is turned away."""
    max_sessions: int = 50
    """Apps running at once, all people together."""
    login_timeout: float = 30.0
    keepalive_interval: float = 10.0
    keepalive_count: int = 3
    """A client silent for interval x count seconds is gone: its app ends, its draft kept."""


@dataclass
class FailureCounter:
    """Failures per address over a sliding window."""

    window: float = 60.0
    _seen: dict[str, deque[float]] = field(default_factory=dict)

    def _recent(self, address: str, now: float) -> deque[float]:
        times = self._seen.setdefault(address, deque())
        while times and now - times[0] > self.window:
            times.popleft()
        if not times:
            del self._seen[address]
            return deque()
        return times

    def add(self, address: str, now: float | None = None) -> None:
        moment = time.monotonic() if now is None else now
        self._recent(address, moment)
        self._seen.setdefault(address, deque()).append(moment)

    def count(self, address: str, now: float | None = None) -> int:
        return len(self._recent(address, time.monotonic() if now is None else now))
