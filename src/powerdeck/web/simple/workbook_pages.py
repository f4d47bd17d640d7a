"""The workbook as pages: voices (lines added and edited) with the word cloud as a picture whose
text alternative is the ranked list of phrases; the relationship map as a table (rows added,
edited, deleted); lists, notes and memos as text areas; and, on the cards that look back, what
they look back at. Every change is made to the worksheet as it is on disk now, under the lock;
a text changed elsewhere since the page was loaded is shown, never overwritten unseen."""

from __future__ import annotations

import hashlib

from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from powerdeck.core.errors import PowerdeckError
from powerdeck.deck.model import Card
from powerdeck.store import Log
from powerdeck.web.simple.forms import Errors, read_form, text
from powerdeck.web.simple.site import CSP, person, problem_page, render, site
from powerdeck.workbook import relmap
from powerdeck.workbook.cloud_svg import to_svg
from powerdeck.workbook.model import QUALITIES, RINGS, SECTORS, Person, Worksheet
from powerdeck.workbook.voices import ROLE_MARK, weights

KIND_NAMES = {"voices": "Voices and word cloud", "map": "Relationship map", "notes": "Notes", "list": "List",
              "memo": "Memo"}
DONE = {"saved": "Saved.", "added": "Added.", "deleted": "Deleted from the map."}
MAX_LINE = 2000


def fingerprint(value: str) -> str:
    """A worksheet's text as the page showed it, hashed (its `updated` is only to the second)."""
    return hashlib.sha256(value.encode("utf-8", "surrogatepass")).hexdigest()[:32]


def workbook_card(request: Request) -> Card:
    card = site(request).deck.find_card(request.path_params["card_id"])
    if card is None or not (card.worksheet or card.looks_back):
        raise HTTPException(404, "That card has no workbook page.")
    return card


def workbook_index(request: Request) -> Response:
    try:
        sheets = site(request).with_log(person(request), lambda log: log.worksheets())
    except PowerdeckError as error:
        return problem_page(request, error)
    cards = [card for card in site(request).deck.cards if card.worksheet or card.looks_back]
    return render(request, "workbook.html", {"cards": cards, "sheets": sheets, "kind_names": KIND_NAMES})


def sheet_context(log: Log, request: Request, card: Card) -> dict[str, object]:
    sheets = log.worksheets()
    deck = site(request).deck
    looked = [(deck.find_card(other), sheets.get(other)) for other in card.looks_back]
    sheet = sheets.get(card.id)
    return {"card": card, "sheet": sheet, "kind": card.worksheet, "kind_names": KIND_NAMES,
            "looked": [(found, other) for found, other in looked if found is not None],
            "rings": RINGS, "qualities": QUALITIES, "sectors": SECTORS, "nudge": relmap.NAME_NUDGE,
            "text": sheet.text if sheet else "", "updated": sheet.updated if sheet else "",
            "seen": fingerprint(sheet.text if sheet else ""),
            "errors": Errors(), "done": DONE.get(request.query_params.get("done", ""), ""), "conflict": None}


def sheet_page(request: Request) -> Response:
    card = workbook_card(request)
    try:
        context = site(request).with_log(person(request), lambda log: sheet_context(log, request, card))
    except PowerdeckError as error:
        return problem_page(request, error)
    return render(request, "worksheet.html", context)


def _empty(card: Card) -> Worksheet:
    return Worksheet(card.id, card.worksheet or "notes")


async def sheet_post(request: Request) -> Response:
    """The text of voices, a list, notes or a memo; or one voice added."""
    card = workbook_card(request)
    if card.worksheet is None or card.worksheet == "map":
        raise HTTPException(404, "That card has no text to save.")
    posted = await read_form(request)

    def work(log: Log) -> Response:
        sheet = log.worksheet(card.id) or _empty(card)
        if text(posted, "do") == "add":
            return _add_voice(log, request, card, sheet, posted)
        typed, loaded, seen = text(posted, "text"), text(posted, "updated"), text(posted, "seen")
        changed = sheet.updated != loaded or (seen and fingerprint(sheet.text) != seen)
        if changed and sheet.text != typed:
            context = sheet_context(log, request, card)
            context.update(text=typed, updated=sheet.updated, conflict=sheet)
            return render(request, "worksheet.html", context, status=409)
        log.save_worksheet(sheet.with_changes(text=typed))
        return RedirectResponse(f"/workbook/{card.id}?done=saved", status_code=303)

    try:
        return await run_in_threadpool(site(request).write, person(request), work)
    except PowerdeckError as error:
        return problem_page(request, error)


