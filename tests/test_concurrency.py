"""Two sessions of one user writing the same log at the same moment lose nothing."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from powerdeck.store.log import Log

CHILD = Path(__file__).with_name("store_child.py")


def run_together(tmp_path: Path, *commands: list[str]) -> list[str]:
    """Start the children, wait until each is ready, then release them at once (barrier file)."""
    barrier = tmp_path / "go"
    children = [subprocess.Popen([sys.executable, str(CHILD), *command, str(barrier)],
                                 stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
                for command in commands]
    for child in children:
        assert child.stdout is not None
        assert child.stdout.readline().strip() == "ready", child.communicate()[1]
    barrier.touch()
    outputs = []
    for child in children:
        out, err = child.communicate(timeout=120)
        assert child.returncode == 0, err
        outputs.append(out)
    return outputs


@pytest.mark.slow
def test_two_processes_adding_lose_nothing(tmp_path: Path) -> None:
    path = tmp_path / "data" / "log.json"
    Log(path)
    outputs = run_together(tmp_path, ["add", str(path), "200"], ["add", str(path), "200"])
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
    edits, adds = run_together(tmp_path, ["edit", str(path), "5"], ["add", str(path), "150"])
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
