"""How fast one person may ask the simple view for pages: token buckets in memory.

Every page takes a token from its person's bucket (10 a second, 30 at once), every form sent
(POST: it may write the log) one more from their writes bucket, an export one more from their
exports bucket. A person clicks; nobody meets these by hand. A script or a stuck key does, and is
told to wait (429, Retry-After) instead of keeping the server busy for everyone else.

The person is the key (all their browsers share it). The address is a backstop for many people
at once from one address, and it never locks out an office behind one NAT: when an address has
spent its tokens, a person whose own bucket is at least half full (someone just clicking) still
gets in; only the busy ones at that address wait, as serve's `--max-failures` lets registered
keys in whatever others at the address did.
"""

from __future__ import annotations

import logging
import math
import threading
from collections.abc import Callable
from dataclasses import dataclass
from enum import Enum

log = logging.getLogger("powerdeck.web")


@dataclass(frozen=True)
class Rate:
    per_second: float
    burst: float


class Kind(Enum):
    PAGE = "page"
    WRITE = "write"  # a form sent: it may write the log or render a refusal
    EXPORT = "export"  # a form that makes an export (a job of its own)


PAGES = Rate(10, 30)
WRITES = Rate(3, 15)
EXPORTS = Rate(0.2, 6)
ADDRESS = Rate(200, 600)
"""Twenty times one person: sixty people behind one address clicking away stay well under it."""


@dataclass(frozen=True)
class Rates:
    pages: Rate = PAGES
    writes: Rate = WRITES
    exports: Rate = EXPORTS
    address: Rate = ADDRESS


DEFAULT_RATES = Rates()
MOST_KEYS = 10_000
"""Past this many people or addresses, the full buckets (nobody asked for a while) are dropped."""


class Buckets:
    """Token buckets for one rate, by key. Not thread-safe by itself: RateLimits holds a lock."""

    def __init__(self, rate: Rate) -> None:
        self.rate = rate
        self._buckets: dict[str, tuple[float, float]] = {}  # key: (tokens, when counted)

    def tokens(self, key: str, now: float) -> float:
        found = self._buckets.get(key)
        if found is None:
            return self.rate.burst
        tokens, then = found
        return min(self.rate.burst, tokens + max(0.0, now - then) * self.rate.per_second)

    def wait(self, key: str, now: float) -> float:
        """Seconds until `key` has a token (0: it has one now)."""
        short = 1.0 - self.tokens(key, now)
        return 0.0 if short <= 0 else short / self.rate.per_second

    def take(self, key: str, now: float) -> None:
        self._buckets[key] = (self.tokens(key, now) - 1.0, now)
        if len(self._buckets) > MOST_KEYS:
            self._buckets = {k: v for k, v in self._buckets.items() if self.tokens(k, now) < self.rate.burst}

    def __len__(self) -> int:
        return len(self._buckets)


class RateLimits:
    def __init__(self, clock: Callable[[], float], rates: Rates | None = None) -> None:
        rates = rates or DEFAULT_RATES
        self.clock = clock
        self.pages = Buckets(rates.pages)
        self.writes = Buckets(rates.writes)
        self.exports = Buckets(rates.exports)
        self.address = Buckets(rates.address)
        self._lock = threading.Lock()
        self._held_back: set[str] = set()  # people refused since their last request that went on

    def check(self, person: str, address: str, kind: Kind) -> int:
        """0 when the request may go on (its tokens taken), else the whole seconds to wait. The
        operator's log gets one line when someone starts being held back, not one a request."""
        with self._lock:
            wait = self._check(person, address, kind)
            if not wait:
                self._held_back.discard(person)
            elif person not in self._held_back and len(self._held_back) < MOST_KEYS:
                self._held_back.add(person)
                log.info("%s is asking for pages too fast (from %s): asked to wait", person, address)
            return wait

    def _check(self, person: str, address: str, kind: Kind) -> int:
        now = self.clock()
        mine = [self.pages]
        if kind is not Kind.PAGE:
            mine.append(self.writes)
        if kind is Kind.EXPORT:
            mine.append(self.exports)
        wait = max(buckets.wait(person, now) for buckets in mine)
        if wait:
            return math.ceil(wait)
        shared = self.address.wait(address, now)
        if shared and self.pages.tokens(person, now) < self.pages.rate.burst / 2:
            return math.ceil(shared)
        for buckets in mine:
            buckets.take(person, now)
        if not shared:
            self.address.take(address, now)
        return 0
