"""The review log as JSON: every field of every entry, the exact copy to move or back up.

`{"format": "powerdeck-log", "schema_version": 1, "exported": ..., "title": ..., "period": ...,
"entries": [...]}`; `parse_json_export` reads it back exactly (it ignores the descriptive keys).
A lone surrogate in stored text is written as its `\\udXXX` escape, which JSON allows, so the
copy stays exact and the export never fails.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Sequence

from powerdeck.entry import Entry
from powerdeck.errors import PowerdeckError
from powerdeck.export.common import ExportOptions, chronological, document_title

FORMAT_NAME = "powerdeck-log"
SCHEMA_VERSION = 1
_SURROGATE = re.compile("[\ud800-\udfff]")


class ImportFileError(PowerdeckError):
    """A file given to import is not a powerdeck JSON export we can read; nothing was changed."""


# ------------------------------------------------------------------------------------- JSON


def to_json(entries: Iterable[Entry], exported: str | None = None,
            options: ExportOptions | None = None) -> str:
    """Every field of every entry, oldest first, in a file `parse_json_export` reads back."""
    options = options or ExportOptions(fmt="json")
    ordered = chronological(entries)
    document = {
        "format": FORMAT_NAME,
        "schema_version": SCHEMA_VERSION,
        "exported": exported or options.when.isoformat(timespec="seconds"),
        "title": document_title(ordered, options),
        "period": {
            "since": options.since.isoformat() if options.since else None,
            "until": options.until.isoformat() if options.until else None,
        },
        "name": options.name,
        "role": options.role,
        "entries": [entry.to_dict() for entry in ordered],
    }
    text = json.dumps(document, ensure_ascii=False, indent=2) + "\n"
    # A surrogate can only be inside a JSON string here: its escape is valid JSON and exact.
    return _SURROGATE.sub(lambda match: f"\\u{ord(match.group()):04x}", text)


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
        except ValueError:
            raise ImportFileError(
                f'entry {number}: "created" and "updated" must be ISO dates and times'
            ) from None
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
