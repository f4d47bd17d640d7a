"""A TinyDB storage that never tears the log, never loses a concurrent write, never overwrites a
damaged file, and keeps the file private.

TinyDB's JSONStorage rewrites the file in place (a crash mid-write leaves torn JSON) and has no
locking (two sessions of one user lose each other's entries). Here every write goes to a private
temp file that replaces the log atomically (`private_write.write_private`), under an flock held
by `transaction()` for the whole read-modify-write; reads re-parse only when (mtime_ns, size,
inode) changed on disk.

Every change made inside one `transaction()` is staged in memory and written once, when the
outermost transaction ends: a save that adds an entry and clears its draft is one atomic write.

Every write is checked before it touches the disk (the shape, the owner's `check_write`, the
size a read accepts) and sealed with a checksum that every read checks (`seal`, `check_seal`):
what is written can always be opened again, and damage that stays valid JSON is noticed. A file
emptied, removed or replaced by one we did not write while we have it open is damage too.

Nothing is followed through a symlink or read without bound: the log and its backups are opened
O_NOFOLLOW|O_NONBLOCK and must be regular files of at most MAX_LOG_BYTES; the lock and temp files
are opened O_NOFOLLOW (temps O_EXCL too); the data folder must be the user's own and not
writable by anyone else (those checks on what a path is: path_checks.py).
"""

from __future__ import annotations

import errno
import fcntl
import json
import os
import re
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import Any

from tinydb.storages import Storage

from powerdeck.core.errors import LogWriteError, PowerdeckError
from powerdeck.store.path_checks import (
    MAX_LOG_BYTES,
    SpecialFile,
    open_regular,
    private_dir,
    read_bounded,
    read_regular,
)
from powerdeck.store.private_write import open_private as _open_private
from powerdeck.store.private_write import temp_name, write_private
from powerdeck.store.seal import CHECKSUM as CHECKSUM
from powerdeck.store.seal import META as META
from powerdeck.store.seal import Data as Data
from powerdeck.store.seal import SealBroken, check_seal, seal, sealed

BACKUPS = 5
ROTATE_EVERY = 600.0
"""Seconds between backup rotations within one session (the first write of a session rotates)."""
LOCK_TIMEOUT = 10.0
MAX_DOC_ID_DIGITS = 15

Stamp = tuple[int, int, int]


class LogDamagedError(PowerdeckError):
    """The log is not JSON or not our schema: it is refused and left byte-for-byte untouched."""


class SchemaProblem(ValueError):
    """Raised by a validator: the file parses but is not a log this version understands."""


def check_tables(data: Any) -> None:
    """TinyDB's shape: a dict of tables, each a dict of numeric doc ids to dict documents (or the
    objects a storage's `object_hook` made of them, which JSON alone cannot give)."""
    if not isinstance(data, dict):
        raise SchemaProblem(f"expected a JSON object of tables, found a {type(data).__name__}")
    for name, table in data.items():
        if not isinstance(table, dict):
            raise SchemaProblem(f"table {name!r} is not a JSON object")
        for doc_id, doc in table.items():
            if not (doc_id.isascii() and doc_id.isdigit() and len(doc_id) <= MAX_DOC_ID_DIGITS) \
                    or not (isinstance(doc, dict) or hasattr(doc, "to_dict")):
                raise SchemaProblem(f"table {short(name)} has a malformed document {short(doc_id)}")


def check_meta(data: Data, key: str, current: int, readable: tuple[int, ...], what: str, kind: str) -> bool:
    """The version in a file's `meta` table: a whole number this powerdeck reads (1.0 is not one),
    and nothing else but the checksum (storage.py). False for a file with no meta and no content
    (`{}`: a new file); SchemaProblem otherwise."""
    meta = list(data.get(META, {}).values())
    if not meta:
        if any(data.values()):
            raise SchemaProblem(f"it has no {what} version, so it is not a powerdeck {kind}")
        return False
    version = meta[0].get(key)
    if type(version) is int and version > current:
        raise SchemaProblem(f"it was written by a newer powerdeck ({what} {version}; this one "
                            f"reads {current}), so upgrade powerdeck")
    if type(version) is not int or version not in readable:
        raise SchemaProblem(f"unknown {what} version {repr(version)[:40]}")
    unknown = set(meta[0]) - {key, CHECKSUM}
    if unknown or len(meta) > 1:
        raise SchemaProblem(f"its {META} table holds {short(min(unknown)) if unknown else 'two documents'}, "
                            "which powerdeck never writes")
    return True


def short(text: str, limit: int = 40) -> str:
    """A value quoted for a one-line message, cut if long (a hostile file's key can be huge)."""
    text = repr(text)
    return text if len(text) <= limit else f"{text[:limit]}…"


