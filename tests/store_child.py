"""A second powerdeck session as a real process, for the crash and concurrency tests.

usage: store_child.py add LOG COUNT [BARRIER [SIZE]]  add COUNT entries (0: forever) with SIZE
                                                     characters of text, print each id once saved
       store_child.py churn LOG 0 "" SIZE         as add, and after each add also rewrite the first
                                                     entry's learning (so a save changes early bytes)
       store_child.py edit LOG ROUNDS [BARRIER] rewrite the learning of every existing entry ROUNDS times
       store_child.py mixed LOG COUNT [BARRIER [FIRST]]  COUNT rounds over the cards FIRST.1..FIRST+4.1 (0:
                                                     forever): keep a draft, remember the card, and every
                                                     third round save the draft as an entry; prints
                                                     "D CARD N", "S CARD N" and "E CARD N ID" once each is on disk
       store_child.py crash LOG FILE NTH            keep a draft of 1.1, then save it as an entry and be
                                                     killed (SIGKILL) right after the NTH write of FILE
Prints "ready" first; with a non-empty BARRIER, then waits for that file to exist so two children start together.
"""

from __future__ import annotations

import itertools
import os
import signal
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))  # works without an install

from powerdeck.store.log import Log
from powerdeck.store.storage import SafeJSONStorage


def kill_after(name: str, nth: int) -> None:
    """SIGKILL this process right after the nth write of the file called `name` reached the disk."""
    real = SafeJSONStorage._commit
    seen = [0]

    def commit(self: SafeJSONStorage) -> None:
        real(self)
        if self.path.name == name:
            seen[0] += 1
            if seen[0] == nth:
                os.kill(os.getpid(), signal.SIGKILL)

    SafeJSONStorage._commit = commit  # type: ignore[method-assign]


def main(mode: str, path: str, count: int, barrier: str = "", size: int = 0) -> None:
    log = Log(path)
    print("ready", flush=True)
    if barrier and mode != "crash":  # crash: BARRIER names the file whose write ends the child
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
    elif mode == "mixed":
        first = size or 1
        for n in itertools.count(1) if count == 0 else range(1, count + 1):
            card = f"{first + n % 5}.1"
            text = f"draft {n} p{os.getpid()}"  # unique across children too
            log.save_draft(card, text, "", "")
            print(f"D {card} {n}", flush=True)
            log.set_state(f"last_card_{first}", card)
            print(f"S {card} {n}", flush=True)
            if n % 3 == 0:
                entry = log.save_entry(card, text, "saved", "")
                print(f"E {card} {n} {entry.id}", flush=True)
        print("done", flush=True)
    elif mode == "crash":
        log.save_draft("1.1", "typed before ctrl+s", "", "")
        kill_after(barrier, count)
        log.save_entry("1.1", "saved with ctrl+s", "an outcome", "")
        print("not killed", flush=True)
    log.close()


if __name__ == "__main__":
    args = sys.argv[1:]
    main(args[0], args[1], int(args[2]), args[3] if len(args) > 3 else "",
         int(args[4]) if len(args) > 4 else 0)
