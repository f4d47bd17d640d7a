"""`powerdeck export --template`: which forms there are, and one filled from the log.

A form is named by a file (`--template ~/our-form.docx`) or by a name: one of the samples that
ship with powerdeck, or a form placed in the data folder's `forms/` (on a team server, the
administrator's state folder: store/org_files.py).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from powerdeck.core.entry import Entry
from powerdeck.core.errors import PowerdeckError
from powerdeck.core.text import visible_line
from powerdeck.export import ExportOptions
from powerdeck.store import placed_forms, read_form
from powerdeck.workbook.model import Worksheet


def list_forms(data_folder: Path, extra_folders: Sequence[Path] = ()) -> int:
    from powerdeck.export.forms import SAMPLES

    print("Forms that ship with powerdeck (powerdeck export --template NAME):")
    for name, about in SAMPLES.items():
        print(f"  {name}: {about}")
    placed = placed_forms([data_folder, *extra_folders])
    if placed:
        print("Your organisation's forms:")
        for name, path in placed.items():
            print(f"  {name}: {visible_line(str(path))}")
    print("Or give a .docx of your own: powerdeck export --template FORM.docx (see docs/forms.md)")
    return 0


def fill_named_form(template: str, data_folder: Path, entries: list[Entry], deck: Any, options: ExportOptions,
                    worksheets: list[Worksheet], extra_folders: Sequence[Path] = (), *,
                    names_only: bool = False) -> tuple[str, bytes]:
    """The form `template` filled from the entries (the period's workbook with them)."""
    from powerdeck.export.form_context import form_context
    from powerdeck.export.forms import fill_form

    if options.fmt != "docx":
        raise PowerdeckError("--template fills a Word form: leave out --format, or use --format docx")
    name, form = read_form(template, [data_folder, *extra_folders], names_only=names_only)
    return name, fill_form(form, form_context(entries, deck, options, worksheets))
