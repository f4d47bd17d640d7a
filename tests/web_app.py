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

from powerdeck.web.person import WebPerson
from powerdeck.web.simple import routes

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


def make_app(data_dir: Path, name: str = "sam", session_id: str = SESSION) -> Starlette:
    person = WebPerson(name=name, data_dir=Path(data_dir), session_id=session_id)
    app = Starlette(routes=routes(), middleware=[Middleware(SignedIn, person=person)])
    app.state.secret_key = SECRET
    return app


if __name__ == "__main__":
    import uvicorn

    uvicorn.run(make_app(Path(sys.argv[1])), host="127.0.0.1", port=int(sys.argv[2]), log_level="warning")
