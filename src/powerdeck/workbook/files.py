"""Writing a picture or a pack to a new private file: 0600, never over an existing file or
through a symlink (O_EXCL refuses both), never a half-written one (written, fsynced, then named)."""

from __future__ import annotations

import os
from pathlib import Path

from powerdeck.errors import PowerdeckError


def free_path(folder: Path, stem: str, suffix: str) -> Path:
    """`folder/stem.suffix`, or `stem-2.suffix`, ... the first name not taken."""
    path = folder / f"{stem}{suffix}"
    n = 2
    while os.path.lexists(path):
        path = folder / f"{stem}-{n}{suffix}"
        n += 1
    return path


def write_new_private(path: Path, data: bytes) -> None:
    temporary = path.with_name(f".{path.name}.tmp-{os.getpid()}")
    try:
        fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o600)
        try:
            os.write(fd, data)
            os.fsync(fd)
        finally:
            os.close(fd)
        os.link(temporary, path)  # fails if the name was taken meanwhile: never replaces a file
    except FileExistsError:
        raise PowerdeckError(f"{path} already exists: choose another name") from None
    except OSError as error:
        raise PowerdeckError(f"cannot write {path}: {error.strerror or error}") from None
    finally:
        try:
            os.unlink(temporary)
        except OSError:
            pass
