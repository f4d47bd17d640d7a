"""A TinyDB storage that never tears the log, never loses a concurrent write, never overwrites a
damaged file, and keeps the file private.

TinyDB's JSONStorage rewrites the file in place (a crash mid-write leaves torn JSON) and has no
locking (two sessions of one user lose each other's entries). Here every write goes to a private
temp file that replaces the log atomically, under an flock held by `transaction()` for the whole
read-modify-write; reads re-parse only when (mtime_ns, size, inode) changed on disk.
"""

from __future__ import annotations

import errno
import fcntl
import json
import os
import re
import secrets
import threading
import time
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import Any, Callable, Iterator

from tinydb.storages import Storage

from powerdeck.errors import PowerdeckError

BACKUPS = 5
ROTATE_EVERY = 600.0
"""Seconds between backup rotations within one session (the first write of a session rotates)."""
LOCK_TIMEOUT = 10.0

Data = dict[str, dict[str, Any]]
Stamp = tuple[int, int, int]


class LogDamagedError(PowerdeckError):
    """The log is not JSON or not our schema: it is refused and left byte-for-byte untouched."""


class LogWriteError(PowerdeckError):
    """A save failed (disk full, read-only): nothing on disk was damaged and the caller may retry."""


class SchemaProblem(ValueError):
    """Raised by a validator: the file parses but is not a log this version understands."""


def private_dir(directory: Path) -> None:
    """Create the data folder 0700; a folder the user already has is left as they made it."""
    if directory.is_dir():
        return
    try:
        os.makedirs(directory, mode=0o700)
    except FileExistsError:
        return
    except OSError as exc:
        raise LogWriteError(f"Could not create the data folder {directory}: {exc.strerror}; "
                            "choose another with --data DIR") from exc
    os.chmod(directory, 0o700)  # makedirs' mode is filtered by the umask; be explicit anyway


def check_tables(data: Any) -> None:
    """TinyDB's shape: a dict of tables, each a dict of numeric doc ids to dict documents."""
    if not isinstance(data, dict):
        raise SchemaProblem(f"expected a JSON object of tables, found a {type(data).__name__}")
    for name, table in data.items():
        if not isinstance(table, dict):
            raise SchemaProblem(f"table {name!r} is not a JSON object")
        for doc_id, doc in table.items():
            if not (doc_id.isascii() and doc_id.isdigit()) or not isinstance(doc, dict):
                raise SchemaProblem(f"table {name!r} has a malformed document {doc_id!r}")


def encode(data: Data) -> bytes:
    """Compact UTF-8 JSON, text kept readable (ensure_ascii=False)."""
    try:
        return json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    except UnicodeEncodeError:
        # A lone surrogate (from a broken terminal) is not UTF-8; \u escapes keep it exactly.
        return json.dumps(data, separators=(",", ":")).encode("ascii")


def write_message(path: Path, exc: OSError) -> str:
    if exc.errno in (errno.ENOSPC, errno.EDQUOT):
        what, todo = "the disk is full (or your quota is used up)", "free some space, then save again"
    elif exc.errno in (errno.EROFS, errno.EACCES, errno.EPERM):
        what, todo = "its folder is read-only or not writable", \
            "fix the folder's permissions or start powerdeck with --data DIR, then save again"
    else:
        what, todo = exc.strerror or str(exc), "check the disk, then save again"
    return f"Could not save {path}: {what}. Nothing on disk was changed; {todo}."


def _stamp(st: os.stat_result) -> Stamp:
    return (st.st_mtime_ns, st.st_size, st.st_ino)


def _open_private(path: Path, flags: int) -> int:
    fd = os.open(path, flags | os.O_CLOEXEC, 0o600)
    with suppress(PermissionError):  # not ours (someone else's lock file): leave its mode
        os.fchmod(fd, 0o600)  # a file that existed before may be wider than 0600
    return fd


