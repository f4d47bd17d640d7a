#!/usr/bin/env python3
"""powerdeck's benchmark: the real app in a pseudo-terminal, beside a bare Textual app.

    .venv/bin/python bench/run.py            # full run (about 3-4 minutes), Markdown on stdout
    .venv/bin/python bench/run.py --quick    # fewer runs, for a look (about 1 minute)
    .venv/bin/python bench/run.py --json F   # also write every figure to F

Everything runs at 80x24 with TERM=xterm-256color and no COLORTERM, as over a plain `ssh -t`,
and with SSH_CONNECTION set, so powerdeck behaves as it does over SSH (no animation unless
--animation full, no cursor blink; 30 FPS only with animation). The terminal is played by pyte
(tests/pty_harness.py, after shared/tools/tuimeasure.py): it answers the terminal queries, and
every chunk the app writes is timestamped. "Bytes" are what crosses the link; "time" is key -> last byte of the
burst (a burst ends after 300 ms of silence, not counted).

The floor (bench/floor_app.py: a Static and a Footer) runs interleaved with powerdeck in the same
rounds, since absolute times on a small shared machine drift between runs while ratios hold.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import statistics
import sys
import tempfile
import time
from datetime import datetime, timedelta, timezone
from functools import partial
from importlib import metadata
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "bench"))

from save_cost import save_costs  # noqa: E402

from pty_harness import PtyApp, base_env, powerdeck_command  # noqa: E402

FLOOR = [sys.executable, str(ROOT / "bench" / "floor_app.py")]
POWERDECK_TEXT = "1.1  Changing your perspective"
QUIET = 0.3
COLS, ROWS = 80, 24


# -- measuring one app in a pty ------------------------------------------------------------


def env(ssh: bool = True) -> dict[str, str]:
    # What sshd gives the app: SSH_CONNECTION set, TERM from the client, no COLORTERM.
    # Locally: the same terminal without SSH_CONNECTION (animation full, cursor blink).
    return base_env("xterm-256color", SSH_CONNECTION="127.0.0.1 50000 127.0.0.1 22" if ssh else None)


def cpu_ms(pid: int) -> float | None:
    """user + system CPU of a process so far (10 ms ticks): steadier than wall time on a busy box."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return None
    return (int(fields[11]) + int(fields[12])) * 1000 / os.sysconf("SC_CLK_TCK")


def start(argv: list[str], wait_text: str, ssh: bool = True) -> tuple[PtyApp, dict]:
    app = PtyApp(argv, env(ssh), cols=COLS, rows=ROWS)
    app.wait_for(wait_text, timeout=60)
    last = app.wait_quiet(QUIET)
    painted = sum(len(c.data) for c in app.since(0) if c.t <= last)
    return app, {"paint_ms": (last - app.t0) * 1000, "paint_bytes": painted, "paint_cpu_ms": cpu_ms(app.proc.pid)}


def burst(app: PtyApp, key: bytes | str, quiet: float = QUIET, timeout: float = 15.0) -> dict:
    """Send a key; the bytes and time of everything it made the app write."""
    mark = app.mark()
    sent = app.send(key)
    last = app.wait_quiet(quiet, timeout=timeout, after=sent)
    chunks = app.since(mark)
    return {
        "bytes": sum(len(c.data) for c in chunks),
        "ms": (last - sent) * 1000 if chunks else 0.0,
    }


def idle_bps(app: PtyApp, seconds: float) -> float:
    mark = app.mark()
    time.sleep(seconds)
    return app.bytes_since(mark) / seconds


def quit_app(app: PtyApp) -> None:
    try:
        app.send("ctrl+q")
        app.wait_exit(timeout=10)
    except Exception:
        pass
    app.close()


def med(values: list[float]) -> float | None:
    values = [v for v in values if v is not None]
    return statistics.median(values) if values else None


# -- the rounds ----------------------------------------------------------------------------


PAINT_LABELS = ["floor", "powerdeck", "floor local", "powerdeck local"]
"""Over SSH settings and locally (no SSH_CONNECTION), each beside its floor in the same rounds."""


