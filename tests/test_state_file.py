"""Drafts and app state in their own small file beside the log (issue 10), on real files and
real processes: an older log moved on its first write (and opened untouched until then), a
damaged state file refused in one line, crashes inside ctrl+s's writes, two sessions at once."""

from __future__ import annotations

import json
import os
import random
import shutil
import stat
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from child_sessions import run_together
from disk_helpers import commits
from powerdeck.cli.main import main
from powerdeck.store.log import Log, LogDamagedError, LogWriteError
from powerdeck.store.log_worker import LogWorker
from powerdeck.store.state_file import STATE_VERSION
from powerdeck.store.storage import SafeJSONStorage
from powerdeck.tui.log_watch import LogWatch

CHILD = Path(__file__).with_name("store_child.py")
OLD_LOG = Path(__file__).with_name("data") / "log_v1_before_state_file.json"
"""Written by powerdeck before the state file existed (main at 80cfe43): entries, two drafts
(one of a new entry, one editing entry 1) and three state values, all in log.json."""


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    data = tmp_path / "data"
    data.mkdir(mode=0o700)
    return data


def old_log(folder: Path) -> Path:
    path = folder / "log.json"
    shutil.copyfile(OLD_LOG, path)
    os.chmod(path, 0o600)
    return path


def read_json(path: Path) -> Any:
    return json.loads(path.read_bytes())


# -- the cost: a draft or the card rewrites the small file only ----------------------------------

