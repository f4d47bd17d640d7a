"""The browser door as one Starlette app: `create_app(config)`.

Routes of the door: /deck (the terminal page), /ws (its websocket), /auth/login and
/auth/callback, /invite, /signout, /download/KEY, /static/deck/*. The simple view
(`powerdeck.web.simple`: `/`, /cards, /log, /export, /workbook, /about, /accessibility and its
static files) adds its pages behind the same gate, with the same deck as the tabs; where it is not
installed (its Jinja components need Python 3.11), `/` opens the deck. Every request passes the
gate first (gate.py), which sets `request.state.person` for the pages.
"""

from __future__ import annotations

import asyncio
import contextlib
import importlib
import importlib.util
from collections.abc import AsyncIterator
from importlib import resources
from pathlib import Path

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.sessions import SessionMiddleware
from starlette.routing import BaseRoute, Mount, Route, WebSocketRoute
from starlette.staticfiles import StaticFiles

from powerdeck.web.auth import FLOW_COOKIE, FLOW_LIFETIME, callback, login, oidc_client
from powerdeck.web.config import WebConfig
from powerdeck.web.door import Door, log
from powerdeck.web.downloads import download_route
from powerdeck.web.gate import Gate
from powerdeck.web.jobs import WebJobs
from powerdeck.web.pages import deck_page, invite_page, signout_page, start_page
from powerdeck.web.terminal import deck_socket, end_session, watch_sessions


def simple_view_routes() -> list[BaseRoute] | None:
    """The simple view's routes, when that part of powerdeck is installed (its NHS.UK Jinja
    components come with the web extra on Python 3.11 and later only)."""
    if importlib.util.find_spec("nhsuk_frontend_jinja") is None:
        return None
    try:
        simple = importlib.import_module("powerdeck.web.simple")
    except ModuleNotFoundError as error:
        if error.name not in ("powerdeck.web.simple",):
            raise
        return None
    routes: list[BaseRoute] = simple.routes()
    return routes


def static_folder() -> Path:
    return Path(str(resources.files("powerdeck.web").joinpath("static").joinpath("deck")))


def create_app(config: WebConfig, *, door: Door | None = None, start_pool: bool = True) -> Starlette:
    door = door or Door(config)
    simple = simple_view_routes()
    routes: list[BaseRoute] = [
        Route("/deck", deck_page),
        WebSocketRoute("/ws", deck_socket),
        Route("/auth/login", login),
        Route("/auth/callback", callback),
        Route("/invite", invite_page, methods=["GET", "POST"]),
        Route("/signout", signout_page, methods=["GET", "POST"]),
        Route("/download/{key:str}", download_route),
        Mount("/static/deck", app=StaticFiles(directory=static_folder()), name="deck-static"),
    ]
    routes += simple if simple is not None else [Route("/", start_page)]

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        door.clear_spool()
        watcher = asyncio.ensure_future(watch_sessions(door))
        keeper = asyncio.ensure_future(door.keeper.run())
        where = door.keeper.place
        log.info("text that cannot be written when the disk is full is kept %s",
                 f"in {where}" if where else "in the server's memory (no other filesystem: see --rescue)")
        if start_pool and door.pool is None:
            from powerdeck.serve.pool import ZygotePool

            pool = ZygotePool(config.deck)
            await pool.start()
            door.pool = pool
        try:
            yield
        finally:
            watcher.cancel()
            log.info("stopping: ending %d deck(s), drafts kept", len(door.tabs))
            await asyncio.gather(*(end_session(door, session, "The server is stopping; your draft is kept. "
                                                              "Open the deck again in a little while.")
                                   for session in door.sessions.all()), return_exceptions=True)
            door.downloads.drop_all()
            keeper.cancel()
            door.keeper.stop()
            simple_site = getattr(app.state, "simple", None)
            if simple_site is not None:  # the simple view's open logs (its writes are all done)
                simple_site.close()
            if door.pool is not None and start_pool:
                await door.pool.stop()
                door.pool = None

    app = Starlette(
        routes=routes,
        middleware=[
            Middleware(Gate, door=door),
            Middleware(SessionMiddleware, secret_key=door.secret.hex(), session_cookie=FLOW_COOKIE,
                       max_age=FLOW_LIFETIME, path="/auth", same_site="lax", https_only=config.secure),
        ],
        lifespan=lifespan,
    )
    app.state.door = door
    app.state.secret_key = door.secret
    app.state.oidc = oidc_client(config)
    app.state.simple_view = simple is not None
    # The simple view's exports: forked from the prepared process once it is up, else a child.
    app.state.jobs = WebJobs(config.state, config.deck, lambda: door.pool)
    if simple is not None:  # the simple view shows the deck the tabs show (--deck)
        from powerdeck.deck.model import deck_path_from, load_deck
        from powerdeck.web.simple.site import SiteSettings

        app.state.deck = load_deck(deck_path_from(config.deck))
        app.state.simple_settings = SiteSettings(most_open=config.limits.max_open_logs)
    return app