def paint_rounds(runs: int, data_root: Path) -> dict:
    """First paint (a cold process: a new one each time, the deck from its cache after round 0),
    idle memory and one small update; powerdeck and the floor interleaved, over SSH settings and
    locally."""
    out: dict[str, dict[str, list]] = {label: {} for label in PAINT_LABELS}

    def note(label: str, key: str, value: float | None) -> None:
        out[label].setdefault(key, []).append(value)

    for round_ in range(runs + 1):  # round 0 warms the page cache and is not counted
        order = PAINT_LABELS if round_ % 2 else PAINT_LABELS[::-1]
        for label in order:
            ssh = not label.endswith("local")
            if label.startswith("floor"):
                app, paint = start(FLOOR, "hello", ssh)
            else:
                data = data_root / f"paint-{round_}-{'ssh' if ssh else 'local'}"
                app, paint = start([*powerdeck_command(), "--data", str(data)], POWERDECK_TEXT, ssh)
            try:
                idle = idle_bps(app, 1.0)
                rss = app.rss_kb()
                step = burst(app, "tab" if label.startswith("floor") else "right")
            finally:
                quit_app(app)
            if round_:
                note(label, "paint_ms", paint["paint_ms"])
                note(label, "paint_bytes", paint["paint_bytes"])
                note(label, "paint_cpu_ms", paint["paint_cpu_ms"])
                note(label, "rss_kb", rss)
                note(label, "idle_bps", idle)
                note(label, "step_bytes", step["bytes"])
                note(label, "step_ms", step["ms"])
    return {label: {k: med(v) for k, v in metrics.items()}
            | {"samples_paint_ms": [round(x) for x in metrics["paint_ms"]]}
            for label, metrics in out.items()}


def interaction_runs(runs: int, data_root: Path, log_screen: bool) -> dict:
    """Card changes, typing, idling in the editor and opening the review log."""
    got: dict[str, list] = {}

    def note(key: str, value: dict | float) -> None:
        if isinstance(value, dict):
            for k, v in value.items():
                got.setdefault(f"{key}_{k}", []).append(v)
        else:
            got.setdefault(key, []).append(value)

    for run in range(runs):
        app, _ = start([*powerdeck_command(), "--data", str(data_root / f"ui-{run}")], POWERDECK_TEXT)
        try:
            note("idle_deck_bps", idle_bps(app, 2.0))
            for _ in range(3):
                note("card_none", burst(app, "right"))
            note("enter_editor", burst(app, "enter"))
            for char in "abc":
                note("char", burst(app, char))
            app.wait_quiet(1.5)  # the draft autosave, 1 s after typing stops
            note("idle_editor_bps", idle_bps(app, 2.0))
            app.send("escape")
            app.wait_for(lambda s: "Write" in s.splitlines()[-1])
            app.wait_quiet(QUIET)
            if log_screen:
                note("open_log", burst(app, "L", quiet=0.7))  # L acts after the 0.4 s letter settle
        finally:
            quit_app(app)
        app, _ = start([*powerdeck_command(), "--data", str(data_root / f"full-{run}"), "--animation", "full"],
                       POWERDECK_TEXT)
        try:
            for _ in range(3):
                note("card_full", burst(app, "right"))
        finally:
            quit_app(app)
    return {k: med(v) for k, v in got.items()}


# -- the log store at 100 / 1,000 / 10,000 entries ------------------------------------------


def make_log(directory: Path, count: int) -> None:
    from powerdeck.core.entry import Entry, capability_of, new_entry_id
    from powerdeck.deck.model import load_deck
    from powerdeck.store.log import Log

    cards = [card.id for card in load_deck().cards]
    rng = random.Random(count)
    start_at = datetime(2024, 1, 1, tzinfo=timezone.utc)
    entries = []
    for n in range(count):
        card = rng.choice(cards)
        stamp = (start_at + timedelta(hours=n * 3)).isoformat(timespec="seconds")
        entries.append(Entry(
            id=new_entry_id(), card=card, capability=capability_of(card),
            action=f"Action {n}: " + "spoke with the community group about the next steps " * 2,
            outcome=("It went well and they came back with ideas. " * 2) if n % 3 else "",
            learning=("Ask earlier, listen longer. " * 3) if n % 2 else "",
            created=stamp, updated=stamp))
    with Log.open(directory) as log:
        log.import_entries(entries)


def timed_ms(fn, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t) * 1000)
    return statistics.median(times)


