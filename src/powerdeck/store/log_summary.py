"""The log's summary: what a start's first frame shows, kept small beside the log.

A start used to parse the whole log before its first frame (16-21 µs an entry: 1.7x a bare app at
10,000 entries) while that frame shows one card, the sidebar's ten counts and the drafts. The
summary holds just that: each card's number of entries and its newest few (texts cut to their
first line) and the worksheets, keyed by the log file's signature (mtime_ns, size, inode). It is
believed only while the log on disk still has that very signature, so a log written since (by an
older powerdeck, an import, another session whose summary write lost the race) is never shown
from a stale summary: that start parses the log as before and writes a fresh one.

The app draws its first frame from a `FirstFrame` (the summary plus the small state file), reads
the log on its writer thread right after, and from then on reads the log as ever. `SummaryKeeper`
writes the summary after each write that changed the log (store/log_worker.py).

A summary that cannot be read, parsed or trusted is ignored, never an error: it only saves time.
"""

from __future__ import annotations

import json
import os
import stat
from collections.abc import Iterable
from contextlib import suppress
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from powerdeck.core.entry import Draft, Entry, capability_of
from powerdeck.core.fields import STATE_TYPES
from powerdeck.store.path_checks import read_regular
from powerdeck.store.private_write import temp_name, write_private

if TYPE_CHECKING:
    from powerdeck.store.log import Log
    from powerdeck.workbook.model import Worksheet

FORMAT = 1
NEWEST = 8
"""Entries kept per card: as many as the card's notes list (widgets/card_notes.py SHOWN_ENTRIES)."""
LINE = 300
"""Characters kept of each text's first line: wider than any terminal shows on one line."""
MAX_SUMMARY_BYTES = 4 * 1024 * 1024
Signature = tuple[int, int, int]


def summary_path(log_file: str | os.PathLike[str]) -> Path:
    """`log.json` -> `log.json.summary`, beside it (0600, like the log)."""
    log_file = Path(log_file)
    return log_file.with_name(f"{log_file.name}.summary")


def file_signature(path: Path) -> Signature | None:
    """(mtime_ns, size, inode) of a regular file, not followed through a symlink; None otherwise."""
    try:
        st = os.lstat(path)
    except OSError:
        return None
    if not stat.S_ISREG(st.st_mode):
        return None
    return (st.st_mtime_ns, st.st_size, st.st_ino)


def preview(entry: Entry) -> Entry:
    """The entry as the card's notes show it: each text cut to its first line (an empty text stays
    empty, so `is_open` is the entry's own). Never written back: only the first frame shows it."""

    def first_line(text: str) -> str:
        stripped = text.strip()
        return stripped.splitlines()[0][:LINE] if stripped else ""

    return entry.changed(action=first_line(entry.action), outcome=first_line(entry.outcome),
                         learning=first_line(entry.learning))


@dataclass(frozen=True)
class CardPreview:
    """One card in the summary: how many entries it has, and the newest few (previews)."""

    count: int = 0
    newest: tuple[Entry, ...] = ()


@dataclass(frozen=True)
class LogSummary:
    """What the first frame needs from the log, as of the log file with `signature`."""

    signature: Signature
    cards: dict[str, CardPreview]
    worksheets: dict[str, dict[str, Any]]
    """The worksheets table's documents by card (the deck screen's workbook line)."""
    follow_ups: tuple[Entry, ...] = ()
    """Every open entry with a follow-up date, newest first (previews): the start's line of what
    is due (core/follow_up.py), whatever day the start is on."""

    def count_by_capability(self) -> dict[int, int]:
        counts: dict[int, int] = {}
        for card, found in self.cards.items():
            number = capability_of(card)
            counts[number] = counts.get(number, 0) + found.count
        return counts

    def card(self, card_id: str) -> CardPreview:
        return self.cards.get(card_id, CardPreview())

    def to_json(self) -> bytes:
        cards = {card: {"count": found.count, "newest": [entry.to_dict() for entry in found.newest]}
                 for card, found in self.cards.items()}
        return json.dumps({"format": FORMAT, "log": list(self.signature), "cards": cards,
                           "worksheets": self.worksheets,
                           "follow_ups": [entry.to_dict() for entry in self.follow_ups]},
                          ensure_ascii=False, separators=(",", ":")).encode()

    @classmethod
    def from_json(cls, raw: bytes) -> LogSummary:
        """ValueError (or KeyError, TypeError) for anything this version did not write."""
        data = json.loads(raw.decode("utf-8"))
        if data["format"] != FORMAT:
            raise ValueError("another format")
        signature = tuple(data["log"])
        if len(signature) != 3 or not all(type(part) is int for part in signature):
            raise ValueError("a bad signature")
        cards = {}
        for card, found in data["cards"].items():
            count = found["count"]
            newest = tuple(Entry.from_dict(doc) for doc in found["newest"])
            if type(count) is not int or count < len(newest) or any(entry.card != card for entry in newest):
                raise ValueError(f"card {card!r} is not valid")
            cards[card] = CardPreview(count, newest)
        worksheets = data["worksheets"]
        if not isinstance(worksheets, dict):
            raise TypeError("worksheets")
        from powerdeck.store.worksheets import validate_worksheets

        validate_worksheets(worksheets)
        follow_ups = tuple(Entry.from_dict(doc) for doc in data["follow_ups"])
        if not all(entry.follow_up and entry.is_open for entry in follow_ups):
            raise ValueError("follow-ups")
        return cls((signature[0], signature[1], signature[2]), cards, worksheets, follow_ups)

    def sheets(self) -> dict[str, Worksheet]:
        from powerdeck.store.worksheets import validate_worksheets

        return validate_worksheets(self.worksheets)


