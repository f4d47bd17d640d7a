"""Every request passes here first: who is asking, from where, and the headers every page gets.

- The address is the socket's peer; `X-Forwarded-For` is believed only when that peer is a
  --trusted-proxy (and then only the hops those proxies added).
- A page without a live session goes to the provider's sign-in (`/auth/login?next=PATH`); a
  session whose identity is not on the list yet reaches only the invite page and Sign out.
- A signed-in person's request carries `request.state.person` (a WebPerson) before any route runs.
- A websocket is refused before it is accepted unless its cookie names a live session of a person
  on the list and its Origin is exactly the public URL's origin (a page on another site can open
  a websocket to us with the person's cookie: Origin is what tells them apart).
- Security headers on every response: a Content-Security-Policy without inline script,
  frame-ancestors 'none', Referrer-Policy same-origin, nosniff, no caching of pages.
"""

from __future__ import annotations

from http.cookies import SimpleCookie
from urllib.parse import quote

from starlette.datastructures import Headers
from starlette.responses import RedirectResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from powerdeck.web.door import Door, log
from powerdeck.web.person import WebPerson
from powerdeck.web.sessions import COOKIE, BrowserSession

OPEN_PATHS = ("/auth/", "/static/")
"""Reached without a session: signing in itself, and the files the pages load."""
PENDING_PATHS = ("/invite", "/signout")
"""All that someone signed in but not on the list yet may reach."""
_CSP = ("default-src 'self'; script-src 'self'; style-src 'self'{styles}; img-src 'self' data:; "
        "font-src 'self'; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'; "
        "object-src 'none'")
CSP = _CSP.format(styles="")
CSP_DECK = _CSP.format(styles=" 'unsafe-inline'")
"""xterm.js sizes its rows with <style> elements it makes itself: the deck's page allows inline
styles (never inline script)."""


def client_address(scope: Scope, trusted: frozenset[str]) -> str:
    client = scope.get("client")
    peer = str(client[0]) if client else "?"
    if peer not in trusted:
        return peer
    forwarded = Headers(scope=scope).getlist("x-forwarded-for")
    hops = [hop.strip() for value in forwarded for hop in value.split(",") if hop.strip()]
    while hops:  # from the nearest: the first hop no trusted proxy added is the client
        hop = hops.pop()
        if hop not in trusted:
            return hop[:64]
    return peer


def session_cookie(scope: Scope) -> str | None:
    header = Headers(scope=scope).get("cookie")
    if not header:
        return None
    jar: SimpleCookie = SimpleCookie()
    try:
        jar.load(header)
    except Exception:  # http.cookies raises CookieError on odd input; any odd cookie is no cookie
        return None
    morsel = jar.get(COOKIE)
    return morsel.value if morsel is not None else None


class Gate:
    def __init__(self, app: ASGIApp, door: Door) -> None:
        self.app = app
        self.door = door

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        door = self.door
        address = client_address(scope, door.config.trusted_proxies)
        state = scope.setdefault("state", {})
        state["address"] = address
        path: str = scope["path"]
        session = door.sessions.find(session_cookie(scope))
        if session is not None and not door.still_allowed(session):
            session = None
        state["browser_session"] = session
        if session is not None and session.name is not None:
            state["person"] = WebPerson(session.name, door.person_folder(session.name), session.sid)
        if scope["type"] == "websocket":
            await self._websocket(scope, receive, send, session)
            return
        send = _with_headers(send, door.config.secure, path)
        if path.startswith(OPEN_PATHS):
            await self.app(scope, receive, send)
        elif session is None:
            if path.startswith("/signout"):
                await self.app(scope, receive, send)
                return
            wanted = path + ("?" + scope["query_string"].decode("latin-1") if scope.get("query_string") else "")
            target = "/auth/login" + (f"?next={quote(wanted, safe='')}" if scope["method"] in ("GET", "HEAD")
                                      and path != "/" else "")
            await RedirectResponse(target, status_code=303)(scope, receive, send)
        elif session.name is None and not path.startswith(PENDING_PATHS):
            await RedirectResponse("/invite", status_code=303)(scope, receive, send)
        else:
            await self.app(scope, receive, send)

    async def _websocket(self, scope: Scope, receive: Receive, send: Send, session: BrowserSession | None) -> None:
        origin = Headers(scope=scope).get("origin")
        why = None
        if scope["path"] != "/ws":
            why = "no such websocket"
        elif origin != self.door.config.origin:
            why = "another origin"
        elif session is None:
            why = "no live session"
        elif session.name is None:
            why = "not on the list"
        if why is not None:
            log.info("refused a websocket from %s: %s", scope["state"]["address"], why)
            await receive()  # websocket.connect
            await send({"type": "websocket.close", "code": 1008})  # before accept: the server answers 403
            return
        await self.app(scope, receive, send)


def _with_headers(send: Send, secure: bool, path: str) -> Send:
    csp = CSP_DECK if path == "/deck" else CSP

    async def sending(message: Message) -> None:
        if message["type"] == "http.response.start":
            headers = list(message.get("headers", []))
            names = {name.lower() for name, _value in headers}
            extra = [
                (b"content-security-policy", csp.encode()),
                (b"referrer-policy", b"same-origin"),
                (b"x-content-type-options", b"nosniff"),
                (b"x-frame-options", b"DENY"),
                (b"cross-origin-opener-policy", b"same-origin"),
            ]
            if not path.startswith("/static/"):
                extra.append((b"cache-control", b"no-store"))
            if secure:
                extra.append((b"strict-transport-security", b"max-age=31536000"))
            headers += [(name, value) for name, value in extra if name not in names]
            message = {**message, "headers": headers}
        await send(message)

    return sending
