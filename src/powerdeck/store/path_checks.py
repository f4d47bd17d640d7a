"""What a path is, checked before powerdeck reads it or writes beside it: the data folder is the
user's own and private, and a file is read only if it is a regular file of bounded size, never
through a symlink and never blocking on a FIFO.

Used by the log's storage (storage.py) for the log, its backups and its folder, and by the
imports and the Word forms (`read_named_file`: cli/transfer.py, org_files.py), which read files a
person names.
"""

from __future__ import annotations

import errno
import os
import stat
from contextlib import suppress
from pathlib import Path

from powerdeck.core.errors import LogWriteError, PowerdeckError
from powerdeck.core.text import visible_line
from powerdeck.store.private_write import describe_mode

MAX_LOG_BYTES = 64 * 1024 * 1024
"""Larger than any real review log (10,000 entries are about 4 MB): a bigger file is refused, not read."""


def private_dir(directory: Path) -> None:
    """Create the data folder and every missing parent 0700, then insist that it is private.

    A folder someone else owns, or one others can write to, is refused (one line, with the fix):
    another user could delete the log, plant a FIFO or a symlink where powerdeck writes.
    """
    directory = Path(os.path.abspath(directory))
    missing: list[Path] = []
    here = directory
    while not os.path.lexists(here) and here != here.parent:
        missing.append(here)
        here = here.parent
    for folder in reversed(missing):
        try:
            os.mkdir(folder, 0o700)
        except FileExistsError:
            continue
        except OSError as exc:
            raise LogWriteError(f"Could not create the data folder {folder}: {exc.strerror}; "
                                "choose another with --data DIR") from exc
        # mkdir's mode is filtered by the umask (a umask of 0700 would leave it 0000); set it
        # through a descriptor that refuses a symlink swapped in meanwhile.
        with suppress(OSError):
            fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | os.O_CLOEXEC)
            try:
                os.fchmod(fd, 0o700)
            finally:
                os.close(fd)
    check_private_dir(directory)


def check_private_dir(directory: Path) -> None:
    """Refuse a data folder that is a symlink, not a folder, not the user's, or writable by others."""
    try:
        st = os.lstat(directory)
    except OSError as exc:
        raise LogWriteError(f"Could not use the data folder {directory}: {exc.strerror}; "
                            "choose another with --data DIR") from exc
    if stat.S_ISLNK(st.st_mode):
        # Whoever can change the link chooses where the log is written; powerdeck follows none.
        raise LogWriteError(f"The data folder {directory} is a symbolic link, which powerdeck never "
                            f"follows; use the folder itself: --data {os.path.realpath(directory)}")
    if not stat.S_ISDIR(st.st_mode):
        raise LogWriteError(f"The data folder {directory} is not a folder; "
                            "choose another with --data DIR")
    if st.st_uid != os.geteuid():
        raise LogWriteError(f"The data folder {directory} belongs to another user (uid {st.st_uid}), "
                            "who could read or replace your log; use a folder of your own with --data DIR")
    if st.st_mode & 0o022:
        raise LogWriteError(f"The data folder {directory} can be changed by other users "
                            f"(mode {stat.S_IMODE(st.st_mode):o}), who could delete or replace your log; "
                            f"make it private with: chmod 700 {directory}")


class SpecialFile(ValueError):
    """The path is not a regular file we may read: a folder, FIFO, device, symlink, or too big."""


def open_regular(path: Path) -> tuple[int, os.stat_result] | None:
    """Open a file to read without following a symlink or blocking on a FIFO; None if missing.

    Raises SpecialFile for anything that is not a regular file of at most MAX_LOG_BYTES."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_CLOEXEC | os.O_NOFOLLOW | os.O_NONBLOCK)
    except FileNotFoundError:
        return None
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            raise SpecialFile("it is a symbolic link, which powerdeck never follows") from None
        raise
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            raise SpecialFile(f"it is {describe_mode(st.st_mode)}, not a file")
        if st.st_size > MAX_LOG_BYTES:
            raise SpecialFile(f"it is {st.st_size // (1024 * 1024)} MB, larger than any review log "
                              f"({MAX_LOG_BYTES // (1024 * 1024)} MB)")
    except BaseException:
        os.close(fd)
        raise
    return fd, st


def read_bounded(fd: int, limit: int = MAX_LOG_BYTES) -> bytes:
    """Read to the end, but never more than `limit` bytes (the file may grow while we read)."""
    chunks: list[bytes] = []
    total = 0
    while True:
        chunk = os.read(fd, min(1024 * 1024, limit + 1 - total))
        if not chunk:
            return b"".join(chunks)
        chunks.append(chunk)
        total += len(chunk)
        if total > limit:
            raise SpecialFile(f"it grew past {limit // (1024 * 1024)} MB while being read")


def read_regular(path: Path, limit: int = MAX_LOG_BYTES) -> bytes | None:
    """The bytes of a regular file (None if missing); SpecialFile for anything else."""
    opened = open_regular(path)
    if opened is None:
        return None
    fd = opened[0]
    try:
        return read_bounded(fd, limit)
    finally:
        os.close(fd)


def read_named_file(path: Path, limit: int, *, refused: str,
                    error: type[PowerdeckError] = PowerdeckError) -> bytes:
    """The bytes of a file a person named (an import, a Word form), or one line saying why not.

    The path is resolved first: a symlink the person gave is theirs to give, and what it names is
    then read as any file is (regular, bounded, never blocking on a FIFO). `refused` starts the
    line for a file that is not one to read ("cannot import PATH"); `error` is the kind raised."""
    shown = visible_line(str(path))
    try:
        data = read_regular(path.resolve(), limit)
    except SpecialFile as why:
        raise error(f"{refused}: {why}") from None
    except OSError as why:
        raise error(f"cannot read {shown}: {why.strerror or why}") from None
    if data is None:
        raise error(f"cannot read {shown}: no such file")
    return data
