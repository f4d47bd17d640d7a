"""Issue 8, the store's side, on real files: idle starts write nothing, empty logs never replace
good ones, one save is one write, every failure is reported, damage mid-session never crashes a
read, hostile entries and special files are refused in one line, the data folder stays private."""

from __future__ import annotations

import errno
import hashlib
import json
import os
import stat
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

import powerdeck.store.storage as storage_module
from disk_helpers import commits
from powerdeck.core.errors import PowerdeckError
from powerdeck.store import private_write
from powerdeck.store.log import Log, LogDamagedError, LogWriteError
from powerdeck.store.log_worker import LogWorker
from powerdeck.store.path_checks import MAX_LOG_BYTES
from powerdeck.store.storage import SafeJSONStorage


def files(directory: Path) -> dict[str, tuple[int, bytes]]:
    """Every log and state file and backup by name: (inode, bytes)."""
    out = {}
    for name in sorted(os.listdir(directory)):
        if name.startswith(("log.json", "state.json")) and not name.endswith(".lock"):
            path = directory / name
            out[name] = (os.stat(path).st_ino, path.read_bytes())
    return out


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def with_backups(path: Path, sessions: int = 3) -> None:
    for n in range(sessions):
        with Log(path) as log:
            log.add("1.1", f"session {n}")


