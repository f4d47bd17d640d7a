"""What the checksum costs (store/seal.py): sealing a write and checking a read, at 100, 1,000 and
10,000 entries, beside what encoding and parsing the same file cost anyway. CPU time (median of
N), so a busy machine does not inflate it.

    .venv/bin/python bench/seal_cost.py [--repeat N]
"""

from __future__ import annotations

import argparse
import json
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from powerdeck.core.entry import Entry, new_entry_id
from powerdeck.store.log import Log
from powerdeck.store.seal import check_seal, encode, seal


def cpu_ms(action: Callable[[], object], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.process_time()
        action()
        times.append((time.process_time() - start) * 1000)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=15)
    repeat = parser.parse_args().repeat
    print(f"{'entries':>8} {'MB':>5} {'encode ms':>10} {'seal ms':>8} {'parse ms':>9} {'check ms':>9}")
    for count in (100, 1_000, 10_000):
        print(row(count, repeat))


def row(count: int, repeat: int) -> str:
    stamp = "2026-01-01T09:00:00+00:00"
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "log.json"
        with Log(path) as log:
            log.import_entries(Entry(new_entry_id(), f"{1 + n % 10}.1", 1 + n % 10, "action " * 20,
                                     "outcome " * 10, "learning " * 10, stamp, stamp) for n in range(count))
        raw = path.read_bytes()
    data = json.loads(raw)
    return (f"{count:>8} {len(raw) / 2**20:>5.1f} {cpu_ms(lambda: encode(data), repeat):>10.1f} "
            f"{cpu_ms(lambda: seal(data), repeat):>8.1f} {cpu_ms(lambda: json.loads(raw), repeat):>9.1f} "
            f"{cpu_ms(lambda: check_seal(raw, data), repeat):>9.1f}")

if __name__ == "__main__":
    main()
