#!/usr/bin/env python3
"""The floor for a served session's memory: a bare Textual app forked from a warmed parent.

    .venv/bin/python bench/floor_fork.py 4        # 4 children at once; PSS and private memory each

As `powerdeck serve` does for sessions (serve/session.py), this process imports Textual, runs the
floor app (bench/floor_app.py: a Static and a Footer) once headless, collects and freezes, then
forks children that each run the floor app on a pty of their own (80x24, xterm-256color) until it
is idle. A child's private memory is what Textual alone copies on write to draw one screen: the
part of a served session's memory that no code of ours can avoid on CPython 3.11.
"""

from __future__ import annotations

import fcntl
import gc
import os
import select
import statistics
import struct
import sys
import termios
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
os.environ["TERM"] = "xterm-256color"

from floor_app import HelloFloor


def rollup(pid: int, field: str) -> int:
    for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    return 0


def warm_up() -> None:
    async def walk(pilot: Any) -> None:
        await pilot.pause()
        await pilot.press("tab")
        await pilot.pause()
        pilot.app.exit()

    HelloFloor().run(headless=True, size=(80, 24), auto_pilot=walk)
    gc.collect()
    gc.freeze()


def fork_floor() -> tuple[int, int]:
    master, slave = os.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 80, 0, 0))
    pid = os.fork()
    if pid:
        os.close(slave)
        return pid, master
    try:
        os.setsid()
        fcntl.ioctl(slave, termios.TIOCSCTTY, 0)
        for target in (0, 1, 2):
            os.dup2(slave, target)
        os.close(master)
        gc.disable()  # as a session does until its first frame
        HelloFloor().run()
    finally:
        os._exit(0)


def main() -> int:
    people = int(sys.argv[1]) if len(sys.argv) > 1 else 4
    warm_up()
    children = [fork_floor() for _ in range(people)]
    masters = [master for _, master in children]
    deadline = time.monotonic() + 4.0  # painted and idle
    while time.monotonic() < deadline:
        readable, _, _ = select.select(masters, [], [], 0.05)
        for fd in readable:
            os.read(fd, 65536)
    pss = [rollup(pid, "Pss") / 1024 for pid, _ in children]
    private = [rollup(pid, "Private_Dirty") / 1024 for pid, _ in children]
    print(f"{people} bare Textual apps forked from a warmed parent, idle: PSS {statistics.mean(pss):.1f} MiB each, "
          f"private {statistics.mean(private):.1f} MiB each")
    for pid, master in children:
        os.kill(pid, 9)
        os.waitpid(pid, 0)
        os.close(master)
    return 0


if __name__ == "__main__":
    sys.exit(main())
