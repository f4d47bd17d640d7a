"""A small Starlette app around the simple view, with a stand-in for `powerdeck web`'s sign-in:
a middleware that sets `request.state.person` and the app's secret key, as the real one does.

Also runnable, to look at the pages: python tests/web_app.py DATA_DIR PORT
"""

from __future__ import annotations

import sys
from pathlib import Path

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.types import ASGIApp, Receive, Scope, Send

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))  # runs without an install

from powerdeck.core.entry import Entry, capability_of
from powerdeck.deck.model import load_deck
from powerdeck.store.log import Log
from powerdeck.web.jobs import WebJobs
from powerdeck.web.person import WebPerson
from powerdeck.web.simple import routes
from powerdeck.web.simple.site import SiteSettings
from powerdeck.workbook.model import Person, Worksheet

SECRET = b"test secret key, 32 bytes long!!"
SESSION = "session-1"


class SignedIn:
    """Every request is `person`'s, in the browser session SESSION."""

    def __init__(self, app: ASGIApp, person: WebPerson) -> None:
        self.app = app
        self.person = person

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            scope.setdefault("state", {})["person"] = self.person
        await self.app(scope, receive, send)


QUICK = SiteSettings(rates=None, sweep_every=None)
"""The tests' default: no rate limit (a test sends requests faster than anyone clicks) and no
sweeping thread (a Site per test); test_web_memory.py and test_web_rate_limit.py set their own."""


def make_app(data_dir: Path, name: str = "sam", session_id: str = SESSION,
             settings: SiteSettings = QUICK) -> Starlette:
    person = WebPerson(name=name, data_dir=Path(data_dir), session_id=session_id)
    app = Starlette(routes=routes(), middleware=[Middleware(SignedIn, person=person)])
    app.state.secret_key = SECRET
    app.state.simple_settings = settings
    app.state.jobs = WebJobs(Path(data_dir), None, lambda: None)  # exports: a child process each
    app.state.session_id = session_id  # for the tests' forms
    return app


class Team:
    """Every request is the person named by its X-Person header (their folder: FOLDER/NAME), in a
    browser session of their own: a team's server in one app."""

    def __init__(self, app: ASGIApp, folder: Path) -> None:
        self.app = app
        self.folder = folder

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            name = dict(scope["headers"]).get(b"x-person", b"sam").decode()
            scope.setdefault("state", {})["person"] = WebPerson(name, self.folder / name, f"session-{name}")
        await self.app(scope, receive, send)


def make_team_app(folder: Path, settings: SiteSettings = QUICK) -> Starlette:
    app = Starlette(routes=routes(), middleware=[Middleware(Team, folder=Path(folder))])
    app.state.secret_key = SECRET
    app.state.simple_settings = settings
    app.state.jobs = WebJobs(Path(folder), None, lambda: None)
    return app


HOSTILE = ("<script>alert('x')</script> & <b>bold</b> {{ 7*7 }} [/red]", "مرحبا بالعالم: right to left",
           "emoji 🧑‍⚕️👩🏽‍🦱 and é", "\n  leading blank line\n\tand a tab")


def fill(data_dir: Path, count: int = 120) -> Log:
    """A full log: `count` entries over every card (some open, some with hostile text), a draft,
    and something in every worksheet."""
    deck = load_deck()
    cards = [card.id for card in deck.cards]
    entries = []
    for n in range(count):
        card = cards[n % len(cards)]
        day = 1 + n % 28
        month = 1 + (n // 28) % 12
        stamp = f"2026-{month:02d}-{day:02d}T09:{n % 60:02d}:00+00:00"
        text = HOSTILE[n % len(HOSTILE)] if n % 7 == 0 else f"Action {n}: met the group about card {card}"
        entries.append(Entry(f"e{n}", card, capability_of(card), text,
                             "" if n % 3 == 0 else f"Outcome {n}, which went well", "" if n % 3 == 0 else f"Learnt {n}",
                             stamp, stamp))
    log = Log.open(data_dir)
    log.import_entries(entries)
    log.save_draft("4.2", "A draft begun <in the terminal>", "", "")
    for card in deck.cards:
        if card.worksheet == "map":
            people = (Person("p1", "JS", "close", "stressed", "faith"), Person("p2", "housing lead", "far", "distant",
                      "housing", True), Person("p3", HOSTILE[0], "around", "strong", "voluntary"))
            log.save_worksheet(Worksheet(card.id, "map", people=people))
        elif card.worksheet == "voices":
            log.save_worksheet(Worksheet(card.id, "voices", text="safer streets | young carer\nsafer streets\n"
                                         "somewhere to meet | parent\n" + HOSTILE[0] + "\n"))
        elif card.worksheet:
            log.save_worksheet(Worksheet(card.id, card.worksheet, text="- first thing\n- " + HOSTILE[1] + "\n"))
    return log


if __name__ == "__main__":
    if len(sys.argv) > 3:
        fill(Path(sys.argv[1]), int(sys.argv[3])).close()
    import uvicorn

    uvicorn.run(make_app(Path(sys.argv[1])), host="127.0.0.1", port=int(sys.argv[2]), log_level="warning")
