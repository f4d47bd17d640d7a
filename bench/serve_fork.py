#!/usr/bin/env python3
"""What a forked session costs, without SSH: the prepared process's steps, then forks on ptys.

    .venv/bin/python bench/serve_fork.py cpu 15           # CPU and wall time, fork -> first frame
    .venv/bin/python bench/serve_fork.py profile F.prof   # cProfile of one child to its first frame
    .venv/bin/python bench/serve_fork.py idle 30          # 30 children at once, PSS once idle

This process does what `powerdeck.serve.session.zygote_main` does before its first fork
(`session.prepare`), then forks children that run `session.run_child` on a pty of their own
(80x24, xterm-256color), exactly as the zygote does, minus the socket. A child notes its CPU
time (user + system, which start at zero in a fork) when its first frame is written, the moment
`PowerDeckApp.collect_after_first_paint` runs. The figures are less noisy than bench/serve.py's
wall times on a shared machine, and a profile shows where a session's CPU goes. The CPU spent
parsing CSS (Textual's Stylesheet.parse and reparse) is given on its own.

`THEME=NAME` in the environment gives every child's log that theme (a person's own choice);
`SRC=DIR` runs another tree's src/ (a baseline) in place of this one.
"""

from __future__ import annotations

import fcntl
import json
import os
import resource
import select
import statistics
import struct
import subprocess
import sys
import tempfile
import termios
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
SRC = os.environ.get("SRC") or str(ROOT / "src")  # another tree's src/, to compare two in one run
sys.path.insert(0, SRC)

from powerdeck.serve import session  # noqa: E402


def pss_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
        if line.startswith("Pss:"):
            return int(line.split()[1])
    return 0


def cpu_ms(pid: int) -> float:
    raw = Path(f"/proc/{pid}/stat").read_bytes()
    fields = raw[raw.rfind(b")") + 2:].split()
    return (int(fields[11]) + int(fields[12])) * 1000 / os.sysconf("SC_CLK_TCK")


def private_dirty_by_map(pid: int) -> dict[str, int]:
    maps: dict[str, int] = {}
    current = ""
    for line in Path(f"/proc/{pid}/smaps").read_text().splitlines():
        if line[:1] in "0123456789abcdef" and "-" in line.split()[0]:
            current = line.split()[0]
        elif line.startswith("Private_Dirty:"):
            maps[current] = maps.get(current, 0) + int(line.split()[1])
    return maps


def timed_parse(method: Any, totals: list[float]) -> Any:
    """`method`, adding its CPU time to totals[0]; the outermost call only (totals is the depth)."""
    def timed(self: Any) -> None:
        start = time.process_time()
        totals.append(0.0)
        outermost = len(totals) == 2
        try:
            method(self)
        finally:
            totals.pop()
            if outermost:
                totals[0] += time.process_time() - start
    return timed


def fork_child(folder: Path, report_fd: int, *, profile: str | None, stay: bool) -> tuple[int, int]:
    """(pid, pty master) of a child running one session; it writes its figures to `report_fd`."""
    master, slave = os.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 80, 0, 0))
    started = time.monotonic()
    pid = os.fork()
    if pid:
        os.close(slave)
        return pid, master
    status = 70
    try:
        os.close(master)
        from powerdeck.tui.app import PowerDeckApp

        profiler = None
        if profile:
            import cProfile

            profiler = cProfile.Profile()
            profiler.enable()
        from textual.css.stylesheet import Stylesheet

        css_seconds = [0.0]
        for name in ("parse", "reparse"):  # the CSS parse timed on its own (a reparse's parse once)
            setattr(Stylesheet, name, timed_parse(getattr(Stylesheet, name), css_seconds))
        original = PowerDeckApp.collect_after_first_paint
        done = []

        def first_frame(app: Any) -> None:
            if not done:
                done.append(True)
                cpu = resource.getrusage(resource.RUSAGE_SELF)
                if profiler is not None:
                    profiler.disable()
                    profiler.dump_stats(profile)
                os.write(report_fd, json.dumps({"cpu_ms": (cpu.ru_utime + cpu.ru_stime) * 1000,
                                                "wall_ms": (time.monotonic() - started) * 1000,
                                                "css_ms": css_seconds[0] * 1000}).encode() + b"\n")
                if not stay:
                    os._exit(0)
            original(app)

        PowerDeckApp.collect_after_first_paint = first_frame  # type: ignore[method-assign]
        request = {"name": "bench", "folder": str(folder), "term": "xterm-256color",
                   "settings": {}, "ssh": "127.0.0.1 50000 127.0.0.1 2222"}
        status = session.run_child(request, slave, DECK)
    finally:
        os._exit(status)


