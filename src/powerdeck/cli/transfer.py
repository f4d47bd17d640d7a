"""`powerdeck export` and `powerdeck import`: the review log to a file and back, without the app.

Every problem a user can cause raises a `PowerdeckError` with a one-line message; `cli.main`
prints it and exits with status 2. Nothing is written unless everything checked out first.

- export never creates a data folder or log: with no log yet it says so (exit 2) rather than
  write an empty review log book that would hide a wrong `--data`.
- export never overwrites a file unless `--force`; it writes atomically (temporary file in the
  same folder, fsync, then link/replace) with mode 0600, since the log is personal data. Even
  with `--force` it refuses a target that is not a regular file (a named pipe, a device, a
  folder) and every file of the store (the log, state.json, their backups, locks and temporary
  files); a symlink as the target is replaced, never followed.
- `-o -` writes the same bytes as `-o FILE` to standard output (so `ssh -T host powerdeck export
  --format docx -o - > review.docx` works from a laptop); a Word file is refused when standard
  output is a terminal, and text shown on a terminal has its control characters made visible.
"""

from __future__ import annotations

import argparse
import errno
import os
import select
import sys
from datetime import date
from pathlib import Path
from typing import Any

from powerdeck.core.dates import appraisal_year, calendar_year, parse_optional_date
from powerdeck.core.errors import PowerdeckError
from powerdeck.core.text import plural, visible, visible_line
from powerdeck.export import (
    BINARY_FORMATS,
    NAME_KEY,
    ROLE_KEY,
    ExportOptions,
    ImportFileError,
    default_export_path,
    export_bytes,
    parse_json_export,
    parse_json_worksheets,
)
from powerdeck.store import UnsavedText, parse_rescue, store_files, write_private_file

MAX_IMPORT_ENTRIES = 200_000


def _load_deck(args: argparse.Namespace) -> Any:
    from powerdeck.deck.model import deck_path_from, load_deck

    return load_deck(deck_path_from(getattr(args, "deck", None)))


def _period(args: argparse.Namespace) -> tuple[date | None, date | None]:
    since = parse_optional_date(getattr(args, "since", None), "--since")
    until = parse_optional_date(getattr(args, "until", None), "--until")
    for option, year, make in (("--year", getattr(args, "year", None), calendar_year),
                               ("--appraisal-year", getattr(args, "appraisal_year", None), appraisal_year)):
        if year is None:
            continue
        if since is not None or until is not None:
            raise PowerdeckError(f"{option} gives the period already: leave out --since and --until")
        if not 1 <= year <= 9998:
            raise PowerdeckError(f"{option} {year}: write a year such as 2026")
        period = make(year)
        since, until = period.since, period.until
    if since is not None and until is not None and since > until:
        raise PowerdeckError(f"--since {since} is after --until {until}: nothing could match")
    return since, until


def build_options(args: argparse.Namespace, deck: Any, state: dict[str, Any] | None = None) -> ExportOptions:
    """The export the command line asks for; name and role default to those the app remembers."""
    numbers = [capability.number for capability in deck.capabilities]
    wanted = frozenset(getattr(args, "capability", None) or ())
    for number in sorted(wanted):
        if number not in numbers:
            raise PowerdeckError(
                f"--capability {number}: there is no such capability "
                f"(the deck has {min(numbers)} to {max(numbers)})"
            )
    since, until = _period(args)
    state = state or {}
    name = getattr(args, "name", None)
    role = getattr(args, "role", None)
    return ExportOptions(
        fmt=getattr(args, "format", None) or "docx",
        since=since,
        until=until,
        capabilities=wanted,
        open_only=bool(getattr(args, "open", False)),
        name=name if name is not None else _text(state.get(NAME_KEY)),
        role=role if role is not None else _text(state.get(ROLE_KEY)),
        layout=getattr(args, "layout", None) or "standard",
        include_private=bool(getattr(args, "include_private", False)),
        group_by=getattr(args, "group_by", None) or "capability",
    )


