"""/export: the review pack and the other formats as downloads, with the terminal's choices (the
format, the period, the name and role on the cover, the NMC layout) and, when it came from a
filtered log, the log's filters. The bytes are `export_bytes`'s, the same as the terminal's, made
in a job of their own (site.jobs): one at a time per person, a few at a time in all; a refusal or
a failure is a page of one plain line."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.datastructures import ImmutableMultiDict
from starlette.requests import Request
from starlette.responses import Response

from powerdeck.core.errors import Busy, PowerdeckError
from powerdeck.core.fields import ascii_number
from powerdeck.export import EXTENSIONS, NAME_KEY, ROLE_KEY, ExportOptions
from powerdeck.store import Log
from powerdeck.web.simple import periods
from powerdeck.web.simple.forms import Errors, read_form, text
from powerdeck.web.simple.site import jobs, person, problem_page, render, site

FORMATS = (
    ("docx", "Word: a review pack for your appraisal or PDR (.docx)"),
    ("markdown", "Markdown (.md)"),
    ("csv", "CSV: for a spreadsheet (.csv)"),
    ("json", "JSON: the exact copy, to move or back up (.json)"),
)
MEDIA = {"docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
         "markdown": "text/markdown; charset=utf-8", "csv": "text/csv; charset=utf-8",
         "json": "application/json"}
MAX_NAME = 200


@dataclass
class Choices:
    """What the export form shows and sends: the terminal's choices, and the log's filters."""

    fmt: str
    layout: str
    period: str
    typed_from: str
    typed_to: str
    capabilities: list[int]
    card: str
    q: str
    open: bool

    @classmethod
    def of(cls, params: ImmutableMultiDict[str, Any], card_ids: set[str]) -> Choices:
        def one(name: str, default: str = "") -> str:
            value = params.get(name, default)
            return value if isinstance(value, str) else default

        card = one("card")
        return cls(
            fmt=one("format", "docx"), layout=one("layout", "standard"), period=one("period", periods.ANY),
            typed_from=one("from")[:40], typed_to=one("to")[:40],
            capabilities=sorted({n for n in map(ascii_number, params.getlist("capability"))
                                 if n is not None and 1 <= n <= 99}),
            card=card if card in card_ids else "", q=one("q")[:500], open=one("open") == "1")

    def context(self) -> dict[str, object]:
        return {"fmt": self.fmt, "layout": self.layout, "period": self.period, "typed_from": self.typed_from,
                "typed_to": self.typed_to, "capabilities": self.capabilities, "card": self.card, "q": self.q,
                "open": self.open}


def export_page(request: Request) -> Response:
    def read(log: Log) -> tuple[str, str, int]:
        return str(log.get_state(NAME_KEY, "") or ""), str(log.get_state(ROLE_KEY, "") or ""), log.count()

    try:
        name, role, total = site(request).with_log(person(request), read)
    except PowerdeckError as error:
        return problem_page(request, error)
    values = Choices.of(request.query_params, {card.id for card in site(request).deck.cards}).context()
    return render(request, "export.html", {**values, "name": name, "role": role, "total": total, "errors": Errors(),
                                           "formats": FORMATS, "period_choices": periods.choices(date.today())})


async def export_post(request: Request) -> Response:
    posted = await read_form(request)
    chosen = Choices.of(posted, {card.id for card in site(request).deck.cards})
    values = chosen.context()
    name, role = text(posted, "name")[:MAX_NAME], text(posted, "role")[:MAX_NAME]
    errors = Errors()
    fmt = chosen.fmt
    if fmt not in dict(FORMATS):
        errors.add("format", "Choose a format for the file")
    layout = chosen.layout
    if layout not in ("standard", "nmc"):
        layout = "standard"
    if layout == "nmc" and fmt not in ("docx", "markdown"):
        errors.add("layout", "The NMC reflective account layout is for Word and Markdown: choose one of those, "
                             "or the standard layout")
    today = date.today()
    period = periods.resolve(chosen.period, chosen.typed_from, chosen.typed_to, today, errors)
    use_filters = text(posted, "filters") == "1"
    options = ExportOptions(
        fmt=fmt if fmt in dict(FORMATS) else "docx", since=period.since, until=period.until,
        capabilities=frozenset(chosen.capabilities if use_filters else ()),
        card=(chosen.card or None) if use_filters else None, text=chosen.q.strip() if use_filters else "",
        open_only=chosen.open and use_filters, name=name, role=role, layout=layout)

    def remember(log: Log) -> int:
        log.set_state(NAME_KEY, name)  # remembered for the next export, here and in the terminal
        log.set_state(ROLE_KEY, role)
        return log.count()

    try:
        total = await run_in_threadpool(site(request).write, person(request), remember)
    except PowerdeckError as error:
        return problem_page(request, error)
    if errors:
        return render(request, "export.html", {**values, "name": name, "role": role, "total": total,
                                               "errors": errors, "formats": FORMATS,
                                               "period_choices": periods.choices(today)}, status=400)
    try:
        made = await jobs(request).export(person(request), options, request.is_disconnected)
    except Busy as refused:
        return render(request, "export_refused.html", {"heading": "Your file is not ready yet",
                                                       "message": str(refused)}, status=429)
    except PowerdeckError as error:
        return render(request, "export_refused.html", {"heading": "Your file could not be made",
                                                       "message": str(error)}, status=500)
    filename = f"powerdeck-log-{today.isoformat()}.{EXTENSIONS[options.fmt]}"
    return Response(made, media_type=MEDIA[options.fmt], headers={
        "Content-Disposition": f'attachment; filename="{filename}"', "Cache-Control": "no-store",
        "X-Content-Type-Options": "nosniff"})


__all__ = ["export_page", "export_post"]
