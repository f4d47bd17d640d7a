"""Writing a picture or a pack to a new private file: 0600, never over an existing file or
through a symlink, never a half-written one (`private_write.write_private`, `replace=False`)."""

from __future__ import annotations

import os
from pathlib import Path

from powerdeck.core.errors import PowerdeckError
from powerdeck.store.private_write import write_private


def free_path(folder: Path, stem: str, suffix: str) -> Path:
    """`folder/stem.suffix`, or `stem-2.suffix`, ... the first name not taken."""
    path = folder / f"{stem}{suffix}"
    n = 2
    while os.path.lexists(path):
        path = folder / f"{stem}-{n}{suffix}"
        n += 1
    return path


def write_new_private(path: Path, data: bytes) -> None:
    try:
        write_private(path, data, replace=False)  # never replaces a file, even one made meanwhile
    except FileExistsError:
        raise PowerdeckError(f"{path} already exists: choose another name") from None
    except OSError as error:
        raise PowerdeckError(f"cannot write {path}: {error.strerror or error}") from None
