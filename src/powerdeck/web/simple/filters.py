"""Jinja filters the simple view's templates use: items for NHS.UK frontend's macros, and the
workbook in words. Every value is a person's or the deck's text, left for autoescape to escape."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from jinja2 import Environment
from markupsafe import Markup, escape

from powerdeck.core.dates import long_date
from powerdeck.deck.model import Capability, Card
from powerdeck.workbook import relmap
from powerdeck.workbook.model import Person, Worksheet
from powerdeck.workbook.notes import brief, list_items, word_count
from powerdeck.workbook.voices import Phrase, small_voices, weights


def textarea_value(value: str) -> Markup:
    """A text area's content exactly: HTML drops one newline right after <textarea>, so one is
    put there for it to drop, and a text that starts with a blank line keeps it."""
    return Markup("\n") + escape(value)


def day(stamp: str) -> str:
    """An entry's ISO time as a day a person reads: "20 April 2026" (the stamp itself if odd)."""
    try:
        return long_date(datetime.fromisoformat(stamp).date())
    except ValueError:
        return stamp[:10]


def moment(stamp: str) -> str:
    """ "20 April 2026 at 09:43", in the time zone it was written in."""
    try:
        when = datetime.fromisoformat(stamp)
    except ValueError:
        return stamp[:16]
    return f"{long_date(when.date())} at {when:%H:%M}"


def capability_item(capability: Capability, chosen: list[int]) -> dict[str, Any]:
    return {"value": str(capability.number), "text": f"{capability.number}. {capability.title}",
            "checked": capability.number in chosen}


def card_item(card: Card, chosen: str) -> dict[str, Any]:
    return {"value": card.id, "text": f"{card.id} {card.title}", "selected": card.id == chosen}


def radio_item(choice: tuple[str, str]) -> dict[str, Any]:
    return {"value": choice[0], "text": choice[1]}


def option_item(value: str, chosen: str) -> dict[str, Any]:
    return {"value": value, "text": value, "selected": value == chosen}


def ranked_text(phrases: list[Phrase]) -> str:
    """The word cloud's text alternative: every phrase, most said first, with how often."""
    said = "; ".join(f"{n}. {phrase.text} (said {phrase.count} {'time' if phrase.count == 1 else 'times'})"
                     for n, phrase in enumerate(phrases, 1))
    return f"Word cloud. The phrases, most said first: {said}."


def sheet_brief(sheet: Worksheet) -> str:
    """One worksheet in brief, as the terminal's overview has it."""
    if sheet.kind == "voices":
        phrases = weights(sheet.text)
        quiet = small_voices(phrases)
        large = ", ".join([p.text for p in phrases if p not in quiet][:3])
        small = ", ".join(p.text for p in quiet[:2])
        return f"{sum(p.count for p in phrases)} said; large: {large}" + (f"; small: {small}" if small else "")
    if sheet.kind == "map":
        stressed = sum(p.quality == "stressed" for p in sheet.people)
        seen_little = len(relmap.missing(sheet.people))
        return f"{len(sheet.people)} on the map, {stressed} stressed, {seen_little} seen too little"
    if sheet.kind == "list":
        items = list_items(sheet.text)
        return f"{len(items)} items: {brief(', '.join(items), 50)}"
    return f"{word_count(sheet.text)} words: {brief(sheet.text, 50)}"


def breadth_summary(people: tuple[Person, ...]) -> str:
    return f"The map {relmap.breadth(people).summary()}."


def install(env: Environment) -> None:
    env.filters.update(
        textarea_value=textarea_value, day=day, moment=moment, capability_item=capability_item, card_item=card_item,
        radio_item=radio_item,
        option_item=option_item, ranked_text=ranked_text, sheet_brief=sheet_brief, breadth_summary=breadth_summary,
        phrases=weights, list_items=list_items,
    )
