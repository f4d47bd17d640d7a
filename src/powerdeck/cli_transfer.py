"""`powerdeck export` and `powerdeck import`: the review log to a file and back, without the app.

Every problem a user can cause raises a `PowerdeckError` with a one-line message; `cli.main`
prints it and exits with status 2. Nothing is written unless everything checked out first.

- export never creates a data folder or log: with no log yet it says so (exit 2) rather than
  write an empty review log book that would hide a wrong `--data`.
- export never overwrites a file unless `--force`; it writes atomically (temporary file in the
  same folder, fsync, then link/replace) with mode 0600, since the log is personal data.
- CSV files are written as `utf-8-sig` (a UTF-8 byte order mark) so that Excel reads accents and
  emoji correctly; other spreadsheets and the csv module skip the mark. On the screen (`-o -`) no
  mark is written.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
import tempfile
from datetime import date
from pathlib import Path

from powerdeck.entry import Draft, EntryFilter
from powerdeck.errors import PowerdeckError
from powerdeck.export import (
    ImportFileError,
    default_export_path,
    parse_json_export,
    parse_json_worksheets,
    period_label,
    to_csv,
    to_json,
    to_markdown,
)
from powerdeck.rescue import parse_rescue
from powerdeck.text import visible_line

FILE_MODE = 0o600
MAX_IMPORT_ENTRIES = 200_000


def _load_deck(args: argparse.Namespace):
    from powerdeck.deck import deck_path_from, load_deck

    return load_deck(deck_path_from(getattr(args, "deck", None)))


def _plural(count: int, word: str = "entry", plural: str = "entries") -> str:
    return f"{count} {word if count == 1 else plural}"


def parse_date(value: str | None, option: str) -> date | None:
    """A YYYY-MM-DD option value, or a one-line error naming the option."""
    if value is None:
        return None
    try:
        if len(value.strip()) != 10:
            raise ValueError
        return date.fromisoformat(value.strip())
    except ValueError:
        raise PowerdeckError(
            f"{option} {value!r} is not a date: write it as YYYY-MM-DD, e.g. 2026-01-31"
        ) from None


def build_filter(args: argparse.Namespace, deck) -> EntryFilter:
    numbers = [capability.number for capability in deck.capabilities]
    wanted = frozenset(getattr(args, "capability", None) or ())
    for number in sorted(wanted):
        if number not in numbers:
            raise PowerdeckError(
                f"--capability {number}: there is no such capability "
                f"(the deck has {min(numbers)} to {max(numbers)})"
            )
    since = parse_date(getattr(args, "since", None), "--since")
    until = parse_date(getattr(args, "until", None), "--until")
    if since is not None and until is not None and since > until:
        raise PowerdeckError(f"--since {since} is after --until {until}: nothing could match")
    return EntryFilter(
        capabilities=wanted,
        since=since,
        until=until,
        open_only=bool(getattr(args, "open", False)),
    )


def render(fmt: str, entries, deck, entry_filter: EntryFilter, worksheets=()) -> str:
    if fmt == "csv":
        return to_csv(entries, deck)
    if fmt == "json":
        return to_json(entries, worksheets=worksheets)
    label = period_label(entry_filter.since, entry_filter.until)
    if entry_filter.open_only:
        label += " (open entries only)"
    return to_markdown(
        entries, deck, label, capabilities=entry_filter.capabilities or None
    )


def write_private_file(path: Path, data: bytes, *, overwrite: bool) -> None:
    """Write `data` to `path` atomically with mode 0600; refuse an existing file unless told.

    The data goes to a temporary file in the same folder (created 0600), is flushed and
    fsynced, then linked into place (which fails if the name was taken meanwhile) or, with
    `overwrite`, renamed over it. A failure leaves any existing file as it was.
    """
    folder = path.parent
    if not folder.is_dir():
        raise PowerdeckError(f"cannot write {path}: the folder {folder} does not exist")
    if path.is_dir():
        raise PowerdeckError(f"cannot write {path}: it is a folder")
    if not overwrite and (path.exists() or path.is_symlink()):
        raise PowerdeckError(
            f"{path} already exists: choose another file with -o, or add --force to replace it"
        )
    try:
        handle, temporary = tempfile.mkstemp(dir=folder, prefix=f".{path.name}.", suffix=".tmp")
    except OSError as error:
        raise PowerdeckError(f"cannot write {path}: {error.strerror or error}") from None
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        os.chmod(temporary, FILE_MODE)
        if overwrite:
            os.replace(temporary, path)
        else:
            try:
                os.link(temporary, path)  # atomic and never clobbers
            except FileExistsError:
                raise PowerdeckError(
                    f"{path} already exists: choose another file with -o, "
                    "or add --force to replace it"
                ) from None
            except OSError:
                # A file system without hard links: the check above has to do.
                if path.exists():
                    raise PowerdeckError(f"{path} already exists: add --force to replace it")
                os.replace(temporary, path)
        _fsync_folder(folder)
    except OSError as error:
        raise PowerdeckError(f"cannot write {path}: {error.strerror or error}") from None
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temporary)


def _fsync_folder(folder: Path) -> None:
    with contextlib.suppress(OSError):
        descriptor = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(descriptor)
        finally:
            os.close(descriptor)


def run_export(args: argparse.Namespace) -> int:
    from powerdeck import locations
    from powerdeck.log import Log

    deck = _load_deck(args)
    entry_filter = build_filter(args, deck)
    fmt = getattr(args, "format", None) or "markdown"

    directory = locations.data_dir(getattr(args, "data", None))
    log_file = locations.log_path(directory)
    if not log_file.exists():
        raise PowerdeckError(
            f"no review log yet at {log_file}: nothing to export "
            "(use --data DIR if your log is somewhere else)"
        )
    with Log(log_file) as log:
        entries = log.entries(entry_filter)
        worksheets = log.worksheets().values() if entry_filter.is_empty else ()
    text = render(fmt, entries, deck, entry_filter, worksheets)

    output = getattr(args, "output", None)
    if output == "-":
        try:
            sys.stdout.write(text)
            sys.stdout.flush()
        except BrokenPipeError:  # `powerdeck export -o - | head`: the reader has had enough
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            return 0
        print(f"Exported {_plural(len(entries))}", file=sys.stderr)
        return 0
    if output:
        path = Path(output).expanduser()
        overwrite = bool(getattr(args, "force", False))
    else:
        path = default_export_path(fmt)
        overwrite = False
    # utf-8-sig for CSV: Excel needs the byte order mark to read UTF-8 (accents, emoji).
    encoding = "utf-8-sig" if fmt == "csv" else "utf-8"
    write_private_file(path, text.encode(encoding), overwrite=overwrite)
    print(f"Exported {_plural(len(entries))} to {path}")
    return 0


def import_rescued(args: argparse.Namespace, path: Path, drafts: list[Draft]) -> int:
    """A rescue file (rescue.py) comes back as drafts: it was text being written, not saved, so it
    reopens in the editor of its card, as it was left. A card that holds another draft by now
    gets the rescued text as an open entry instead: neither text is dropped."""
    from powerdeck import locations
    from powerdeck.log import Log

    as_drafts = as_entries = 0
    with Log.open(locations.data_dir(getattr(args, "data", None))) as log:
        for draft in drafts:
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
    note = f", {_plural(as_entries)} (their cards had another draft)" if as_entries else ""
    print(f"Brought back {_plural(as_drafts, 'draft', 'drafts')}{note} from {visible_line(str(path))}")
    return 0


def run_import(args: argparse.Namespace) -> int:
    from powerdeck import locations
    from powerdeck.log import Log
    from powerdeck.storage import MAX_LOG_BYTES, SpecialFile, read_regular

    path = Path(args.file).expanduser()
    try:
        # A FIFO or a device given as the file would hang or never end; a symlink to one too.
        read = read_regular(path.resolve(), MAX_LOG_BYTES)
    except SpecialFile as error:
        raise ImportFileError(f"cannot import {path}: {error}") from None
    except OSError as error:
        raise ImportFileError(f"cannot read {path}: {error.strerror or error}") from None
    if read is None:
        raise ImportFileError(f"cannot read {path}: no such file")
    raw = read
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

    with Log.open(locations.data_dir(getattr(args, "data", None))) as log:
        added = log.import_entries(entries)
        sheets = log.import_worksheets(worksheets)
    present = len(entries) - len(added)
    note = f"; {foreign} for cards not in this deck, kept and shown as such" if foreign else ""
    print(f"Added {_plural(len(added))} ({present} already present{note}) from {visible_line(str(path))}")
    if worksheets:
        print(f"Added {len(sheets)} of {len(worksheets)} worksheets (a card's own worksheet is kept)")
    return 0
