"""Reading a posted form: its size bounded, its CSRF token checked, its text as the person typed it.

Browsers send a text area's line breaks as CRLF (HTML's form encoding); the terminal writes LF,
and what a person typed is LF in the page, so CR LF and a lone CR come back as LF.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from starlette.datastructures import FormData
from starlette.exceptions import HTTPException
from starlette.requests import Request

from powerdeck.core.fields import ascii_number
from powerdeck.web.simple import csrf
from powerdeck.web.simple.site import person

MAX_BODY = 16 * 1024 * 1024
"""Three fields of a million characters (the store's limit) in the widest UTF-8, URL-encoded, fit."""


class Refused(HTTPException):
    """A form the server will not act on (no valid CSRF token, too big)."""


async def read_form(request: Request) -> FormData:
    length = ascii_number(request.headers.get("content-length", ""), 18)
    if length is not None and length > MAX_BODY:
        raise Refused(413, "That form is too big to save: keep each box under a million characters.")
    form = await request.form(max_fields=2000, max_part_size=MAX_BODY)
    if not csrf.valid(request.app.state.secret_key, person(request).session_id, form.get(csrf.FIELD)):
        raise Refused(403, "This form has expired (you signed in again since it was shown). "
                           "Go back, reload the page and send it again.")
    return form


def text(form: FormData, name: str) -> str:
    value = form.get(name)
    if not isinstance(value, str):
        return ""
    return value.replace("\r\n", "\n").replace("\r", "\n")


@dataclass
class Errors:
    """A form's problems by field id, in the order found; rendered as NHS.UK's error summary
    (each linked to its field) and as each field's error message."""

    found: dict[str, str] = field(default_factory=dict)

    def add(self, field_id: str, message: str) -> None:
        self.found.setdefault(field_id, message)

    def __bool__(self) -> bool:
        return bool(self.found)

    def get(self, field_id: str) -> dict[str, str] | None:
        message = self.found.get(field_id)
        return {"text": message} if message is not None else None

    def summary(self) -> list[dict[str, Any]]:
        return [{"text": message, "href": f"#{field_id}"} for field_id, message in self.found.items()]
