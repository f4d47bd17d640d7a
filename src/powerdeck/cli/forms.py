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
from powerdeck.store.org_files import FORM_NAME, placed_forms
from powerdeck.store.path_checks import SpecialFile, read_regular
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


def read_form(template: str, data_folder: Path, extra_folders: Sequence[Path] = ()) -> tuple[str, bytes]:
    """The form's short name and bytes, by name or path; one-line PowerdeckError otherwise."""
    from powerdeck.export.forms import MAX_FORM_BYTES, sample_forms

    placed = placed_forms([data_folder, *extra_folders])
    if template in placed:
        path = placed[template]
    elif template in sample_forms():
        return template, sample_forms()[template].read_bytes()
    else:
        path = Path(template).expanduser()
        if path.suffix.lower() != ".docx":
            raise PowerdeckError(f"--template {visible_line(template)[:80]!r}: give a Word form (.docx) or a "
                                 "form's name; powerdeck export --template list shows them")
    try:
        data = read_regular(path.resolve(), MAX_FORM_BYTES)
    except SpecialFile as error:
        raise PowerdeckError(f"cannot use {visible_line(str(path))} as a form: {error}") from None
    except OSError as error:
        raise PowerdeckError(f"cannot read {visible_line(str(path))}: {error.strerror or error}") from None
    if data is None:
        raise PowerdeckError(f"cannot read {visible_line(str(path))}: no such file")
    stem = path.stem if FORM_NAME.fullmatch(path.stem) else "form"
    return stem, data


def fill_named_form(template: str, data_folder: Path, entries: list[Entry], deck: Any, options: ExportOptions,
                    worksheets: list[Worksheet], extra_folders: Sequence[Path] = ()) -> tuple[str, bytes]:
    """The form `template` filled from the entries (the period's workbook with them)."""
    from powerdeck.export.form_context import form_context
    from powerdeck.export.forms import fill_form

    if options.fmt != "docx":
        raise PowerdeckError("--template fills a Word form: leave out --format, or use --format docx")
    name, form = read_form(template, data_folder, extra_folders)
    return name, fill_form(form, form_context(entries, deck, options, worksheets))
