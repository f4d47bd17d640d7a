"""The flat context an organisation's Word form is filled from (docs/forms.md lists every name).

Plain JSON data only (text, numbers, true/false, lists, objects): it crosses to the process that
renders the form, and a form can reach nothing but these values. Every text is as typed, with
the characters a Word file cannot hold made visible (as in the Word pack).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date
from typing import Any

from powerdeck.core.dates import long_date
from powerdeck.core.entry import Entry
from powerdeck.core.follow_up import hours_text
from powerdeck.export.common import (
    DeckLike,
    ExportOptions,
    capability_titles,
    card_title,
    chronological,
    exported_line,
    pack_entries,
    title_period,
)
from powerdeck.export.pack_context import card_prompt, pack_groups, pack_worksheets, total_hours
from powerdeck.export.word_xml import word_text
from powerdeck.export.worksheets import sections
from powerdeck.workbook.model import Worksheet

CONTEXT_NAMES = ("name", "role", "period", "entries", "by_capability", "by_tag", "open_entries", "due",
                 "workbook", "total_hours", "exported")
"""Every name a form may use at the top level; a form naming anything else is refused."""
ENTRY_NAMES = ("card", "card_title", "card_prompt", "capability", "capability_title", "written",
               "written_iso", "changed", "changed_iso", "action", "outcome", "learning", "open",
               "follow_up", "follow_up_iso", "tags", "tags_text", "hours", "hours_text")
"""Every name an entry has in a form (`{{ e.card_title }}` in `{% for e in entries %}`)."""


def _text(value: str) -> str:
    return word_text(value)


def _entry(entry: Entry, deck: DeckLike, titles: dict[int, str]) -> dict[str, Any]:
    reflected = entry.reflected_on
    follow_up = entry.follow_up_date
    return {
        "card": _text(entry.card),
        "card_title": _text(card_title(deck, entry.card)),
        "card_prompt": _text(card_prompt(deck, entry.card)),
        "capability": entry.capability,
        "capability_title": _text(titles.get(entry.capability, f"Capability {entry.capability}")),
        "written": long_date(entry.created_date),
        "written_iso": entry.created_date.isoformat(),
        "changed": long_date(reflected) if reflected else "",
        "changed_iso": reflected.isoformat() if reflected else "",
        "action": _text(entry.action),
        "outcome": _text(entry.outcome),
        "learning": _text(entry.learning),
        "open": entry.is_open,
        "follow_up": long_date(follow_up) if follow_up else "",
        "follow_up_iso": entry.follow_up,
        "tags": [_text(tag) for tag in entry.tags],
        "tags_text": _text(", ".join(entry.tags)),
        "hours": entry.hours,
        "hours_text": hours_text(entry.hours),
    }


def _summary(entries: list[dict[str, Any]]) -> dict[str, Any]:
    hours = [entry["hours"] for entry in entries if entry["hours"] is not None]
    return {"entries": entries, "count": len(entries), "open": sum(entry["open"] for entry in entries),
            "hours": sum(hours) if hours else None, "hours_text": hours_text(sum(hours)) if hours else ""}


def form_context(entries: Iterable[Entry], deck: DeckLike, options: ExportOptions,
                 worksheets: Iterable[Worksheet] = (), today: date | None = None) -> dict[str, Any]:
    """The context a form is filled from: the entries `options` asks for (private ones only with
    `include_private`), grouped, with the period's workbook."""
    ordered = chronological(pack_entries(entries, options))
    titles = capability_titles(deck)
    made = {entry.id: _entry(entry, deck, titles) for entry in ordered}
    today = today or options.when.date()
    by_capability = []
    for group in pack_groups(ordered, deck, ExportOptions(capabilities=options.capabilities)):
        by_capability.append({"number": int(group.number), "title": _text(group.title),
                              **_summary([made[entry.id] for entry in group.entries])})
    by_tag = [{"tag": _text(group.title), **_summary([made[entry.id] for entry in group.entries])}
              for group in pack_groups(ordered, deck, ExportOptions(group_by="tag"))]
    days = [entry.created_date for entry in ordered]
    since = options.since or (min(days) if days else None)
    until = options.until or (max([today, *days]) if options.since else max(days) if days else None)
    workbook = []
    for section in sections(pack_worksheets(worksheets, options), deck):
        workbook.append({"card": section.card, "heading": _text(section.heading), "kind": section.kind,
                         "label": section.label, "header": list(section.header),
                         "rows": [[_text(cell) for cell in row] for row in section.rows],
                         "items": [_text(item) for item in section.items], "text": _text(section.text)})
    hours = total_hours(ordered)
    return {
        "name": _text(options.name.strip()),
        "role": _text(options.role.strip()),
        "period": {"text": title_period(ordered, options),
                   "start": long_date(since) if since else "", "end": long_date(until) if until else "",
                   "start_iso": since.isoformat() if since else "", "end_iso": until.isoformat() if until else ""},
        "entries": list(made.values()),
        "by_capability": by_capability,
        "by_tag": by_tag,
        "open_entries": [made[entry.id] for entry in ordered if entry.is_open],
        "due": [made[entry.id] for entry in ordered if entry.is_due(today)],
        "workbook": workbook,
        "total_hours": hours_text(hours),
        "exported": exported_line(options),
    }


def unknown_names(used: Sequence[str]) -> list[str]:
    """The names a form uses that the context does not have (its loop variables aside)."""
    return sorted(set(used) - set(CONTEXT_NAMES) - {"range", "loop"})
