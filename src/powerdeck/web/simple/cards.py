"""The cards and one card's page: its words, its draft and entries, the form to write about it;
and an entry's own page, its deletion (with a confirmation page) and the undo."""

from __future__ import annotations

import base64
import json

from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from powerdeck.core.entry import Entry, EntryFilter
from powerdeck.core.errors import PowerdeckError
from powerdeck.deck.model import Card
from powerdeck.store import Log
from powerdeck.web.simple import csrf
from powerdeck.web.simple.entry_form import EntryForm, draft_is_ours, keep_draft, save
from powerdeck.web.simple.forms import read_form, text
from powerdeck.web.simple.site import person, problem_page, render, site

NEWEST_ON_CARD = 10
"""Entries shown on a card's page; the rest are a link to the log filtered to the card."""
DONE = {
    "saved": "Entry saved.",
    "draft": "Draft kept. It is here, and in the terminal deck, until you save it.",
    "restored": "Entry put back.",
}


def the_card(request: Request, card_id: str) -> Card:
    card = site(request).deck.find_card(card_id)
    if card is None:
        raise HTTPException(404, f"There is no card {card_id[:20]} in this deck.")
    return card


def cards_page(request: Request) -> Response:
    here = site(request)
    try:
        counts, opens, drafts = here.with_log(person(request), lambda log: (
            log.count_by_card(), {e.card for e in log.entries(EntryFilter(open_only=True))}, log.drafts()))
    except PowerdeckError as error:
        return problem_page(request, error)
    return render(request, "cards.html", {"counts": counts, "open_cards": opens,
                                          "draft_cards": {card for card, d in drafts.items() if not d.is_blank}})


def card_context(log: Log, request: Request, card: Card, form: EntryForm | None, done: str = "") -> dict[str, object]:
    deck = site(request).deck
    entries = log.entries(EntryFilter(card=card.id))
    if form is None:
        edit_id = request.query_params.get("edit")
        editing = log.get(edit_id) if edit_id else None
        form = EntryForm.shown(log, card.id, editing if editing is not None and editing.card == card.id else None)
    draft = log.draft(card.id)
    other_draft = draft if draft is not None and not draft.is_blank and draft.entry_id != form.entry_id else None
    return {
        "card": card,
        "capability": deck.capability(card.capability),
        "previous": deck.step(card.id, -1),
        "next": deck.step(card.id, 1),
        "entries": entries[:NEWEST_ON_CARD],
        "total": len(entries),
        "form": form,
        "errors": form.errors,
        "other_draft": other_draft,
        "done": DONE.get(done, ""),
        "sheet": log.worksheet(card.id) if card.worksheet else None,
    }


def card_page(request: Request) -> Response:
    card = the_card(request, request.path_params["card_id"])
    try:
        context = site(request).with_log(person(request), lambda log: card_context(
            log, request, card, None, request.query_params.get("done", "")))
    except PowerdeckError as error:
        return problem_page(request, error)
    return render(request, "card.html", context)


async def card_post(request: Request) -> Response:
    card = the_card(request, request.path_params["card_id"])
    posted = await read_form(request)
    form = EntryForm.posted(card.id, posted)
    wanted = text(posted, "do")

    def work(log: Log) -> Response:
        try:
            if wanted == "draft":
                if keep_draft(log, form):
                    return RedirectResponse(f"/cards/{card.id}?done=draft#entry-form", status_code=303)
                form.problem = ("This card already has a draft of another entry (shown above), so this text "
                                "was not kept as a draft: save it, or copy it somewhere.")
            else:
                entry = save(log, form)
                if entry is not None:
                    return RedirectResponse(f"/cards/{card.id}?done=saved#entry-{entry.id}", status_code=303)
        except PowerdeckError as error:
            form.problem = f"{error} Your text is still in the form below."
        status = 400 if form.errors else 409 if form.conflict or form.gone else 500 if form.problem else 200
        return render(request, "card.html", card_context(log, request, card, form), status=status)

    try:
        return await run_in_threadpool(site(request).write, person(request), work)
    except PowerdeckError as error:
        return problem_page(request, error)


async def draft_post(request: Request) -> Response:
    """The page's script keeps the draft as the person types (204), as the terminal does."""
    card = the_card(request, request.path_params["card_id"])
    form = EntryForm.posted(card.id, await read_form(request))

    def work(log: Log) -> int:
        return 204 if keep_draft(log, form) else 409

    try:
        status = await run_in_threadpool(site(request).write, person(request), work)
    except PowerdeckError:
        status = 503
    return Response(status_code=status)


def find_entry(log: Log, entry_id: str) -> Entry:
    entry = log.get(entry_id)
    if entry is None:
        raise HTTPException(404, "That entry is not in your log: it may have been deleted.")
    return entry


def entry_page(request: Request) -> Response:
    entry_id = request.path_params["entry_id"]
    try:
        entry = site(request).with_log(person(request), lambda log: find_entry(log, entry_id))
    except PowerdeckError as error:
        return problem_page(request, error)
    return render(request, "entry.html", {"entry": entry, "card": site(request).deck.find_card(entry.card)})


def delete_page(request: Request) -> Response:
    entry_id = request.path_params["entry_id"]
    try:
        entry = site(request).with_log(person(request), lambda log: find_entry(log, entry_id))
    except PowerdeckError as error:
        return problem_page(request, error)
    return render(request, "delete.html", {"entry": entry, "card": site(request).deck.find_card(entry.card)})


def _undo_token(request: Request, entry: Entry) -> tuple[str, str]:
    payload = base64.urlsafe_b64encode(json.dumps(entry.to_dict()).encode("utf-8")).decode("ascii")
    return payload, csrf.sign(request.app.state.secret_key, person(request).session_id, payload.encode("ascii"))


async def delete_post(request: Request) -> Response:
    entry_id = request.path_params["entry_id"]
    await read_form(request)

    def work(log: Log) -> Entry | None:
        return log.delete(entry_id) if log.get(entry_id) is not None else None

    try:
        deleted = await run_in_threadpool(site(request).write, person(request), work)
    except PowerdeckError as error:
        return problem_page(request, error)
    if deleted is None:
        raise HTTPException(404, "That entry is not in your log: it was deleted already.")
    payload, signature = _undo_token(request, deleted)
    return render(request, "deleted.html", {"entry": deleted, "card": site(request).deck.find_card(deleted.card),
                                            "payload": payload, "signature": signature})


async def undo_post(request: Request) -> Response:
    """Put a deleted entry back, exactly as it was: the deleted page carries it, signed."""
    posted = await read_form(request)
    payload, signature = text(posted, "entry"), text(posted, "signature")
    if not csrf.signed(request.app.state.secret_key, person(request).session_id, payload.encode("ascii", "replace"),
                       signature):
        raise HTTPException(400, "That undo has expired: the entry was not put back.")
    entry = Entry.from_dict(json.loads(base64.urlsafe_b64decode(payload)))
    try:
        await run_in_threadpool(site(request).write, person(request), lambda log: log.restore(entry))
    except PowerdeckError as error:
        return problem_page(request, error)
    return RedirectResponse(f"/cards/{entry.card}?done=restored#entry-{entry.id}", status_code=303)


__all__ = ["card_page", "card_post", "cards_page", "delete_page", "delete_post", "draft_is_ours", "draft_post",
           "entry_page", "undo_post"]
