#!/usr/bin/env python3
"""What a log costs in memory, with the bench's short ASCII texts and with long realistic ones.

    .venv/bin/python bench/log_memory.py                          # about 1 minute; Markdown on stdout
    .venv/bin/python bench/log_memory.py --before /tmp/old/src    # an older tree, interleaved
    .venv/bin/python bench/log_memory.py --entries 25000 --runs 5

Two logs of --entries entries: "short", bench/run.py's (~235 ASCII characters of text an entry),
and "long" (~850 characters an entry, every text with a curly apostrophe: a str holding one takes
two bytes for every character). For each tree (this one, and --before's) and each log, and an
empty log beside them:

- in process: the growth of RssAnon while a fresh process reads the log on a thread (as the app
  does after its first frame), and the time to open it (parse + index, best of 5);
- the app: its RSS (all of it) 1 s after the first paint on the deck screen, in an 80x24 pty over
  SSH settings (bench/run.py's harness), the median of --runs cold starts (one warm-up first,
  which also writes the log's summary, as any earlier session would have).
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT / "src"))

from run import make_log, quit_app, start  # noqa: E402

from pty_harness import powerdeck_command  # noqa: E402

PROSE = ("we met the community group at the library and talked about what they’d like from the "
         "neighbourhood team; Sam’s idea about the café drop-in was popular and we agreed to try it")
WORDS = PROSE.split(" ")

IN_PROCESS = """
import sys, threading, time
from pathlib import Path
from powerdeck.store.log import Log

def rss_anon():
    for line in open("/proc/self/status"):
        if line.startswith("RssAnon"):
            return int(line.split()[1])

before = rss_anon()
kept = []
thread = threading.Thread(target=lambda: kept.append(Log.open(Path(sys.argv[1])).entries()))
thread.start()
thread.join()
grown = rss_anon() - before
best = float("inf")
for _ in range(5):
    started = time.perf_counter()
    with Log.open(Path(sys.argv[1])) as log:
        log.entries()
    best = min(best, time.perf_counter() - started)
print(grown, best * 1000)
"""


def make_long_log(directory: Path, count: int) -> None:
    """Entries of ~850 characters of prose, each text with a curly apostrophe."""
    from powerdeck.core.entry import Entry, capability_of, new_entry_id
    from powerdeck.deck.model import load_deck
    from powerdeck.store.log import Log

    cards = [card.id for card in load_deck().cards]
    rng = random.Random(count)

    def paragraph(words: int) -> str:
        return " ".join(rng.choice(WORDS) for _ in range(words)).capitalize() + "."

    start_at = datetime(2024, 1, 1, tzinfo=timezone.utc)
    entries = []
    for n in range(count):
        card = rng.choice(cards)
        stamp = (start_at + timedelta(hours=3 * n)).isoformat(timespec="seconds")
        entries.append(Entry(id=new_entry_id(), card=card, capability=capability_of(card), action=paragraph(60),
                             outcome=paragraph(50), learning=paragraph(40), created=stamp, updated=stamp))
    with Log.open(directory) as log:
        log.import_entries(entries)


def tree_env(tree: Path | None) -> dict[str, str]:
    env = dict(os.environ)
    env.pop("PYTHONPATH", None)
    if tree is not None:
        env["PYTHONPATH"] = str(tree)
    return env


def in_process(tree: Path | None, folder: Path) -> tuple[float, float]:
    """(RssAnon growth in MiB, open in ms) of reading the log in `folder` in a fresh process."""
    out = subprocess.run([sys.executable, "-c", IN_PROCESS, str(folder)], env=tree_env(tree), check=True,
                         capture_output=True, text=True).stdout.split()
    return int(out[0]) / 1024, float(out[1])


def app_rss(tree: Path | None, folder: Path) -> float:
    """The app's RSS (MiB) 1 s after its first paint on the deck screen."""
    argv = powerdeck_command() if tree is None else ["env", f"PYTHONPATH={tree}", sys.executable, "-m", "powerdeck"]
    app, _ = start([*argv, "--data", str(folder)], "Capability")
    try:
        time.sleep(1.0)
        return app.rss_kb() / 1024
    finally:
        quit_app(app)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--entries", type=int, default=10000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--before", type=Path, help="an older tree's src/ folder, run interleaved")
    args = parser.parse_args(argv)
    trees: dict[str, Path | None] = {"now": None}
    if args.before is not None:
        trees["before"] = args.before.resolve()
    load = [os.getloadavg()[0]]
    rows: dict[tuple[str, str], dict[str, float]] = {}
    with tempfile.TemporaryDirectory(prefix="powerdeck-memory-") as tmp:
        root = Path(tmp)
        masters = {"empty": root / "empty", "short": root / "short", "long": root / "long"}
        for master in masters.values():
            master.mkdir(mode=0o700)
        make_log(masters["short"], args.entries)
        make_long_log(masters["long"], args.entries)
        folders = {}
        for tree in trees:
            for kind, master in masters.items():
                folders[tree, kind] = root / f"{tree}-{kind}"
                shutil.copytree(master, folders[tree, kind])
        samples: dict[tuple[str, str], list[float]] = {}
        for round_ in range(args.runs + 1):
            order = list(folders) if round_ % 2 else list(folders)[::-1]
            for tree, kind in order:
                print(f"round {round_}: {tree} {kind}", file=sys.stderr)
                rss = app_rss(trees[tree], folders[tree, kind])
                if round_:
                    samples.setdefault((tree, kind), []).append(rss)
        for (tree, kind), folder in folders.items():
            grown, open_ms = in_process(trees[tree], folder)
            rows[tree, kind] = {"app": statistics.median(samples[tree, kind]), "grown": grown, "open_ms": open_ms,
                                "file_mb": (folder / "log.json").stat().st_size / 2**20}
    load.append(os.getloadavg()[0])
    print(f"Load average (1 min) before / after: {load[0]:.1f} / {load[1]:.1f}; {os.cpu_count()} CPUs; "
          f"{args.entries:,} entries; the app's RSS: medians of {args.runs} cold starts.\n")
    print("| code | texts | file | app RSS 1 s after the first paint | of it the log | reading it in process (RssAnon) "
          "| per entry | open (parse + index) |")
    print("|---|---|---|---|---|---|---|---|")
    for tree in trees:
        for kind in ("empty", "short", "long"):
            row = rows[tree, kind]
            log_part = row["app"] - rows[tree, "empty"]["app"]
            per_entry = "" if kind == "empty" else f"{row['grown'] * 1024 / args.entries:.2f} KB"
            print(f"| {tree} | {kind} | {row['file_mb']:.1f} MB | {row['app']:.1f} MiB | "
                  f"{'' if kind == 'empty' else f'{log_part:.1f} MiB'} | {row['grown']:.1f} MiB | {per_entry} | "
                  f"{row['open_ms']:.0f} ms |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
