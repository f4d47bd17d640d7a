"""What a person may run with `ssh host COMMAND`: one exact form, nothing else.

The command line is matched whole against one pattern, never split by a shell or by shlex: a
quote, a `;`, a `$(...)`, a doubled space or anything else that is not exactly
`export --format FORMAT [--year N | --appraisal-year N]` or `export --template NAME [...]` is
refused. A form is named, never sent: the administrator places forms in the state folder's
`forms/` (store/org_files.py) and a person picks one by its plain name.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

EXPORT_FORMATS = ("docx", "markdown", "csv", "json", "ics")
USAGE = "export --format docx|markdown|csv|json|ics | --template FORM [--year N | --appraisal-year N]"
_EXPORT = re.compile(
    r"export (?:--format (docx|markdown|csv|json|ics)|--template ([A-Za-z0-9][A-Za-z0-9_-]{0,63}))"
    r"(?: --(year|appraisal-year) ((?:19|20|21)[0-9]{2}))?"
)


@dataclass(frozen=True)
class ExportCommand:
    format: str
    year: int | None = None
    appraisal_year: int | None = None
    template: str | None = None
    """A form's name: a sample's, or one the administrator placed in the state folder."""


def parse_command(command: str) -> ExportCommand | None:
    """The export asked for, or None for anything that is not exactly allowed."""
    match = _EXPORT.fullmatch(command)
    if match is None:
        return None
    fmt, template, kind, number = match.groups()
    fmt = fmt or "docx"
    if kind == "year":
        return ExportCommand(fmt, year=int(number), template=template)
    if kind == "appraisal-year":
        return ExportCommand(fmt, appraisal_year=int(number), template=template)
    return ExportCommand(fmt, template=template)


def options_request(options: Any) -> dict[str, Any]:
    """An ExportOptions as a job request's JSON (the simple view's export: its filters, period,
    layout and cover as chosen on the page)."""
    return {"fmt": options.fmt, "since": options.since.isoformat() if options.since else None,
            "until": options.until.isoformat() if options.until else None,
            "capabilities": sorted(options.capabilities), "card": options.card, "text": options.text,
            "open_only": options.open_only, "name": options.name, "role": options.role, "layout": options.layout,
            "exported": options.when.isoformat()}  # the server's clock and zone, not the job's


def options_of_request(raw: dict[str, Any]) -> Any:
    """The ExportOptions `options_request` made."""
    from datetime import date, datetime

    from powerdeck.export import ExportOptions

    def day(value: object) -> date | None:
        return date.fromisoformat(value) if isinstance(value, str) else None

    exported = raw.get("exported")

    return ExportOptions(fmt=str(raw["fmt"]), since=day(raw.get("since")), until=day(raw.get("until")),
                         capabilities=frozenset(int(n) for n in raw.get("capabilities") or ()),
                         card=raw.get("card") or None, text=str(raw.get("text") or ""),
                         open_only=bool(raw.get("open_only")), name=str(raw.get("name") or ""),
                         role=str(raw.get("role") or ""), layout=str(raw.get("layout") or "standard"),
                         exported=datetime.fromisoformat(exported) if isinstance(exported, str) else None)


def export_bytes(folder: Path, deck: Any, wanted: ExportCommand | Any, state: Path | None = None) -> bytes:
    """The person's export as bytes, made by the same engine as `powerdeck export` (the name and
    role they gave in the app included). `wanted` is an SSH command, or the ExportOptions of the
    simple view's export page (its own name and role). Run in a job process of its own
    (session.run_job)."""
    from powerdeck.core.dates import appraisal_year, calendar_year
    from powerdeck.export import NAME_KEY, ROLE_KEY, ExportOptions
    from powerdeck.export import export_bytes as make_export
    from powerdeck.store import Log, log_path

    if isinstance(wanted, ExportOptions):
        options, template, from_log = wanted, None, False
    else:
        period = None
        if wanted.year is not None:
            period = calendar_year(wanted.year)
        elif wanted.appraisal_year is not None:  # the NHS appraisal year: April to March
            period = appraisal_year(wanted.appraisal_year)
        options = ExportOptions(fmt=wanted.format, since=period.since if period else None,
                                until=period.until if period else None)
        template, from_log = wanted.template, True
    entries, worksheets = [], []
    if log_path(folder).exists():
        with Log.open(folder) as log:
            if from_log:
                name, role = (log.get_state(key) for key in (NAME_KEY, ROLE_KEY))
                options = replace(options, name=name if isinstance(name, str) else "",
                                  role=role if isinstance(role, str) else "")
            entries = log.entries(options.entry_filter())
            worksheets = list(log.worksheets().values())
    if template is not None:
        from powerdeck.export.form_context import form_context
        from powerdeck.export.forms import fill_form
        from powerdeck.store import read_form

        # A sample, or a form the administrator placed in the state folder; never a path.
        _, form = read_form(template, [state] if state is not None else [], names_only=True)
        return fill_form(form, form_context(entries, deck, options, worksheets))
    return make_export(entries, deck, options, worksheets=worksheets)