def _add_voice(log: Log, request: Request, card: Card, sheet: Worksheet, posted: FormData) -> Response:
    phrase = " ".join(text(posted, "phrase").split())
    role = " ".join(text(posted, "role").split())
    errors = Errors()
    if not phrase:
        errors.add("phrase", "Enter the words someone said")
    elif ROLE_MARK in phrase:
        errors.add("phrase", f"Leave out the “{ROLE_MARK}” sign: put who said it in the next box")
    elif len(phrase) + len(role) > MAX_LINE:
        errors.add("phrase", f"Keep a voice under {MAX_LINE} characters")
    if errors:
        context = sheet_context(log, request, card)
        context.update(errors=errors, phrase=phrase, role=role)
        return render(request, "worksheet.html", context, status=400)
    line = f"{phrase} {ROLE_MARK} {role}" if role else phrase
    current = sheet.text
    joined = current + ("" if not current or current.endswith("\n") else "\n") + line + "\n"
    log.save_worksheet(sheet.with_changes(text=joined))
    return RedirectResponse(f"/workbook/{card.id}?done=added#add-voice", status_code=303)


def cloud_svg(request: Request) -> Response:
    card = workbook_card(request)
    sheet = site(request).with_log(person(request), lambda log: log.worksheet(card.id))
    svg = to_svg(weights(sheet.text if sheet else ""), f"{card.id} {card.title}")
    return Response(svg, media_type="image/svg+xml", headers={
        "Content-Security-Policy": CSP, "X-Content-Type-Options": "nosniff", "Cache-Control": "no-store"})


# -- the relationship map --------------------------------------------------------------------

def _map_card(request: Request) -> Card:
    card = workbook_card(request)
    if card.worksheet != "map":
        raise HTTPException(404, "That card has no relationship map.")
    return card


def _person_fields(posted: FormData, errors: Errors) -> dict[str, object]:
    name = " ".join(text(posted, "name").split())
    if not name:
        errors.add("name", "Enter a name, initials or a role")
    elif len(name) > MAX_LINE:
        errors.add("name", f"Keep the name under {MAX_LINE} characters")

    def choice(field: str, options: tuple[str, ...], default: str) -> str:
        value = text(posted, field)
        return value if value in options else default

    return {"name": name, "ring": choice("ring", RINGS, "around"), "quality": choice("quality", QUALITIES, "strong"),
            "sector": choice("sector", SECTORS, "other"), "missing": text(posted, "missing") == "1"}


async def person_add(request: Request) -> Response:
    card = _map_card(request)
    posted = await read_form(request)
    errors = Errors()
    fields = _person_fields(posted, errors)

    def work(log: Log) -> Response:
        sheet = log.worksheet(card.id) or _empty(card)
        if errors:
            context = sheet_context(log, request, card)
            context.update(errors=errors, adding=fields)
            return render(request, "worksheet.html", context, status=400)
        added = relmap.new_person(**fields)  # type: ignore[arg-type]  # the fields built above, of the right types
        log.save_worksheet(sheet.with_changes(people=relmap.add(sheet.people, added)))
        return RedirectResponse(f"/workbook/{card.id}?done=added#map", status_code=303)

    try:
        return await run_in_threadpool(site(request).write, person(request), work)
    except PowerdeckError as error:
        return problem_page(request, error)


def _find_person(log: Log, card: Card, person_id: str) -> tuple[Worksheet, Person]:
    sheet = log.worksheet(card.id) or _empty(card)
    for someone in sheet.people:
        if someone.id == person_id:
            return sheet, someone
    raise HTTPException(404, "That person is not on your map: they may have been deleted.")


def person_page(request: Request) -> Response:
    card = _map_card(request)
    template = "person_delete.html" if request.url.path.endswith("/delete") else "person_edit.html"
    try:
        _, someone = site(request).with_log(
            person(request), lambda log: _find_person(log, card, request.path_params["person_id"]))
    except PowerdeckError as error:
        return problem_page(request, error)
    return render(request, template, {"card": card, "someone": someone, "fields": someone.to_dict(),
                                      "errors": Errors(), "rings": RINGS, "qualities": QUALITIES,
                                      "sectors": SECTORS, "nudge": relmap.NAME_NUDGE})


async def person_post(request: Request) -> Response:
    card = _map_card(request)
    posted = await read_form(request)
    person_id = request.path_params["person_id"]
    deleting = request.url.path.endswith("/delete")
    errors = Errors()
    fields = {} if deleting else _person_fields(posted, errors)

    def work(log: Log) -> Response:
        sheet, someone = _find_person(log, card, person_id)
        if errors:
            return render(request, "person_edit.html", {
                "card": card, "someone": someone, "fields": fields, "errors": errors, "rings": RINGS,
                "qualities": QUALITIES, "sectors": SECTORS, "nudge": relmap.NAME_NUDGE}, status=400)
        people = relmap.delete(sheet.people, person_id) if deleting else relmap.edit(sheet.people, person_id, **fields)
        log.save_worksheet(sheet.with_changes(people=people))
        return RedirectResponse(f"/workbook/{card.id}?done={'deleted' if deleting else 'saved'}#map", status_code=303)

    try:
        return await run_in_threadpool(site(request).write, person(request), work)
    except PowerdeckError as error:
        return problem_page(request, error)
