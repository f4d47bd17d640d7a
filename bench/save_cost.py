"""What one save costs as the log grows: an entry, a draft and the last card, at 100, 1,000 and
10,000 entries (median of N saves, on a real file in a temp folder, fsync included).

    .venv/bin/python bench/save_cost.py [--repeat N]

An entry rewrites log.json, which grows with the log; a draft or the last card rewrites only the
small state.json beside it (issue 10: goal < 10 ms at 10,000 entries)."""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

from powerdeck.core.entry import Entry, new_entry_id
from powerdeck.store.log import Log


def seeded(path: Path, count: int) -> Log:
    log = Log(path)
    stamp = "2026-01-01T09:00:00+00:00"
    log.import_entries(Entry(new_entry_id(), f"{1 + n % 10}.1", 1 + n % 10, "action " * 20, "outcome " * 10,
                             "learning " * 10, stamp, stamp) for n in range(count))
    return log


def median_ms(action, repeat: int) -> float:
    times = []
    for n in range(repeat):
        start = time.perf_counter()
        action(n)
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def save_costs(count: int, repeat: int) -> dict[str, float]:
    """Median ms of saving an entry, a draft and the last card into a log of `count` entries,
    with the sizes of log.json and state.json in KB (bench/run.py reports these too)."""
    with tempfile.TemporaryDirectory() as folder:
        log = seeded(Path(folder) / "log.json", count)
        try:
            entry = median_ms(lambda n: log.add("1.1", f"new {n}"), repeat)
            draft = median_ms(lambda n: log.save_draft("2.1", f"draft {n}", "", ""), repeat)
            card = median_ms(lambda n: log.set_state("last_card", f"{1 + n % 10}.1"), repeat)
        finally:
            log.close()
        state = Path(folder) / "state.json"
        return {"entry_ms": entry, "draft_ms": draft, "last_card_ms": card,
                "log_kb": (Path(folder) / "log.json").stat().st_size / 1024,
                "state_kb": state.stat().st_size / 1024 if state.exists() else 0.0}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=15)
    repeat = parser.parse_args().repeat
    print(f"{'entries':>8} {'entry ms':>9} {'draft ms':>9} {'last card ms':>13} {'log KB':>8} {'state KB':>9}")
    for count in (100, 1_000, 10_000):
        c = save_costs(count, repeat)
        print(f"{count:>8} {c['entry_ms']:>9.1f} {c['draft_ms']:>9.1f} {c['last_card_ms']:>13.1f} "
              f"{c['log_kb']:>8.0f} {c['state_kb']:>9.1f}")


if __name__ == "__main__":
    main()
