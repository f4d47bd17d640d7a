"""The review log as a page: the terminal's filters (capability, card, search, open only,
period) as GET parameters, so a filtered view is a link; paged; and the overview."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from urllib.parse import urlencode

from starlette.datastructures import QueryParams
from starlette.requests import Request
from starlette.responses import Response

from powerdeck.core.entry import Entry, EntryFilter
from powerdeck.core.errors import PowerdeckError
from powerdeck.core.fields import ascii_number
from powerdeck.store import Log
from powerdeck.web.simple import periods
from powerdeck.web.simple.forms import Errors
from powerdeck.web.simple.site import person, problem_page, render, site

PAGE_SIZE = 25
SHOWN_CHARACTERS = 600
"""Of each text in the list; the entry's own page has all of it."""


@dataclass
class LogQuery:
    capabilities: list[int]
    card: str
    text: str
    open_only: bool
    period: str
    typed_from: str
    typed_to: str
    page: int
    errors: Errors

    @classmethod
    def of(cls, params: QueryParams, card_ids: set[str]) -> LogQuery:
        numbers = [n for n in map(ascii_number, params.getlist("capability")) if n is not None and 1 <= n <= 99]
        card = params.get("card", "")
        page = params.get("page", "1")
        return cls(
            capabilities=sorted(set(numbers)), card=card if card in card_ids else "", text=params.get("q", "")[:500],
            open_only=params.get("open") == "1", period=params.get("period", periods.ANY),
            typed_from=params.get("from", "")[:40], typed_to=params.get("to", "")[:40],
            page=ascii_number(page, 6) or 1, errors=Errors(),
        )

    def entry_filter(self, today: date) -> EntryFilter:
        period = periods.resolve(self.period, self.typed_from, self.typed_to, today, self.errors)
        return EntryFilter(capabilities=frozenset(self.capabilities), card=self.card or None,
                           text=self.text.strip(), since=period.since, until=period.until, open_only=self.open_only)

    def link(self, page: int) -> str:
        pairs: list[tuple[str, str]] = [("capability", str(number)) for number in self.capabilities]
        for key, value in (("card", self.card), ("q", self.text), ("open", "1" if self.open_only else ""),
                           ("period", "" if self.period == periods.ANY else self.period),
                           ("from", self.typed_from if self.period == periods.TYPED else ""),
                           ("to", self.typed_to if self.period == periods.TYPED else ""),
                           ("page", str(page) if page > 1 else "")):
            if value:
                pairs.append((key, value))
        return "/log" + (f"?{urlencode(pairs)}" if pairs else "")


def log_page(request: Request) -> Response:
    here = site(request)
    query = LogQuery.of(request.query_params, {card.id for card in here.deck.cards})
    today = date.today()
    wanted = query.entry_filter(today)

    def read(log: Log) -> tuple[list[Entry], int]:
        return log.entries(wanted), log.count()

    try:
        shown, total = here.with_log(person(request), read)
    except PowerdeckError as error:
        return problem_page(request, error)
    pages = max(1, -(-len(shown) // PAGE_SIZE))
    page = min(query.page, pages)
    start = (page - 1) * PAGE_SIZE
    return render(request, "log.html", {
        "query": query, "errors": query.errors, "entries": shown[start:start + PAGE_SIZE], "matched": len(shown),
        "total": total, "page": page, "pages": pages, "first": start + 1,
        "previous_link": query.link(page - 1) if page > 1 else "",
        "next_link": query.link(page + 1) if page < pages else "",
        "period_choices": periods.choices(today), "filtered": not wanted.is_empty, "limit": SHOWN_CHARACTERS,
    }, status=400 if query.errors else 200)


def overview_page(request: Request) -> Response:
    here = site(request)

    def read(log: Log) -> dict[str, object]:
        return {"counts": log.count_by_capability(), "opens": log.open_by_capability(),
                "by_card": log.count_by_card(), "sheets": log.worksheets(), "total": log.count()}

    try:
        numbers = here.with_log(person(request), read)
    except PowerdeckError as error:
        return problem_page(request, error)
    return render(request, "overview.html", numbers)
