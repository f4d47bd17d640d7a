#!/usr/bin/env python3
"""How powerdeck's figures grow with the log: 0, 1,000, 10,000 and 25,000 entries, beside the floor.

    .venv/bin/python bench/log_sizes.py                      # about 6 minutes; Markdown on stdout
    .venv/bin/python bench/log_sizes.py --runs 3 --sizes 0,10000
    .venv/bin/python bench/log_sizes.py --before /tmp/old/src  # an older tree, interleaved too
    .venv/bin/python bench/log_sizes.py --json F             # also every figure to F

Each round starts, in alternating order, the floor (bench/floor_app.py) and powerdeck on a log of
each size (and, with --before, the older source tree on its own copy of the same logs), each a
cold process in an 80x24 pty over SSH settings (bench/run.py's harness), and notes:

- first paint: spawn -> the last byte of the first screen (a burst ends after 300 ms of silence);
- memory, idle on the deck screen 2 s after the first paint (the log read in by then): RSS and PSS;

and once per size (after the rounds): the review log's search, in a process that has opened the
log (L) and sat for 4.5 s: the first key typed into the search, the keys after it, backspace, and
the memory after the search (RSS, PSS). Round 0 warms the page cache (and writes each log's
summary, as any earlier session would have) and is not counted.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT / "src"))

from run import FLOOR, burst, make_log, med, quit_app, start  # noqa: E402

from pty_harness import PtyApp, powerdeck_command  # noqa: E402

SIZES = [0, 1000, 10000, 25000]
WAIT = "Capability"
TYPED = "123"


def pss_kb(app: PtyApp) -> int:
    total = 0
    for pid in app.pid_tree():
        try:
            for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
                if line.startswith("Pss:"):
                    total += int(line.split()[1])
        except OSError:
            pass
    return total


def command(before: Path | None) -> list[str]:
    if before is None:
        return powerdeck_command()
    return ["env", f"PYTHONPATH={before}", sys.executable, "-m", "powerdeck"]


def paint_round(label: str, argv: list[str], wait: str) -> dict[str, float]:
    app, paint = start(argv, wait)
    try:
        time.sleep(2.0)
        rss, pss = app.rss_kb(), pss_kb(app)
    finally:
        quit_app(app)
    return {"paint_ms": paint["paint_ms"], "paint_cpu_ms": paint["paint_cpu_ms"], "paint_bytes": paint["paint_bytes"],
            "rss_kb": rss, "pss_kb": pss}


def search_keys(argv: list[str]) -> dict[str, float | None]:
    """The review log's search: L, 4.5 s, then "/" and the keys of TYPED one at a time, backspace."""
    app, _ = start(argv, WAIT)
    try:
        app.send("L")
        app.wait_for("Review log", timeout=60)
        time.sleep(max(0.0, app.t0 + 4.5 - time.monotonic()))
        app.wait_quiet(0.5, timeout=60)
        burst(app, "/")
        typed = [burst(app, char)["ms"] for char in TYPED]
        erased = [burst(app, "backspace")["ms"] for _ in TYPED]
        rss, pss = app.rss_kb(), pss_kb(app)
    finally:
        quit_app(app)
    return {"first_key_ms": typed[0], "later_keys_ms": med(typed[1:]), "backspace_ms": med(erased),
            "searched_rss_kb": rss, "searched_pss_kb": pss}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--sizes", default=",".join(map(str, SIZES)))
    parser.add_argument("--before", type=Path, help="an older tree's src/ folder, run interleaved")
    parser.add_argument("--search-runs", type=int, default=2)
    parser.add_argument("--json", metavar="FILE")
    args = parser.parse_args(argv)
    sizes = [int(size) for size in args.sizes.split(",")]
    trees: dict[str, Path | None] = {"now": None}
    if args.before is not None:
        trees["before"] = args.before.resolve()
    load = [os.getloadavg()[0]]
    samples: dict[str, dict[str, list[float]]] = {}
    with tempfile.TemporaryDirectory(prefix="powerdeck-sizes-") as tmp:
        root = Path(tmp)
        folders: dict[tuple[str, int], Path] = {}
        for size in sizes:
            master = root / f"log-{size}"
            master.mkdir(mode=0o700)
            if size:
                make_log(master, size)
            for tree in trees:
                folder = root / f"{tree}-{size}"
                shutil.copytree(master, folder)
                folders[tree, size] = folder
        labels = ["floor", *(f"{tree} {size}" for size in sizes for tree in trees)]
        for round_ in range(args.runs + 1):
            order = labels if round_ % 2 else labels[::-1]
            for label in order:
                print(f"round {round_}: {label}", file=sys.stderr)
                if label == "floor":
                    got = paint_round(label, FLOOR, "hello")
                else:
                    tree, size = label.split()
                    got = paint_round(label, [*command(trees[tree]), "--data", str(folders[tree, int(size)])], WAIT)
                if round_:
                    for key, value in got.items():
                        samples.setdefault(label, {}).setdefault(key, []).append(value)
        for size in sizes:
            if size < 1000:
                continue
            for _ in range(args.search_runs):
                for tree in trees:
                    label = f"{tree} {size}"
                    print(f"search: {label}", file=sys.stderr)
                    got = search_keys([*command(trees[tree]), "--data", str(folders[tree, size])])
                    for key, value in got.items():
                        if value is not None:
                            samples.setdefault(label, {}).setdefault(key, []).append(value)
    load.append(os.getloadavg()[0])
    figures = {label: {key: statistics.median(values) for key, values in got.items()} | {
        "samples_paint_ms": [round(value) for value in got["paint_ms"]]} for label, got in samples.items()}
    floor = figures["floor"]
    print(f"Load average (1 min) before / after: {load[0]:.1f} / {load[1]:.1f}; {os.cpu_count()} CPUs; "
          f"medians of {args.runs} rounds (search: of {args.search_runs}).\n")
    print("| code | entries | first paint | x floor | CPU to it | x floor | RSS idle | PSS idle | first search key | "
          "later keys | backspace | RSS after the search |")
    print("|---|---|---|---|---|---|---|---|---|---|---|---|")
    print(f"| floor | - | {floor['paint_ms']:.0f} ms | 1.00x | {floor['paint_cpu_ms']:.0f} ms | 1.00x | "
          f"{floor['rss_kb'] / 1024:.1f} MiB | {floor['pss_kb'] / 1024:.1f} MiB | | | | |")
    for size in sizes:
        for tree in trees:
            row = figures[f"{tree} {size}"]

            def ms(key: str, row: dict[str, Any] = row) -> str:
                return f"{row[key]:.0f} ms" if key in row else "-"

            searched = f"{row['searched_rss_kb'] / 1024:.1f} MiB" if "searched_rss_kb" in row else "-"
            print(f"| {tree} | {size:,} | {row['paint_ms']:.0f} ms | {row['paint_ms'] / floor['paint_ms']:.2f}x | "
                  f"{row['paint_cpu_ms']:.0f} ms | {row['paint_cpu_ms'] / floor['paint_cpu_ms']:.2f}x | "
                  f"{row['rss_kb'] / 1024:.1f} MiB | {row['pss_kb'] / 1024:.1f} MiB | {ms('first_key_ms')} | "
                  f"{ms('later_keys_ms')} | {ms('backspace_ms')} | {searched} |")
    if args.json:
        Path(args.json).write_text(json.dumps({"load": load, "figures": figures}, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
