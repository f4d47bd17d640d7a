"""Exports on their way to a browser: a one-time link that only the session it was made for opens.

A tab's app writes an export into the tab's own folder on the server (serve/served_app.py); the
tab sees it (terminal.py), registers it here under a random key and tells its page, which fetches
`/download/KEY`. The key works once, only with the cookie of the session it was made for, for
ten minutes; then the file is deleted. Nothing about the file comes from the request but the key.
"""

from __future__ import annotations

import contextlib
import mimetypes
import os
import re
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

from starlette.requests import Request
from starlette.responses import Response

LIFETIME = 600.0
MAX_BYTES = 64 * 1024 * 1024


@dataclass(frozen=True)
class Download:
    sid: str
    path: Path
    filename: str
    expires: float


class Downloads:
    def __init__(self, clock: Callable[[], float]) -> None:
        self.clock = clock
        self._waiting: dict[str, Download] = {}

    def add(self, sid: str, path: Path) -> str:
        self.expire()
        key = secrets.token_urlsafe(32)
        self._waiting[key] = Download(sid, path, path.name, self.clock() + LIFETIME)
        return key

    def take(self, key: str, sid: str) -> Download | None:
        """The download for this key if this session may have it, now or never again. A key
        tried from another session is not spent: its owner can still fetch it."""
        self.expire()
        download = self._waiting.get(key)
        if download is None or not secrets.compare_digest(download.sid, sid):
            return None
        del self._waiting[key]
        return download

    def expire(self) -> None:
        now = self.clock()
        for key, download in list(self._waiting.items()):
            if download.expires <= now:
                del self._waiting[key]
                discard(download.path)

    def drop_all(self) -> None:
        for download in self._waiting.values():
            discard(download.path)
        self._waiting.clear()


def discard(path: Path) -> None:
    with contextlib.suppress(OSError):
        path.unlink()
    with contextlib.suppress(OSError):
        path.parent.rmdir()  # the tab's folder, once empty and the tab gone


def content_disposition(filename: str) -> str:
    """`attachment` with an ASCII fallback and the exact name (RFC 6266 / 5987)."""
    fallback = re.sub(r"[^A-Za-z0-9._-]", "_", filename) or "download"
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(filename, safe='')}"


def read_whole(path: Path) -> bytes | None:
    """The file's bytes, never through a symlink; None if it is gone or too big."""
    try:
        descriptor = os.open(path, os.O_RDONLY | os.O_NOFOLLOW)
    except OSError:
        return None
    with os.fdopen(descriptor, "rb") as stream:
        data = stream.read(MAX_BYTES + 1)
    return data if len(data) <= MAX_BYTES else None


async def download_route(request: Request) -> Response:
    from powerdeck.web.pages import message_page

    door = request.app.state.door
    person = request.state.person
    download = door.downloads.take(str(request.path_params["key"]), person.session_id)
    data = read_whole(download.path) if download is not None else None
    if download is not None:
        discard(download.path)
    if download is None or data is None:
        return message_page(request, "This download has gone",
                            ["A download link works once, for ten minutes, in the browser that asked for it. "
                             "Export again from the deck."], status=404)
    mime = mimetypes.guess_type(download.filename)[0] or "application/octet-stream"
    return Response(data, media_type=mime, headers={
        "Content-Disposition": content_disposition(download.filename),
        "Cache-Control": "no-store",
    })