def drain(masters: list[int]) -> None:
    readable, _, _ = select.select(masters, [], [], 0.05)
    for fd in readable:
        try:
            os.read(fd, 65536)
        except OSError:
            masters.remove(fd)


def make_folders(base: Path, people: int) -> list[Path]:
    """Each person's folder with a log already in it (a returning person), in a process of its own
    so that this one, the prepared process, holds nothing a session would not."""
    folders = [base / f"person{number:02d}" for number in range(people)]
    script = ("import sys\nfrom powerdeck.store.log import Log\nfor folder in sys.argv[2:]:\n"
              "    log = Log.open(folder)\n    log.set_state('theme', sys.argv[1]) if sys.argv[1] else None\n"
              "    log.close()\n")
    subprocess.run([sys.executable, "-c", script, os.environ.get("THEME", ""), *map(str, folders)], check=True,
                   env=dict(os.environ, PYTHONPATH=SRC))
    return folders


def main() -> int:
    global DECK
    mode, arg = sys.argv[1], sys.argv[2]
    reader, writer = os.pipe()
    figures: list[dict[str, float]] = []
    with tempfile.TemporaryDirectory() as tmp:
        folders = make_folders(Path(tmp), int(arg) if mode != "profile" else 1)
        DECK = session.prepare(None)
        if mode in ("cpu", "profile"):
            runs = int(arg) if mode == "cpu" else 1
            for number in range(runs):
                pid, master = fork_child(folders[number], writer,
                                         profile=arg if mode == "profile" else None, stay=False)
                masters = [master]
                while not select.select([reader], [], [], 0)[0]:
                    drain(masters)
                figures.append(json.loads(os.read(reader, 4096)))
                os.waitpid(pid, 0)
                os.close(master)
            cpu = [f["cpu_ms"] for f in figures]
            wall = [f["wall_ms"] for f in figures]
            css = [f["css_ms"] for f in figures]
            print(f"fork -> first frame, {runs} runs: CPU median {statistics.median(cpu):.0f} ms "
                  f"(min {min(cpu):.0f}, max {max(cpu):.0f}), of which parsing CSS {statistics.median(css):.1f} ms; "
                  f"wall median {statistics.median(wall):.0f} ms")
        elif mode == "idle":
            people = int(arg)
            children = [fork_child(folders[number], writer, profile=None, stay=True)
                        for number in range(people)]
            masters = [master for _, master in children]
            lines = b""
            while lines.count(b"\n") < people:
                drain(masters)
                if select.select([reader], [], [], 0)[0]:
                    lines += os.read(reader, 65536)
            deadline = time.monotonic() + 3.0  # idle: timers settled
            while time.monotonic() < deadline:
                drain(masters)
            pss = [pss_kib(pid) for pid, _ in children]
            idle_cpu = [cpu_ms(pid) for pid, _ in children]
            cpu = [json.loads(line)["cpu_ms"] for line in lines.splitlines()]
            print(f"{people} idle sessions: PSS {sum(pss) / 1024:.0f} MiB ({statistics.mean(pss) / 1024:.1f} each), "
                  f"prepared process {pss_kib(os.getpid()) / 1024:.0f} MiB; "
                  f"CPU to first frame median {statistics.median(cpu):.0f} ms, "
                  f"to idle {statistics.median(idle_cpu):.0f} ms")
            if os.environ.get("DETAIL"):  # where one child's memory is: its rollup and largest private maps
                first = children[0][0]
                print(Path(f"/proc/{first}/smaps_rollup").read_text())
                os.system(f"awk '/^[0-9a-f]+-/{{name=$6}} /^Private_Dirty/{{d[name]+=$2}} "
                          f"END{{for(n in d) print d[n], n}}' /proc/{first}/smaps | sort -rn | head -8")
                inherited = set(private_dirty_by_map(os.getpid()))
                mine = private_dirty_by_map(first)
                print(f"child's private dirty: {sum(v for k, v in mine.items() if k in inherited) / 1024:.1f} MiB "
                      f"in maps the prepared process has (copied on write), "
                      f"{sum(v for k, v in mine.items() if k not in inherited) / 1024:.1f} MiB in maps of its own")
            for pid, _master in children:
                os.kill(pid, 15)
            for pid, master in children:
                os.waitpid(pid, 0)
                os.close(master)
    return 0


DECK: Any = None

if __name__ == "__main__":
    sys.exit(main())
