#!/usr/bin/env python3
"""A plain paste (no bracketed paste) into powerdeck's Action field, beside a bare TextArea.

    .venv/bin/python bench/paste.py                  # 10, 20 and 50 KB, Markdown table on stdout
    .venv/bin/python bench/paste.py --sizes 10 --runs 1
    .venv/bin/python bench/paste.py --json F         # also write every figure to F

A terminal without bracketed paste (or one where it is off: PuTTY's default, tmux without
`set -g assume-paste-time`, a paste through `screen`) sends the pasted text to the pty as if it
were typed: raw bytes, newlines as carriage returns, in chunks of a few KB as fast as the pty
takes them. Textual then reads it as one key event per character. This bench does that: lines of
about 70 characters joined by "\\r", written in 4 KB chunks, ending in a marker; the time is from
the first byte written to the marker on screen (pyte plays the terminal, tests/pty_harness.py).

The floor (bench/paste_floor.py: a focused, soft-wrapped Textual TextArea and a Footer) runs in the
same rounds as powerdeck, interleaved: absolute times on a shared machine drift, ratios hold.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT / "bench"))

from run import COLS, POWERDECK_TEXT, ROWS, env  # noqa: E402

from pty_harness import PtyApp, powerdeck_command  # noqa: E402

FLOOR = [sys.executable, str(ROOT / "bench" / "paste_floor.py")]
MARKER = "ZZEND"
CHUNK = 4096
WORDS = [
    "we", "asked", "the", "team", "what", "they", "would", "change", "first", "and", "then", "we",
    "listened", "to", "the", "answers", "before", "deciding", "anything", "about", "the", "rota",
    "or", "the", "meeting", "or", "who", "speaks",
]


def paste_text(kilobytes: int) -> str:
    """About `kilobytes` KB of prose: lines of about 70 characters, newline-separated."""
    size = kilobytes * 1024 - len(MARKER)
    lines, line, total, i = [], [], 0, 0
    while total < size:
        word = WORDS[i % len(WORDS)]
        i += 1
        line.append(word)
        total += len(word) + 1
        if sum(len(w) + 1 for w in line) > 70:
            lines.append(" ".join(line))
            line = []
    lines.append(" ".join(line) + MARKER)
    return "\n".join(lines)


def send_raw(app: PtyApp, text: str) -> float:
    """Write `text` as a terminal does a paste without bracketed paste: \\n as \\r, 4 KB chunks."""
    data = text.replace("\n", "\r").encode()
    first = time.monotonic()
    for start in range(0, len(data), CHUNK):
        app.send(data[start : start + CHUNK])
    return first


def one_paste(label: str, kilobytes: int, data_root: Path, timeout: float) -> float | None:
    """Seconds from the first byte to the marker on screen (None: not there within `timeout`)."""
    if label == "floor":
        app = PtyApp(FLOOR, env(), cols=COLS, rows=ROWS)
        app.wait_for("palette", timeout=60)
    else:
        data = Path(tempfile.mkdtemp(dir=data_root))
        app = PtyApp([*powerdeck_command(), "--data", str(data)], env(), cols=COLS, rows=ROWS)
        app.wait_for(POWERDECK_TEXT, timeout=60)
        app.wait_quiet(0.3)
        app.send("e")  # opens the editor, focus in Action
        app.wait_for("Done", timeout=15)
    app.wait_quiet(0.3)
    try:
        first = send_raw(app, paste_text(kilobytes))
        try:
            app.wait_for(MARKER, timeout=timeout)
        except AssertionError:
            return None
        return time.monotonic() - first
    finally:
        app.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10, 20, 50], help="KB to paste")
    parser.add_argument("--runs", type=int, default=2, help="rounds per size (median)")
    parser.add_argument("--timeout", type=float, default=300.0, help="give up on one paste after this")
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    figures: dict[str, dict[str, list[float | None]]] = {}
    with tempfile.TemporaryDirectory(prefix="paste-bench-") as root:
        for kilobytes in args.sizes:
            for round_ in range(args.runs):
                order = ["floor", "powerdeck"] if round_ % 2 else ["powerdeck", "floor"]
                for label in order:
                    seconds = one_paste(label, kilobytes, Path(root), args.timeout)
                    figures.setdefault(str(kilobytes), {}).setdefault(label, []).append(seconds)
                    print(f"# {kilobytes} KB {label}: {seconds}", file=sys.stderr)
    print("| paste | bare TextArea (s) | powerdeck (s) | powerdeck / bare |")
    print("|---|---|---|---|")
    for kilobytes, by_label in figures.items():
        medians = {}
        for label, values in by_label.items():
            done = [v for v in values if v is not None]
            medians[label] = statistics.median(done) if len(done) == len(values) else None
        floor, power = medians.get("floor"), medians.get("powerdeck")
        shown = [f"{v:.2f}" if v is not None else f"> {args.timeout:.0f}" for v in (floor, power)]
        ratio = f"{power / floor:.2f}" if floor and power else "-"
        print(f"| {kilobytes} KB | {shown[0]} | {shown[1]} | {ratio} |")
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2))


if __name__ == "__main__":
    main()
