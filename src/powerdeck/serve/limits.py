"""Counters the server checks before it does any work for a connection.

asyncssh has nothing like sshd's MaxStartups, PerSourceMaxStartups or MaxAuthTries, so these are
ours:

- **Connections still logging in** (`LoginSlots`): capped per address and in all. Past
  `EARLY_DROP_FROM` of the cap in all, a new connection is refused at random, more often the
  fuller it gets (sshd's MaxStartups start:rate:full). When a cap is reached, the oldest
  connection that has been logging in for longer than a real login takes (`stale_after`) makes
  room for the new one, taken from the address holding the most: a flood of idle connections
  from one address never keeps anyone out for long, not even someone behind the same address,
  and a morning burst of thirty people from one office (one address) all get in.
- **Failed attempts**: per connection (keys tried, invite codes typed: then it is closed), per
  key (wrong invite codes), and per address only as a backstop that never locks out a whole
  office: past it, that address may still log in with a registered key, but one unknown key or
  wrong code ends the connection at once and it is offered no invite.
- **Sessions** in all: counted and reserved in one step, before anything is awaited (channel.py).
"""

from __future__ import annotations

import math
import random
import time
from collections import deque
from collections.abc import Callable, Hashable
from dataclasses import dataclass, field
from typing import Generic, TypeVar


@dataclass(frozen=True)
class Limits:
    max_unauthenticated: int = 100
    """Connections that have not finished logging in, all addresses together (`--max-logins`)."""
    max_logins_per_address: int = 40
    """Connections still logging in from one address (`--max-logins-per-address`)."""
    max_failures_per_minute: int = 20
    """Failed logins and wrong invite codes from one address in 60 s before it gets only the
    registered keys' door (`--max-failures`)."""
    max_sessions: int = 50
    """Apps running at once, all people together."""
    login_timeout: float = 30.0
    """Seconds for each stage of logging in: to prove a key; after that, to open a session; an
    invite code gets twice as long to be typed."""
    keepalive_interval: float = 10.0
    keepalive_count: int = 3
    """A client silent for interval x count seconds is gone: its app ends, its draft kept."""


MAX_AUTH_TRIES = 6
"""Keys one connection may try (sshd's MaxAuthTries); then it is closed."""
MAX_CODE_TRIES = 3
"""Wrong invite codes one connection may type; then it is closed."""
KEY_CODE_TRIES = 5
"""Wrong invite codes one key may type in `KEY_CODE_WINDOW`; then it gets no invite prompt."""
KEY_CODE_WINDOW = 3600.0
EARLY_DROP_FROM = 0.6
"""Share of `max_unauthenticated` past which new connections are refused at random..."""
EARLY_DROP_RATE = 0.3
"""... at first this often, rising to always at the cap (sshd's default MaxStartups 10:30:100)."""
STALE_AFTER = 5.0
"""Seconds after which a connection still logging in may give its place to a new one (a login
over a slow link takes one or two)."""

T = TypeVar("T", bound=Hashable)


@dataclass
class Admission(Generic[T]):
    admitted: bool
    reason: str = ""
    evicted: T | None = None


class LoginSlots(Generic[T]):
    """The connections still logging in: who, from where, since when."""

    def __init__(self, total: int, per_address: int, stale_after: float = STALE_AFTER,
                 chance: Callable[[], float] = random.random) -> None:
        self.total = total
        self.per_address = per_address
        self.stale_after = stale_after
        self.start = max(1, math.ceil(total * EARLY_DROP_FROM))
        self._chance = chance
        self._pending: dict[T, tuple[str, float]] = {}

    def __len__(self) -> int:
        return len(self._pending)

    def __contains__(self, who: object) -> bool:
        return who in self._pending

    def from_address(self, address: str) -> int:
        return sum(1 for held, _ in self._pending.values() if held == address)

    def _oldest_stale(self, address: str | None, now: float) -> T | None:
        """The longest waiting connection past `stale_after`: of `address`, or else of the
        address that holds the most places."""
        if address is None:
            counts: dict[str, int] = {}
            for held, _ in self._pending.values():
                counts[held] = counts.get(held, 0) + 1
            for held in sorted(counts, key=lambda a: -counts[a]):
                found = self._oldest_stale(held, now)
                if found is not None:
                    return found
            return None
        candidates = [(since, who) for who, (held, since) in self._pending.items()
                      if held == address and now - since >= self.stale_after]
        return min(candidates, key=lambda c: c[0])[1] if candidates else None

    def admit(self, who: T, address: str, now: float | None = None) -> Admission[T]:
        """Take a place for `who`, or say why not. A connection given up to make room is in
        `evicted` (the caller disconnects it); its place is already gone."""
        moment = time.monotonic() if now is None else now
        evicted: T | None = None
        if self.from_address(address) >= self.per_address:
            evicted = self._oldest_stale(address, moment)
            if evicted is None:
                return Admission(False, "too many connections from your address are logging in: "
                                        "try again in a moment")
            self.release(evicted)
        waiting = len(self._pending)
        if waiting >= self.total:  # (never after a place was made above: that left one free)
            evicted = self._oldest_stale(None, moment)
            if evicted is None:
                return Admission(False, "too many connections are logging in at once: try again in a moment")
            self.release(evicted)
        elif waiting >= self.start and evicted is None:
            refuse = EARLY_DROP_RATE + (1 - EARLY_DROP_RATE) * (waiting - self.start) / max(1, self.total - self.start)
            if self._chance() < refuse:
                return Admission(False, "the server is busy with many logins: try again in a moment")
        self._pending[who] = (address, moment)
        return Admission(True, evicted=evicted)

    def release(self, who: T) -> None:
        self._pending.pop(who, None)


@dataclass
class FailureCounter:
    """Failures per address (or per key) over a sliding window."""

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
