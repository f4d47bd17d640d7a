"""The simple view: plain, accessible HTML pages of the same deck, log and workbook as the terminal
deck (WCAG 2.2 AA), under `powerdeck web`'s sign-in.

`routes()` is the face: every request reaching them carries `request.state.person` (a WebPerson,
set by the sign-in middleware) and the app's `state.secret_key` (for CSRF tokens). Pages work
with JavaScript off; the one script (static/simple/autosave.js) only keeps drafts as one types.
"""

from __future__ import annotations

import functools
from collections.abc import Awaitable, Callable

from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Mount, Route
from starlette.staticfiles import StaticFiles

from powerdeck.web.simple import cards, export_page, info_pages, log_pages, workbook_pages
from powerdeck.web.simple.rate_limit import Kind
from powerdeck.web.simple.site import STATIC, person, render, site, warm

__all__ = ["routes"]

Endpoint = Callable[[Request], Response | Awaitable[Response]]
HEADINGS = {400: "That could not be done", 403: "That form has expired", 404: "Page not found",
            413: "That is too big to save"}


def _address(request: Request) -> str:
    """The gate's idea of the client's address (behind a trusted proxy, the forwarded one)."""
    found = getattr(request.state, "address", None)
    if isinstance(found, str):
        return found
    return request.client.host if request.client else "?"


def _page(endpoint: Endpoint, kind: Kind) -> Callable[[Request], Awaitable[Response]]:
    """A refused or missing thing as a page of the simple view, not a bare line of text; one
    person asking too fast (rate_limit.py) is asked to wait a moment."""

    @functools.wraps(endpoint)
    async def run(request: Request) -> Response:
        limits = site(request).limits
        if limits is not None:
            wait = limits.check(person(request).name, _address(request), kind)
            if wait:
                return await run_in_threadpool(render, request, "busy.html", None, 429,
                                               {"Retry-After": str(wait)})
        try:
            result = endpoint(request)
            if isinstance(result, Response):
                return result
            return await result
        except HTTPException as problem:
            heading = HEADINGS.get(problem.status_code, "Something went wrong")
            return await run_in_threadpool(render, request, "error.html",
                                           {"heading": heading, "message": problem.detail}, problem.status_code)

    return run


def _sync(endpoint: Callable[[Request], Response]) -> Endpoint:
    """A page that reads the log, run on a worker thread so the server never waits on the disk."""

    @functools.wraps(endpoint)
    async def run(request: Request) -> Response:
        return await run_in_threadpool(endpoint, request)

    return run


def routes() -> list[BaseRoute]:
    warm()
    get, post = ["GET", "HEAD"], ["POST"]
    pages: list[tuple[str, Endpoint, list[str]]] = [
        ("/", _sync(info_pages.home), get),
        ("/", info_pages.choose, post),
        ("/about", _sync(info_pages.about), get),
        ("/accessibility", _sync(info_pages.accessibility), get),
        ("/cards", _sync(cards.cards_page), get),
        ("/cards/{card_id}", _sync(cards.card_page), get),
        ("/cards/{card_id}", cards.card_post, post),
        ("/cards/{card_id}/draft", cards.draft_post, post),
        ("/entries/undo", cards.undo_post, post),
        ("/entries/{entry_id}", _sync(cards.entry_page), get),
        ("/entries/{entry_id}/delete", _sync(cards.delete_page), get),
        ("/entries/{entry_id}/delete", cards.delete_post, post),
        ("/log", _sync(log_pages.log_page), get),
        ("/overview", _sync(log_pages.overview_page), get),
        ("/export", _sync(export_page.export_page), get),
        ("/export", export_page.export_post, post),
        ("/workbook", _sync(workbook_pages.workbook_index), get),
        ("/workbook/{card_id}", _sync(workbook_pages.sheet_page), get),
        ("/workbook/{card_id}", workbook_pages.sheet_post, post),
        ("/workbook/{card_id}/cloud.svg", _sync(workbook_pages.cloud_svg), get),
        ("/workbook/{card_id}/people", workbook_pages.person_add, post),
        ("/workbook/{card_id}/people/{person_id}", _sync(workbook_pages.person_page), get),
        ("/workbook/{card_id}/people/{person_id}", workbook_pages.person_post, post),
        ("/workbook/{card_id}/people/{person_id}/delete", _sync(workbook_pages.person_page), get),
        ("/workbook/{card_id}/people/{person_id}/delete", workbook_pages.person_post, post),
    ]
    def kind(path: str, methods: list[str]) -> Kind:
        return Kind.PAGE if methods is get else Kind.EXPORT if path == "/export" else Kind.WRITE

    found: list[BaseRoute] = [Route(path, _page(endpoint, kind(path, methods)), methods=methods)
                              for path, endpoint, methods in pages]
    found += [
        Mount("/static/nhsuk", app=StaticFiles(directory=STATIC / "nhsuk"), name="nhsuk"),
        Mount("/static/simple", app=StaticFiles(directory=STATIC / "simple"), name="simple"),
    ]
    return found
