"""A real OpenID provider (oidc-provider-mock) and a real `powerdeck web` on 127.0.0.1, in threads
of the test process; a sign-in that goes through the provider's own form; a deck read over the
websocket into a pyte screen.

The door runs in a thread (not a process) so that tests can move its clock (session expiry) and
look at its tables; the apps in the tabs are real processes forked from the real prepared process.
"""

from __future__ import annotations

import asyncio
import json
import logging
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import pyte
import uvicorn
import werkzeug.serving
from websockets.sync.client import ClientConnection, connect

from powerdeck.web.app import create_app
from powerdeck.web.auth import check_provider
from powerdeck.web.config import WebConfig, WebLimits
from powerdeck.web.door import Door, log
from powerdeck.web.sessions import COOKIE
from sshd_harness import free_port


@contextmanager
def provider_server(other_issuer_in_tokens: bool = False) -> Iterator[str]:
    """A real OpenID provider on localhost; yields its issuer. With `other_issuer_in_tokens`, its
    token endpoint believes it is reached as 127.0.0.1, so the ID tokens it signs name the issuer
    http://127.0.0.1:PORT: the same provider and keys, an issuer the door was not given."""
    import oidc_provider_mock

    flask_app = oidc_provider_mock.app()

    def wsgi(environ: dict[str, Any], start_response: Any) -> Any:
        if other_issuer_in_tokens and environ.get("PATH_INFO") == "/oauth2/token":
            environ["HTTP_HOST"] = environ["HTTP_HOST"].replace("localhost", "127.0.0.1")
        return flask_app(environ, start_response)

    server = werkzeug.serving.make_server("localhost", 0, wsgi, threaded=True)
    thread = threading.Thread(target=server.serve_forever, args=(0.1,), daemon=True)
    thread.start()
    try:
        yield f"http://localhost:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(10)
        server.server_close()


def set_claims(issuer: str, sub: str, claims: dict[str, object]) -> None:
    httpx.put(f"{issuer}/users/{sub}", json=claims, timeout=10).raise_for_status()


class WebDoor:
    """`powerdeck web` on a free port of 127.0.0.1, its clock movable by `advance`."""

    def __init__(self, state: Path, issuer: str, limits: WebLimits | None = None, rescue: str | None = None) -> None:
        state.mkdir(mode=0o700, parents=True, exist_ok=True)
        self.state = state
        self.issuer = issuer
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.offset = 0.0
        self.config = WebConfig(
            state=state, issuer=issuer, client_id="powerdeck-test", client_secret="test-secret",
            public_url=self.base, port=self.port, limits=limits or WebLimits(), rescue=rescue,
            clock=lambda: time.time() + self.offset,
        )
        self.app = create_app(self.config)
        self.door: Door = self.app.state.door
        # In a thread of its own: Playwright's sync API may be running a loop in this one.
        checker = threading.Thread(target=asyncio.run, args=(check_provider(self.app.state.oidc, issuer),))
        checker.start()
        checker.join(30)
        self.server = uvicorn.Server(uvicorn.Config(
            self.app, host="127.0.0.1", port=self.port, ws="websockets-sansio", log_level="warning", lifespan="on",
            proxy_headers=False,
        ))
        self.thread = threading.Thread(target=self.server.run, daemon=True)
        self.log_handler = logging.FileHandler(state / "web.log", encoding="utf-8")
        log.addHandler(self.log_handler)
        log.setLevel(logging.INFO)

    def start(self) -> WebDoor:
        self.thread.start()
        deadline = time.monotonic() + 90
        while not self.server.started:
            if not self.thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError("powerdeck web did not start")
            time.sleep(0.05)
        return self

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(60)
        log.removeHandler(self.log_handler)
        self.log_handler.close()

    def advance(self, seconds: float) -> None:
        self.offset += seconds

    def folder(self, name: str) -> Path:
        return self.state / "people" / name

    def log_text(self) -> str:
        path = self.state / "web.log"
        return path.read_text() if path.exists() else ""


@dataclass
class SignIn:
    client: httpx.Client
    authorize_url: str
    final: httpx.Response

    @property
    def cookie(self) -> str | None:
        return self.client.cookies.get(COOKIE)


def sign_in(door: WebDoor, sub: str, start: str = "/deck", client: httpx.Client | None = None) -> SignIn:
    """Through the provider's own sign-in form, as a person would: start at `start`."""
    client = client or httpx.Client(timeout=30, follow_redirects=False)
    if not start.startswith("/auth/login"):
        first = client.get(door.base + start)
        assert first.status_code == 303, first.text
        start = first.headers["location"]
    login = client.get(door.base + start)
    assert login.status_code == 302, login.text
    authorize_url = login.headers["location"]
    page = client.get(authorize_url)
    assert page.status_code == 200 and 'name="sub"' in page.text
    answer = client.post(authorize_url, data={"sub": sub})
    assert answer.status_code == 302, answer.text
    final = client.get(answer.headers["location"])
    return SignIn(client, authorize_url, final)


def query_of(url: str) -> dict[str, str]:
    return {key: values[0] for key, values in parse_qs(urlsplit(url).query).items()}


@dataclass
class WsDeck:
    """The deck over the websocket, drawn into a pyte screen as xterm.js would draw it."""

    connection: ClientConnection
    columns: int = 100
    rows: int = 30
    messages: list[dict[str, Any]] = field(default_factory=list)
    closed: bool = False

    def __post_init__(self) -> None:
        self.screen = pyte.Screen(self.columns, self.rows)
        self.stream = pyte.ByteStream(self.screen)
        self.lock = threading.Lock()
        self.thread = threading.Thread(target=self._read, daemon=True)
        self.thread.start()

    def _read(self) -> None:
        try:
            for message in self.connection:
                with self.lock:
                    if isinstance(message, bytes):
                        self.stream.feed(message)
                    else:
                        self.messages.append(json.loads(message))
        except Exception:
            pass
        self.closed = True

    def text(self) -> str:
        with self.lock:
            return "\n".join(self.screen.display)

    def wait_for(self, wanted: str, timeout: float = 20.0) -> str:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            text = self.text()
            if wanted in text:
                return text
            time.sleep(0.05)
        raise AssertionError(f"{wanted!r} not on the screen:\n{self.text()}")

    def wait_message(self, key: str, timeout: float = 20.0) -> dict[str, Any]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self.lock:
                for message in self.messages:
                    if key in message:
                        return message
            time.sleep(0.05)
        raise AssertionError(f"no {key!r} message; got {self.messages}")

    def send(self, data: str | bytes) -> None:
        self.connection.send(data.encode() if isinstance(data, str) else data)

    def type(self, text: str, gap: float = 0.03) -> None:
        for char in text:
            self.send(char)
            time.sleep(gap)

    def close(self) -> None:
        self.connection.close()
        self.thread.join(10)


def open_deck(door: WebDoor, cookie: str | None, origin: str | None = None, query: str = "",
              columns: int = 100, rows: int = 30) -> WsDeck:
    headers = {"Cookie": f"{COOKIE}={cookie}"} if cookie else {}
    connection = connect(f"ws://127.0.0.1:{door.port}/ws?cols={columns}&rows={rows}{query}",
                         origin=origin if origin is not None else door.base,  # type: ignore[arg-type]
                         additional_headers=headers, open_timeout=20, max_size=None)
    return WsDeck(connection, columns, rows)