def has_content(data: Data | None) -> bool:
    """`{}` or empty tables hold nothing: never a good backup, never a replacement for one."""
    return data is not None and any(data.values())


def write_message(path: Path, exc: OSError) -> str:
    if exc.errno in (errno.ENOSPC, errno.EDQUOT):
        what, todo = "the disk is full (or your quota is used up)", "free some space, then save again"
    elif exc.errno in (errno.EROFS, errno.EACCES, errno.EPERM):
        what, todo = "its folder is read-only or not writable", \
            "fix the folder's permissions or start powerdeck with --data DIR, then save again"
    else:
        what, todo = exc.strerror or str(exc), "check the disk, then save again"
    return f"Could not save {path}: {what}. Nothing on disk was changed; {todo}."


def _snapshot(data: Data | None) -> Data | None:
    """What a transaction goes back to if it fails: new dicts down to each document (TinyDB edits
    documents in place), the objects a table holds in place of documents (the log's immutable
    entries) shared. A few milliseconds for a 10,000-entry log, and gone when it ends."""
    if data is None:
        return None
    return {name: {doc_id: dict(doc) if isinstance(doc, dict) else doc for doc_id, doc in table.items()}
            for name, table in data.items()}


def _stamp(st: os.stat_result) -> Stamp:
    return (st.st_mtime_ns, st.st_size, st.st_ino)


