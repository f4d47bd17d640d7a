"""The review log book as a file: Markdown for a review, CSV for a spreadsheet, JSON to move it.

Pure functions over entries and a deck: no Textual and no I/O (the caller writes the text), so
the command line (`powerdeck export`) and the app share exactly the same output.

Decisions worth knowing:

- Markdown keeps user text literal. Only what would break the layout is escaped: a line that
  would become a heading, a code fence, a thematic break or setext underline, or a raw HTML
  block gets a backslash in front; `|` is escaped in table cells. Line breaks inside a text are
  kept (two trailing spaces, invisible in plain text).
- CSV guards against spreadsheet formula injection: a text cell starting with `=`, `+`, `-`, `@`,
  a tab or a carriage return gets a leading `'` (the OWASP advice), so Excel/LibreOffice show it
  as text instead of running it. This changes such cells by one character; the JSON export is
  the exact, lossless copy. `to_csv` returns text without a byte order mark; a caller writing a
  file should use `encoding="utf-8-sig"` (Excel needs the BOM to read UTF-8) and `newline=""`.
- JSON is `{"format": "powerdeck-log", "schema_version": 1, "exported": ..., "entries": [...]}`
  with every field of every entry, and `parse_json_export` reads it back exactly.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterable, Sequence
from datetime import date
from pathlib import Path
from typing import Any

from powerdeck.workbook.model import Worksheet
from powerdeck.entry import FIELDS, Entry, now_iso
from powerdeck.errors import PowerdeckError

FORMAT_NAME = "powerdeck-log"
SCHEMA_VERSION = 2
"""1: entries. 2: and the workbook's worksheets (written as 1 when there are none)."""
EXTENSIONS = {"markdown": "md", "md": "md", "csv": "csv", "json": "json"}
CSV_HEADER = (
    "id",
    "date",
    "capability",
    "capability title",
    "card",
    "card title",
    "action",
    "outcome",
    "learning",
    "open",
    "created",
    "updated",
)
NOT_WRITTEN = "_not yet written_"
DEFAULT_CREDIT = "the New NHS Alliance"
_MONTHS = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)  # fmt: skip
_FIELD_LABELS = {"action": "Action", "outcome": "Outcome", "learning": "Learning"}


class ImportFileError(PowerdeckError):
    """A file given to import is not a powerdeck JSON export we can read; nothing was changed."""


# ---------------------------------------------------------------------------------- helpers


def long_date(day: date) -> str:
    """`1 January 2026`, the same whatever the locale."""
    return f"{day.day} {_MONTHS[day.month - 1]} {day.year}"


def period_label(since: date | None, until: date | None) -> str:
    """The period an export covers, for its title: "1 January 2026 to 25 November 2026"."""
    if since is not None and until is not None:
        return f"{long_date(since)} to {long_date(until)}"
    if since is not None:
        return f"from {long_date(since)}"
    if until is not None:
        return f"up to {long_date(until)}"
    return "all entries"


def default_export_path(fmt: str, home: Path | None = None, today: date | None = None) -> Path:
    """`~/powerdeck-log-YYYY-MM-DD.md` (or .csv/.json), adding -2, -3 ... rather than overwrite."""
    extension = EXTENSIONS[fmt]
    folder = Path.home() if home is None else Path(home)
    stem = f"powerdeck-log-{(today or date.today()).isoformat()}"
    candidate = folder / f"{stem}.{extension}"
    number = 2
    while candidate.exists() or candidate.is_symlink():
        candidate = folder / f"{stem}-{number}.{extension}"
        number += 1
    return candidate


def _chronological(entries: Iterable[Entry]) -> list[Entry]:
    return sorted(entries, key=lambda entry: (entry.created, entry.id))


def _card_title(deck: Any, card_id: str) -> str:
    card = deck.find_card(card_id) if hasattr(deck, "find_card") else None
    return card.title if card is not None else ""


def _capability_titles(deck: Any) -> dict[int, str]:
    return {capability.number: capability.title for capability in deck.capabilities}


# --------------------------------------------------------------------------------- Markdown

# Line starts that would change the document's structure if left as they are (CommonMark):
# ATX headings, code fences, thematic breaks / setext underlines, raw HTML blocks.
_HEADING = re.compile(r"^( {0,3})(#)")
_FENCE = re.compile(r"^( {0,3})(```|~~~)")
_HTML = re.compile(r"^( {0,3})(<)(?=[A-Za-z/!?])")
_INDENT = re.compile(r"^ {0,3}")


def _escape_line(line: str) -> str:
    """Put a backslash before a line start that would become structure (heading, fence ...)."""
    for pattern in (_HEADING, _FENCE, _HTML):
        match = pattern.match(line)
        if match:
            return f"{match.group(1)}\\{line[match.end(1):]}"
    if _is_rule_line(line):
        indent = _INDENT.match(line).end()  # type: ignore[union-attr]
        return f"{line[:indent]}\\{line[indent:]}"
    return line


