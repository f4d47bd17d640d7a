"""The review log as JSON: every field of every entry, the exact copy to move or back up.

`{"format": "powerdeck-log", "schema_version": 1, "exported": ..., "title": ..., "period": ...,
"entries": [...]}`; `parse_json_export` reads it back exactly (it ignores the descriptive keys).
A lone surrogate in stored text is written as its `\\udXXX` escape, which JSON allows, so the
copy stays exact and the export never fails.
"""

from __future__ import annotations

import json
from collections.abc import Iterable

from powerdeck.core.entry import ENTRY_FIELDS, Entry
from powerdeck.core.errors import PowerdeckError
from powerdeck.core.fields import card_order
from powerdeck.core.text import UNSAFE
from powerdeck.export.common import ExportOptions, chronological, document_title
from powerdeck.workbook.model import Worksheet

FORMAT_NAME = "powerdeck-log"
SCHEMA_VERSION = 3
"""1: entries. 2: and the workbook's worksheets (written as 1 when there are none). 3: and each
entry's follow_up, private, tags, hours (written as 1 or 2 while no entry has one set, so an
older powerdeck still imports it; it would drop them, so it is refused a 3)."""


class ImportFileError(PowerdeckError):
    """A file given to import is not a powerdeck JSON export we can read; nothing was changed."""


# ------------------------------------------------------------------------------------- JSON


def to_json(entries: Iterable[Entry], exported: str | None = None,
            options: ExportOptions | None = None, worksheets: Iterable[Worksheet] = ()) -> str:
    """Every field of every entry, oldest first, in a file `parse_json_export` reads back; the
    worksheets too (in card order), read back by `parse_json_worksheets`."""
    options = options or ExportOptions(fmt="json")
    ordered = chronological(entries)
    sheets = sorted(worksheets, key=lambda sheet: card_order(sheet.card))
    extras = any(len(entry.to_dict()) > len(ENTRY_FIELDS) for entry in ordered)
    document: dict[str, object] = {
        "format": FORMAT_NAME,
        # Without worksheets, schema 1: the file stays readable by a powerdeck without the workbook.
        "schema_version": 3 if extras else 2 if sheets else 1,
        "exported": exported or options.when.isoformat(timespec="seconds"),
        "title": document_title(ordered, options),
        "period": {
            "since": options.since.isoformat() if options.since else None,
            "until": options.until.isoformat() if options.until else None,
        },
        "name": options.name,
        "role": options.role,
        # Once any entry has an extra (follow-up, private, tags, hours), every entry says each one.
        "entries": [entry.to_dict(full=extras) for entry in ordered],
    }
    if sheets:
        document["worksheets"] = [sheet.to_dict() for sheet in sheets]
    text = json.dumps(document, ensure_ascii=False, indent=2) + "\n"
    # A control character (C1, DEL), a bidi override or a lone surrogate can only be inside a JSON
    # string here: its escape is valid JSON and exact, and `cat` of the file obeys nothing.
    return UNSAFE.sub(lambda match: f"\\u{ord(match.group()):04x}", text)


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
        for name in ENTRY_FIELDS:
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
        entries.append(entry)  # Entry.from_dict checked the card and its capability (core/fields.py)
    return entries


# -- the workbook's worksheets in the JSON export ------------------------------------------------


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