def store_rounds(sizes: list[int], data_root: Path, log_screen: bool, startup_runs: int,
                 filter_repeat: int = 2, save_repeat: int = 15) -> dict:
    from powerdeck.core.entry import EntryFilter
    from powerdeck.store.log import Log

    out: dict[int, dict] = {}
    for count in sizes:
        directory = data_root / f"store-{count}"
        make_log(directory, count)
        row: dict[str, float | None] = {"file_kb": (directory / "log.json").stat().st_size / 1024}
        with Log.open(directory) as log:
            log.add("1.1", "warm-up: the first write of a session rotates the backups")
            row["save_ms"] = timed_ms(lambda: log.add("2.1", "Benchmark entry", "Outcome", "Learning"), 5)
            third = EntryFilter(capabilities=frozenset({3}))
            log.entries(third)
            row["filter_ms"] = timed_ms(partial(log.entries, third), 5)

            # another session wrote: parse the file and re-index first
            def after_write(third: EntryFilter = third) -> None:
                log._storage.invalidate()  # private on purpose: what a foreign write's new mtime causes
                log.entries(third)

            row["filter_cold_ms"] = timed_ms(after_write, 3)
        t = time.perf_counter()
        with Log.open(directory) as log:
            log.entries()
            row["open_ms"] = (time.perf_counter() - t) * 1000
        if log_screen:
            app, _ = start([*powerdeck_command(), "--data", str(directory)], "Capability ")
            try:
                step = burst(app, "L", quiet=0.7, timeout=60)
                row["log_screen_ms"], row["log_screen_bytes"] = step["ms"], step["bytes"]
            finally:
                quit_app(app)
            if count >= 1000:
                keys = filter_keys(directory, repeat=filter_repeat)
                row["filter_type_ms"], row["filter_backspace_ms"] = keys["type_ms"], keys["backspace_ms"]
                row["filter_type_bytes"] = keys["type_bytes"]
        costs = save_costs(count, save_repeat)
        row |= {"save_entry_ms": costs["entry_ms"], "save_draft_ms": costs["draft_ms"],
                "save_last_card_ms": costs["last_card_ms"]}
        out[count] = row
    biggest = max(sizes)
    directory = data_root / f"store-{biggest}"
    paints = []
    for _ in range(startup_runs):
        app, paint = start([*powerdeck_command(), "--data", str(directory)], "Capability ")
        paints.append(paint["paint_ms"])
        if len(paints) == startup_runs:
            out["typing"] = typing_during_save(app)
        quit_app(app)
    out["startup_ms"] = med(paints)
    out["startup_count"] = biggest
    return out


FILTER_TYPED = "123"
"""Typed into the review log's search one key at a time, then taken back with backspace."""


def filter_keys(directory: Path, repeat: int = 2, command: list[str] | None = None) -> dict:
    """The review log's search over the log in `directory`: key -> last byte of each typed
    character and each backspace (median over the keys and `repeat` rounds)."""
    typed: list[float] = []
    erased: list[float] = []
    typed_bytes: list[float] = []
    app, _ = start([*(command or powerdeck_command()), "--data", str(directory)], "Capability ")
    try:
        app.send("L")
        app.wait_for("Review log", timeout=60)
        # Past the start-up's own writes (the last card is remembered 3 s after the start, and
        # the log screen redraws when it sees the write): this measures the keys, not that.
        time.sleep(max(0.0, app.t0 + 4.5 - time.monotonic()))
        app.wait_quiet(0.5, timeout=60)
        for _ in range(repeat):
            burst(app, "/")
            for char in FILTER_TYPED:
                step = burst(app, char)
                typed.append(step["ms"])
                typed_bytes.append(step["bytes"])
            for _ in FILTER_TYPED:
                erased.append(burst(app, "backspace")["ms"])
            burst(app, "escape")
    finally:
        quit_app(app)
    return {"type_ms": med(typed), "type_bytes": med(typed_bytes), "backspace_ms": med(erased)}


def typing_during_save(app: PtyApp) -> dict:
    """Echo latency of keys typed while ctrl+s saves into the big log (the save runs on a worker
    thread; the event loop must keep drawing keys)."""

    def echo_ms(char: str, expect: str) -> float:
        sent = app.send(char)
        app.wait_for(expect, timeout=10)
        return (time.monotonic() - sent) * 1000

    app.send("enter")
    app.wait_for(lambda s: "Write" not in s.splitlines()[-1])
    text = "x"
    idle = [echo_ms(text, "▌ x")]
    for char in "yz":
        text += char
        idle.append(echo_ms(char, "▌ " + text))
    app.wait_quiet(1.5)  # let the draft autosave pass
    sent = app.send("ctrl+s")
    during = []
    for char in "abcdef":
        text += char
        during.append(echo_ms(char, "▌ " + text))
    app.wait_for("Saved entry", timeout=60)
    save_ms = (time.monotonic() - sent) * 1000
    # Keys typed while a save runs count as new text: the saved entry keeps what was saved.
    return {"idle_echo_ms": med(idle), "echo_during_save_ms": med(during),
            "max_echo_during_save_ms": max(during), "save_seen_ms": save_ms}


# -- report --------------------------------------------------------------------------------