def _is_rule_line(line: str) -> bool:
    """A line of one repeated `-`, `=`, `*` or `_` (with spaces): a rule or setext underline."""
    stripped = line.replace(" ", "").replace("\t", "")
    return bool(stripped) and len(set(stripped)) == 1 and stripped[0] in "-=*_"


def markdown_text(text: str) -> str:
    """User text as a Markdown block that shows the same words and line breaks."""
    if not text.strip():
        return NOT_WRITTEN
    lines = [_escape_line(line.rstrip()) for line in text.strip("\n").splitlines()]
    out: list[str] = []
    for index, line in enumerate(lines):
        following = lines[index + 1] if index + 1 < len(lines) else ""
        # A hard line break keeps the user's own line breaks in a rendered view.
        out.append(f"{line}  " if line.strip() and following.strip() else line)
    return "\n".join(out)


def markdown_cell(text: str) -> str:
    """Text for one cell of a Markdown table: one line, `|` escaped."""
    return " ".join(text.split()).replace("\\", "\\\\").replace("|", "\\|")


def _credit_line(deck: Any) -> str:
    title = getattr(deck, "title", "") or "power shifting"
    author = getattr(deck, "author", "") or DEFAULT_CREDIT
    if "alliance" in author.casefold() and not author.casefold().startswith("the "):
        author = f"the {author}"
    return f"The cards are *{title}*, by {author}."


def to_markdown(
    entries: Iterable[Entry],
    deck: Any,
    period_label: str,
    *,
    capabilities: Iterable[int] | None = None,
) -> str:
    """A review log book for a PDR: title, credit, summary table, then entries by capability.

    `capabilities` limits the summary to those numbers (when the export was filtered to them);
    by default every capability of the deck is listed, those without entries with 0.
    """
    entries = _chronological(entries)
    titles = _capability_titles(deck)
    numbers = list(titles)
    if capabilities is not None:
        wanted = set(capabilities)
        numbers = [number for number in numbers if number in wanted]
    for entry in entries:  # entries of a capability the deck lacks still appear
        if entry.capability not in numbers:
            numbers.append(entry.capability)
    by_capability: dict[int, list[Entry]] = {number: [] for number in numbers}
    for entry in entries:
        by_capability[entry.capability].append(entry)

    lines = [f"# Review log: {period_label}", "", _credit_line(deck), ""]
    lines += ["## Summary", "", "| No. | Capability | Entries | Open |", "|---:|---|---:|---:|"]
    for number in numbers:
        group = by_capability[number]
        title = markdown_cell(titles.get(number, f"Capability {number}"))
        open_count = sum(entry.is_open for entry in group)
        lines.append(f"| {number} | {title} | {len(group)} | {open_count} |")
    total_open = sum(entry.is_open for entry in entries)
    lines += [f"| | **Total** | **{len(entries)}** | **{total_open}** |", ""]
    if not entries:
        lines += ["_No entries in this period._", ""]

    for number in numbers:
        group = by_capability[number]
        if not group:
            continue
        title = titles.get(number, f"Capability {number}")
        lines += [f"## {number}. {title}", ""]
        for entry in group:
            card_title = _card_title(deck, entry.card)
            heading = f"### {entry.created_date.isoformat()} - {entry.card} {card_title}".rstrip()
            lines += [heading, ""]
            for name in FIELDS:
                lines += [f"**{_FIELD_LABELS[name]}**", "", markdown_text(getattr(entry, name)), ""]
    return "\n".join(lines).rstrip("\n") + "\n"


# -------------------------------------------------------------------------------------- CSV

_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def csv_safe(text: str) -> str:
    """Prefix `'` to a cell a spreadsheet would treat as a formula (=, +, -, @, tab, CR)."""
    return f"'{text}" if text.startswith(_FORMULA_STARTS) else text


def to_csv(entries: Iterable[Entry], deck: Any) -> str:
    """One header row and one row per entry, oldest first; CRLF rows, newlines kept in cells."""
    titles = _capability_titles(deck)
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, quoting=csv.QUOTE_MINIMAL, lineterminator="\r\n")
    writer.writerow(CSV_HEADER)
    for entry in _chronological(entries):
        writer.writerow(
            (
                entry.id,
                entry.created_date.isoformat(),
                entry.capability,
                csv_safe(titles.get(entry.capability, "")),
                entry.card,
                csv_safe(_card_title(deck, entry.card)),
                csv_safe(entry.action),
                csv_safe(entry.outcome),
                csv_safe(entry.learning),
                "yes" if entry.is_open else "no",
                entry.created,
                entry.updated,
            )
        )
    return buffer.getvalue()


