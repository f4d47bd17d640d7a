"""Unsaved text written somewhere else when the log cannot take it (disk full, read-only folder,
log damaged by another program): one private JSON file of the drafts and worksheets, in a folder
the user picks (the quit dialog) or the home folder (a signal, a fault).

No Textual import: the quit dialog, the signal paths and the fault path all use it.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from powerdeck.core.entry import Draft
from powerdeck.core.errors import PowerdeckError
from powerdeck.core.fields import MAX_TEXT, is_card_id, is_id
from powerdeck.store.new_private_file import write_new_private_file

if TYPE_CHECKING:  # the workbook's model loads with the first worksheet (launch.LOADED_ON_FIRST_USE)
    from powerdeck.workbook.model import Worksheet

RESCUE_FORMAT = "powerdeck-unsaved-drafts"
RESCUE_VERSION = 2
"""1: drafts only; 2 adds worksheets (a version 1 file is still read)."""

RescueFallback = Callable[[bytes], Path]
"""Where drafts go when `write_rescue`'s folder refuses them too: given the payload, it keeps it
and returns how to name the place (a served session hands them to the server, serve/keeper.py)."""
_fallback: RescueFallback | None = None


def set_fallback(fallback: RescueFallback | None) -> None:
    """Set (once, at a session's start) where refused rescues go; None for none."""
    global _fallback
    _fallback = fallback


@dataclass(frozen=True)
class UnsavedText:
    """Typed text not on disk: card drafts (and review log changes, as drafts) and worksheets."""

    drafts: tuple[Draft, ...] = ()
    worksheets: tuple[Worksheet, ...] = ()

    def __bool__(self) -> bool:
        return bool(self.drafts or self.worksheets)

    def __add__(self, other: UnsavedText) -> UnsavedText:
        return UnsavedText(self.drafts + other.drafts, self.worksheets + other.worksheets)


def rescue_json(unsaved: UnsavedText | Iterable[Draft]) -> str:
    """The text as JSON, exactly as typed (a lone surrogate is escaped, never an error)."""
    if not isinstance(unsaved, UnsavedText):
        unsaved = UnsavedText(tuple(unsaved))
    items = [
        {"card": d.card, "entry_id": d.entry_id, "action": d.action, "outcome": d.outcome,
         "learning": d.learning, "updated": d.updated}
        for d in unsaved.drafts
    ]
    sheets = [sheet.to_dict() for sheet in unsaved.worksheets]
    document = {"format": RESCUE_FORMAT, "version": RESCUE_VERSION, "drafts": items, "worksheets": sheets}
    return json.dumps(document, indent=2, ensure_ascii=True) + "\n"


def write_rescue(folder: str | os.PathLike[str], unsaved: UnsavedText | Iterable[Draft]) -> Path:
    """Write the text as a new 0600 file in `folder` (never over an existing file, never through
    a symlink); return its path. A refusal is a one-line PowerdeckError."""
    directory = Path(os.path.expanduser(os.fspath(folder) or "~"))
    payload = rescue_json(unsaved).encode("ascii")
    try:
        return write_new_private_file(directory, "powerdeck-unsaved", ".json", payload, then="type another folder.")
    except PowerdeckError:
        if _fallback is None:
            raise
        return _fallback(payload)


NOTICE_NAME = ".powerdeck-unsaved-notice"
"""In the home folder: the rescue files a hang-up wrote (stderr was gone), one path a line, for the
next start to name once. The home folder, because the data folder is what failed."""
NOTICE_LIMIT = 64 * 1024


def note_for_next_start(path: Path, home: Path | None = None) -> None:
    """Add `path` to the notice the next start shows (private, appended, never through a symlink)."""
    notice = (home or Path.home()) / NOTICE_NAME
    flags = os.O_WRONLY | os.O_CREAT | os.O_APPEND | os.O_NOFOLLOW | os.O_CLOEXEC
    fd = os.open(notice, flags, 0o600)
    try:
        os.write(fd, os.fsencode(str(path)) + b"\n")
        os.fsync(fd)
    finally:
        os.close(fd)


def take_notices(home: Path | None = None) -> list[str]:
    """The lines for this start, once: "Text from your last session ... is in FILE" per rescue
    file still there; the notice is removed. A notice that is not a small regular file of ours is
    left alone and says nothing."""
    from powerdeck.store.path_checks import SpecialFile, read_regular

    notice = (home or Path.home()) / NOTICE_NAME
    try:
        raw = read_regular(notice, NOTICE_LIMIT)
    except (SpecialFile, OSError, PowerdeckError):
        return []
    if raw is None:
        return []
    try:
        os.unlink(notice)
    except OSError:
        return []  # could not remove it: saying it at every start would be worse than once here
    paths = [line for line in raw.decode("utf-8", "replace").splitlines() if line.strip()]
    return [
        f"Text from your last session that could not be saved is in {p} (powerdeck import {p} brings it back)."
        for p in paths if os.path.isfile(p)
    ]


MAX_RESCUED = 10_000


def parse_rescue(text: str) -> UnsavedText | None:
    """The drafts and worksheets of a rescue file, or None when `text` is not one (an export,
    say). A damaged rescue file is refused whole, in one line (`ValueError`), never half read."""
    try:
        data = json.loads(text)
    except (ValueError, RecursionError):
        return None
    if not isinstance(data, dict) or data.get("format") != RESCUE_FORMAT:
        return None
    items, sheets = data.get("drafts"), data.get("worksheets", [])
    if (data.get("version") not in (1, RESCUE_VERSION) or not isinstance(items, list) or not isinstance(sheets, list)
            or len(items) + len(sheets) > MAX_RESCUED):
        raise ValueError("a damaged unsaved-text file (no list of drafts, or an unknown version)")
    drafts: list[Draft] = []
    for number, item in enumerate(items, start=1):
        bad = f"draft {number} of the unsaved-text file is damaged"
        if not isinstance(item, dict):
            raise ValueError(bad)
        card, entry_id, updated = item.get("card"), item.get("entry_id"), item.get("updated", "")
        texts = [item.get(name, "") for name in ("action", "outcome", "learning")]
        if not isinstance(card, str) or not is_card_id(card):
            raise ValueError(f"{bad} (its card)")
        if entry_id is not None and not is_id(entry_id):
            raise ValueError(f"{bad} (its entry id)")
        if not all(isinstance(t, str) and len(t) <= MAX_TEXT for t in texts) or not isinstance(updated, str):
            raise ValueError(f"{bad} (its text)")
        drafts.append(Draft(card, texts[0], texts[1], texts[2], entry_id, updated[:64]))
    return UnsavedText(tuple(drafts), tuple(_worksheet(number, raw) for number, raw in enumerate(sheets, start=1)))


def _worksheet(number: int, raw: object) -> Worksheet:
    from powerdeck.workbook.model import Worksheet

    try:
        sheet = Worksheet.from_dict(raw)
    except (KeyError, TypeError, ValueError):
        raise ValueError(f"worksheet {number} of the unsaved-text file is damaged") from None
    if len(sheet.text) > MAX_TEXT or len(sheet.draft) > MAX_TEXT or len(sheet.people) > MAX_RESCUED:
        raise ValueError(f"worksheet {number} of the unsaved-text file is damaged (too long)")
    return sheet


def merge_rescued(stored: Worksheet | None, rescued: Worksheet) -> Worksheet:
    """A rescued worksheet with the one the log holds now: neither is dropped. The rescued one was
    typed after the last write that landed, so it leads; the stored text is added after it unless
    the rescued text grew from it, and the stored map's people the rescued one lacks are kept."""
    if stored is None or stored.kind != rescued.kind or stored.is_empty:
        return rescued
    text = rescued.text
    if stored.text.strip() and stored.text not in text:
        text = text.rstrip("\n") + "\n" + stored.text if text.strip() else stored.text
    have = {person.id for person in rescued.people}
    people = rescued.people + tuple(person for person in stored.people if person.id not in have)
    return rescued.with_changes(text=text, people=people, draft=rescued.draft or stored.draft)