def summarize(entries: Iterable[Entry], worksheets: dict[str, dict[str, Any]], signature: Signature) -> LogSummary:
    """The summary of a log's entries (newest first), worksheets and signature."""
    counts: dict[str, int] = {}
    newest: dict[str, list[Entry]] = {}
    follow_ups: list[Entry] = []
    for entry in entries:
        counts[entry.card] = counts.get(entry.card, 0) + 1
        kept = newest.setdefault(entry.card, [])
        if len(kept) < NEWEST:
            kept.append(preview(entry))
        if entry.follow_up and entry.is_open:
            follow_ups.append(preview(entry))
    cards = {card: CardPreview(count, tuple(newest[card])) for card, count in counts.items()}
    return LogSummary(signature, cards, worksheets, tuple(follow_ups))


def summary_of(log: Log) -> LogSummary | None:
    """The summary of `log` as read now (None for a log with an older version's tables, whose
    drafts and state are not in the state file yet, or one not read)."""
    entries = log.entries()  # reads in another session's write first, so all below is one file
    signature = log.signature()
    if signature is None or log.has_legacy_tables():
        return None
    sheets = {card: sheet.to_dict() for card, sheet in log.worksheets().items()}
    return summarize(entries, sheets, signature)


def write_summary(log_file: Path, summary: LogSummary) -> None:
    """Atomically, 0600. The summary only saves time: the caller may ignore an OSError.

    Its temporary file is named as the log's are, so one left by a crash is swept with theirs
    when the log is next opened (storage.py)."""
    write_private(summary_path(log_file), summary.to_json(), temp=temp_name(log_file.name))


def read_summary(log_file: str | os.PathLike[str]) -> LogSummary | None:
    """The summary beside `log_file`, if it describes the log on disk right now; else None."""
    log_file = Path(log_file)
    signature = file_signature(log_file)
    if signature is None:
        return None
    try:
        raw = read_regular(summary_path(log_file), MAX_SUMMARY_BYTES)
        if raw is None:
            return None
        summary = LogSummary.from_json(raw)
    except (OSError, ValueError, KeyError, TypeError, AttributeError, RecursionError):
        return None
    return summary if summary.signature == signature else None


@dataclass(frozen=True)
class FirstFrame:
    """What the deck screen's first frame reads instead of the log: the summary, and the state file
    (theme, last card, drafts), which is small. Gone (app.first_frame is None) once the log is read."""

    summary: LogSummary
    values: dict[str, Any]
    drafts: dict[str, Draft]

    def get_state(self, key: str, default: Any = None) -> Any:
        value = self.values.get(key, default)
        wanted = STATE_TYPES.get(key)
        return value if wanted is None or isinstance(value, wanted) else default


def open_log(directory: str | os.PathLike[str]) -> tuple[Log, FirstFrame | None]:
    """The log in `directory` for the app, and what its first frame can show without reading it.

    With a summary that describes the log on disk, the log is opened deferred (parsed by its
    first query, on the writer's thread: LogWorker.load); without one, read now, as ever, so a
    damaged log is refused before the app starts."""
    from powerdeck.store.locations import log_path
    from powerdeck.store.log import Log

    path = log_path(directory)
    summary = read_summary(path)
    log = Log(path, defer=summary is not None)
    try:
        return log, (first_frame(log, summary) if summary is not None else None)
    except BaseException:
        log.close()
        raise


def first_frame(log: Log, summary: LogSummary) -> FirstFrame | None:
    """A FirstFrame for a log opened deferred, when its state file allows one: not when a draft is
    of an earlier entry or half saved (its baseline or its fate is in the log)."""
    tables = log.state_tables()
    if any(doc.get("entry_id") is not None or "saved_as" in doc for doc in tables.drafts.values()):
        return None
    drafts = {card: Draft.from_dict(doc) for card, doc in tables.drafts.items()}
    return FirstFrame(summary, dict(tables.values), drafts)


class SummaryKeeper:
    """Writes the log's summary after each write that changed the log (on the writer's thread)."""

    def __init__(self, log_file: Path, written: Signature | None = None) -> None:
        self._log_file = log_file
        self._written = written
        """The signature of the summary on disk (None: none, or one not to be trusted)."""
        self._looked = written is not None

    def keep(self, log: Log) -> None:
        """Write the summary if the log changed since the last one (a stat-free check when not)."""
        signature = log.signature()
        if signature is None or signature == self._written:
            return
        if not self._looked:  # a start that read the log whole: its summary may be good already
            self._looked = True
            found = read_summary(self._log_file)
            self._written = found.signature if found is not None else None
            if signature == self._written:
                return
        summary = summary_of(log)
        if summary is None or summary.signature == self._written:
            return
        with suppress(OSError):
            write_summary(self._log_file, summary)
            self._written = summary.signature
