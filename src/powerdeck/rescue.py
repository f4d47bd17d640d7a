"""Unsaved text written somewhere else when the log cannot take it (disk full, read-only folder,
log damaged by another program): one private JSON file of the drafts, in a folder the user picks.

No Textual import: the quit dialog and the signal path (SIGTERM with a failing log) both use it.
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Iterable
from pathlib import Path

from powerdeck.entry import Draft
from powerdeck.errors import PowerdeckError

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
    stamp = time.strftime("%Y%m%d-%H%M%S")
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC
    for n in range(100):
        path = directory / (f"powerdeck-unsaved-{stamp}.json" if n == 0 else f"powerdeck-unsaved-{stamp}-{n}.json")
        try:
            fd = os.open(path, flags, 0o600)
        except FileExistsError:
            continue
        except OSError as exc:
            raise PowerdeckError(f"Could not write to {directory}: {exc.strerror or exc}; type another folder.") from exc
        try:
            with os.fdopen(fd, "wb") as file:
                file.write(payload)
                file.flush()
                os.fsync(file.fileno())
        except OSError as exc:
            try:
                os.unlink(path)
            except OSError:
                pass
            raise PowerdeckError(f"Could not write {path}: {exc.strerror or exc}; type another folder.") from exc
        return path
    raise PowerdeckError(f"Too many unsaved-text files in {directory} already; type another folder.")
