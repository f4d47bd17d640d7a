"""The door's few pages: the deck in a tab, the invite page, signing out, and one-message pages.

Plain HTML, every value escaped (Jinja autoescape), no inline script, a label for every field.
"""

from __future__ import annotations

import asyncio
from typing import Any

import jinja2
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response

from powerdeck.web.door import Door, log
from powerdeck.web.sessions import COOKIE, BrowserSession

_ENVIRONMENT = jinja2.Environment(
    loader=jinja2.PackageLoader("powerdeck.web", "door_templates"),
    autoescape=True,
    undefined=jinja2.StrictUndefined,
)
CODE_LIMIT = 64


def _door(request: Request) -> Door:
    door: Door = request.app.state.door
    return door


def _session(request: Request) -> BrowserSession | None:
    session: BrowserSession | None = request.scope.get("state", {}).get("browser_session")
    return session


def render(request: Request, template: str, status: int = 200, **values: Any) -> HTMLResponse:
    session = _session(request)
    door = _door(request)
    values.setdefault("person_name", session.name if session is not None else None)
    values.setdefault("csrf", door.sessions.csrf_token(session) if session is not None else "")
    values.setdefault("simple_view", bool(request.app.state.simple_view))
    html = _ENVIRONMENT.get_template(template).render(**values)
    return HTMLResponse(html, status_code=status)


def message_page(request: Request, title: str, lines: list[str], status: int = 200,
                 link: dict[str, str] | None = None) -> HTMLResponse:
    return render(request, "message.html", status, title=title, lines=lines, link=link)


async def deck_page(request: Request) -> Response:
    return render(request, "deck.html", title="Your deck")


async def start_page(request: Request) -> Response:
    """`/` until the simple view (which owns it) is installed: straight to the deck."""
    return RedirectResponse("/deck", status_code=303)


# -- the invite page: the only page someone signed in but not on the list can see ---------------


async def invite_page(request: Request) -> Response:
    session = _session(request)
    door = _door(request)
    assert session is not None
    if session.name is not None:
        return RedirectResponse("/", status_code=303)
    if request.method == "GET":
        return render(request, "invite.html", title="Not on this deck's list", ask=door.config.ask, error=None)
    address = request.state.address
    form = await request.form(max_files=0, max_fields=4)
    code = form.get("code")
    if not door.sessions.csrf_ok(session, form.get("csrf")):
        return message_page(request, "Please try again", ["The form had expired. Go back and type the code again."],
                            status=400, link={"href": "/invite", "text": "Type the invite code"})
    who = f"{session.identity[0]} {session.identity[1]}"
    if door.throttled(address) or door.code_failures.count(who) >= door.config.limits.max_codes_per_identity:
        log.info("refused an invite code from %s: too many wrong codes", address)
        return render(request, "invite.html", 429, title="Not on this deck's list", ask=door.config.ask,
                      error=f"Too many wrong codes: wait a while, or ask {door.config.ask} for help.")
    typed = code if isinstance(code, str) else ""
    name = None
    if 0 < len(typed) <= CODE_LIMIT and typed.isascii() and typed.isprintable():
        name = await asyncio.to_thread(door.users.redeem_identity, typed, session.identity)
    if name is None:
        door.failures.add(address)
        door.code_failures.add(who)
        log.info("refused an invite code from %s (wrong, used or expired)", address)
        return render(request, "invite.html", 400, title="Not on this deck's list", ask=door.config.ask,
                      error=f"That code is not right, or it was used or has expired: ask {door.config.ask} "
                            "for a new one.")
    session.name = name
    log.info("%s linked a web sign-in with an invite code from %s", name, address)
    return RedirectResponse("/", status_code=303)


# -- signing out -----------------------------------------------------------------------------------


async def signout_page(request: Request) -> Response:
    session = _session(request)
    door = _door(request)
    if request.method == "GET":
        if session is None:
            return _signed_out(request)
        return render(request, "signout.html", title="Sign out")
    if session is not None:
        form = await request.form(max_files=0, max_fields=4)
        if not door.sessions.csrf_ok(session, form.get("csrf")):
            return message_page(request, "Please try again", ["The page had expired: sign out again."],
                                status=400, link={"href": "/signout", "text": "Sign out"})
        from powerdeck.web.terminal import end_session

        await end_session(door, session, "You signed out; your draft is kept.")
        log.info("%s signed out from %s", session.name or "someone not on the list", request.state.address)
        request.scope["state"]["browser_session"] = None
    return _signed_out(request)


def _signed_out(request: Request) -> Response:
    response = message_page(request, "You have signed out",
                            ["Your drafts are kept. Close this tab, or sign in again."],
                            link={"href": "/auth/login", "text": "Sign in again"})
    response.delete_cookie(COOKIE, path="/", secure=_door(request).config.secure, httponly=True, samesite="lax")
    return response