class SafeJSONStorage(Storage):
    """TinyDB storage: atomic, locked, cached by file identity, backed up, private."""

    def __init__(self, path: str | os.PathLike[str],
                 validate: Callable[[Data], None] | None = None,
                 check_write: Callable[[Data], None] | None = None, *, accept_edits: bool = False,
                 defer_read: bool = False, object_hook: Callable[[dict[str, Any]], Any] | None = None) -> None:
        """`validate` refuses a file read; `check_write` what is about to be written (both raise
        SchemaProblem). `accept_edits` (only `powerdeck repair`) reads a file whose checksum does
        not match, after `validate` checked it whole. `defer_read`: the first read() parses the file
        (and refuses a damaged one), not this constructor. `object_hook`: json.loads' hook, to make
        each document what is kept of it as it is parsed (the log's entries: one dict at a time
        alive, rather than all of them at once)."""
        self.path = Path(path)
        self.lock_path = self.path.with_name(self.path.name + ".lock")
        self.backups = [self.path.with_name(f"{self.path.name}.bak{n}") for n in range(1, BACKUPS + 1)]
        self._validate = validate or (lambda data: None)
        self._check_write = check_write or (lambda data: None)
        self._accept_edits = accept_edits
        self._was_sealed = False
        """The file as we last read or wrote it carried a checksum: a successor without one was
        not written by this powerdeck (see `_refresh`)."""
        self._object_hook = object_hook
        self._tmp_name = re.compile(rf"^\.{re.escape(self.path.name)}\.[0-9a-f]{{16}}\.tmp$")
        self._data: Data | None = None
        self._stamp: Stamp | None = None
        self._good: Stamp | None = None
        self._before: Data | None = None
        """The data as the running transaction began (None outside one): see `invalidate`."""
        """The file as we last read or wrote it: what a failed transaction goes back to (read again
        from disk, where it still is: the bytes are not kept, they were as big as the log)."""
        self._good_has_content = False
        self._opened = False
        self._pending = False
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
        if not defer_read:
            # Refuse a damaged log now, before anything could write over it. Deferred (a first
            # frame drawn from the log's summary, log_summary.py): the first read() refuses it.
            self.read()
            self._opened = True
        with suppress(LogWriteError), self.transaction():  # a read-only folder can still be read
            self._remove_stray_temps()

    # -- reading ---------------------------------------------------------------------------

    def read(self) -> Data | None:
        with self.thread_lock:
            if self._pending:
                return self._data  # inside a transaction: the changes staged so far
            try:
                data = self._refresh()
            except PowerdeckError as exc:
                if self._depth or not self._opened:
                    raise  # opening, or inside a read-modify-write: never build on a bad file
                # Mid-session the file went bad (damaged from outside, or unreadable): keep
                # showing what we last read (the UI must not crash on a read) and let every
                # write refuse until it is mended.
                self.problem = exc
                return self._data
            self.problem = None
            self._opened = True
            return data

    def _refresh(self) -> Data | None:
        try:
            opened = open_regular(self.path)
        except SpecialFile as exc:
            raise self._special(str(exc)) from None
        except OSError as exc:
            raise PowerdeckError(f"Could not read {self.path}: {exc.strerror}; "
                                 "check the file's owner and permissions") from exc
        if opened is None:
            if self._good_backup(any_file=True):
                raise self._damaged("the file is missing but backups of it exist")
            if self._opened and self._good_has_content:
                raise self._damaged("it was removed while powerdeck had it open")
            self._set(None, None)
            return None
        fd, st = opened
        try:
            stamp = _stamp(st)  # of the very file we read, not a successor
            if stamp == self._stamp:
                return self._data
            if st.st_uid == os.geteuid() and st.st_mode & 0o077:
                with suppress(OSError):  # a copy made by another tool, 0644: ours are 0600
                    os.fchmod(fd, 0o600)
            raw = read_bounded(fd)
        except SpecialFile as exc:
            raise self._special(str(exc)) from None
        except OSError as exc:
            raise PowerdeckError(f"Could not read {self.path}: {exc.strerror}; "
                                 "check the disk") from exc
        finally:
            os.close(fd)
        if not raw and self._good_backup(any_file=True):
            raise self._damaged("the file is empty")
        try:
            data = self._decode(raw)
        except SealBroken as exc:
            raise self._damaged(str(exc), edited=True) from None
        except (SchemaProblem, ValueError) as exc:
            raise self._damaged(str(exc)) from None
        if raw and not has_content(data) and self._good_backup():
            raise self._damaged("it holds nothing (no tables, no version) but good backups exist")
        if self._opened and self._good_has_content and not has_content(data):
            raise self._damaged("it was emptied while powerdeck had it open")
        if self._opened and self._was_sealed and data is not None and not sealed(data):
            raise self._damaged("it was replaced while powerdeck had it open by a file powerdeck did not write")
        self._set(data, stamp)
        self._good, self._good_has_content = stamp, has_content(data)
        self._was_sealed = data is not None and sealed(data)
        return data

    def _decode(self, raw: bytes) -> Data | None:
        if not raw:
            return None  # a crash before the very first write; only accepted with no backups
        try:
            data = json.loads(raw.decode("utf-8"), object_hook=self._object_hook)
        except (ValueError, RecursionError) as exc:  # bad UTF-8, bad JSON, absurd nesting
            raise SchemaProblem(f"it is not valid JSON ({str(exc)[:200]})") from None
        check_tables(data)
        if not self._accept_edits:
            check_seal(raw, data)
        self._validate(data)
        return data  # type: ignore[no-any-return]  # json.loads gives Any; check_tables and _validate have just checked its shape

    def _set(self, data: Data | None, stamp: Stamp | None) -> None:
        if data is None and self._data is None and stamp == self._stamp:
            return  # still no file (a state file before its first write): nothing changed
        self._data, self._stamp = data, stamp
        self.generation += 1

    @property
    def stamp(self) -> Stamp | None:
        """(mtime_ns, size, inode) of the file as last read or written; None before that."""
        return self._stamp

    def invalidate(self) -> None:
        """Forget what we read: the next read() parses the disk again. Until it succeeds, reads
        serve the file as we last read or wrote it (never None mid-session, never a raise).

        In a failed transaction that is the data as the transaction began (`_snapshot`, taken then:
        TinyDB edits the cached dicts in place). The file's bytes are no longer kept for this: as
        big as the log, for a path taken only when a write fails."""
        with self.thread_lock:
            self._pending = False
            data = self._before if self._depth else self._data
            self._data, self._stamp = data, None
            self.generation += 1

    def changed_on_disk(self) -> bool:
        """True when someone else replaced the log since we last read or wrote it."""
        try:
            return _stamp(os.stat(self.path)) != self._stamp
        except FileNotFoundError:
            return self._stamp is not None

    def _good_backup(self, any_file: bool = False) -> Path | None:
        for backup in self.backups:
            try:
                raw = read_regular(backup)
                if raw is None:
                    continue
                if any_file or has_content(self._decode(raw)):
                    return backup
            except (OSError, ValueError):
                continue
        return None

    def _damaged(self, reason: str, edited: bool = False) -> LogDamagedError:
        good = self._good_backup()
        if good is not None:
            hint = f"to go back to the newest good backup run: cp {good} {self.path}"
        else:
            hint = f"no good backup exists; move it aside to start a new log: mv {self.path} {self.path}.damaged"
        if edited:
            hint += ("; or, if you changed it by hand on purpose, accept it with: "
                     f"powerdeck repair --data {self.path.parent}")
        reason = " ".join(reason.split())
        return LogDamagedError(f"{self.path} cannot be opened: {reason}. It was left untouched; {hint}")

    def _special(self, reason: str) -> LogDamagedError:
        good = self._good_backup()
        hint = f", then go back to the newest good backup: cp {good} {self.path}" if good else ""
        return LogDamagedError(f"{self.path} cannot be opened: {reason}. It was left untouched; "
                               f"move it aside: mv {self.path} {self.path}.moved{hint}")

    # -- locking ---------------------------------------------------------------------------

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """Hold the exclusive lock for a whole read-modify-write (re-entrant, thread-safe).

        Writes inside it are staged; the outermost transaction writes them once, atomically."""
        with self.thread_lock:
            if self._depth == 0:
                self._acquire()
                self._before = _snapshot(self._data)
            self._depth += 1
            try:
                yield
                if self._depth == 1 and self._pending:
                    self._commit()
            except BaseException:
                if self._depth == 1:
                    self.invalidate()  # TinyDB edits our cached dicts before writing: drop them
                raise
            finally:
                self._depth -= 1
                if self._depth == 0:
                    self._before = None
                    if self._lock_fd is not None:
                        with suppress(OSError):
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
            except OSError as exc:  # ENOLCK (NFS without locks), EINTR, EBADF ...
                raise LogWriteError(write_message(self.lock_path, exc)) from exc

    def _remove_stray_temps(self) -> None:
        # Only under the lock: a live writer's temp file exists only while it holds the lock.
        for name in os.listdir(self.path.parent):
            if self._tmp_name.match(name):
                with suppress(OSError):
                    os.unlink(self.path.parent / name)

    # -- writing ---------------------------------------------------------------------------

    def write(self, data: Data) -> None:
        with self.transaction():
            if self.problem is not None and self._depth == 1:
                # Mid-session the file went bad: never write our older copy over it.
                raise self.problem
            # Staged: the outermost transaction writes once (see transaction()).
            self._data = data
            self._pending = True
            self.generation += 1

    def _commit(self) -> None:
        data = self._data
        assert data is not None
        payload = self._checked_payload(data)
        try:
            self._rotate_backups()
            write_private(self.path, payload)
            self._stamp = _stamp(os.stat(self.path))
            self._good, self._good_has_content = self._stamp, has_content(data)
            self._was_sealed = sealed(data)
            self._pending = False
        except OSError as exc:
            raise LogWriteError(write_message(self.path, exc)) from exc

    def _checked_payload(self, data: Data) -> bytes:
        """The bytes to write, only if this storage will open them again: the shape, the owner's
        check of what is written (`check_write`) and the size are checked before anything touches
        the disk. A refusal is a LogWriteError: nothing was written, the caller keeps its text."""
        try:
            check_tables(data)
            self._check_write(data)
        except SchemaProblem as exc:
            raise LogWriteError(f"Could not save {self.path}: what would be written could not be opened "
                                f"again ({' '.join(str(exc).split())}). Nothing on disk was changed; "
                                "shorten what you wrote, then save again") from None
        payload = seal(data)
        if len(payload) > MAX_LOG_BYTES:
            raise LogWriteError(
                f"Could not save {self.path}: it would be {len(payload) / 2**20:.1f} MB, more than the "
                f"{MAX_LOG_BYTES // 2**20} MB powerdeck can open again. Nothing on disk was changed; "
                "shorten the text, or move old entries out (powerdeck export --format json) and delete them")
        return payload

    def _rotate_backups(self) -> None:
        """Keep the last good file as bak1 (older ones shift up to bak5).

        Cost: a hard link, not a copy, so a 10,000-entry log pays nothing per save. That is safe
        because we never modify a file in place, only replace it, so bak1's inode stays as it was.
        Frequency: on the first save of a session, then at most every ROTATE_EVERY seconds, so
        five backups span several sessions rather than the last five keystrokes. A session that
        saves nothing rotates nothing.
        """
        now = time.monotonic()
        if self._rotated_at is not None and now - self._rotated_at < ROTATE_EVERY:
            return
        try:
            current = os.lstat(self.path)
        except FileNotFoundError:
            self._rotated_at = now  # a new log: nothing good to keep yet
            return
        if self._good is None or _stamp(current) != self._good or not self._good_has_content:
            return  # only a file we parsed and validated, holding something, is worth keeping
        newest = self.backups[0]
        with suppress(FileNotFoundError):
            if os.path.samestat(os.lstat(newest), current):
                self._rotated_at = now
                return
        for older, newer in zip(reversed(self.backups[1:]), reversed(self.backups[:-1]), strict=True):
            if os.path.lexists(newer):
                os.replace(newer, older)
        try:
            os.link(self.path, newest, follow_symlinks=False)
        except OSError as exc:
            if exc.errno not in (errno.EPERM, errno.EXDEV, errno.EOPNOTSUPP, errno.EMLINK):
                raise
            self._copy_private(newest)  # filesystems without hard links
        # The log of an older version may be wider than 0600, and bak1 is the same inode.
        with suppress(OSError):
            os.close(_open_private(newest, os.O_RDONLY))
        self._rotated_at = now

    def _copy_private(self, target: Path) -> None:
        # The temporary file is named after the log, so _remove_stray_temps finds it after a crash.
        write_private(target, read_regular(self.path) or b"", temp=temp_name(self.path.name))

    def close(self) -> None:
        with self.thread_lock:
            if self._lock_fd is not None:
                os.close(self._lock_fd)
                self._lock_fd = None
