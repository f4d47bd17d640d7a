"""How long an export of 1,000 entries takes, per format (and the NMC layout of the Word file).

    .venv/bin/python bench/export_cost.py [--entries 1000] [--repeat 5]

Builds entries in memory across every card of the packaged deck (a third still open, texts of
a few hundred characters in several scripts), then times `export_bytes` -- the one function the
command line, the app and `powerdeck serve` share -- and prints the best of N runs and the size.
The best run is the figure that says what the code costs; on a loaded machine the others say
more about the neighbours. Never run from the tests: timings do not belong in a test.
"""

from __future__ import annotations

import argparse
import os
import time
from datetime import datetime, timedelta, timezone

from powerdeck.core.entry import Entry
from powerdeck.deck.model import load_deck
from powerdeck.export import ExportOptions, export_bytes

TEXTS = (
    "Walked the estate with the community worker; asked what <help> & *support* meant to them. ",
    "مرحبا — spoke with the mosque's women's group about the clinic times. ",
    "你好 · こんにちは: interpreters booked for the next session 👍🏽. ",
)


def make_entries(count: int) -> list[Entry]:
    deck = load_deck()
    start = datetime(2026, 4, 1, 9, tzinfo=timezone.utc)
    entries = []
    for n in range(count):
        card = deck.cards[n % len(deck.cards)]
        created = (start + timedelta(hours=7 * n)).isoformat()
        text = TEXTS[n % 3] * 3
        entries.append(Entry(f"bench{n:05d}", card.id, card.capability, text,
                             "" if n % 3 == 0 else text, "" if n % 3 == 0 else text[:120],
                             created, created))
    return entries


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--entries", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    deck = load_deck()
    entries = make_entries(args.entries)
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(f"{args.entries} entries, best of {args.repeat}; load average {load:.1f} on "
          f"{os.cpu_count()} cores (a loaded machine: the slower runs are the neighbours)")
    for fmt, layout in (("docx", "standard"), ("docx", "nmc"), ("markdown", "standard"),
                        ("csv", "standard"), ("json", "standard")):
        options = ExportOptions(fmt=fmt, layout=layout, name="Sam Jones", role="Team leader")
        times = []
        for _ in range(args.repeat):
            began = time.perf_counter()
            data = export_bytes(entries, deck, options)
            times.append(time.perf_counter() - began)
        label = fmt if layout == "standard" else f"{fmt} ({layout})"
        print(f"  {label:<12} best {min(times) * 1000:7.0f} ms   worst {max(times) * 1000:7.0f} ms"
              f"   {len(data) / 1024:8.0f} KiB")


if __name__ == "__main__":
    main()
