"""The review log as CSV, for a spreadsheet: a title row, a header row, one row per entry.

A text cell starting with `=`, `+`, `-`, `@`, a tab or a carriage return gets a leading `'` (the
OWASP advice against formula injection), so Excel and LibreOffice show it as text instead of
running it; the JSON export is the exact copy. A control character (ESC, BEL, NUL, C1, a lone CR) is written as
its visible picture (ESC as ␛), so the file is safe to `cat`. `to_csv` returns text without a byte order mark;
written to a file it is encoded `utf-8-sig` (Excel needs the mark to read UTF-8).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable

from powerdeck.core.entry import Entry
from powerdeck.core.follow_up import hours_text
from powerdeck.core.text import visible_file
from powerdeck.export.common import (
    DeckLike,
    ExportOptions,
    capability_titles,
    card_title,
    chronological,
    document_title,
    safe_text,
    who_line,
)

CSV_HEADER = (
    "id", "date", "capability", "capability title", "card", "card title",
    "action", "outcome", "learning", "open", "created", "updated",
    "follow up", "tags", "hours",
)  # fmt: skip
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def csv_safe(text: str) -> str:
    """Prefix `'` to a cell a spreadsheet would treat as a formula (=, +, -, @, tab, CR)."""
    text = safe_text(text)
    return f"'{text}" if text.startswith(_FORMULA_STARTS) else text


def to_csv(entries: Iterable[Entry], deck: DeckLike, options: ExportOptions | None = None) -> str:
    """The title row (period with both ends, and who), the header, then entries oldest first;
    CRLF rows, newlines kept inside cells."""
    options = options or ExportOptions(fmt="csv")
    ordered = chronological(entries)
    titles = capability_titles(deck)
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, quoting=csv.QUOTE_MINIMAL, lineterminator="\r\n")
    who = who_line(options)
    title = document_title(ordered, options) + (f" ({who})" if who else "")
    writer.writerow((csv_safe(title),))
    writer.writerow(CSV_HEADER)
    for entry in ordered:
        writer.writerow(
            (
                csv_safe(entry.id),
                entry.created_date.isoformat(),
                entry.capability,
                csv_safe(titles.get(entry.capability, "")),
                csv_safe(entry.card),
                csv_safe(card_title(deck, entry.card)),
                csv_safe(entry.action),
                csv_safe(entry.outcome),
                csv_safe(entry.learning),
                "yes" if entry.is_open else "no",
                entry.created,
                entry.updated,
                entry.follow_up,
                csv_safe(", ".join(entry.tags)),
                hours_text(entry.hours),
            )
        )
    # The last step, over the whole file: `cat review.csv` shows a control character, never obeys it.
    return visible_file(buffer.getvalue())
