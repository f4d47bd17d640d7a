"""SafeJSONStorage on real files: private modes, refusing damaged logs untouched, failed saves
that damage nothing and can be retried, backups, stray temp files, parse caching."""

from __future__ import annotations

import errno
import json
import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest

import powerdeck.store.storage as storage_module
from powerdeck.store.log import Log, LogDamagedError, LogWriteError
from powerdeck.store.storage import SafeJSONStorage


def mode(path: Path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


def temps(directory: Path) -> list[str]:
    return [name for name in os.listdir(directory) if name.endswith(".tmp")]


@pytest.fixture
def umask0() -> Iterator[None]:
    old = os.umask(0)
    try:
        yield
    finally:
        os.umask(old)


@pytest.fixture
def path(tmp_path: Path) -> Path:
    return tmp_path / "data" / "log.json"


def two_sessions(path: Path) -> None:
    """A log with one backup: the second session's first save rotates the first's file."""
    Log(path).add("1.1", "first session")
    Log(path).add("2.1", "second session")


# -- permissions -----------------------------------------------------------------------------

def test_private_modes_whatever_the_umask(path: Path, umask0: None, monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[int] = []
    real_replace = os.replace

    def spy(src: str, dst: str) -> None:
        if str(src).endswith(".tmp"):
            seen.append(mode(Path(src)))
        real_replace(src, dst)

    monkeypatch.setattr(os, "replace", spy)
    two_sessions(path)
    assert mode(path.parent) == 0o700
    for name in ("log.json", "log.json.lock", "log.json.bak1"):
        assert mode(path.parent / name) == 0o600, name
    assert seen and set(seen) == {0o600}


def test_existing_wide_log_becomes_private(path: Path, umask0: None) -> None:
    Log(path).add("1.1", "x")
    os.chmod(path, 0o644)
    Log(path).add("1.1", "y")
    assert mode(path) == 0o600 and mode(path.parent / "log.json.bak1") == 0o600


def test_existing_folder_mode_left_alone(tmp_path: Path, umask0: None) -> None:
    folder = tmp_path / "mine"
    folder.mkdir(mode=0o750)
    Log.open(folder).add("1.1", "x")
    assert mode(folder) == 0o750  # the user's own choice of folder; only folders we create are chmod'ed


# -- damaged files ---------------------------------------------------------------------------

DAMAGED = {
    "garbage": b"\x00\xff\xfe garbage \x89PNG",
    "truncated": b'{"meta":{"1":{"schema_version":1}},"entries":{"1":{"id":"ab',
    "list": b'[{"id": "x"}]',
    "wrong_version": b'{"meta":{"1":{"schema_version":"one"}},"entries":{}}',
    "newer_version": b'{"meta":{"1":{"schema_version":3}},"entries":{}}',
    "no_version": b'{"entries":{"1":{"id":"x"}}}',
    "deep_nesting": b"[" * 100_000,
    "table_not_dict": b'{"meta":{"1":{"schema_version":1}},"entries":[1,2]}',
    "doc_not_dict": b'{"meta":{"1":{"schema_version":1}},"entries":{"1":"text"}}',
    "missing_fields": b'{"meta":{"1":{"schema_version":1}},"entries":{"1":{"id":"x","card":"1.1"}}}',
    "empty_with_backups": b"",
}


@pytest.mark.parametrize("kind", sorted(DAMAGED))
def test_damaged_log_refused_and_untouched(path: Path, kind: str) -> None:
    two_sessions(path)
    backup = path.parent / "log.json.bak1"
    path.write_bytes(DAMAGED[kind])
    before, mtime = path.read_bytes(), os.stat(path).st_mtime_ns
    with pytest.raises(LogDamagedError) as info:
        Log(path)
    message = str(info.value)
    assert "\n" not in message and str(path) in message
    assert f"cp {backup} {path}" in message
    if kind == "newer_version":
        assert "newer powerdeck" in message
    assert path.read_bytes() == before and os.stat(path).st_mtime_ns == mtime
    # the advice works: the named backup opens
    path.write_bytes(backup.read_bytes())
    assert [e.action for e in Log(path).entries()] == ["first session"]


def test_damaged_without_backup_says_how_to_start_over(path: Path) -> None:
    path.parent.mkdir()
    path.write_bytes(b"{not json")
    with pytest.raises(LogDamagedError, match=r"no good backup.*mv "):
        Log(path)
    assert path.read_bytes() == b"{not json"


def test_empty_file_without_backups_is_a_new_log(path: Path) -> None:
    path.parent.mkdir()
    path.write_bytes(b"")  # a crash before the very first write
    assert Log(path).add("1.1", "x").action == "x"


def test_missing_log_with_backups_refused(path: Path) -> None:
    two_sessions(path)
    path.unlink()
    with pytest.raises(LogDamagedError, match="missing"):
        Log(path)
    assert not path.exists()


def test_damage_appearing_mid_session_is_not_overwritten(path: Path) -> None:
    log = Log(path)
    log.add("1.1", "x")
    path.write_bytes(b"[]")  # someone else's tool wrote this
    os.utime(path, ns=(1, 1))
    with pytest.raises(LogDamagedError):
        log.add("1.1", "y")
    assert path.read_bytes() == b"[]"


# -- failed saves ----------------------------------------------------------------------------

@pytest.mark.parametrize("target,code,words", [
    ("replace", errno.EROFS, "read-only"),
    ("fsync", errno.ENOSPC, "disk is full"),
])
def test_failed_save_damages_nothing_and_retry_works(path: Path, monkeypatch: pytest.MonkeyPatch,
                                                     target: str, code: int, words: str) -> None:
    # Tests run as root, which ignores permission bits: inject the errno the kernel would give.
    log = Log(path)
    kept = log.add("1.1", "kept")
    before = path.read_bytes()

    def fail(*args: object) -> None:
        raise OSError(code, os.strerror(code))

    monkeypatch.setattr(os, target, fail)
    with pytest.raises(LogWriteError) as info:
        log.add("2.1", "new text")
    with pytest.raises(LogWriteError):
        log.update(kept.id, learning="edited")
    message = str(info.value)
    assert "\n" not in message and str(path) in message and words in message
    monkeypatch.undo()
    assert path.read_bytes() == before and temps(path.parent) == []
    assert log.entries() == [kept] and log.get(kept.id) == kept  # memory does not pretend
    added = log.add("2.1", "new text")  # retry once the fault is gone
    log.update(kept.id, learning="edited")
    fresh = Log(path)
    assert fresh.get(added.id) == added and fresh.get(kept.id).learning == "edited"


@pytest.mark.skipif(os.geteuid() == 0, reason="root ignores permission bits")
def test_real_read_only_folder(path: Path) -> None:
    log = Log(path)
    kept = log.add("1.1", "kept")
    before = path.read_bytes()
    os.chmod(path.parent, 0o500)
    try:
        with pytest.raises(LogWriteError, match="read-only or not writable"):
            log.add("1.1", "new")
        assert path.read_bytes() == before and log.entries() == [kept]
    finally:
        os.chmod(path.parent, 0o700)
    assert log.add("1.1", "new").action == "new"


# -- backups, temp files, cache --------------------------------------------------------------

def test_five_rolling_backups_once_per_session(path: Path) -> None:
    for session in range(1, 8):
        log = Log(path)
        for _ in range(3):  # several saves in one session rotate only once
            log.add("1.1", f"session {session}")
        log.close()
    names = sorted(n for n in os.listdir(path.parent) if ".bak" in n)
    assert names == [f"log.json.bak{n}" for n in range(1, 6)]
    for n in range(1, 6):
        data = json.loads((path.parent / f"log.json.bak{n}").read_bytes())
        assert len(data["entries"]) == 3 * (7 - n)  # bakN = the file before session 8-N


def test_stray_temp_files_removed_only_ours(path: Path) -> None:
    path.parent.mkdir()
    ours = path.parent / ".log.json.0123456789abcdef.tmp"
    others = [path.parent / ".log.json.notours.tmp", path.parent / "notes.tmp"]
    for file in (ours, *others):
        file.write_text("x")
    Log(path)
    assert not ours.exists() and all(file.exists() for file in others)


def test_unchanged_file_is_not_parsed_again(path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    log = Log(path)
    for n in range(20):
        log.add("1.1", str(n))
    calls = []
    real_loads = json.loads
    monkeypatch.setattr(storage_module.json, "loads", lambda *a, **k: calls.append(1) or real_loads(*a, **k))
    for _ in range(10):
        log.entries()
        log.get("x")
    assert calls == []
    Log(path).add("2.1", "other")  # (its own open parses once)
    calls.clear()
    assert len(log.entries()) == 21 and len(calls) == 1


def test_storage_usable_by_plain_tinydb(path: Path) -> None:
    from tinydb import TinyDB

    db = TinyDB(path, storage=SafeJSONStorage)
    db.table("t").insert({"a": "ü"})
    assert TinyDB(path, storage=SafeJSONStorage).table("t").all() == [{"a": "ü"}]


def test_read_only_folder_still_readable(path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    kept = Log(path).add("1.1", "kept")
    (path.parent / "log.json.lock").unlink()

    def refuse(*args: object) -> int:  # what creating any file in a read-only folder gives
        raise OSError(errno.EROFS, os.strerror(errno.EROFS))

    monkeypatch.setattr(storage_module, "_open_private", refuse)
    log = Log(path)
    assert log.entries() == [kept]
    with pytest.raises(LogWriteError, match="read-only"):
        log.add("1.1", "new")


def test_a_log_damaged_mid_session_keeps_reads_working_and_refuses_writes(tmp_path: Path) -> None:
    # Regression: a read that met a file damaged by another program raised, and the app's
    # polling timer turned that into a traceback. Reads now serve the last good data.
    from powerdeck.store.log import Log

    log = Log.open(tmp_path)
    entry = log.add("4.2", "listen to a story")
    path = tmp_path / "log.json"
    damaged = b'{"entries": {"1": '
    replacement = tmp_path / "other.json"
    replacement.write_bytes(damaged)
    os.replace(replacement, path)
    assert log.changed_on_disk()
    assert [e.id for e in log.entries()] == [entry.id]
    assert isinstance(log.problem, LogDamagedError)
    with pytest.raises(LogDamagedError):
        log.add("4.2", "another")
    assert path.read_bytes() == damaged