# ------------------------------------------------------------------------------------- JSON


def to_json(entries: Iterable[Entry], exported: str | None = None,
            worksheets: Iterable[Worksheet] = ()) -> str:
    """Every field of every entry, oldest first, in a file `parse_json_export` reads back; the
    worksheets too (in card order), read back by `parse_json_worksheets`."""
    sheets = sorted(worksheets, key=lambda sheet: _card_order(sheet.card))
    document: dict[str, Any] = {
        "format": FORMAT_NAME,
        # Without worksheets, schema 1: the file stays readable by a powerdeck without the workbook.
        "schema_version": SCHEMA_VERSION if sheets else 1,
        "exported": exported or now_iso(),
        "entries": [entry.to_dict() for entry in _chronological(entries)],
    }
    if sheets:
        document["worksheets"] = [sheet.to_dict() for sheet in sheets]
    return json.dumps(document, ensure_ascii=False, indent=2) + "\n"


_ENTRY_FIELDS: Sequence[str] = (
    "id", "card", "capability", "action", "outcome", "learning", "created", "updated",
)  # fmt: skip


def parse_json_export(text: str) -> list[Entry]:
    """The entries of a JSON export, in file order; ImportFileError (one line) if unreadable."""
    try:
        document = json.loads(text)
    except json.JSONDecodeError as error:
        raise ImportFileError(
            f"not a JSON file ({error.msg} at line {error.lineno}, column {error.colno})"
        ) from None
    except (ValueError, RecursionError):
        raise ImportFileError("not a JSON file") from None
    if not isinstance(document, dict) or document.get("format") != FORMAT_NAME:
        raise ImportFileError(
            'not a powerdeck export (expected "format": "powerdeck-log"; '
            "make one with powerdeck export --format json)"
        )
    version = document.get("schema_version")
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        raise ImportFileError('not a powerdeck export ("schema_version" missing or not a number)')
    if version > SCHEMA_VERSION:
        raise ImportFileError(
            f"made by a newer powerdeck (schema version {version}; this one reads up to "
            f"{SCHEMA_VERSION}): update powerdeck to import it"
        )
    raw_entries = document.get("entries")
    if not isinstance(raw_entries, list):
        raise ImportFileError('not a powerdeck export ("entries" missing or not a list)')

    entries: list[Entry] = []
    seen: dict[str, int] = {}
    for number, raw in enumerate(raw_entries, start=1):
        if not isinstance(raw, dict):
            raise ImportFileError(f"entry {number} is not an object")
        for name in _ENTRY_FIELDS:
            if name not in raw:
                raise ImportFileError(f'entry {number} is missing field "{name}"')
        try:
            entry = Entry.from_dict(raw)
        except TypeError as error:
            raise ImportFileError(f"entry {number}: {error}") from None
        except ValueError as error:  # Entry.from_dict's messages are short and name the field
            raise ImportFileError(f"entry {number}: {error}") from None
        if not entry.id.strip():
            raise ImportFileError(f'entry {number} has an empty "id"')
        if entry.id in seen:
            raise ImportFileError(f"entry {number} has the same id as entry {seen[entry.id]}")
        seen[entry.id] = number
        if not _card_matches_capability(entry):
            raise ImportFileError(
                f"entry {number}: card {entry.card!r} is not in capability {entry.capability}"
            )
        entries.append(entry)
    return entries


def _card_matches_capability(entry: Entry) -> bool:
    head, dot, tail = entry.card.partition(".")
    return bool(dot) and head.isdigit() and tail != "" and int(head) == entry.capability


# -- the workbook's worksheets in the JSON export ------------------------------------------------

def _card_order(card: str) -> tuple[int, ...]:
    return tuple(int(part) if part.isdigit() else 0 for part in card.split("."))


def parse_json_worksheets(text: str) -> list[Worksheet]:
    """The worksheets of a JSON export (none in a schema 1 file); ImportFileError if damaged.

    Call after `parse_json_export`, which checks the file as a whole."""
    parse_json_export(text)
    raw_sheets = json.loads(text).get("worksheets", [])
    if not isinstance(raw_sheets, list):
        raise ImportFileError('not a powerdeck export ("worksheets" is not a list)')
    sheets: list[Worksheet] = []
    seen: dict[str, int] = {}
    for number, raw in enumerate(raw_sheets, start=1):
        try:
            sheet = Worksheet.from_dict(raw)
        except KeyError as error:
            raise ImportFileError(f"worksheet {number} is missing field {error}") from None
        except (TypeError, ValueError) as error:
            raise ImportFileError(f"worksheet {number}: {error}") from None
        if sheet.card in seen:
            raise ImportFileError(f"worksheet {number} is for the same card as worksheet {seen[sheet.card]}")
        seen[sheet.card] = number
        sheets.append(sheet)
    return sheets
