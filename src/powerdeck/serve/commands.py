"""What a person may run with `ssh host COMMAND`: one exact form, nothing else.

The command line is matched whole against one pattern, never split by a shell or by shlex: a
quote, a `;`, a `$(...)`, a doubled space or anything else that is not exactly
`export --format FORMAT [--year N | --appraisal-year N]` is refused.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from powerdeck.errors import PowerdeckError

EXPORT_FORMATS = ("docx", "markdown", "csv", "json")
USAGE = "export --format docx|markdown|csv|json [--year N | --appraisal-year N]"
_EXPORT = re.compile(
    r"export --format (docx|markdown|csv|json)(?: --(year|appraisal-year) ((?:19|20|21)[0-9]{2}))?"
)


@dataclass(frozen=True)
class ExportCommand:
    format: str
    year: int | None = None
    appraisal_year: int | None = None


def parse_command(command: str) -> ExportCommand | None:
    """The export asked for, or None for anything that is not exactly allowed."""
    match = _EXPORT.fullmatch(command)
    if match is None:
        return None
    fmt, kind, number = match.groups()
    if kind == "year":
        return ExportCommand(fmt, year=int(number))
    if kind == "appraisal-year":
        return ExportCommand(fmt, appraisal_year=int(number))
    return ExportCommand(fmt)


def export_bytes(folder: Path, deck_file: str | None, wanted: ExportCommand) -> bytes:
    """The person's export as bytes: the one place to re-point at the export engine's own function."""
    from powerdeck.cli_transfer import render
    from powerdeck.deck import deck_path_from, load_deck
    from powerdeck.entry import EntryFilter
    from powerdeck.locations import log_path
    from powerdeck.log import Log

    since = until = None
    if wanted.year is not None:
        since, until = date(wanted.year, 1, 1), date(wanted.year, 12, 31)
    elif wanted.appraisal_year is not None:  # the NHS appraisal year: April to March
        since, until = date(wanted.appraisal_year, 4, 1), date(wanted.appraisal_year + 1, 3, 31)
    deck = load_deck(deck_path_from(deck_file))
    entry_filter = EntryFilter(since=since, until=until)
    if not log_path(folder).exists():
        entries = []
    else:
        with Log.open(folder) as log:
            entries = log.entries(entry_filter)
    if wanted.format == "docx":
        try:
            from powerdeck.export import to_docx  # type: ignore[attr-defined]
        except ImportError:
            raise PowerdeckError("Word export is not in this version yet: use --format markdown") from None
        return bytes(to_docx(entries, deck, entry_filter))
    text = render(wanted.format, entries, deck, entry_filter)
    # A file for a spreadsheet: Excel needs the byte order mark to read UTF-8.
    return text.encode("utf-8-sig" if wanted.format == "csv" else "utf-8")
