"""What a person may run with `ssh host COMMAND`: one exact form, nothing else.

The command line is matched whole against one pattern, never split by a shell or by shlex: a
quote, a `;`, a `$(...)`, a doubled space or anything else that is not exactly
`export --format FORMAT [--year N | --appraisal-year N]` is refused.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

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


def export_bytes(folder: Path, deck: Any, wanted: ExportCommand) -> bytes:
    """The person's export as bytes, made by the same engine as `powerdeck export` (the name and
    role they gave in the app included). Run in a job process of its own (session.run_job)."""
    from powerdeck.core.dates import appraisal_year, calendar_year
    from powerdeck.export import NAME_KEY, ROLE_KEY, ExportOptions
    from powerdeck.export import export_bytes as make_export
    from powerdeck.store.locations import log_path
    from powerdeck.store.log import Log

    period = None
    if wanted.year is not None:
        period = calendar_year(wanted.year)
    elif wanted.appraisal_year is not None:  # the NHS appraisal year: April to March
        period = appraisal_year(wanted.appraisal_year)
    options = ExportOptions(fmt=wanted.format, since=period.since if period else None,
                            until=period.until if period else None)
    if not log_path(folder).exists():
        return make_export([], deck, options)
    with Log.open(folder) as log:
        name, role = (log.get_state(key) for key in (NAME_KEY, ROLE_KEY))
        options = replace(options, name=name if isinstance(name, str) else "",
                          role=role if isinstance(role, str) else "")
        entries = log.entries(options.entry_filter())
        worksheets = list(log.worksheets().values()) if period is None else []
    return make_export(entries, deck, options, worksheets=worksheets)
