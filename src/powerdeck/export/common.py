"""What every export format shares: the options, the period title, the grouping, safe text.

Stored text is exported exactly as typed, with one exception no file format can hold: a lone
surrogate (left by a broken terminal or import) cannot be encoded as UTF-8, so the text formats
write U+FFFD in its place and JSON writes its `\\udXXX` escape. An export never fails on it.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timezone
from pathlib import Path
from typing import Any, Protocol

from powerdeck.core.dates import long_date, period_title
from powerdeck.core.entry import FIELD_LABELS, Entry, EntryFilter
from powerdeck.core.fields import NAME_KEY as NAME_KEY  # the state keys, re-exported: the exports' face
from powerdeck.core.fields import ROLE_KEY as ROLE_KEY
from powerdeck.core.fields import ascii_number

FORMATS = ("docx", "markdown", "csv", "json", "ics")
PACK_FORMATS = frozenset({"docx", "markdown", "md", "csv"})
"""The review packs: they leave out private entries unless asked (JSON is the backup; ics the
person's own calendar)."""
GROUPINGS = ("capability", "tag")
LAYOUTS = ("standard", "nmc")
BINARY_FORMATS = frozenset({"docx"})
EXTENSIONS = {"docx": "docx", "markdown": "md", "md": "md", "csv": "csv", "json": "json", "ics": "ics"}
DEFAULT_CREDIT = "the New NHS Alliance"
STILL_TO_COMPLETE = "still to complete"
_SURROGATE = re.compile("[\ud800-\udfff]")


class DeckLike(Protocol):
    """What an export needs of a deck (a `powerdeck.deck.model.Deck`, or a stand-in in tests)."""

    @property
    def title(self) -> str: ...
    @property
    def author(self) -> str: ...
    @property
    def capabilities(self) -> Sequence[Any]: ...
    def find_card(self, card_id: str) -> Any: ...


@dataclass(frozen=True)
class ExportOptions:
    """Everything that decides an export's bytes: the command line and the app both build one."""

    fmt: str = "docx"
    since: date | None = None
    until: date | None = None
    capabilities: frozenset[int] = field(default_factory=frozenset)
    card: str | None = None
    text: str = ""
    open_only: bool = False
    name: str = ""
    role: str = ""
    layout: str = "standard"
    exported: datetime | None = None
    """When the export was made (default: now, or SOURCE_DATE_EPOCH for reproducible files)."""
    include_private: bool = False
    """Private entries go into a review pack only when asked (`--include-private`)."""
    group_by: str = "capability"
    """The pack's sections: by capability (the deck's order) or by tag (`--group-by tag`)."""

    def entry_filter(self) -> EntryFilter:
        return EntryFilter(
            capabilities=self.capabilities,
            card=self.card,
            text=self.text,
            since=self.since,
            until=self.until,
            open_only=self.open_only,
        )

    @property
    def when(self) -> datetime:
        if self.exported is not None:
            return self.exported
        epoch = ascii_number(os.environ.get("SOURCE_DATE_EPOCH", "").strip())
        if epoch is not None:
            return datetime.fromtimestamp(epoch, timezone.utc)
        return datetime.now().astimezone().replace(microsecond=0)


def safe_text(text: str) -> str:
    """`text` as typed, with lone surrogates (which no UTF-8 file can hold) as U+FFFD."""
    return _SURROGATE.sub("\ufffd", text)


def pack_entries(entries: Iterable[Entry], options: ExportOptions) -> list[Entry]:
    """The entries a review pack shows: private ones only with `include_private`."""
    return [entry for entry in entries if options.include_private or not entry.private]


def chronological(entries: Iterable[Entry]) -> list[Entry]:
    return sorted(entries, key=lambda entry: (entry.created, entry.id))


def card_title(deck: DeckLike, card_id: str) -> str:
    card = deck.find_card(card_id)
    return str(card.title) if card is not None else "(not in this deck)"


def capability_titles(deck: DeckLike) -> dict[int, str]:
    return {int(capability.number): str(capability.title) for capability in deck.capabilities}


def group_by_capability(entries: Sequence[Entry], deck: DeckLike,
                        wanted: Iterable[int] = ()) -> dict[int, list[Entry]]:
    """Capability number -> its entries, in deck order (limited to `wanted` when given);
    entries of a capability the deck lacks still get a group."""
    numbers = list(capability_titles(deck))
    chosen = set(wanted)
    if chosen:
        numbers = [number for number in numbers if number in chosen]
    groups: dict[int, list[Entry]] = {number: [] for number in numbers}
    for entry in entries:
        groups.setdefault(entry.capability, []).append(entry)
    return groups


def title_period(entries: Sequence[Entry], options: ExportOptions) -> str:
    """The period for the title, with both ends (open ends filled from the entries)."""
    days = [entry.created_date for entry in entries] if entries else []
    label = period_title(options.since, options.until, days, options.when.date())
    if options.open_only:
        label += " (open entries only)"
    return label


def document_title(entries: Sequence[Entry], options: ExportOptions) -> str:
    return f"Review log book: {title_period(entries, options)}"


def who_line(options: ExportOptions) -> str:
    """ "Sam Jones, Team leader" (either may be missing; empty when both are)."""
    return ", ".join(part.strip() for part in (options.name, options.role) if part.strip())


def credit_line(deck: DeckLike) -> tuple[str, str]:
    """(deck title, author) for the closing line crediting the cards' authors."""
    title = getattr(deck, "title", "") or "power shifting"
    author = getattr(deck, "author", "") or DEFAULT_CREDIT
    if "alliance" in author.casefold() and not author.casefold().startswith("the "):
        author = f"the {author}"
    return title, author


def missing_fields(entry: Entry) -> list[str]:
    return [FIELD_LABELS[name].lower() for name in ("outcome", "learning")
            if not getattr(entry, name).strip()]


def exported_line(options: ExportOptions) -> str:
    return f"Exported from powerdeck on {long_date(options.when.date())}."


def file_stem(fmt: str, since: date | None = None, until: date | None = None,
              today: date | None = None) -> str:
    """A file name that says what it holds: `review-2026-27` (an appraisal year, 1 April to 31
    March), `review-2026` (a calendar year), `review-2026-05-01-to-2026-07-31` (other periods);
    `powerdeck-follow-ups-DATE` for a calendar; `powerdeck-log-DATE` for everything."""
    day = (today or date.today()).isoformat()
    if fmt == "ics":
        return f"powerdeck-follow-ups-{day}"
    if since is not None and until is not None:
        if (since.month, since.day, until.month, until.day) == (4, 1, 3, 31) and until.year == since.year + 1:
            return f"review-{since.year}-{until.year % 100:02d}"
        if (since.month, since.day, until.month, until.day) == (1, 1, 12, 31) and until.year == since.year:
            return f"review-{since.year}"
        return f"review-{since.isoformat()}-to-{until.isoformat()}"
    return f"powerdeck-log-{day}"


def default_export_path(fmt: str, home: Path | None = None, today: date | None = None,
                        since: date | None = None, until: date | None = None, form: str = "") -> Path:
    """`~/STEM.docx` (or .md/.csv/.json/.ics; `file_stem` says the period; a filled form's name
    comes first), adding -2, -3 ... rather than overwrite."""
    extension = EXTENSIONS[fmt]
    folder = Path.home() if home is None else Path(home)
    stem = file_stem(fmt, since, until, today)
    if form:
        stem = f"{form}-{stem.removeprefix('review-').removeprefix('powerdeck-log-')}"
    candidate = folder / f"{stem}.{extension}"
    number = 2
    while candidate.exists() or candidate.is_symlink():
        candidate = folder / f"{stem}-{number}.{extension}"
        number += 1
    return candidate


# The NMC's reflective account form (revalidation), its four prompts in order; the first three
# are filled from the entry's texts, the fourth is the person's own.
NMC_PROMPTS: tuple[tuple[str | None, str], ...] = (
    ("action", (
        "What was the nature of the CPD activity, practice-related feedback, or event "
        "or experience in your practice?"
    )),
    ("learning", "What did you learn from it?"),
    ("outcome", "How did you change or improve your practice as a result?"),
    (None, (
        "How is this relevant to the Code? (Prioritise people, Practise effectively, "
        "Preserve safety, Promote professionalism and trust)"
    )),
)
NMC_FOR_YOU = "For you to write: which themes of the Code, and how."
NMC_REMINDER = (
    "Before you use these as reflective accounts, remove anything that could identify a person "
    "(a patient, a service user, a colleague)."
)
NOT_WRITTEN = "not yet written"