def _fsync_dir(directory: Path) -> None:
    # Makes the rename itself durable. Some filesystems refuse fsync on a directory; the data is
    # already replaced then, so reporting a failed save would be a lie.
    with suppress(OSError):
        fd = os.open(directory, os.O_RDONLY | os.O_DIRECTORY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


class SafeJSONStorage(Storage):
    """TinyDB storage: atomic, locked, cached by file identity, backed up, private."""

    def __init__(self, path: str | os.PathLike[str],
                 validate: Callable[[Data], None] | None = None) -> None:
        self.path = Path(path)
        self.lock_path = self.path.with_name(self.path.name + ".lock")
        self.backups = [self.path.with_name(f"{self.path.name}.bak{n}") for n in range(1, BACKUPS + 1)]
        self._validate = validate or (lambda data: None)
        self._tmp_name = re.compile(rf"^\.{re.escape(self.path.name)}\.[0-9a-f]{{16}}\.tmp$")
        self._data: Data | None = None
        self._stamp: Stamp | None = None
        self.generation = 0
        """Bumped whenever the cached data changes, so callers can key derived caches on it."""
        self._lock_fd: int | None = None
        self._depth = 0
        self.thread_lock = threading.RLock()
        """Serialises this process's threads; the flock serialises processes."""
        self._rotated_at: float | None = None
        self.problem: PowerdeckError | None = None
        """Why the file on disk could not be read again mid-session (reads then serve the last good data)."""
        private_dir(self.path.parent)
        self.read()  # refuse a damaged log now, before anything could write over it
        with suppress(LogWriteError):  # a read-only folder can still be read
            with self.transaction():
                self._remove_stray_temps()

    # -- reading ---------------------------------------------------------------------------

    def read(self) -> Data | None:
        with self.thread_lock:
            try:
                data = self._refresh()
            except PowerdeckError as exc:
                if self._depth or self._stamp is None:
                    raise  # opening, or inside a read-modify-write: never build on a bad file
                # Mid-session, someone else damaged the file: keep showing what we last read
                # (the UI must not crash on a read) and let every write refuse until it is mended.
                self.problem = exc
                return self._data
            self.problem = None
            return data

    def _refresh(self) -> Data | None:
        try:
            fd = os.open(self.path, os.O_RDONLY | os.O_CLOEXEC)
        except FileNotFoundError:
            if self._good_backup(any_file=True):
                raise self._damaged("the log is missing but backups exist") from None
            self._set(None, None)
            return None
        except OSError as exc:
            raise PowerdeckError(f"Could not read {self.path}: {exc.strerror}; "
                                 "check the file's owner and permissions") from exc
        with os.fdopen(fd, "rb") as file:
            stamp = _stamp(os.fstat(file.fileno()))  # of the very file we read, not a successor
            if stamp == self._stamp:
                return self._data
            raw = file.read()
        if not raw and self._good_backup(any_file=True):
            raise self._damaged("the file is empty")
        try:
            data = self._decode(raw)
        except (SchemaProblem, ValueError) as exc:
            raise self._damaged(str(exc)) from None
        self._set(data, stamp)
        return data

    def _decode(self, raw: bytes) -> Data | None:
        if not raw:
            return None  # a crash before the very first write; only accepted with no backups
        try:
            data = json.loads(raw.decode("utf-8"))
        except (ValueError, RecursionError) as exc:  # bad UTF-8, bad JSON, absurd nesting
            raise SchemaProblem(f"it is not valid JSON ({exc})") from None
        check_tables(data)
        self._validate(data)
        return data

    def _set(self, data: Data | None, stamp: Stamp | None) -> None:
        self._data, self._stamp = data, stamp
        self.generation += 1

    def invalidate(self) -> None:
        """Forget the cache: the next read() parses the disk's truth again."""
        with self.thread_lock:
            self._set(None, None)

    def changed_on_disk(self) -> bool:
        """True when someone else replaced the log since we last read or wrote it."""
        try:
            return _stamp(os.stat(self.path)) != self._stamp
        except FileNotFoundError:
            return self._stamp is not None

    def _good_backup(self, any_file: bool = False) -> Path | None:
        for backup in self.backups:
            try:
                raw = backup.read_bytes()
                if any_file or self._decode(raw) is not None:
                    return backup
            except (OSError, ValueError):
                continue
        return None

    def _damaged(self, reason: str) -> LogDamagedError:
        good = self._good_backup()
        if good is not None:
            hint = f"to go back to the newest good backup run: cp {good} {self.path}"
        else:
            hint = f"no good backup exists; move it aside to start a new log: mv {self.path} {self.path}.damaged"
        reason = " ".join(reason.split())
        return LogDamagedError(f"{self.path} cannot be opened: {reason}. It was left untouched; {hint}")

    # -- locking ---------------------------------------------------------------------------

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """Hold the exclusive lock for a whole read-modify-write (re-entrant, thread-safe)."""
        with self.thread_lock:
            if self._depth == 0:
                self._acquire()
            self._depth += 1
            try:
                yield
            except BaseException:
                self.invalidate()  # TinyDB edits our cached dicts before writing: drop them
                raise
            finally:
                self._depth -= 1
                if self._depth == 0 and self._lock_fd is not None:
                    fcntl.flock(self._lock_fd, fcntl.LOCK_UN)

    def _acquire(self) -> None:
        if self._lock_fd is None:
            try:
                self._lock_fd = _open_private(self.lock_path, os.O_RDWR | os.O_CREAT)
            except OSError as exc:
                raise LogWriteError(write_message(self.lock_path, exc)) from exc
        deadline = time.monotonic() + LOCK_TIMEOUT
        while True:
            try:
                fcntl.flock(self._lock_fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                return
            except BlockingIOError:
                if time.monotonic() > deadline:
                    raise LogWriteError(
                        f"Could not save {self.path}: another powerdeck session has held "
                        f"{self.lock_path} for {LOCK_TIMEOUT:.0f}s; close it, then save again.") from None
                time.sleep(0.002)

    def _remove_stray_temps(self) -> None:
        # Only under the lock: a live writer's temp file exists only while it holds the lock.
        for name in os.listdir(self.path.parent):
            if self._tmp_name.match(name):
                with suppress(OSError):
                    os.unlink(self.path.parent / name)

    # -- writing ---------------------------------------------------------------------------

    def write(self, data: Data) -> None:
        with self.transaction():
            tmp: Path | None = None
            try:
                payload = encode(data)
                self._rotate_backups()
                tmp = self.path.with_name(f".{self.path.name}.{secrets.token_hex(8)}.tmp")
                fd = _open_private(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL)
                with os.fdopen(fd, "wb") as file:
                    file.write(payload)
                    file.flush()
                    os.fsync(file.fileno())
                os.replace(tmp, self.path)
                tmp = None
                _fsync_dir(self.path.parent)
                self._set(data, _stamp(os.stat(self.path)))
            except OSError as exc:
                self.invalidate()
                raise LogWriteError(write_message(self.path, exc)) from exc
            finally:
                if tmp is not None:
                    with suppress(OSError):
                        os.unlink(tmp)

    def _rotate_backups(self) -> None:
        """Keep the last good file as bak1 (older ones shift up to bak5).

        Cost: a hard link, not a copy, so a 10,000-entry log pays nothing per save. That is safe
        because we never modify a file in place, only replace it, so bak1's inode stays as it was.
        Frequency: on the first save of a session, then at most every ROTATE_EVERY seconds, so
        five backups span several sessions rather than the last five keystrokes.
        """
        now = time.monotonic()
        if self._rotated_at is not None and now - self._rotated_at < ROTATE_EVERY:
            return
        try:
            current = os.stat(self.path)
        except FileNotFoundError:
            self._rotated_at = now  # a new log: nothing good to keep yet
            return
        if _stamp(current) != self._stamp or self._data is None:
            return  # only a file we parsed and validated is worth keeping as "good"
        newest = self.backups[0]
        if newest.exists() and os.path.samestat(os.stat(newest), current):
            self._rotated_at = now
            return
        for older, newer in zip(reversed(self.backups[1:]), reversed(self.backups[:-1])):
            if newer.exists():
                os.replace(newer, older)
        try:
            os.link(self.path, newest)
        except OSError as exc:
            if exc.errno not in (errno.EPERM, errno.EXDEV, errno.EOPNOTSUPP, errno.EMLINK):
                raise
            self._copy_private(newest)  # filesystems without hard links
        os.chmod(newest, 0o600)
        self._rotated_at = now

    def _copy_private(self, target: Path) -> None:
        tmp = target.with_name(f".{self.path.name}.{secrets.token_hex(8)}.tmp")
        try:
            fd = _open_private(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL)
            with os.fdopen(fd, "wb") as file:
                file.write(self.path.read_bytes())
                file.flush()
                os.fsync(file.fileno())
            os.replace(tmp, target)
        finally:
            with suppress(OSError):
                os.unlink(tmp)

    def close(self) -> None:
        with self.thread_lock:
            if self._lock_fd is not None:
                os.close(self._lock_fd)
                self._lock_fd = None
