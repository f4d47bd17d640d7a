"""What every simple-view page shares: the deck, the templates, each person's open log, rendering.

The deck is loaded once per app (on `app.state.deck` unless the app gave one). Each person's
`Log` is kept open while they click (a 10,000-entry log takes ~100 ms to parse; afterwards a
page costs a stat of the file) and closed when idle or when too many are open (open_logs.py),
with a lock, so the pages of one person write one at a time, as the terminal's one writer
thread does; another process (the terminal) is kept out by the store's own file locks. How fast
one person may ask for pages: rate_limit.py. Both take their clock and limits from
`app.state.simple_settings` (a SiteSettings) when the app gives one. A page that writes
(`Site.write`) leaves the log's first-frame summary fresh, as the writer thread does, so the
terminal's next start does not read the whole log.

An export is a job of its own (`jobs(request)`, web/jobs.py in the door): never made in the
server's process, which carries every other person's pages.
"""

from __future__ import annotations

import functools
import threading
import time
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol, TypeVar

from jinja2 import ChainableUndefined, ChoiceLoader, Environment, FileSystemLoader, PackageLoader, select_autoescape
from starlette.requests import Request
from starlette.responses import HTMLResponse

from powerdeck.core.errors import PowerdeckError
from powerdeck.deck.model import Deck, load_deck
from powerdeck.store import Log
from powerdeck.web.person import WebPerson
from powerdeck.web.simple import csrf, filters
from powerdeck.web.simple.open_logs import IDLE_SECONDS, MOST_OPEN, OpenLogs
from powerdeck.web.simple.rate_limit import DEFAULT_RATES, RateLimits, Rates

if TYPE_CHECKING:
    from powerdeck.export import ExportOptions

WEB = Path(__file__).resolve().parent.parent
TEMPLATES = WEB / "templates"
STATIC = WEB / "static"
CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; font-src 'self'; "
       "connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'")
"""Scripts, styles and pictures from our own origin only: no inline script can run."""

T = TypeVar("T")


@functools.cache
def environment() -> Environment:
    """Jinja with autoescape on for every template (a person's text is never markup), and NHS.UK
    frontend's component macros; ChainableUndefined as nhsuk-frontend-jinja asks."""
    env = Environment(
        loader=ChoiceLoader([FileSystemLoader(TEMPLATES), PackageLoader("nhsuk_frontend_jinja")]),
        autoescape=select_autoescape(default=True, default_for_string=True),
        undefined=ChainableUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    filters.install(env)
    return env


def warm() -> None:
    """Compile every page's template now (a few hundred ms, once a process) rather than on the
    first person's first visit to each page."""
    env = environment()
    for name in env.loader.list_templates() if env.loader else ():
        if name.endswith(".html"):
            env.get_template(name)


@dataclass(frozen=True)
class SiteSettings:
    """What an operator (or a test, with its own clock) may set: `app.state.simple_settings`."""

    clock: Callable[[], float] = time.monotonic
    idle_seconds: float = IDLE_SECONDS
    most_open: int = MOST_OPEN
    rates: Rates | None = DEFAULT_RATES
    """How fast one person may ask (rate_limit.py); None: as fast as they like."""
    sweep_every: float | None = 30.0
    """Seconds between sweeps of idle logs by a thread of the Site's own (None: only requests sweep)."""


class ExportJobs(Protocol):
    """What makes an export outside the server's process (the door's web/jobs.py WebJobs)."""

    async def export(self, person: WebPerson, options: ExportOptions,
                     gone: Callable[[], Awaitable[bool]] | None = None) -> bytes: ...


class Site:
    """The simple view's shared state, kept on `app.state.simple`."""

    def __init__(self, deck: Deck, settings: SiteSettings | None = None) -> None:
        settings = settings or SiteSettings()
        self.deck = deck
        self.env = environment()
        self.logs = OpenLogs(settings.clock, settings.idle_seconds, settings.most_open)
        self.limits = RateLimits(settings.clock, settings.rates) if settings.rates is not None else None
        self._stop = threading.Event()
        if settings.sweep_every is not None:  # so an idle server gives its memory back without a request
            threading.Thread(target=self._sweeping, args=(settings.sweep_every,), name="simple-view-sweep",
                             daemon=True).start()

    def _sweeping(self, every: float) -> None:
        while not self._stop.wait(every):
            self.logs.sweep(collect=True)

    @contextmanager
    def log(self, person: WebPerson) -> Iterator[Log]:
        """The person's log, theirs alone while the block runs (one page's reads and writes)."""
        with self.logs.holding(Path(person.data_dir)) as opened:
            log = opened.ensure_open()
            if log.problem is not None:
                raise log.problem
            yield log

    def with_log(self, person: WebPerson, job: Callable[[Log], T]) -> T:
        with self.log(person) as log:
            return job(log)

    def write(self, person: WebPerson, job: Callable[[Log], T]) -> T:
        """`with_log` for a page that writes. When the log changed, its summary follows it
        (store/log_summary.py) under the same lock, as after the terminal's writes (about 9 ms at
        10,000 entries). It only saves the next start time: failing to write it fails no page."""
        with self.logs.holding(Path(person.data_dir)) as opened:
            log = opened.ensure_open()
            if log.problem is not None:
                raise log.problem
            before = log.signature()
            try:
                return job(log)
            finally:
                if log.signature() != before and opened.summary is not None:
                    with suppress(PowerdeckError, OSError):
                        opened.summary.keep(log)

    def close(self) -> None:
        self._stop.set()
        self.logs.close()


_SITE_LOCK = threading.Lock()


def site(request: Request) -> Site:
    """The app's Site, made by its first request (pages run on worker threads, so under a lock:
    two first requests at once must not open one person's log twice)."""
    state = request.app.state
    found: Site | None = getattr(state, "simple", None)
    if found is None:
        with _SITE_LOCK:
            found = getattr(state, "simple", None)
            if found is None:
                deck = getattr(state, "deck", None)
                if deck is None:
                    deck = load_deck()
                    state.deck = deck
                found = Site(deck, getattr(state, "simple_settings", None))
                state.simple = found
    return found


def jobs(request: Request) -> ExportJobs:
    """The app's maker of exports (set by `powerdeck web`, or by whoever serves the simple view)."""
    found: ExportJobs = request.app.state.jobs
    return found


def person(request: Request) -> WebPerson:
    who: WebPerson = request.state.person
    return who


def render(request: Request, template: str, context: dict[str, Any] | None = None, status: int = 200,
           headers: dict[str, str] | None = None) -> HTMLResponse:
    """A page from `template`, with what every page needs: the person, the CSRF token, the path."""
    here = site(request)
    who = person(request)
    values = {
        "person": who,
        "csrf_token": csrf.token(request.app.state.secret_key, who.session_id),
        "path": request.url.path,
        "deck": here.deck,
        **(context or {}),
    }
    html = here.env.get_template(template).render(values)
    response = HTMLResponse(html, status_code=status, headers=headers)
    response.headers.setdefault("Content-Security-Policy", CSP)
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("Referrer-Policy", "same-origin")
    response.headers.setdefault("Cache-Control", "no-store")
    return response


def problem_page(request: Request, error: PowerdeckError, status: int = 500) -> HTMLResponse:
    """The terminal's one-line message, as a page (a damaged log, a refused write)."""
    return render(request, "problem.html", {"message": str(error)}, status=status)
