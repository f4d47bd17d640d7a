"""The extras in the store: an old log opens unchanged and gains nothing until edited; an extra
set and cleared leaves the stored entry as it was; an import with a bad extra is refused in one
line, exit 2, the log untouched."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from powerdeck.store.log import Log

OLD_ENTRY = {"id": "old1", "card": "4.2", "capability": 4, "action": "Met the lead", "outcome": "",
             "learning": "", "created": "2026-01-05T09:00:00+00:00", "updated": "2026-01-05T09:00:00+00:00"}


def old_log(folder: Path) -> Path:
    folder.mkdir(mode=0o700, exist_ok=True)
    path = folder / "log.json"
    path.write_text(json.dumps({"meta": {"1": {"schema_version": 2}}, "entries": {"1": OLD_ENTRY}}))
    path.chmod(0o600)
    return path


def stored(path: Path) -> dict[str, object]:
    return dict(json.loads(path.read_text())["entries"]["1"])


def test_an_old_log_opens_unchanged_and_gains_nothing_until_edited(tmp_path: Path) -> None:
    path = old_log(tmp_path / "data")
    before = path.read_bytes()
    with Log(path) as log:
        assert log.get("old1") is not None
        assert log.entries()[0].follow_up == ""
        assert path.read_bytes() == before
        log.update("old1", outcome="It went well")
        assert set(stored(path)) == set(OLD_ENTRY) | {"reflected"}
    assert path.read_bytes() != before


def test_an_untouched_entry_keeps_its_stored_form_when_another_is_edited(tmp_path: Path) -> None:
    path = old_log(tmp_path / "data")
    with Log(path) as log:
        log.add("1.1", "Another")
    assert stored(path) == OLD_ENTRY


def test_extras_set_then_cleared_leave_the_entry_as_it_was(tmp_path: Path) -> None:
    path = old_log(tmp_path / "data")
    with Log(path) as log:
        entry = log.update("old1", extras={"follow_up": "2027-01-14", "private": True, "tags": ("CPD",),
                                           "hours": 1.5})
        assert (entry.follow_up, entry.private, entry.tags, entry.hours) == ("2027-01-14", True, ("CPD",), 1.5)
        assert stored(path)["follow_up"] == "2027-01-14" and stored(path)["tags"] == ["CPD"]
        log.update("old1", extras={"follow_up": "", "private": False, "tags": (), "hours": None})
    assert set(stored(path)) == set(OLD_ENTRY)


def test_restoring_an_entry_drops_an_extra_added_since(tmp_path: Path) -> None:
    path = old_log(tmp_path / "data")
    with Log(path) as log:
        before = log.get("old1")
        assert before is not None
        log.update("old1", extras={"private": True})
        log.restore(before)
        assert log.get("old1") == before
    assert stored(path) == OLD_ENTRY


def test_save_entry_carries_the_extras(tmp_path: Path) -> None:
    with Log.open(tmp_path) as log:
        entry = log.save_entry("4.2", "Act", extras={"follow_up": "2027-02-01", "tags": ("Respect",)})
        again = log.save_entry("4.2", "Act", entry_id=entry.id, extras={"follow_up": "2027-03-01"})
    assert again.id == entry.id and again.follow_up == "2027-03-01" and again.tags == ("Respect",)


@pytest.mark.parametrize(("name", "value"), [
    ("follow_up", "14/01/2027"), ("private", "yes"), ("tags", ["a\u001b[31m"]), ("hours", -3), ("tags", "CPD"),
])
def test_an_import_with_a_bad_extra_is_refused_and_the_log_untouched(tmp_path: Path, name: str, value: object) -> None:
    path = old_log(tmp_path / "data")
    before = path.read_bytes()
    export = tmp_path / "in.json"
    export.write_text(json.dumps({"format": "powerdeck-log", "schema_version": 3,
                                  "entries": [{**OLD_ENTRY, "id": "new1", name: value}]}))
    done = subprocess.run([sys.executable, "-m", "powerdeck", "import", "--data", str(tmp_path / "data"),
                           str(export)], capture_output=True, text=True, timeout=60, check=False,
                          env={**os.environ, "HOME": str(tmp_path)})
    assert done.returncode == 2
    assert done.stderr.count("\n") == 1 and f'"{name}"' in done.stderr
    assert path.read_bytes() == before