def machine() -> dict:
    cpu = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return {
        "date": datetime.now().astimezone().isoformat(timespec="minutes"),
        "nproc": os.cpu_count(),
        "cpu": cpu,
        "python": platform.python_version(),
        "textual": metadata.version("textual"),
        "powerdeck": metadata.version("powerdeck"),
        "loadavg": [round(x, 2) for x in os.getloadavg()],
    }


def fmt(value: float | None, unit: str = "") -> str:
    if value is None:
        return "n/a"
    if unit == "KB":
        return f"{value / 1024:.1f} KB"
    if unit == "MiB":
        return f"{value / 1024:.1f} MiB"
    if unit == "B":
        return f"{value:,.0f} B"
    if unit == "ms":
        return f"{value:,.0f} ms" if value >= 10 else f"{value:.1f} ms"
    if unit == "B/s":
        return f"{value:,.0f} B/s"
    return f"{value}"


def ratio(a: float | None, b: float | None) -> str:
    if a is None or not b:
        return ""
    return f"{a / b:.2f}x"


def verdict(ok: bool | None) -> str:
    return "" if ok is None else ("ok" if ok else "**missed**")


def report(m: dict, paint: dict, ui: dict, store: dict, log_screen: bool, wall: float) -> str:
    pd, fl = paint["powerdeck"], paint["floor"]
    lines = [
        f"Measured {m['date']} on {m['nproc']} CPUs ({m['cpu']}), Python {m['python']}, "
        f"Textual {m['textual']}, powerdeck {m['powerdeck']}; load average at the end {m['loadavg']}; "
        f"run took {wall:.0f} s.",
        "",
        "80x24, TERM=xterm-256color, no COLORTERM, SSH_CONNECTION set (the app's over-SSH defaults).",
        "",
        "| What | powerdeck | floor (bare Textual) | ratio | goal | |",
        "|---|---|---|---|---|---|",
    ]

    def row(what, a, b, unit, goal="", ok=None):
        lines.append(f"| {what} | {fmt(a, unit)} | {fmt(b, unit) if b is not None else '-'} | "
                     f"{ratio(a, b) if b is not None else ''} | {goal} | {verdict(ok)} |")

    local, local_floor = paint["powerdeck local"], paint["floor local"]
    row(f"time to first paint, cold, over SSH settings (median of {len(pd['samples_paint_ms'])})",
        pd["paint_ms"], fl["paint_ms"], "ms", "<= 1.2x floor", pd["paint_ms"] <= 1.2 * fl["paint_ms"])
    row(f"time to first paint, cold, locally (median of {len(local['samples_paint_ms'])})",
        local["paint_ms"], local_floor["paint_ms"], "ms", "<= 1.2x floor",
        local["paint_ms"] <= 1.2 * local_floor["paint_ms"])
    row("CPU to the first paint, over SSH settings", pd.get("paint_cpu_ms"), fl.get("paint_cpu_ms"), "ms")
    row("bytes of the first paint", pd["paint_bytes"], fl["paint_bytes"], "KB", "<= 16 KB",
        pd["paint_bytes"] <= 16 * 1024)
    row("resident memory, idle (RSS)", pd["rss_kb"], fl["rss_kb"], "MiB", "<= floor + 12 MiB",
        pd["rss_kb"] <= fl["rss_kb"] + 12 * 1024)
    row("idle output, deck screen", ui.get("idle_deck_bps"), fl["idle_bps"], "B/s", "0 B/s",
        ui.get("idle_deck_bps") == 0)
    row("idle output, in the editor", ui.get("idle_editor_bps"), fl["idle_bps"], "B/s", "0 B/s",
        ui.get("idle_editor_bps") == 0)
    row("card change, animation none: bytes", ui.get("card_none_bytes"), fl["step_bytes"], "B", "<= 4 KB",
        ui.get("card_none_bytes", 0) <= 4096)
    row("card change, animation none: time", ui.get("card_none_ms"), fl["step_ms"], "ms")
    row("card change, animation full: bytes", ui.get("card_full_bytes"), fl["step_bytes"], "B", "<= 16 KB",
        ui.get("card_full_bytes", 0) <= 16 * 1024)
    row("card change, animation full: time", ui.get("card_full_ms"), fl["step_ms"], "ms")
    row("open the editor (enter): bytes", ui.get("enter_editor_bytes"), None, "B")
    row("one typed character: bytes", ui.get("char_bytes"), fl["step_bytes"], "B", "<= 300 B",
        ui.get("char_bytes", 0) <= 300)
    row("one typed character: time", ui.get("char_ms"), fl["step_ms"], "ms")
    if log_screen:
        row("open the review log (L): bytes", ui.get("open_log_bytes"), None, "B")
        row("open the review log (L): time", ui.get("open_log_ms"), None, "ms")
    lines += [
        "",
        "The floor's update is one Tab bumping a counter in its Static (one line redrawn).",
        "",
        "The log store (in-process, `powerdeck.store.log.Log`; a save rewrites and fsyncs the file under its lock):",
        "",
        "| Entries | file | save one entry | filter by capability | filter after another session wrote | "
        "open (parse + index) | open the log screen (L) | bytes |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for count, row_ in store.items():
        if not isinstance(count, int):
            continue
        lines.append(
            f"| {count:,} | {row_['file_kb']:,.0f} KB | {fmt(row_['save_ms'], 'ms')} | "
            f"{fmt(row_['filter_ms'], 'ms')} | "
            f"{fmt(row_.get('filter_cold_ms'), 'ms')} | {fmt(row_['open_ms'], 'ms')} | "
            f"{fmt(row_.get('log_screen_ms'), 'ms')} | {fmt(row_.get('log_screen_bytes'), 'B')} |")
    lines += [
        "",
        "The review log's search (pty, over SSH settings; key -> last byte, median of the keys "
        f"\"{FILTER_TYPED}\" typed one at a time and taken back with backspace; goal < 50 ms), and "
        "what one save costs (in process, median of 15, fsync included; goal < 10 ms at 10,000 for "
        "a draft or the last card):",
        "",
        "| Entries | search: a typed key | search: backspace | bytes per key | save an entry | "
        "save a draft | save the last card |",
        "|---|---|---|---|---|---|---|",
    ]
    for count, row_ in store.items():
        if not isinstance(count, int):
            continue
        typed, erased = row_.get("filter_type_ms"), row_.get("filter_backspace_ms")
        mark = "" if typed is None else (" ok" if max(typed, erased or 0) < 50 else " **missed**")
        small = max(row_["save_draft_ms"], row_["save_last_card_ms"])
        lines.append(
            f"| {count:,} | {fmt(typed, 'ms')} | {fmt(erased, 'ms')}{mark} | "
            f"{fmt(row_.get('filter_type_bytes'), 'B')} | {fmt(row_['save_entry_ms'], 'ms')} | "
            f"{fmt(row_['save_draft_ms'], 'ms')} | {fmt(row_['save_last_card_ms'], 'ms')}"
            f"{' ' + verdict(small < 10) if count == 10000 else ''} |")
    save_1000 = store.get(1000, {}).get("save_ms")
    typing = store.get("typing", {})
    lines += [
        "",
        f"- Start-up (first paint) with {store['startup_count']:,} entries: {fmt(store['startup_ms'], 'ms')} "
        f"({ratio(store['startup_ms'], pd['paint_ms'])} the empty log's {fmt(pd['paint_ms'], 'ms')}).",
        f"- Save at 1,000 entries: {fmt(save_1000, 'ms')} "
        f"(goal < 100 ms: {verdict(save_1000 is not None and save_1000 < 100)}).",
        f"- Typing while ctrl+s saves into {store['startup_count']:,} entries: a key's echo took "
        f"{fmt(typing.get('echo_during_save_ms'), 'ms')} "
        f"(median; slowest {fmt(typing.get('max_echo_during_save_ms'), 'ms')}) "
        f"against {fmt(typing.get('idle_echo_ms'), 'ms')} with no save running; the save showed "
        f"\"Saved\" after {fmt(typing.get('save_seen_ms'), 'ms')}.",
    ]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="fewer runs and sizes (about a minute)")
    parser.add_argument("--json", metavar="FILE", help="also write all figures as JSON")
    args = parser.parse_args(argv)

    import importlib.util

    log_screen = importlib.util.find_spec("powerdeck.tui.screens.log.log_screen") is not None
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="powerdeck-bench-") as tmp:
        root = Path(tmp)
        print("first paint rounds...", file=sys.stderr)
        paint = paint_rounds(3 if args.quick else 7, root)
        print("interaction runs...", file=sys.stderr)
        ui = interaction_runs(1 if args.quick else 3, root, log_screen)
        print("log store...", file=sys.stderr)
        store = store_rounds([100, 1000] if args.quick else [100, 1000, 10000], root, log_screen,
                             1 if args.quick else 3)
    wall = time.monotonic() - started
    m = machine()
    print(report(m, paint, ui, store, log_screen, wall))
    if args.json:
        Path(args.json).write_text(json.dumps({"machine": m, "paint": paint, "ui": ui,
                                               "store": {str(k): v for k, v in store.items()}}, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
