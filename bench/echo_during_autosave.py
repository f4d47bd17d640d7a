#!/usr/bin/env python3
"""A keystroke's echo while the draft autosave runs, against the echo with none, at 10,000 entries.

    .venv/bin/python bench/echo_during_autosave.py              # about 1.5 minutes, Markdown on stdout
    .venv/bin/python bench/echo_during_autosave.py --trials 20 --entries 1000

The real app in a pseudo-terminal (tests/pty_harness.py), with the over-SSH settings bench/run.py
uses (80x24, SSH_CONNECTION set). The editor is opened on card 1.1 and:

- "none": a key typed 0.3 s after the last one (the autosave's 1 s timer is far away): the time
  from the key's write to the pty until the field shows it.
- "during autosave": a key typed about 1 s after the last one, at a spread of offsets around the
  moment the autosave timer fires. A thread stats state.json every millisecond; the key counts as
  typed during an autosave when the draft's write lands (state.json is replaced) after the key was
  sent and within AUTOSAVE_WINDOW of it. Keys that came before the timer fired postpone the
  autosave by a second and are left out; so are keys after the write had landed.

Only medians and maxima are reported; absolute times drift on a shared machine, the ratio holds.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT / "src"))

from run import COLS, ROWS, env, make_log, quit_app  # noqa: E402

from pty_harness import PtyApp, powerdeck_command  # noqa: E402

DRAFT_DELAY = 1.0  # screens/deck_screen.py
AUTOSAVE_WINDOW = 0.15
"""A write landing this long after the key was sent still counts as under way when it was typed."""


class StateWatch:
    """Times at which state.json was replaced (a new inode: the writer's rename)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.landed: list[float] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _stamp(self) -> tuple[int, int] | None:
        try:
            st = os.stat(self.path)
        except FileNotFoundError:
            return None
        return st.st_ino, st.st_mtime_ns

    def _run(self) -> None:
        last = self._stamp()
        while not self._stop.is_set():
            now = self._stamp()
            if now != last:
                self.landed.append(time.monotonic())
                last = now
            time.sleep(0.001)

    def stop(self) -> None:
        self._stop.set()
        self._thread.join()


def field_shows(text: str):
    marker = "▌ " + text
    return lambda screen: any(line.rstrip().endswith(marker) or (marker + " ") in line
                              for line in screen.splitlines())


def echo_ms(app: PtyApp, char: str, text: str) -> tuple[float, float]:
    """Send one key; (when it was sent, ms until the field shows `text`)."""
    sent = app.send(char)
    app.wait_for(field_shows(text), timeout=20)
    return sent, (time.monotonic() - sent) * 1000


def measure(directory: Path, trials: int) -> dict:
    app = PtyApp([*powerdeck_command(), "--data", str(directory)], env(), cols=COLS, rows=ROWS)
    watch = StateWatch(directory / "state.json")
    idle: list[float] = []
    during: list[float] = []
    missed = 0
    lands: list[float] = []
    try:
        app.wait_for("Capability ", timeout=120)
        app.wait_quiet(0.5)
        app.send("e")
        app.wait_for(lambda s: "WRITING" in s, timeout=20)
        app.wait_quiet(0.5)
        base = "w"
        echo_ms(app, base, base)
        app.wait_quiet(1.5)  # the first draft lands
        for n in range(trials):
            # none: two keys 0.3 s apart, then wait for the autosave they cause, and its write
            for char in "ab":
                time.sleep(0.3)
                _, ms = echo_ms(app, char, base + char if char == "a" else base + "ab")
                idle.append(ms)
            for _ in range(2):
                app.send("backspace")
            app.wait_for(field_shows(base), timeout=20)
            time.sleep(DRAFT_DELAY + 0.5)
            # during: one key, then the probe just before its autosave is seen to land (aimed
            # from the landings seen so far, a few ms apart, since the write itself is short)
            start, _ = echo_ms(app, "c", base + "c")
            aim = statistics.median(lands) if lands else DRAFT_DELAY + 0.01
            offset = aim - 0.001 * (n % 8) - 0.001
            time.sleep(max(0.0, offset - (time.monotonic() - start)))
            sent, ms = echo_ms(app, "d", base + "cd")
            time.sleep(AUTOSAVE_WINDOW + 0.05)
            landed = [t for t in watch.landed if start + 0.5 < t <= sent + AUTOSAVE_WINDOW]
            lands.extend(t - start for t in landed)
            if any(t > sent for t in landed):
                during.append(ms)
            else:
                missed += 1
            for _ in range(2):
                app.send("backspace")
            app.wait_for(field_shows(base), timeout=20)
            time.sleep(DRAFT_DELAY + 0.5)
    finally:
        watch.stop()
        quit_app(app)
    return {"idle": idle, "during": during, "missed": missed}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--entries", type=int, default=10_000)
    parser.add_argument("--trials", type=int, default=33)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="powerdeck-echo-") as tmp:
        directory = Path(tmp) / "data"
        make_log(directory, args.entries)
        result = measure(directory, args.trials)
    idle, during = result["idle"], result["during"]
    med_idle = statistics.median(idle)
    print(f"Measured {time.strftime('%Y-%m-%d')}, {args.entries:,} entries, load average "
          f"{os.getloadavg()[0]:.1f}; {len(during)} of {args.trials} probes landed during an autosave.")
    print()
    print("| key echo | median | slowest | keys |")
    print("|---|---|---|---|")
    print(f"| no autosave | {med_idle:.1f} ms | {max(idle):.1f} ms | {len(idle)} |")
    if during:
        med_during = statistics.median(during)
        print(f"| during an autosave | {med_during:.1f} ms | {max(during):.1f} ms | {len(during)} |")
        print(f"| ratio (goal <= 1.2x) | {med_during / med_idle:.2f}x | | |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