def _text(value: object) -> str:
    return value if isinstance(value, str) else ""


def write_stdout(data: bytes, fmt: str) -> bool:
    """Write an export to standard output, unbuffered; False if the reader went away.

    Straight to file descriptor 1 with os.write, so a full disk (`> /dev/full`) is one line
    here and not a traceback when Python flushes its own buffer at exit."""
    descriptor = 1
    terminal = os.isatty(descriptor)
    if terminal and fmt in BINARY_FORMATS:
        raise PowerdeckError(
            "a Word file cannot be shown on the screen: add -o FILE, or send it to a file "
            "with -o - > review.docx"
        )
    if terminal:  # a person reads it: control characters are shown, not obeyed
        data = visible(data.decode("utf-8")).encode("utf-8")
    view = memoryview(data)
    try:
        while view:
            try:
                written = os.write(descriptor, view[: 1 << 20])
            except BlockingIOError:
                select.select([], [descriptor], [])
                continue
            view = view[written:]
    except BrokenPipeError:  # `powerdeck export -o - | head`: the reader has had enough
        return False
    except OSError as error:
        if error.errno == errno.EPIPE:
            return False
        raise PowerdeckError(
            f"cannot write the export to standard output: {error.strerror or error}"
        ) from None
    return True


def run_export(args: argparse.Namespace) -> int:
    from powerdeck.store import Log, data_dir, log_path

    deck = _load_deck(args)
    directory = data_dir(getattr(args, "data", None))
    log_file = log_path(directory)
    template = getattr(args, "template", None)
    if template == "list":
        from powerdeck.cli.forms import list_forms

        return list_forms(directory)
    if not log_file.exists():
        raise PowerdeckError(
            f"no review log yet at {log_file}: nothing to export "
            "(use --data DIR if your log is somewhere else)"
        )
    with Log(log_file) as log:
        state = {key: log.get_state(key) for key in (NAME_KEY, ROLE_KEY)}
        options = build_options(args, deck, state)
        entry_filter = options.entry_filter()
        entries = log.entries(entry_filter)
        # export_bytes keeps the worksheets the pack carries (pack_context.pack_worksheets).
        worksheets = list(log.worksheets().values())
    form = ""
    if template:
        from powerdeck.cli.forms import fill_named_form

        form, data = fill_named_form(template, directory, entries, deck, options, worksheets)
    else:
        data = export_bytes(entries, deck, options, worksheets=worksheets)

    output = getattr(args, "output", None)
    if output == "-":
        if write_stdout(data, options.fmt):
            print(f"Exported {_what(entries, options)}", file=sys.stderr)
        return 0
    if output:
        path = Path(output).expanduser()
        overwrite = bool(getattr(args, "force", False))
    else:
        path = default_export_path(options.fmt, since=options.since, until=options.until, form=form)
        overwrite = False
    write_private_file(path, data, overwrite=overwrite, protected=store_files(log_file))
    print(f"Exported {_what(entries, options)} to {path}")
    return 0


def _what(entries: list[Any], options: ExportOptions) -> str:
    """What went into the file: "3 entries (1 private entry left out: ...)", "2 follow-ups"."""
    if options.fmt == "ics":
        from powerdeck.export.ics import follow_ups

        return plural(len(follow_ups(entries)), "follow-up", "follow-ups")
    if options.fmt == "json" or options.include_private:
        return plural(len(entries))
    private = sum(entry.private for entry in entries)
    if not private:
        return plural(len(entries))
    return (f"{plural(len(entries) - private)} ({plural(private, 'private entry', 'private entries')} left out: "
            "--include-private puts them in)")


