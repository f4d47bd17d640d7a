"""kill -9 at random moments never tears the log nor loses an entry that was reported saved."""

from __future__ import annotations

import json
import os
import random
import subprocess
import sys
import time
from pathlib import Path

import pytest

from powerdeck.store.log import Log

CHILD = Path(__file__).with_name("store_child.py")
KILLS = 50


@pytest.mark.slow
def test_sigkill_at_random_moments(tmp_path: Path) -> None:
    path = tmp_path / "data" / "log.json"
    Log(path)
    seed = random.randrange(1 << 30)
    rng = random.Random(seed)
    saved: set[str] = set()
    mid_write = 0  # kills that left a temp file behind, i.e. landed inside a save
    started = time.monotonic()
    for round_ in range(KILLS):
        # Entries of a few KB make the file grow to MBs, so saves take long enough to be hit; churn
        # also rewrites the first entry, so an in-place save would change early bytes (appending
        # alone leaves a torn in-place write looking like the old file).
        child = subprocess.Popen([sys.executable, str(CHILD), "churn", str(path), "0", "", "4000"],
                                 stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        assert child.stdout is not None
        assert child.stdout.readline().strip() == "ready", child.communicate()[1]
        time.sleep(rng.uniform(0.0, 0.15))
        child.kill()
        out, err = child.communicate()
        assert child.returncode == -9, err  # it was still adding when killed
        saved.update(line for line in out.split("\n") if len(line) == 32)
        mid_write += any(name.endswith(".tmp") for name in os.listdir(path.parent))
        data = json.loads(path.read_bytes())  # never torn
        # A kill before the child's first save leaves the log as opened: no entries table yet.
        on_disk = {doc["id"] for doc in data.get("entries", {}).values()}
        missing = saved - on_disk
        assert not missing, f"round {round_} (seed {seed}): {len(missing)} saved entries lost"
        assert saved <= {entry.id for entry in Log(path).entries()}  # and Log opens it
    elapsed = time.monotonic() - started
    print(f"{KILLS} kills, {len(saved)} saved entries, {mid_write} kills inside a save, {elapsed:.1f}s")
    assert saved, "the child never saved anything: the test proved nothing"
    Log(path)  # opening cleans up the temp files that kills inside a save left behind
    assert not [name for name in os.listdir(path.parent) if name.endswith(".tmp")]
