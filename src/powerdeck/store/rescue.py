"""Unsaved text written somewhere else when the log cannot take it (disk full, read-only folder,
log damaged by another program): one private JSON file of the drafts, in a folder the user picks.

No Textual import: the quit dialog and the signal path (SIGTERM with a failing log) both use it.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable
from pathlib import Path

from powerdeck.core.entry import Draft
from powerdeck.core.errors import PowerdeckError
from powerdeck.store.new_private_file import write_new_private_file

RESCUE_FORMAT = "powerdeck-unsaved-drafts"


def rescue_json(drafts: Iterable[Draft]) -> str:
    """The drafts as JSON, text exactly as typed (a lone surrogate is escaped, never an error)."""
    items = [
        {"card": d.card, "entry_id": d.entry_id, "action": d.action, "outcome": d.outcome,
         "learning": d.learning, "updated": d.updated}
        for d in drafts
    ]
    return json.dumps({"format": RESCUE_FORMAT, "version": 1, "drafts": items}, indent=2, ensure_ascii=True) + "\n"


def write_rescue(folder: str | os.PathLike[str], drafts: Iterable[Draft]) -> Path:
    """Write the drafts as a new 0600 file in `folder` (never over an existing file, never through
    a symlink); return its path. A refusal is a one-line PowerdeckError."""
    directory = Path(os.path.expanduser(os.fspath(folder) or "~"))
    payload = rescue_json(drafts).encode("ascii")
    return write_new_private_file(directory, "powerdeck-unsaved", ".json", payload, then="type another folder.")


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
MAX_TEXT = 1_000_000


def parse_rescue(text: str) -> list[Draft] | None:
    """The drafts of a rescue file, or None when `text` is not one (an export, say). A damaged
    rescue file is refused whole, in one line (`ValueError`), never half read."""
    import json
    import re

    try:
        data = json.loads(text)
    except (ValueError, RecursionError):
        return None
    if not isinstance(data, dict) or data.get("format") != RESCUE_FORMAT:
        return None
    items = data.get("drafts")
    if data.get("version") != 1 or not isinstance(items, list) or len(items) > MAX_RESCUED:
        raise ValueError("a damaged unsaved-text file (no list of drafts, or an unknown version)")
    card_re = re.compile(r"[0-9]{1,3}\.[^\s]{1,32}", re.ASCII)
    id_re = re.compile(r"[A-Za-z0-9._:-]{1,64}", re.ASCII)
    drafts: list[Draft] = []
    for number, item in enumerate(items, start=1):
        bad = f"draft {number} of the unsaved-text file is damaged"
        if not isinstance(item, dict):
            raise ValueError(bad)
        card, entry_id, updated = item.get("card"), item.get("entry_id"), item.get("updated", "")
        texts = [item.get(name, "") for name in ("action", "outcome", "learning")]
        if not isinstance(card, str) or not card_re.fullmatch(card):
            raise ValueError(f"{bad} (its card)")
        if entry_id is not None and (not isinstance(entry_id, str) or not id_re.fullmatch(entry_id)):
            raise ValueError(f"{bad} (its entry id)")
        if not all(isinstance(t, str) and len(t) <= MAX_TEXT for t in texts) or not isinstance(updated, str):
            raise ValueError(f"{bad} (its text)")
        drafts.append(Draft(card, texts[0], texts[1], texts[2], entry_id, updated[:64]))
    return drafts
