"""An export (or a picture) written to a file a person names: what may be written, and how.

The command line (`powerdeck export -o`, `powerdeck cloud -o`) and the app's export dialog share
it, so the app never imports the command-line module. The write is `private_write.write_private`
(0600, atomic); this adds the checks on the target: never a named pipe, device or folder, never
a file of the store (the log, the state file, their backups and locks), never an existing
file unless the person said so.
"""

from __future__ import annotations

import contextlib
import os
import stat
from pathlib import Path

from powerdeck.core.errors import PowerdeckError
from powerdeck.store.private_write import write_private

_KINDS = {
    stat.S_IFIFO: "a named pipe", stat.S_IFCHR: "a device", stat.S_IFBLK: "a device",
    stat.S_IFSOCK: "a socket", stat.S_IFDIR: "a folder",
}  # fmt: skip


def refuse_special_target(path: Path, protected: tuple[Path, ...] = ()) -> bool:
    """Raise unless `path` may be written; True if it exists (as a file or a symlink).

    Only `lstat` is used, never `open`: a named pipe as the target would block an open for
    ever, and a symlink is never followed (the rename replaces the link itself)."""
    try:
        info = os.lstat(path)
    except FileNotFoundError:
        info = None
    except OSError as error:
        raise PowerdeckError(f"cannot write {path}: {error.strerror or error}") from None
    if info is not None and not (stat.S_ISREG(info.st_mode) or stat.S_ISLNK(info.st_mode)):
        kind = _KINDS.get(stat.S_IFMT(info.st_mode), "not a regular file")
        raise PowerdeckError(f"cannot write {path}: it is {kind}, not a file; choose another file with -o")
    for guarded in protected:
        # By name (the file may not exist yet: `-o DATA/state.json` would create the drafts file
        # under the store's feet), with the temporary files' hidden names, and by identity.
        same_folder = guarded.parent.resolve() == path.parent.resolve()
        same_name = same_folder and path.name.startswith((guarded.name, f".{guarded.name}"))
        same_file = False
        if info is not None and stat.S_ISREG(info.st_mode):
            with contextlib.suppress(OSError):
                other = os.lstat(guarded)
                same_file = (other.st_dev, other.st_ino) == (info.st_dev, info.st_ino)
        if same_name or same_file:
            raise PowerdeckError(
                f"cannot write {path}: that is one of powerdeck's own files (your review log, its "
                "drafts, a backup or a lock); choose another file with -o"
            )
    return info is not None


def store_files(log_file: Path) -> tuple[Path, ...]:
    """Every file of the store an export must never replace or create, by name prefix: the log
    (worksheets are in it) and the state file, with their backups (`.bak1`), locks (`.lock`)
    and temporary files (`.log.json.<hex>.tmp`)."""
    from powerdeck.store.locations import state_path

    return (log_file, state_path(log_file))


def write_private_file(path: Path, data: bytes, *, overwrite: bool, protected: tuple[Path, ...] = ()) -> None:
    """Write `data` to `path` atomically with mode 0600; refuse an existing file unless told.

    `private_write.write_private` does the writing: a 0600 temporary file in the same folder,
    fsynced, then linked into place (which fails if the name was taken meanwhile) or, with
    `overwrite`, renamed over it. A failure leaves any existing file as it was. `protected`
    files (the log) are refused whatever `overwrite` says; see `refuse_special_target`.
    """
    folder = path.parent
    if not folder.is_dir():
        raise PowerdeckError(f"cannot write {path}: the folder {folder} does not exist")
    taken = f"{path} already exists: choose another file with -o, or add --force to replace it"
    if refuse_special_target(path, protected) and not overwrite:
        raise PowerdeckError(taken)

    def check_again() -> None:  # just before the rename: the target may have changed meanwhile
        refuse_special_target(path, protected)

    try:
        write_private(path, data, replace=overwrite, before_rename=check_again)
    except FileExistsError:
        raise PowerdeckError(taken) from None
    except OSError as error:
        raise PowerdeckError(f"cannot write {path}: {error.strerror or error}") from None
