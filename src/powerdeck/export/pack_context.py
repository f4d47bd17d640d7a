"""What a review pack says beyond the entries' own texts, shared by Word, Markdown and the forms:
what each card asked, each entry's dates and extras, the groups (by capability or by tag), the
hours, and the workbook of the period.

Pure functions, no file I/O and no Textual.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime

from powerdeck.core.dates import long_date
from powerdeck.core.entry import Entry
from powerdeck.core.follow_up import hours_text
from powerdeck.export.common import DeckLike, ExportOptions, capability_titles, group_by_capability
from powerdeck.workbook.model import Worksheet

NO_TAG = "No tag"
_QUESTION = re.compile(r"[^.?!]*\?")


def card_prompt(deck: DeckLike, card_id: str) -> str:
    """What the card asked: its questions, or its first paragraph where it asks none ("" for a
    card the deck does not have)."""
    card = deck.find_card(card_id)
    if card is None:
        return ""
    paragraphs = [str(text) for text in getattr(card, "paragraphs", ())]
    questions = [match.group().strip() for text in paragraphs for match in _QUESTION.finditer(text)]
    if questions:
        return " ".join(questions)
    return paragraphs[0] if paragraphs else ""


class Prompts:
    """`card_prompt` worked out once per card for one export (a pack repeats cards)."""

    def __init__(self, deck: DeckLike) -> None:
        self._deck = deck
        self._known: dict[str, str] = {}

    def __call__(self, card_id: str) -> str:
        found = self._known.get(card_id)
        if found is None:
            found = self._known[card_id] = card_prompt(self._deck, card_id)
        return found


def dates_line(entry: Entry) -> str:
    """ "Written 1 April 2026; outcome or learning last changed 3 May 2026" (or "not yet written")."""
    line = f"Written {long_date(entry.created_date)}"
    reflected = entry.reflected_on
    if reflected is None:
        return f"{line}; outcome and learning not yet written"
    return f"{line}; outcome or learning last changed {long_date(reflected)}"


def details_lines(entry: Entry) -> list[str]:
    """The extras a reader needs: follow-up, tags, time spent (only those set)."""
    lines = []
    day = entry.follow_up_date
    if day is not None and entry.is_open:
        lines.append(f"Follow up by {long_date(day)}")
    if entry.tags:
        lines.append(f"Tags: {', '.join(entry.tags)}")
    if entry.hours is not None:
        lines.append(f"Time spent: {hours_text(entry.hours)} {'hour' if entry.hours == 1 else 'hours'}")
    return lines


def total_hours(entries: Iterable[Entry]) -> float | None:
    """The hours of the entries that give any; None when none does."""
    given = [entry.hours for entry in entries if entry.hours is not None]
    return sum(given) if given else None


@dataclass(frozen=True)
class Group:
    """One section of a pack: a capability ("4", its title) or a tag ("", the tag)."""

    number: str
    title: str
    entries: list[Entry]

    @property
    def heading(self) -> str:
        return f"{self.number}. {self.title}" if self.number else self.title


def pack_groups(ordered: Sequence[Entry], deck: DeckLike, options: ExportOptions) -> list[Group]:
    """The pack's sections, in order: every capability asked for (even with no entries, for the
    summary), or every tag used (an entry under each of its tags; untagged ones last)."""
    if options.group_by == "tag":
        by_tag: dict[str, list[Entry]] = {}
        names: dict[str, str] = {}
        untagged: list[Entry] = []
        for entry in ordered:
            for tag in entry.tags:
                names.setdefault(tag.casefold(), tag)
                by_tag.setdefault(tag.casefold(), []).append(entry)
            if not entry.tags:
                untagged.append(entry)
        groups = [Group("", names[key], by_tag[key]) for key in sorted(by_tag)]
        return [*groups, Group("", NO_TAG, untagged)] if untagged else groups
    titles = capability_titles(deck)
    return [Group(str(number), titles.get(number, f"Capability {number}"), group)
            for number, group in group_by_capability(ordered, deck, options.capabilities).items()]


def _day(stamp: str) -> date | None:
    try:
        return datetime.fromisoformat(stamp).date() if stamp else None
    except ValueError:
        return None


def pack_worksheets(worksheets: Iterable[Worksheet], options: ExportOptions) -> list[Worksheet]:
    """The workbook a pack carries: for a period, the worksheets made or changed in it; none for
    an export narrowed to some entries (a capability, a card, a search, open ones); all otherwise."""
    if options.capabilities or options.card is not None or options.text or options.open_only:
        return []
    sheets = list(worksheets)
    if options.since is None and options.until is None:
        return sheets
    kept = []
    for sheet in sheets:
        day = _day(sheet.updated)
        if day is None:
            continue
        if (options.since is None or day >= options.since) and (options.until is None or day <= options.until):
            kept.append(sheet)
    return kept