def import_rescued(args: argparse.Namespace, path: Path, rescued: UnsavedText) -> int:
    """A rescue file (rescue.py) comes back as drafts and worksheets: it was text being written,
    not saved, so it reopens in the editor of its card, as it was left. A card that holds another
    draft by now gets the rescued text as an open entry instead, and a worksheet changed since
    keeps both texts (rescue.merge_rescued): neither text is dropped."""
    from powerdeck.store import Log, data_dir, merge_rescued

    as_drafts = as_entries = sheets = 0
    with Log.open(data_dir(getattr(args, "data", None))) as log, log.batch():
        for draft in rescued.drafts:
            if draft.is_blank:
                continue
            existing = log.draft(draft.card)
            entry_id = draft.entry_id if draft.entry_id and log.get(draft.entry_id) else None
            if existing is None or existing.is_blank or (
                (existing.action, existing.outcome, existing.learning) == (draft.action, draft.outcome, draft.learning)
            ):
                log.save_draft(draft.card, draft.action, draft.outcome, draft.learning, entry_id=entry_id)
                as_drafts += 1
            else:
                log.add(draft.card, draft.action, draft.outcome, draft.learning)
                as_entries += 1
        for sheet in rescued.worksheets:
            if sheet.is_empty:
                continue
            log.save_worksheet(merge_rescued(log.worksheet(sheet.card), sheet))
            sheets += 1
    note = f", {plural(as_entries)} (their cards had another draft)" if as_entries else ""
    parts = [f"{plural(as_drafts, 'draft', 'drafts')}{note}"] if as_drafts or as_entries or not sheets else []
    if sheets:
        parts.append(f"{sheets} worksheet{'s' if sheets != 1 else ''}")
    print(f"Brought back {' and '.join(parts)} from {visible_line(str(path))}")
    return 0


def run_import(args: argparse.Namespace) -> int:
    from powerdeck.store import MAX_LOG_BYTES, Log, data_dir, read_named_file

    path = Path(args.file).expanduser()
    # A FIFO or a device given as the file would hang or never end; a symlink to one too.
    raw = read_named_file(path, MAX_LOG_BYTES, refused=f"cannot import {path}", error=ImportFileError)
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ImportFileError(f"cannot import {path}: not a JSON file (not UTF-8 text)") from None
    try:
        rescued = parse_rescue(text)
    except ValueError as error:
        raise ImportFileError(f"cannot import {path}: {error} (nothing was imported)") from None
    if rescued is not None:
        return import_rescued(args, path, rescued)
    try:
        entries = parse_json_export(text)
        worksheets = parse_json_worksheets(text)
    except ImportFileError as error:
        raise ImportFileError(f"cannot import {path}: {error}") from None

    if len(entries) > MAX_IMPORT_ENTRIES:
        raise ImportFileError(f"cannot import {path}: more than {MAX_IMPORT_ENTRIES:,} entries "
                              "(nothing was imported)")
    deck = _load_deck(args)
    foreign = 0
    for number, entry in enumerate(entries, start=1):
        card = deck.find_card(entry.card)
        if card is None:
            # Written with another deck (a team's --deck): kept, and shown as "not in this deck".
            foreign += 1
            continue
        if card.capability != entry.capability:
            raise ImportFileError(
                f"cannot import {path}: entry {number} puts card {entry.card} in capability "
                f"{entry.capability}, but the deck has it in {card.capability}"
            )

    with Log.open(data_dir(getattr(args, "data", None))) as log:
        # One write: all of it or, refused (a log grown past what powerdeck opens, a full disk),
        # none of it, so the lines below are printed only for what is on disk.
        added, sheets = log.import_all(entries, worksheets)
    present = len(entries) - len(added)
    note = f"; {foreign} for cards not in this deck, kept and shown as such" if foreign else ""
    print(f"Added {plural(len(added))} ({present} already present{note}) from {visible_line(str(path))}")
    if worksheets:
        print(f"Added {len(sheets)} of {len(worksheets)} worksheets (a card's own worksheet is kept)")
    return 0
