"""A new file that only its owner can read: never over an existing file, never through a symlink.

Used for the text rescued when the log cannot take it (rescue.py) and for the report of a fault
in powerdeck itself (crash_report.py). No Textual import: the signal paths use it too.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

from powerdeck.errors import PowerdeckError

TRIES = 100


def write_new_private_file(directory: Path, stem: str, suffix: str, payload: bytes, *, then: str) -> Path:
    """Write `payload` to a new 0600 file `STEM-TIMESTAMP[-N]SUFFIX` in `directory` and return
    its path; a refusal is a one-line PowerdeckError ending with `then` (what to do instead)."""
    stamp = time.strftime("%Y%m%d-%H%M%S")
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC
    for n in range(TRIES):
        path = directory / (f"{stem}-{stamp}{suffix}" if n == 0 else f"{stem}-{stamp}-{n}{suffix}")
        try:
            fd = os.open(path, flags, 0o600)
        except FileExistsError:
            continue
        except OSError as exc:
            raise PowerdeckError(f"Could not write to {directory}: {exc.strerror or exc}; {then}") from exc
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
            raise PowerdeckError(f"Could not write {path}: {exc.strerror or exc}; {then}") from exc
        return path
    raise PowerdeckError(f"Too many {stem} files in {directory} already; {then}")
