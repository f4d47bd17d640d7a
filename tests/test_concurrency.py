"""Two sessions of one user writing the same log at the same moment lose nothing."""

from __future__ import annotations

from pathlib import Path

import pytest

from child_sessions import run_together
from powerdeck.store.log import Log


@pytest.mark.slow
def test_two_processes_adding_lose_nothing(tmp_path: Path) -> None:
    path = tmp_path / "data" / "log.json"
    Log(path)
    barrier = tmp_path / "go"
    outputs = run_together(barrier, ["add", str(path), "200", str(barrier)], ["add", str(path), "200", str(barrier)])
    reported = [line for out in outputs for line in out.split()]
    assert len(reported) == 400
    ids = [entry.id for entry in Log(path).entries()]
    assert len(ids) == 400 and len(set(ids)) == 400
    assert set(ids) == set(reported)


@pytest.mark.slow
def test_one_edits_while_other_adds(tmp_path: Path) -> None:
    path = tmp_path / "data" / "log.json"
    log = Log(path)
    originals = [log.add("2.1", f"original {n}").id for n in range(20)]
    barrier = tmp_path / "go"
    edits, adds = run_together(barrier, ["edit", str(path), "5", str(barrier)], ["add", str(path), "150", str(barrier)])
    assert edits.strip() == "done"
    added = adds.split()
    assert len(added) == 150
    final = {entry.id: entry for entry in Log(path).entries()}
    assert len(final) == 170 and set(added) <= set(final)
    for entry_id in originals:
        assert final[entry_id].learning == "edited 4"
        assert final[entry_id].action.startswith("original")
    # the session that was open all along sees both children's work
    assert log.changed_on_disk()
    assert {entry.id for entry in log.entries()} == set(final)