def test_a_draft_or_the_card_writes_the_state_file_and_never_the_log(folder: Path,
                                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    log = Log(folder / "log.json")
    log.import_entries([])
    log.add("1.1", "an entry")
    before = (folder / "log.json").read_bytes()
    written = commits(monkeypatch)
    log.save_draft("2.1", "typing", "", "")
    log.set_state("last_card", "2.1")
    log.set_state("reviewer", {"name": "Sam", "role": "lead"})
    log.clear_draft("2.1")
    assert written == ["state.json"] * 4
    assert (folder / "log.json").read_bytes() == before
    state = read_json(folder / "state.json")
    meta = state["meta"]["1"]
    assert meta["state_version"] == STATE_VERSION and set(meta) == {"state_version", "checksum"}
    assert "schema_version" not in json.dumps(state)  # versioned apart from the log
    assert stat.S_IMODE(os.stat(folder / "state.json").st_mode) == 0o600
    assert Log(folder / "log.json").get_state("reviewer") == {"name": "Sam", "role": "lead"}


def test_the_state_file_is_backed_up_like_the_log(folder: Path) -> None:
    for n in range(3):
        with Log(folder / "log.json") as log:
            log.set_state("last_card", f"{n + 1}.1")
    backups = sorted(name for name in os.listdir(folder) if name.startswith("state.json.bak"))
    assert backups == ["state.json.bak1", "state.json.bak2"]
    assert all(stat.S_IMODE(os.stat(folder / name).st_mode) == 0o600 for name in backups)
    assert read_json(folder / "state.json.bak1")["state"]["1"]["value"] == "2.1"


# -- an older log: opened untouched, moved on the first write ------------------------------------

def test_an_old_log_opens_and_reads_unchanged_until_something_is_written(folder: Path,
                                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    path = old_log(folder)
    written = commits(monkeypatch)
    with Log(path) as log:
        assert {card: d.action for card, d in log.drafts().items()} == {
            "3.2": "a draft for a new entry", "2.1": "an edit not saved yet"}
        assert log.draft("2.1").entry_id == "9b848d72b6114b36b16a7568bdcf8106"
        assert log.get_state("last_card") == "3.2" and log.get_state("theme") == "nord"
        assert log.get_state("reviewer") == {"name": "Sam", "role": "team leader"}
        assert len(log.entries()) == 2
        log.set_state("theme", "nord")  # unchanged: nothing to write, so nothing is moved
        log.save_draft("3.2", "a draft for a new entry", "", "")
        log.clear_draft("9.9")
    assert written == []
    assert path.read_bytes() == OLD_LOG.read_bytes()
    assert not (folder / "state.json").exists()


@pytest.mark.parametrize("first_write", ["set_state", "save_draft", "add", "clear_draft"])
def test_the_first_write_moves_drafts_and_state_into_the_state_file(folder: Path, first_write: str) -> None:
    path = old_log(folder)
    old = read_json(path)
    with Log(path) as log:
        if first_write == "set_state":
            log.set_state("last_card", "5.3")
        elif first_write == "save_draft":
            log.save_draft("7.1", "new", "", "")
        elif first_write == "add":
            log.add("4.1", "a new entry")
        else:
            log.clear_draft("3.2")
    moved = read_json(path)
    assert "drafts" not in moved and "state" not in moved
    # the log's schema is not the state file's business (its next write adds the checksum)
    def unsealed(meta: dict[str, Any]) -> dict[str, Any]:
        return {key: {name: value for name, value in doc.items() if name != "checksum"} for key, doc in meta.items()}

    assert unsealed(moved["meta"]) == unsealed(old["meta"])
    assert all(moved["entries"][k] == v for k, v in old["entries"].items())
    state = read_json(folder / "state.json")
    kept = "2.1" if first_write == "clear_draft" else "3.2"
    assert kept in {d["card"] for d in state["drafts"].values()}
    with Log(path) as again:
        assert (again.draft("3.2") is None) == (first_write == "clear_draft")
        assert again.draft(kept) is not None
        assert again.draft("2.1").entry_id == "9b848d72b6114b36b16a7568bdcf8106"
        assert again.get_state("theme") == "nord"
        assert again.get_state("reviewer") == {"name": "Sam", "role": "team leader"}
        assert again.get_state("last_card") == ("5.3" if first_write == "set_state" else "3.2")


def test_tables_an_older_powerdeck_writes_again_are_moved_again_and_win(folder: Path) -> None:
    path = folder / "log.json"
    with Log(path) as log:
        log.save_draft("1.1", "ours", "", "")
        log.set_state("theme", "nord")
    # An older powerdeck (which knows only log.json) writes its tables back into the log.
    data = read_json(path)
    data["drafts"] = {"1": {"card": "1.1", "action": "the older one's", "outcome": "", "learning": "",
                            "entry_id": None, "updated": "2026-12-01T10:00:00+00:00"}}
    data["state"] = {"1": {"key": "theme", "value": "gruvbox"}}
    path.write_bytes(json.dumps(data).encode())
    # Its write keeps the checksum it read, which no longer matches: refused until accepted.
    with pytest.raises(LogDamagedError, match="powerdeck repair"):
        Log(path)
    assert main(["repair", "--data", str(folder)]) == 0
    with Log(path) as log:
        assert log.draft("1.1").action == "the older one's" and log.get_state("theme") == "gruvbox"
        log.set_state("last_card", "1.1")
    assert "drafts" not in read_json(path)
    with Log(path) as log:
        assert log.draft("1.1").action == "the older one's" and log.get_state("theme") == "gruvbox"


def test_a_kill_between_the_moves_two_writes_loses_nothing(folder: Path) -> None:
    # The state file is written first; killed before the log loses its tables, both hold them.
    path = old_log(folder)
    child = subprocess.run([sys.executable, "-c", f"""
import sys; sys.path.insert(0, {str(CHILD.parent)!r})
from store_child import kill_after
from powerdeck.store.log import Log
log = Log({str(path)!r})
kill_after("state.json", 1)
log.set_state("last_card", "5.3")
"""], capture_output=True, text=True, timeout=60)
    assert child.returncode == -9, child.stderr
    assert "drafts" in read_json(path) and read_json(folder / "state.json")["drafts"]
    with Log(path) as log:
        assert set(log.drafts()) == {"3.2", "2.1"} and log.get_state("theme") == "nord"
        log.set_state("last_card", "5.3")
        assert log.get_state("last_card") == "5.3"
    assert "drafts" not in read_json(path)
    with Log(path) as log:
        assert set(log.drafts()) == {"3.2", "2.1"} and log.get_state("last_card") == "5.3"


# -- a damaged or hostile state file --------------------------------------------------------------

@pytest.mark.parametrize("damage", [b'{"drafts": {"1": ', b"[1, 2]", b'{"drafts": {"1": {"card": 7}}}',
                                    b'{"meta": {"1": {"state_version": 99}}}'])
def test_a_damaged_state_file_is_refused_in_one_line_and_left_untouched(folder: Path, damage: bytes) -> None:
    with Log(folder / "log.json") as log:
        log.set_state("last_card", "2.1")
    with Log(folder / "log.json") as log:
        log.set_state("last_card", "3.1")  # a second session: state.json.bak1 is a good backup
    state = folder / "state.json"
    state.write_bytes(damage)
    with pytest.raises(LogDamagedError) as caught:
        Log(folder / "log.json")
    message = str(caught.value)
    assert "\n" not in message and str(state) in message and "left untouched" in message
    assert f"cp {folder / 'state.json.bak1'} {state}" in message
    if b"99" in damage:
        assert "upgrade powerdeck" in message
    assert state.read_bytes() == damage


def test_a_symlink_as_the_state_file_is_refused_and_never_followed(folder: Path, tmp_path: Path) -> None:
    elsewhere = tmp_path / "someone-elses.json"
    elsewhere.write_bytes(b'{"meta": {"1": {"state_version": 1}}}')
    Log(folder / "log.json").close()
    os.symlink(elsewhere, folder / "state.json")
    with pytest.raises(LogDamagedError, match="symbolic link"):
        Log(folder / "log.json")
    assert elsewhere.read_bytes() == b'{"meta": {"1": {"state_version": 1}}}'


@pytest.mark.slow
def test_the_app_refuses_a_damaged_state_file_in_one_line(folder: Path) -> None:
    from pty_harness import PtyApp, base_env, powerdeck_command

    Log(folder / "log.json").close()
    (folder / "state.json").write_bytes(b'{"state": ')
    with PtyApp([*powerdeck_command(), "--data", str(folder)], base_env()) as app:
        status = app.wait_exit(timeout=20)
        output = app.raw.decode("utf-8", "replace")
    lines = [line for line in output.replace("\r", "").splitlines() if line.strip()]
    assert status == 2 and len(lines) == 1, lines
    assert "state.json cannot be opened" in lines[0] and "Traceback" not in output
    assert (folder / "state.json").read_bytes() == b'{"state": '


# -- ctrl+s: the entry first, then the draft; a kill in between ------------------------------------

def crash(path: Path, file: str, nth: int) -> None:
    child = subprocess.run([sys.executable, str(CHILD), "crash", str(path), str(nth), file],
                           capture_output=True, text=True, timeout=60)
    assert child.returncode == -9, child.stdout + child.stderr


def test_killed_after_the_entry_is_written_the_draft_is_not_resurrected(folder: Path) -> None:
    path = folder / "log.json"
    crash(path, "log.json", 1)
    left = read_json(folder / "state.json")["drafts"]["1"]
    assert left["saved_as"] and left["action"] == "saved with ctrl+s"  # the window was hit
    log = Log(path)
    [entry] = log.entries()
    assert entry.id == left["saved_as"] and entry.action == "saved with ctrl+s"
    assert log.drafts() == {} and log.draft("1.1") is None  # recognised as saved
    log.set_state("last_card", "1.1")  # the next write of the state file drops it for good
    assert read_json(folder / "state.json")["drafts"] == {}
    assert log.drafts() == {}


def test_killed_before_the_entry_is_written_the_text_stays_a_draft(folder: Path) -> None:
    path = folder / "log.json"
    crash(path, "state.json", 1)  # the first write of ctrl+s: the draft marked for its entry
    log = Log(path)
    assert log.entries() == []
    draft = log.draft("1.1")
    assert draft is not None and draft.action == "saved with ctrl+s" and draft.entry_id is None
    again = log.save_entry("1.1", draft.action, draft.outcome, draft.learning)  # saving it now
    assert [e.id for e in log.entries()] == [again.id] and log.drafts() == {}


def test_a_refused_draft_removal_still_reports_the_entry_saved(folder: Path,
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    # Saying "not saved" would make the user save again, twice: the entry is on disk.
    log = Log(folder / "log.json")
    log.save_draft("1.1", "typed", "", "")
    real = SafeJSONStorage._commit
    seen: list[str] = []

    def third_fails(self: SafeJSONStorage) -> None:
        seen.append(self.path.name)
        if len(seen) == 3:
            raise LogWriteError(f"Could not save {self.path}: the disk is full")
        real(self)

    monkeypatch.setattr(SafeJSONStorage, "_commit", third_fails)
    entry = log.save_entry("1.1", "typed", "", "")
    monkeypatch.undo()
    assert seen == ["state.json", "log.json", "state.json"]
    assert Log(folder / "log.json").get(entry.id) == entry
    assert Log(folder / "log.json").drafts() == {}


# -- two sessions at once ----------------------------------------------------------------------------

def test_another_sessions_draft_or_state_is_noticed(folder: Path) -> None:
    path = folder / "log.json"
    mine, other = Log(path), Log(path)
    watch = LogWatch(LogWorker(mine, lambda callback, value: callback(value)))
    assert not watch.changed()
    other.save_draft("4.1", "from the other session", "", "")
    assert mine.changed_on_disk() and watch.changed()
    assert mine.draft("4.1").action == "from the other session"
    assert not watch.changed()
    other.set_state("last_card", "4.1")
    assert watch.changed() and mine.get_state("last_card") == "4.1"
    before = mine.version()
    other.clear_draft("4.1")
    mine.set_state("theme", "nord")  # our own write reads theirs in under the lock ...
    assert not mine.changed_on_disk()
    assert mine.version() != before and mine.drafts() == {}  # ... and the version still moved


def last_of_each_card(output: str) -> dict[str, tuple[str, int]]:
    last: dict[str, tuple[str, int]] = {}
    for line in output.splitlines():
        kind, *rest = line.split()
        if kind in ("D", "E"):
            last[rest[0]] = (kind, int(rest[1]))
    return last


@pytest.mark.slow
def test_two_processes_keeping_drafts_and_saving_entries_lose_nothing(folder: Path, tmp_path: Path) -> None:
    path = folder / "log.json"
    Log(path).close()
    barrier = tmp_path / "go"
    outputs = run_together(barrier, ["mixed", str(path), "60", str(barrier), "1"],
                           ["mixed", str(path), "60", str(barrier), "6"])
    log = Log(path)
    entries = log.entries()
    reported = [line.split()[3] for out in outputs for line in out.splitlines() if line.startswith("E ")]
    assert len(reported) == 40 and sorted(reported) == sorted(e.id for e in entries)  # none lost, none twice
    drafts = log.drafts()
    for out in outputs:
        for card, (kind, n) in last_of_each_card(out).items():
            if kind == "D":
                assert drafts[card].action.startswith(f"draft {n} p")
            else:
                assert card not in drafts  # saved: its draft is gone, not resurrected
    assert log.get_state("last_card_1") == "1.1" and log.get_state("last_card_6") == "6.1"  # 60 % 5 == 0


@pytest.mark.slow
def test_kill_9_while_keeping_drafts_never_tears_the_state_file(folder: Path) -> None:
    path = folder / "log.json"
    Log(path).close()
    rng = random.Random(10)
    killed_in_a_write = 0
    for _ in range(25):
        child = subprocess.Popen([sys.executable, str(CHILD), "mixed", str(path), "0", "", "1"],
                                 stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        assert child.stdout is not None
        assert child.stdout.readline().strip() == "ready", child.communicate()[1]
        child.stdout.readline()  # one draft on disk at least
        time.sleep(rng.uniform(0.0, 0.05))
        child.kill()
        out, _ = child.communicate()
        killed_in_a_write += any(name.endswith(".tmp") for name in os.listdir(folder))
        read_json(folder / "state.json")  # never torn
        log = Log(path)
        drafts, entries = log.drafts(), log.entries()
        texts = {(e.card, e.action) for e in entries}
        assert not [card for card, d in drafts.items() if (card, d.action) in texts]  # no duplicates
        def number(text: str, mine: str = f"p{child.pid}") -> int:
            return int(text.split()[1]) if text.endswith(mine) else -1

        for card, (kind, n) in last_of_each_card(out).items():
            if kind == "D" and card in drafts:
                assert number(drafts[card].action) >= n
            elif kind == "D":  # its draft is gone only because a later save of it landed
                assert any(e.card == card and number(e.action) >= n for e in entries)
        log.close()
    print(f"{killed_in_a_write} kills inside a write")


def test_a_missing_state_file_with_backups_is_refused_not_started_afresh(folder: Path) -> None:
    # The drafts would vanish without a word: say so, and how to get them back.
    for n in range(2):
        with Log(folder / "log.json") as log:
            log.save_draft("1.1", f"unsaved {n}", "", "")
    (folder / "state.json").unlink()
    with pytest.raises(LogDamagedError, match="missing but backups of it exist") as caught:
        Log(folder / "log.json")
    assert f"cp {folder / 'state.json.bak1'} {folder / 'state.json'}" in str(caught.value)
    assert not (folder / "state.json").exists()
