"""The first page after sign-in (the two ways in, and the choice remembered), /about and the
accessibility statement."""

from __future__ import annotations

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from powerdeck.core.errors import PowerdeckError
from powerdeck.web.simple.forms import read_form, text
from powerdeck.web.simple.site import person, problem_page, render, site

VIEW_KEY = "web_view"
"""The person's choice of way in, kept in their state file so it follows them to any browser."""
VIEWS = {"deck": "/deck", "cards": "/cards"}


def home(request: Request) -> Response:
    try:
        chosen = site(request).with_log(person(request), lambda log: log.get_state(VIEW_KEY))
    except PowerdeckError as error:
        return problem_page(request, error)
    if chosen in VIEWS and request.query_params.get("choose") != "1":
        return RedirectResponse(VIEWS[chosen], status_code=303)
    return render(request, "home.html", {"chosen": chosen if chosen in VIEWS else ""})


async def choose(request: Request) -> Response:
    posted = await read_form(request)
    view = text(posted, "view")
    if view not in VIEWS:
        return render(request, "home.html", {"chosen": ""}, status=400)
    try:
        await run_in_threadpool(site(request).write, person(request), lambda log: log.set_state(VIEW_KEY, view))
    except PowerdeckError as error:
        return problem_page(request, error)
    return RedirectResponse(VIEWS[view], status_code=303)


def about(request: Request) -> Response:
    return render(request, "about.html")


def accessibility(request: Request) -> Response:
    return render(request, "accessibility.html")
