"""A second powerdeck session as a real process, for the crash and concurrency tests.

usage: store_child.py add LOG COUNT [BARRIER]   add COUNT entries (0: forever), print each id once saved
       store_child.py edit LOG ROUNDS [BARRIER] rewrite the learning of every existing entry ROUNDS times
Prints "ready" first; with BARRIER, then waits for that file to exist so two children start together.
"""

from __future__ import annotations

import itertools
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))  # works without an install

from powerdeck.log import Log  # noqa: E402


def main(mode: str, path: str, count: int, barrier: str | None = None) -> None:
    log = Log(path)
    print("ready", flush=True)
    if barrier:
        while not Path(barrier).exists():
            time.sleep(0.001)
    if mode == "add":
        for n in itertools.count(1) if count == 0 else range(1, count + 1):
            entry = log.add("1.1", f"child action {n}", "outcome", "")
            print(entry.id, flush=True)  # only after add() returned, i.e. the entry is on disk
    elif mode == "edit":
        ids = [entry.id for entry in log.entries()]
        for round_ in range(count):
            for entry_id in ids:
                log.update(entry_id, learning=f"edited {round_}")
        print("done", flush=True)
    log.close()


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4] if len(sys.argv) > 4 else None)
