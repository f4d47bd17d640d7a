"""A new file that only its owner can read: never over an existing file, never through a symlink
(`private_write.write_private` with `replace=False`; a name taken moves on to the next).

Used for the text rescued when the log cannot take it (rescue.py) and for the report of a fault
in powerdeck itself (crash_report.py). No Textual import: the signal paths use it too.
"""

from __future__ import annotations

import time
from pathlib import Path

from powerdeck.core.errors import PowerdeckError
from powerdeck.store.private_write import write_private

TRIES = 100


def write_new_private_file(directory: Path, stem: str, suffix: str, payload: bytes, *, then: str) -> Path:
    """Write `payload` to a new 0600 file `STEM-TIMESTAMP[-N]SUFFIX` in `directory` and return
    its path; a refusal is a one-line PowerdeckError ending with `then` (what to do instead)."""
    stamp = time.strftime("%Y%m%d-%H%M%S")
    for n in range(TRIES):
        path = directory / (f"{stem}-{stamp}{suffix}" if n == 0 else f"{stem}-{stamp}-{n}{suffix}")
        try:
            write_private(path, payload, replace=False)
        except FileExistsError:
            continue
        except OSError as exc:
            raise PowerdeckError(f"Could not write {path}: {exc.strerror or exc}; {then}") from exc
        return path
    raise PowerdeckError(f"Too many {stem} files in {directory} already; {then}")
