"""A second powerdeck session as a real process, for the crash and concurrency tests.

usage: store_child.py add LOG COUNT [BARRIER [SIZE]]  add COUNT entries (0: forever) with SIZE
                                                     characters of text, print each id once saved
       store_child.py churn LOG 0 "" SIZE         as add, and after each add also rewrite the first
                                                     entry's learning (so a save changes early bytes)
       store_child.py edit LOG ROUNDS [BARRIER] rewrite the learning of every existing entry ROUNDS times
Prints "ready" first; with a non-empty BARRIER, then waits for that file to exist so two children start together.
"""

from __future__ import annotations

import itertools
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))  # works without an install

from powerdeck.log import Log  # noqa: E402


def main(mode: str, path: str, count: int, barrier: str = "", size: int = 0) -> None:
    log = Log(path)
    print("ready", flush=True)
    if barrier:
        while not Path(barrier).exists():
            time.sleep(0.001)
    if mode in ("add", "churn"):
        for n in itertools.count(1) if count == 0 else range(1, count + 1):
            entry = log.add("1.1", f"child action {n} " + "é" * size, "outcome", "")
            print(entry.id, flush=True)  # only after add() returned, i.e. the entry is on disk
            if mode == "churn":
                oldest = log.entries()[-1]
                log.update(oldest.id, learning="ü" * (n * 997 % size))
    elif mode == "edit":
        ids = [entry.id for entry in log.entries()]
        for round_ in range(count):
            for entry_id in ids:
                log.update(entry_id, learning=f"edited {round_}")
        print("done", flush=True)
    log.close()


if __name__ == "__main__":
    args = sys.argv[1:]
    main(args[0], args[1], int(args[2]), args[3] if len(args) > 3 else "",
         int(args[4]) if len(args) > 4 else 0)
