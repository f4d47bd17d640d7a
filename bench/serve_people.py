#!/usr/bin/env python3
"""How `powerdeck serve` grows with people at once: 1, 10, 30 and 60, with the server's defaults.

    .venv/bin/python bench/serve_people.py                  # about 3 minutes; Markdown on stdout
    .venv/bin/python bench/serve_people.py --people 1,30 --json F
    .venv/bin/python bench/serve_people.py --server-args "--max-logins 60"

For each number of people, a fresh server (tests/serve_harness.py: 127.0.0.1, a throwaway user
when run as root) with its default limits (--max-sessions is raised to the number of people when
it is below it, since refusing the rest is what that limit is for, and so is the cap on logins
from one address, since all these clients come from 127.0.0.1), and that many asyncssh clients:

1. all connect (TCP, key exchange, public-key login) and open a session with a pty at the same
   moment: the time until the last of them shows its first screen, and how many got in;
2. every session is then used as a person would: the review log (L), a search key, back, the
   form (enter), a draft typed and left to autosave, escape; then each person exports their log
   through `ssh HOST export --format docx` (the server's own exec request), all at once;
3. memory after that: PSS of each session's app (the apps are forked from the prepared process
   and share its pages), and of the server's own process and of the prepared process, with the
   server's RSS (what it keeps after the exports).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import re
import shlex
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

import asyncssh  # noqa: E402
from serve import _parent, open_session, pss_kib  # noqa: E402

from serve_harness import ServeServer  # noqa: E402

PEOPLE = [1, 10, 30, 60]
DEFAULT_MAX_SESSIONS = 50
PER_ADDRESS = 40
"""The server's default logins at once from one address: every client here comes from 127.0.0.1,
where a team comes from many addresses, so it is raised to the number of people."""


def rss_kib(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


async def connect_and_open(port: int, key: asyncssh.SSHKey) -> tuple[Any, Any] | None:
    try:
        conn, process, _, _ = await open_session(port, key)
    except (OSError, asyncssh.Error, RuntimeError, asyncio.TimeoutError):
        return None
    return conn, process


async def use(process: Any, number: int) -> None:
    """What a person does in a session (keys with pauses; the screen is drained by open_session)."""
    steps: list[tuple[bytes, float]] = [
        (b"L", 1.0), (b"/", 0.3), (b"a", 0.5), (b"\x1b", 0.3), (b"\x1b", 0.8),  # the log, a search, back
        (b"\r", 0.8), (f"draft of person {number}".encode(), 1.6), (b"\x1b", 0.5),  # a draft, autosaved
    ]
    for data, pause in steps:
        process.stdin.write(data)
        await asyncio.sleep(pause)


async def export(port: int, key: asyncssh.SSHKey) -> int:
    try:
        async with asyncssh.connect("127.0.0.1", port, client_keys=[key], known_hosts=None, username="x",
                                    agent_path=None, preferred_auth="publickey") as conn:
            done = await conn.run("export --format docx", encoding=None, timeout=120)
            return len(done.stdout or b"")
    except (OSError, asyncssh.Error, asyncio.TimeoutError):
        return -1


async def measure(server: ServeServer, keys: list[asyncssh.SSHKey], people: int) -> dict[str, Any]:
    figures: dict[str, Any] = {"people": people}
    start = time.monotonic()
    opened = await asyncio.gather(*(connect_and_open(server.port, key) for key in keys[:people]))
    sessions = [found for found in opened if found is not None]
    figures["all_on_screen_ms"] = (time.monotonic() - start) * 1000
    figures["got_in"] = len(sessions)
    await asyncio.gather(*(use(process, n) for n, (_, process) in enumerate(sessions)))
    start = time.monotonic()
    sizes = await asyncio.gather(*(export(server.port, key) for key in keys[:len(sessions)]))
    figures["exports_all_done_ms"] = (time.monotonic() - start) * 1000
    figures["exports_ok"] = sum(1 for size in sizes if size > 0)
    await asyncio.sleep(3.0)  # idle: autosaves and timers settled
    pids = [int(pid) for pid in re.findall(r"started \(pid (\d+)", server.log_text())]
    live = [pid for pid in pids if Path(f"/proc/{pid}").exists()]
    apps = [pss_kib(pid) for pid in live]
    if os.environ.get("DETAIL") and live:  # where one session's memory is: its largest private maps
        from serve_fork import private_dirty_by_map

        rollup = Path(f"/proc/{live[0]}/smaps_rollup").read_text()
        print("".join(line + "\n" for line in rollup.splitlines() if line.startswith(("Pss", "Private", "Shared"))),
              file=sys.stderr)
        from cow_pages import split

        print(split(live[0], _parent(live[0])), file=sys.stderr)
        zygote_maps = Path(f"/proc/{_parent(live[0])}/maps").read_text().splitlines()
        zygote = [tuple(int(x, 16) for x in line.split()[0].split("-")) for line in zygote_maps]
        for name, kib in sorted(private_dirty_by_map(live[0]).items(), key=lambda item: -item[1])[:10]:
            start = int(name.split("-")[0], 16) if "-" in name and " " not in name else None
            inherited = start is None or any(low <= start < high for low, high in zygote)
            print(f"{kib:>8} KiB private dirty  {name or '[anonymous]'}"
                  f"  {'(the prepared process has it)' if inherited else '(its own)'}", file=sys.stderr)
    server_pid = server.proc.pid if server.proc else 0
    prepared = [int(p) for p in os.listdir("/proc") if p.isdigit() and _parent(int(p)) == server_pid
                and int(p) not in live]
    figures["session_pss_mib"] = {"median": statistics.median(apps) / 1024, "max": max(apps) / 1024} if apps else {}
    figures["sessions_pss_total_mib"] = sum(apps) / 1024
    figures["server_pss_mib"] = pss_kib(server_pid) / 1024
    figures["server_rss_mib"] = rss_kib(server_pid) / 1024
    figures["prepared_pss_mib"] = sum(pss_kib(p) for p in prepared) / 1024
    figures["total_pss_mib"] = (figures["sessions_pss_total_mib"] + figures["server_pss_mib"]
                                + figures["prepared_pss_mib"])
    for _, process in sessions:
        process.stdin.write(b"\x11")
    for conn, process in sessions:
        try:
            await asyncio.wait_for(process.wait_closed(), 20)
        except asyncio.TimeoutError:
            pass
        conn.close()
    return figures


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--people", default=",".join(map(str, PEOPLE)))
    parser.add_argument("--server-args", default="", help="extra `powerdeck serve` options, quoted")
    parser.add_argument("--json", metavar="FILE")
    args = parser.parse_args(argv)
    counts = [int(n) for n in args.people.split(",")]
    keys = [asyncssh.generate_private_key("ssh-ed25519") for _ in range(max(counts))]
    results = []
    load = [os.getloadavg()[0]]
    for people in counts:
        extra = shlex.split(args.server_args)
        if people > DEFAULT_MAX_SESSIONS and "--max-sessions" not in extra:
            extra += ["--max-sessions", str(people)]
        if people > PER_ADDRESS and "--max-logins-per-address" not in extra:
            extra += ["--max-logins-per-address", str(people)]  # every client here is 127.0.0.1
        with tempfile.TemporaryDirectory() as keys_dir, ServeServer(Path(keys_dir), *extra) as server:
            from powerdeck.serve.users import UsersFile, key_string

            users = UsersFile(server.state)
            for number, key in enumerate(keys[:people]):
                users.add(f"person{number:02d}", key_string(key))
            if server.user is not None:
                for path in server.state.iterdir():
                    os.chown(path, server.user.pw_uid, server.user.pw_gid)
            print(f"{people} people...", file=sys.stderr)
            got = asyncio.run(measure(server, keys, people))
            got["server_args"] = extra
            results.append(got)
    load.append(os.getloadavg()[0])
    print(f"Load average (1 min) before / after: {load[0]:.1f} / {load[1]:.1f}; {os.cpu_count()} CPUs.\n")
    print("| people at once | all on screen | got in | exports (all done) | PSS per session (median / max) | "
          "sessions' PSS | server PSS / RSS | prepared process PSS | total PSS |")
    print("|---|---|---|---|---|---|---|---|---|")
    for got in results:
        per = got["session_pss_mib"]
        per_text = f"{per['median']:.1f} / {per['max']:.1f} MiB" if per else "-"
        print(f"| {got['people']} | {got['all_on_screen_ms'] / 1000:.2f} s | {got['got_in']} | "
              f"{got['exports_ok']} in {got['exports_all_done_ms'] / 1000:.1f} s | {per_text} | "
              f"{got['sessions_pss_total_mib']:.0f} MiB | "
              f"{got['server_pss_mib']:.0f} / {got['server_rss_mib']:.0f} MiB | "
              f"{got['prepared_pss_mib']:.0f} MiB | {got['total_pss_mib']:.0f} MiB |")
    if args.json:
        Path(args.json).write_text(json.dumps({"load": load, "results": results}, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