def count_commits(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    calls: list[int] = []
    real = SafeJSONStorage._commit

    def counting(self: SafeJSONStorage) -> None:
        calls.append(1)
        real(self)

    monkeypatch.setattr(SafeJSONStorage, "_commit", counting)
    return calls


@pytest.fixture
def path(tmp_path: Path) -> Path:
    return tmp_path / "data" / "log.json"


# -- 1. a start that changes nothing writes nothing -------------------------------------------

def test_unchanged_state_and_draft_write_nothing(path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    with_backups(path)
    with Log(path) as log:
        log.set_state("theme", "nord")
        log.set_state("last_card", "2.1")
        log.save_draft("1.1", "typed", "", "")
    before = files(path.parent)
    commits = count_commits(monkeypatch)
    for _ in range(5):
        with Log(path) as log:  # what a start does: the same theme, card and draft again
            log.set_state("theme", "nord")
            log.set_state("last_card", "2.1")
            log.save_draft("1.1", "typed", "", "")
            log.clear_draft("9.9")
    assert commits == [] and files(path.parent) == before


@pytest.mark.slow
def test_five_idle_launches_leave_the_log_and_backups_as_they_were(tmp_path: Path) -> None:
    from pty_harness import PtyApp, base_env, powerdeck_command

    data = tmp_path / "data"
    with_backups(data / "log.json", sessions=6)

    def launch() -> None:
        with PtyApp([*powerdeck_command(), "--data", str(data)], base_env()) as app:
            app.wait_for("Capabilit", timeout=30)
            app.wait_quiet(0.5)
            app.send(b"\x11")  # ctrl+q
            assert app.wait_exit(timeout=20) == 0

    launch()  # the first start remembers the card it showed: a real change
    before = files(data)
    assert {f"log.json.bak{n}" for n in range(1, 6)} <= set(before)
    for _ in range(5):
        launch()
    assert files(data) == before


# -- 5. `{}` and empty tables are damaged when good backups exist ------------------------------

@pytest.mark.parametrize("empty", [b"{}", b'{"meta":{},"entries":{},"drafts":{},"state":{}}'])
def test_an_empty_log_with_good_backups_is_refused_and_never_a_backup(path: Path, empty: bytes) -> None:
    with_backups(path)
    path.write_bytes(empty)
    before = files(path.parent)
    with pytest.raises(LogDamagedError, match="holds nothing") as caught:
        Log(path)
    assert "\n" not in str(caught.value) and "cp " in str(caught.value)
    assert files(path.parent) == before


def test_an_empty_log_without_backups_is_a_new_log_and_is_not_rotated(path: Path) -> None:
    path.parent.mkdir(mode=0o700)
    path.write_bytes(b"{}")
    with Log(path) as log:
        log.add("1.1", "x")
    for backup in path.parent.glob("log.json.bak*"):
        assert json.loads(backup.read_bytes()).get("meta"), "an empty log was kept as a backup"


def test_draft_kept_twice_is_written_once(path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    log = Log(path)
    commits = count_commits(monkeypatch)
    log.save_draft("1.1", "a", "b", "c")
    log.save_draft("1.1", "a", "b", "c")
    log.set_state("theme", "nord")
    log.set_state("theme", "nord")
    assert len(commits) == 2
    log.save_draft("1.1", "a", "b", "changed")
    assert len(commits) == 3 and log.draft("1.1").learning == "changed"


def test_save_entry_writes_the_log_once_and_the_small_state_file_around_it(
        path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    log = Log(path)
    log.save_draft("1.1", "a", "", "")
    written = commits(monkeypatch)
    entry = log.save_entry("1.1", "a", "o", "l")
    # the draft marked with the entry's id, the entry, the draft dropped (see Log.save_entry)
    assert written == ["state.json", "log.json", "state.json"]
    fresh = Log(path)
    assert fresh.drafts() == {} and fresh.get(entry.id) == entry
    again = log.save_entry("1.1", "a2", "o", "l", entry_id=entry.id)
    assert again.id == entry.id and again.action == "a2"
    assert written[3:] == ["log.json"]  # no draft: the state file is not touched
    gone = log.save_entry("1.1", "a3", entry_id="deleted-meanwhile")
    assert gone.id != "deleted-meanwhile" and log.get(gone.id) is not None


def test_a_failed_save_entry_keeps_the_draft_and_writes_nothing(path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    log = Log(path)
    log.save_draft("1.1", "keep me", "", "")
    before = sha(path)

    def full(*args: Any, **kwargs: Any) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(storage_module.os, "replace", full)
    with pytest.raises(LogWriteError, match="disk is full"):
        log.save_entry("1.1", "keep me", "", "")
    monkeypatch.undo()
    assert sha(path) == before
    assert log.draft("1.1") is not None and log.entries() == []


# -- 6. every failure of a write is reported ---------------------------------------------------

def test_an_oserror_from_flock_reaches_on_error_in_one_line(path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    log = Log(path)
    errors: list[PowerdeckError] = []
    worker = LogWorker(log, lambda callback, value: callback(value))

    def no_locks(fd: int, op: int) -> None:
        raise OSError(errno.ENOLCK, "No locks available")

    monkeypatch.setattr(storage_module.fcntl, "flock", no_locks)
    future = worker.queue_write(lambda log: log.add("1.1", "x"), on_error=errors.append)
    assert future is not None
    future.result(timeout=10)
    assert len(errors) == 1 and isinstance(errors[0], PowerdeckError)
    assert "No locks available" in str(errors[0]) and "\n" not in str(errors[0])
    worker.close()


def test_any_other_exception_in_a_write_reaches_on_error(path: Path) -> None:
    log = Log(path)
    errors: list[PowerdeckError] = []
    worker = LogWorker(log, lambda callback, value: callback(value))

    def broken(log: Log) -> None:
        raise RuntimeError("boom\nsecond line")

    worker.queue_write(broken, on_error=errors.append).result(timeout=10)  # type: ignore[union-attr]
    assert len(errors) == 1 and "RuntimeError: boom second line" in str(errors[0])
    with pytest.raises(PowerdeckError):
        worker.write_and_wait(broken)
    worker.close()


# -- 2 (cause). after a failed write, damage from outside never makes a read raise -------------

def test_a_failed_write_then_damage_keeps_reads_serving_the_last_good_data(
        path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    log = Log(path)
    kept = log.add("1.1", "kept")

    def full(*args: Any, **kwargs: Any) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(storage_module.os, "replace", full)
    with pytest.raises(LogWriteError):
        log.add("1.1", "not saved")
    monkeypatch.undo()
    path.write_bytes(b'{"entries": {"1": ')  # damaged from outside, mid-session
    assert log.entries() == [kept]  # no raise: the last good data
    assert isinstance(log.problem, LogDamagedError)
    assert log.version() >= 0 and log.drafts() == {} and log.get_state("theme") is None
    with pytest.raises(LogDamagedError):
        log.add("1.1", "refused, never written over the damaged file")
    assert path.read_bytes() == b'{"entries": {"1": '


def test_a_hostile_entry_written_mid_session_is_a_problem_not_a_crash(path: Path) -> None:
    log = Log(path)
    kept = log.add("1.1", "kept")
    data = json.loads(path.read_bytes())
    data["entries"]["2"] = dict(data["entries"]["1"], id="x2", created="0001-01-01T00:00:00")
    path.write_text(json.dumps(data))
    assert log.entries() == [kept] and isinstance(log.problem, LogDamagedError)


# -- 7, 13. hostile entries on disk and in an import --------------------------------------------

def entry_doc(**changes: Any) -> dict[str, Any]:
    doc = {"id": "e1", "card": "1.1", "capability": 1, "action": "a", "outcome": "", "learning": "",
           "created": "2026-01-01T09:00:00+00:00", "updated": "2026-01-01T09:00:00+00:00"}
    doc.update(changes)
    return doc


HOSTILE_ENTRIES = {
    "no_time_zone": entry_doc(created="0001-01-01T00:00:00"),
    "year_one": entry_doc(created="0001-01-01T00:00:00+01:00"),
    "superscript_card": entry_doc(card="².1"),
    "arabic_digit_card": entry_doc(card="١.1"),
    "capability_mismatch": entry_doc(card="2.1"),
    "huge_text": entry_doc(action="x" * 1_000_001),
    "control_in_card": entry_doc(card="1.\x1b[2J"),
    "long_id": entry_doc(id="i" * 65),
}


@pytest.mark.parametrize("kind", sorted(HOSTILE_ENTRIES))
def test_a_log_holding_a_hostile_entry_is_refused_in_one_line(path: Path, kind: str) -> None:
    path.parent.mkdir(mode=0o700)
    raw = json.dumps({"meta": {"1": {"schema_version": 1}}, "entries": {"1": HOSTILE_ENTRIES[kind]}},
                     ensure_ascii=False).encode()
    path.write_bytes(raw)
    with pytest.raises(LogDamagedError) as caught:
        Log(path)
    message = str(caught.value)
    assert "\n" not in message and len(message) < 600 and "\x1b" not in message
    assert path.read_bytes() == raw


def test_a_5000_digit_doc_id_is_refused_in_one_line(path: Path) -> None:
    path.parent.mkdir(mode=0o700)
    raw = ('{"meta":{"1":{"schema_version":1}},"entries":{"' + "9" * 5000 + '":' +
           json.dumps(entry_doc()) + "}}").encode()
    path.write_bytes(raw)
    with pytest.raises(LogDamagedError) as caught:
        Log(path)
    assert "\n" not in str(caught.value) and len(str(caught.value)) < 600
    assert path.read_bytes() == raw


def cli(*args: str, home: Path, timeout: float = 30) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in ("POWERDECK_DATA", "POWERDECK_DECK")}
    env.update(HOME=str(home), XDG_DATA_HOME=str(home / "share"), PYTHONUTF8="1")
    return subprocess.run([sys.executable, "-m", "powerdeck", *args], capture_output=True, text=True, check=False,
                          env=env, timeout=timeout, stdin=subprocess.DEVNULL)


def one_line(result: subprocess.CompletedProcess[str]) -> str:
    assert result.returncode == 2, (result.stdout, result.stderr)
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    return lines[0]


@pytest.mark.parametrize("kind", ["no_time_zone", "superscript_card", "capability_mismatch"])
def test_an_import_of_a_hostile_entry_writes_nothing(tmp_path: Path, kind: str) -> None:
    data = tmp_path / "data"
    with_backups(data / "log.json", sessions=1)
    before = files(data)
    source = tmp_path / "in.json"
    source.write_text(json.dumps({"format": "powerdeck-log", "schema_version": 1,
                                  "entries": [entry_doc(id="ok"), HOSTILE_ENTRIES[kind]]}))
    line = one_line(cli("import", "--data", str(data), str(source), home=tmp_path))
    assert "entry 2" in line
    assert files(data) == before


def test_an_import_with_a_repeated_id_writes_nothing(tmp_path: Path) -> None:
    data = tmp_path / "data"
    with_backups(data / "log.json", sessions=1)
    before = files(data)
    source = tmp_path / "in.json"
    source.write_text(json.dumps({"format": "powerdeck-log", "schema_version": 1,
                                  "entries": [entry_doc(id="same"), entry_doc(id="same", action="b")]}))
    assert "same id" in one_line(cli("import", "--data", str(data), str(source), home=tmp_path))
    assert files(data) == before


def test_a_log_with_a_bad_entry_on_disk_gives_one_line_at_start_and_in_export(tmp_path: Path) -> None:
    data = tmp_path / "data"
    data.mkdir(mode=0o700)
    (data / "log.json").write_text(json.dumps(
        {"meta": {"1": {"schema_version": 1}}, "entries": {"1": HOSTILE_ENTRIES["no_time_zone"]}}))
    assert "cannot be opened" in one_line(cli("export", "--data", str(data), "-o", "-", home=tmp_path))
    with pytest.raises(LogDamagedError):
        Log.open(data)  # what the app's start does (launch.run_app), before any screen


def test_log_refuses_to_write_an_entry_it_could_not_read_back(path: Path) -> None:
    log = Log(path)
    good = log.add("1.1", "x")
    before = sha(path)
    with pytest.raises(PowerdeckError):
        log.import_entries([good.changed(id="bad", created="0001-01-01T00:00:00")])
    with pytest.raises(PowerdeckError):
        log.restore(good.changed(id="bad2", card="².1"))
    assert sha(path) == before


# -- 8. state values of the wrong type are ignored ----------------------------------------------

def test_state_values_of_the_wrong_type_read_as_absent(path: Path) -> None:
    log = Log(path)
    log.set_state("theme", ["not", "a", "theme"])
    log.set_state("last_card", 42)
    log.set_state("something_else", [1])
    fresh = Log(path)
    assert fresh.get_state("theme") is None and fresh.get_state("last_card", "1.1") == "1.1"
    assert fresh.get_state("something_else") == [1]


# -- 12. special files as log.json ---------------------------------------------------------------

def make_special(path: Path, kind: str) -> None:
    path.parent.mkdir(mode=0o700, exist_ok=True)
    if kind == "folder":
        path.mkdir()
    elif kind == "fifo":
        os.mkfifo(path)
    elif kind == "symlink_to_dev_zero":
        path.symlink_to("/dev/zero")
    elif kind == "symlink_to_a_log":
        real = path.with_name("elsewhere.json")
        with Log(real) as log:
            log.add("1.1", "x")
        path.symlink_to(real)
    elif kind == "too_big":
        with open(path, "wb") as file:
            file.truncate(MAX_LOG_BYTES + 1)  # sparse: costs no disk


SPECIAL = ["folder", "fifo", "symlink_to_dev_zero", "symlink_to_a_log", "too_big"]


@pytest.mark.parametrize("kind", SPECIAL)
def test_a_special_file_as_the_log_is_refused_in_one_line(path: Path, kind: str) -> None:
    make_special(path, kind)
    before = os.lstat(path)
    with pytest.raises(LogDamagedError) as caught:
        Log(path)
    assert "\n" not in str(caught.value) and "mv " in str(caught.value)
    after = os.lstat(path)
    assert (after.st_ino, after.st_mtime_ns, after.st_size) == (before.st_ino, before.st_mtime_ns, before.st_size)


@pytest.mark.parametrize("kind", ["fifo", "symlink_to_dev_zero", "folder"])
def test_export_of_a_special_log_ends_in_one_line_without_hanging(tmp_path: Path, kind: str) -> None:
    data = tmp_path / "data"
    make_special(data / "log.json", kind)
    line = one_line(cli("export", "--data", str(data), "-o", "-", home=tmp_path, timeout=30))
    assert "cannot be opened" in line


@pytest.mark.parametrize("kind", ["fifo", "symlink_to_dev_zero"])
def test_import_of_a_special_file_ends_in_one_line_without_hanging(tmp_path: Path, kind: str) -> None:
    source = tmp_path / "in.json"
    if kind == "fifo":
        os.mkfifo(source)
    else:
        source.symlink_to("/dev/zero")
    line = one_line(cli("import", "--data", str(tmp_path / "data"), str(source), home=tmp_path))
    assert "not a file" in line
    assert not (tmp_path / "data" / "log.json").exists()


# -- 14. other users on a shared server ----------------------------------------------------------

def mode(path: Path) -> int:
    return stat.S_IMODE(os.lstat(path).st_mode)


def test_umask_000_creates_every_missing_parent_private(tmp_path: Path) -> None:
    old = os.umask(0)
    try:
        home = tmp_path / "home"
        home.mkdir(mode=0o755)
        data = home / ".local" / "share" / "powerdeck"
        Log.open(data).add("1.1", "x")
    finally:
        os.umask(old)
    for folder in (home / ".local", home / ".local" / "share", data):
        assert mode(folder) == 0o700, folder
    assert mode(data / "log.json") == 0o600 and mode(data / "log.json.lock") == 0o600


@pytest.mark.parametrize("wide", [0o777, 0o770, 0o1777])
def test_a_data_folder_others_can_write_is_refused_with_the_fix(tmp_path: Path, wide: int) -> None:
    data = tmp_path / "data"
    data.mkdir()
    os.chmod(data, wide)
    with pytest.raises(LogWriteError, match=f"chmod 700 {data}") as caught:
        Log.open(data)
    assert "\n" not in str(caught.value) and os.listdir(data) == []


def test_a_data_folder_owned_by_another_user_is_refused(tmp_path: Path) -> None:
    if os.geteuid() != 0:
        pytest.skip("only root can give a folder to another uid")
    data = tmp_path / "data"
    data.mkdir(mode=0o700)
    os.chown(data, 54321, 54321)
    with pytest.raises(LogWriteError, match="belongs to another user"):
        Log.open(data)
    assert os.listdir(data) == []


def test_a_planted_lock_symlink_is_not_followed_nor_its_target_chmodded(tmp_path: Path) -> None:
    data = tmp_path / "data"
    with Log.open(data) as log:
        log.add("1.1", "x")
    victim = tmp_path / "victim.txt"
    victim.write_text("someone's file")
    os.chmod(victim, 0o644)
    (data / "log.json.lock").unlink()
    (data / "log.json.lock").symlink_to(victim)
    log = Log.open(data)  # reading needs no lock
    with pytest.raises(LogWriteError) as caught:
        log.add("1.1", "y")
    assert "\n" not in str(caught.value)
    assert mode(victim) == 0o644 and victim.read_text() == "someone's file"


def test_another_uid_cannot_touch_a_log_created_under_umask_000(tmp_path: Path) -> None:
    if os.geteuid() != 0:
        pytest.skip("a second uid needs root (setuid in a forked child)")
    old = os.umask(0)
    try:
        os.chmod(tmp_path, 0o755)
        data = tmp_path / "share" / "powerdeck"
        Log.open(data).add("1.1", "private words")
    finally:
        os.umask(old)
    pid = os.fork()
    if pid == 0:  # the other user on the server
        code = 0
        try:
            os.setgid(54321)
            os.setuid(54321)
            for attempt in (lambda: (data / "log.json").read_bytes(),
                            lambda: os.mkfifo(data / "planted"),
                            lambda: (data / "log.json").unlink(),
                            lambda: os.listdir(data)):
                try:
                    attempt()
                    code = 1
                except PermissionError:
                    pass
        finally:
            os._exit(code)
    _, status = os.waitpid(pid, 0)
    assert os.WEXITSTATUS(status) == 0
    assert "private words" in (data / "log.json").read_text()


def test_a_temp_file_name_taken_by_a_symlink_is_never_followed(path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    log = Log(path)
    victim = path.parent.parent / "victim.txt"
    victim.write_text("v")
    monkeypatch.setattr(private_write.os, "urandom", bytes)  # the temp name's random part: 16 zeros
    (path.parent / f".log.json.{'0' * 16}.tmp").symlink_to(victim)
    with pytest.raises(LogWriteError):
        log.add("1.1", "x")
    assert victim.read_text() == "v"
