"""The review log as a file: Word for a review, Markdown, CSV for a spreadsheet, JSON to move it.

Pure functions over entries and a deck: no Textual and no file I/O, so the command line
(`powerdeck export`), the app's export dialog and `powerdeck serve` share exactly the same
bytes. `export_bytes(entries, deck, options, worksheets)` is the one entry point; one module per
format. The worksheets go into JSON and the review packs (Markdown, Word), not CSV.
"""

from __future__ import annotations

from collections.abc import Iterable

from powerdeck.core.dates import long_date, period_title
from powerdeck.core.entry import Entry
from powerdeck.core.errors import PowerdeckError
from powerdeck.export.common import (
    BINARY_FORMATS,
    EXTENSIONS,
    FORMATS,
    GROUPINGS,
    LAYOUTS,
    NAME_KEY,
    ROLE_KEY,
    DeckLike,
    ExportOptions,
    default_export_path,
    file_stem,
    pack_entries,
    safe_text,
)
from powerdeck.export.csv_table import CSV_HEADER, csv_safe, to_csv
from powerdeck.export.json_copy import (
    FORMAT_NAME,
    SCHEMA_VERSION,
    ImportFileError,
    parse_json_export,
    parse_json_worksheets,
    to_json,
)
from powerdeck.export.markdown import (
    escape_inline,
    markdown_cell,
    markdown_text,
    to_markdown,
)
from powerdeck.workbook.model import Worksheet

__all__ = [
    "BINARY_FORMATS",
    "CSV_HEADER",
    "EXTENSIONS",
    "FORMATS",
    "FORMAT_NAME",
    "GROUPINGS",
    "LAYOUTS",
    "NAME_KEY",
    "ROLE_KEY",
    "SCHEMA_VERSION",
    "DeckLike",
    "ExportOptions",
    "ImportFileError",
    "csv_safe",
    "default_export_path",
    "escape_inline",
    "export_bytes",
    "file_stem",
    "long_date",
    "markdown_cell",
    "markdown_text",
    "pack_entries",
    "parse_json_export",
    "parse_json_worksheets",
    "period_title",
    "safe_text",
    "to_csv",
    "to_json",
    "to_markdown",
]  # fmt: skip


def export_bytes(
    entries: Iterable[Entry], deck: DeckLike, options: ExportOptions, worksheets: Iterable[Worksheet] = ()
) -> bytes:
    """The bytes of the export file `options` describes, for `entries` already filtered
    (`log.entries(options.entry_filter())`) and all the worksheets (`pack_worksheets` keeps the
    period's). The same bytes go to a file and to stdout; CSV carries the UTF-8 byte order mark
    Excel needs. A review pack leaves out private entries unless `options.include_private`."""
    if options.layout not in LAYOUTS:
        raise PowerdeckError(f"--layout {options.layout!r}: choose one of {', '.join(LAYOUTS)}")
    if options.layout == "nmc" and options.fmt not in ("docx", "markdown"):
        raise PowerdeckError(
            "--layout nmc is for the review documents: use it with --format docx or markdown"
        )
    from powerdeck.export.pack_context import pack_worksheets

    worksheets = pack_worksheets(worksheets, options)
    if options.fmt == "json":  # the backup: every entry, private ones too
        return to_json(entries, options=options, worksheets=worksheets).encode("utf-8")
    if options.fmt == "ics":
        from powerdeck.export.ics import to_ics

        return to_ics(entries, deck, options)
    if options.group_by not in GROUPINGS:
        raise PowerdeckError(f"--group-by {options.group_by!r}: choose one of {', '.join(GROUPINGS)}")
    entries = pack_entries(entries, options)
    if options.fmt == "docx":
        # python-docx takes a moment to load: only when a Word file is asked for.
        from powerdeck.export.word import to_docx

        return to_docx(entries, deck, options, worksheets)
    if options.fmt in ("markdown", "md"):
        return to_markdown(entries, deck, options, worksheets).encode("utf-8")
    if options.fmt == "csv":
        return to_csv(entries, deck, options).encode("utf-8-sig")
    raise PowerdeckError(f"--format {options.fmt!r}: choose one of {', '.join(FORMATS)}")
