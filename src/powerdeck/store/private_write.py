"""The one private atomic write: a file only its owner can read, whole or not at all.

Every file powerdeck writes with someone's text in it goes through `write_private`: the log and
the state file (storage.py), their backup copies, an export (cli_transfer.py, the app's export
dialog), a rescue file and a fault report (new_private_file.py), a workbook picture or pack
(workbook/files.py) and the server's users file. The steps, and why each:

1. A temporary file beside the target (same folder, so the rename cannot cross file systems),
   created `O_CREAT|O_EXCL|O_NOFOLLOW` with mode 0600: a name someone planted (a symlink, a
   file) is refused, never followed or reused. `O_NONBLOCK` so a FIFO cannot hang the open;
   `fchmod` to exactly 0600 whatever the umask.
2. The payload written whole (`os.write` may write less than asked) and fsynced.
3. Renamed over the target (`replace=True`; a symlink at the target is replaced, never
   followed) or hard-linked to it (`replace=False`, which fails if the name exists: never
   clobbers, even against a racing writer).
4. The folder fsynced, so the rename itself survives a power cut.

Any failure before the rename leaves the target exactly as it was and removes the temporary
file; the `OSError` reaches the caller, which turns it into its own one-line message. No
Textual import: the command line and the signal paths use it too.
"""

from __future__ import annotations

import errno
import os
import stat
from collections.abc import Callable
from contextlib import suppress
from pathlib import Path

MODE = 0o600


def temp_name(name: str) -> str:
    """`.NAME.<16 hex>.tmp`: hidden, beside the target; storage.py sweeps stray ones by it.
    (os.urandom is what secrets.token_hex reads; `secrets` would load hmac and OpenSSL at start-up.)"""
    return f".{name}.{os.urandom(8).hex()}.tmp"


def describe_mode(mode: int) -> str:
    """What a file that is not a regular file is, in words: "a folder", "a named pipe (FIFO)"..."""
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISFIFO(mode):
        return "a named pipe (FIFO)"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "not a regular file"


def open_private(path: Path, flags: int) -> int:
    """Open (or create) a file of ours 0600, never through a symlink and never blocking.

    A file that turns out not to be a regular file is refused (EINVAL); a file of ours that is
    wider than 0600 (from an older version) is narrowed."""
    fd = os.open(path, flags | os.O_CLOEXEC | os.O_NOFOLLOW | os.O_NONBLOCK, MODE)
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            raise OSError(errno.EINVAL, f"{path.name} is {describe_mode(st.st_mode)}, not a file")
        if st.st_uid == os.geteuid() and stat.S_IMODE(st.st_mode) != MODE:
            os.fchmod(fd, MODE)
    except BaseException:
        os.close(fd)
        raise
    return fd


def write_all(fd: int, payload: bytes) -> None:
    """All of `payload` to `fd`, then fsync it."""
    view = memoryview(payload)
    while view:
        view = view[os.write(fd, view):]
    os.fsync(fd)


def fsync_dir(directory: Path) -> None:
    """Make a rename in `directory` durable.

    Some file systems refuse fsync on a folder; the file is already in place then, so a
    failure here is not reported (calling the save failed would be a lie)."""
    with suppress(OSError):
        fd = os.open(directory, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def write_private(path: Path, payload: bytes, *, replace: bool = True, temp: str | None = None,
                  before_rename: Callable[[], None] | None = None) -> None:
    """Put `payload` at `path` atomically, mode 0600 (steps in the module's docstring).

    `replace=False` never replaces an existing name: `FileExistsError`. `temp` names the
    temporary file (default `temp_name(path.name)`). `before_rename` runs after the data is
    on disk and just before it is named, for a last check of the target (it may raise)."""
    tmp = path.with_name(temp or temp_name(path.name))
    try:
        fd = open_private(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL)
        try:
            write_all(fd, payload)
        finally:
            os.close(fd)
        if before_rename is not None:
            before_rename()
        if replace:
            os.replace(tmp, path)
        else:
            _link_new(tmp, path)
    finally:
        with suppress(OSError):
            os.unlink(tmp)  # gone already after a rename; after a link, the target keeps the data
    fsync_dir(path.parent)


def _link_new(tmp: Path, path: Path) -> None:
    try:
        os.link(tmp, path, follow_symlinks=False)  # atomic, and fails if the name is taken
    except FileExistsError:
        raise
    except OSError as exc:
        if exc.errno not in (errno.EPERM, errno.EXDEV, errno.EOPNOTSUPP, errno.EMLINK, errno.ENOSYS):
            raise
        # A file system without hard links: a check, then a rename, is the best there is.
        if os.path.lexists(path):
            raise FileExistsError(errno.EEXIST, os.strerror(errno.EEXIST), str(path)) from None
        os.replace(tmp, path)
