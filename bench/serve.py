#!/usr/bin/env python3
"""`powerdeck serve` figures, beside a cold `powerdeck` start in the same run.

    .venv/bin/python bench/serve.py             # about a minute; Markdown on stdout
    .venv/bin/python bench/serve.py --json F    # also every figure to F
    .venv/bin/python bench/serve.py --load      # a server leaned on: echo during exports, 40
                                                # active sessions, 30 connecting (serve_load.py)

- first screen: asyncssh's client opens a session with a pty (80x24, xterm-256color) on a
  connection that has already logged in; time from the session request to the screen showing
  the first card and the footer (read through pyte), sequentially, median and worst;
- 30 at once: 30 clients connect, log in and open a session at the same moment; time until the
  last of them shows its first screen (and the same with the logins done beforehand);
- memory: PSS (/proc/PID/smaps_rollup) of the 30 idle session apps, the prepared process and the
  server, summed;
- cold: the installed `powerdeck` started in a local pty, time to its first screen, same run.

The machine is small and shared: the load average at the start and end is printed with the figures.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT / "src"))

import asyncssh  # noqa: E402
import pyte  # noqa: E402

from pty_harness import PtyApp, base_env, powerdeck_command  # noqa: E402
from serve_harness import ServeServer  # noqa: E402

FIRST_CARD = "1.1  Changing your perspective"
PEOPLE = 30


def painted(screen: pyte.Screen) -> bool:
    lines = screen.display
    return any(FIRST_CARD in line for line in lines) and "Quit" in lines[-1]


async def open_session(port: int, key: asyncssh.SSHKey, conn: Any = None,
                       arrivals: list[float] | None = None) -> tuple[Any, Any, float, float]:
    """(connection, process, seconds from session request to first screen, seconds incl. login).

    `arrivals` gets the seconds from the session request to the moment the bytes that complete
    the first screen arrived: the figure without this client's own parsing of them (pyte takes
    ~2 us a byte, ~10 ms of a 5.4 KB first screen here, where a terminal takes well under 1 ms)."""
    start = time.monotonic()
    if conn is None:
        conn = await asyncssh.connect("127.0.0.1", port, client_keys=[key], known_hosts=None, username="x",
                                      agent_path=None, preferred_auth="publickey")
    opened = time.monotonic()
    process = await conn.create_process(term_type="xterm-256color", term_size=(80, 24), encoding=None)
    screen = pyte.Screen(80, 24)
    stream = pyte.ByteStream(screen)
    while not painted(screen):
        data = await asyncio.wait_for(process.stdout.read(65536), 30)
        arrived = time.monotonic()
        if not data:
            raise RuntimeError("session ended before its first screen")
        stream.feed(data)
    done = time.monotonic()
    if arrivals is not None:
        arrivals.append(arrived - opened)
    # keep reading (and dropping) so an idle session never blocks on a full channel
    async def drain() -> None:
        while await process.stdout.read(65536):
            pass

    asyncio.get_running_loop().create_task(drain())
    return conn, process, done - opened, done - start


def cpu_seconds(pid: int) -> float:
    """User + system CPU time a process has used: what it cost, whatever the machine's load."""
    try:
        raw = Path(f"/proc/{pid}/stat").read_bytes()
    except OSError:
        return 0.0
    fields = raw[raw.rfind(b")") + 2:].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def pss_kib(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith("Pss:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def cold_start(runs: int) -> list[float]:
    times = []
    for _ in range(runs):
        with tempfile.TemporaryDirectory() as data:
            env = base_env("xterm-256color", SSH_CONNECTION="127.0.0.1 50000 127.0.0.1 22")
            app = PtyApp([*powerdeck_command(), "--data", data], env, cols=80, rows=24)
            try:
                app.wait_for(lambda s: FIRST_CARD in s and "Quit" in s.splitlines()[-1], timeout=60)
                times.append(time.monotonic() - app.t0)
            finally:
                app.close()
    return times


async def measure(server: ServeServer, keys: list[asyncssh.SSHKey], runs: int) -> dict[str, Any]:
    figures: dict[str, Any] = {}
    # first screen, one at a time, on a connection that has logged in
    conn = await asyncssh.connect("127.0.0.1", server.port, client_keys=[keys[0]], known_hosts=None,
                                  username="x", agent_path=None, preferred_auth="publickey")
    firsts: list[float] = []
    arrivals: list[float] = []
    for _ in range(runs):
        _, process, first, _ = await open_session(server.port, keys[0], conn, arrivals)
        firsts.append(first)
        process.stdin.write(b"\x11")
        await process.wait_closed()
    conn.close()
    figures["first_screen_ms"] = {"median": statistics.median(firsts) * 1000, "max": max(firsts) * 1000}
    figures["first_screen_bytes_arrived_ms"] = {"median": statistics.median(arrivals) * 1000,
                                                "max": max(arrivals) * 1000}

    # 30 people, logins done, all open a session at once
    conns = await asyncio.gather(*(
        asyncssh.connect("127.0.0.1", server.port, client_keys=[key], known_hosts=None, username="x",
                         agent_path=None, preferred_auth="publickey") for key in keys[:PEOPLE]))
    server_pids = _server_side(server)
    server_cpu = sum(cpu_seconds(pid) for pid in server_pids)
    client_cpu = time.process_time()
    start = time.monotonic()
    burst_arrivals: list[float] = []
    sessions = await asyncio.gather(*(open_session(server.port, key, c, burst_arrivals)
                                      for key, c in zip(keys, conns, strict=False)))
    figures["30_sessions_at_once_all_painted_ms"] = (time.monotonic() - start) * 1000
    # Where the machine's two cores went during the burst, besides the 30 apps themselves.
    figures["30_at_once_client_cpu_ms"] = (time.process_time() - client_cpu) * 1000
    figures["30_at_once_server_cpu_ms"] = (sum(cpu_seconds(pid) for pid in server_pids) - server_cpu) * 1000
    figures["30_at_once_last_bytes_arrived_ms"] = max(burst_arrivals) * 1000
    figures["30_at_once_median_person_ms"] = statistics.median(first for _, _, first, _ in sessions) * 1000
    await asyncio.sleep(3.0)  # idle: first-paint work done, timers settled
    pids = [int(pid) for pid in re.findall(r"started \(pid (\d+)", server.log_text())]
    live = [pid for pid in pids if Path(f"/proc/{pid}").exists()][-PEOPLE:]
    apps = [pss_kib(pid) for pid in live]
    zygotes = [int(p) for p in os.listdir("/proc") if p.isdigit() and server.proc
               and _parent(int(p)) == server.proc.pid]
    cpu = [cpu_seconds(pid) for pid in live]
    figures["cpu_per_session_to_idle_ms"] = statistics.mean(cpu) * 1000 if cpu else 0
    figures["30_sessions_cpu_over_all_cores_ms"] = sum(cpu) / (os.cpu_count() or 1) * 1000
    figures["pss_30_idle_sessions_mib"] = sum(apps) / 1024
    figures["pss_per_session_mib"] = statistics.mean(apps) / 1024 if apps else 0
    figures["pss_server_and_prepared_mib"] = (pss_kib(server.proc.pid if server.proc else 0)
                                              + sum(pss_kib(p) for p in zygotes)) / 1024
    figures["sessions_measured"] = len(apps)
    for _c, process, _, _ in sessions:
        process.stdin.write(b"\x11")
    for c, process, _, _ in sessions:
        await process.wait_closed()
        c.close()
    for c in conns:
        c.close()

    # 30 people connecting (TCP, key exchange, login) and opening a session at the same moment
    start = time.monotonic()
    sessions = await asyncio.gather(*(open_session(server.port, key) for key in keys[:PEOPLE]))
    figures["30_connecting_at_once_all_painted_ms"] = (time.monotonic() - start) * 1000
    for _c, process, _, _ in sessions:
        process.stdin.write(b"\x11")
    for c, process, _, _ in sessions:
        await process.wait_closed()
        c.close()
    return figures


def _server_side(server: ServeServer) -> list[int]:
    """The server's process and its prepared process (the sessions' apps are counted apart)."""
    if server.proc is None:
        return []
    server_pid = server.proc.pid
    return [server_pid, *(int(p) for p in os.listdir("/proc") if p.isdigit() and _parent(int(p)) == server_pid)]


def _parent(pid: int) -> int:
    try:
        raw = Path(f"/proc/{pid}/stat").read_bytes()
    except OSError:
        return -1
    return int(raw[raw.rfind(b")") + 2:].split()[1])


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--json", metavar="FILE")
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--load", action="store_true",
                        help="instead: the figures of a server leaned on (bench/serve_load.py, a few minutes)")
    args = parser.parse_args()
    if args.load:
        from serve_load import print_load, run_load

        with tempfile.TemporaryDirectory() as keys_dir:
            load = run_load(Path(keys_dir))
        load["load_average"] = os.getloadavg()[0]
        print_load(load)
        print(f"\nload average (1 min) at the end: {load['load_average']:.1f} on {os.cpu_count()} CPUs; "
              f"server ran as {load['server_ran_as']}")
        if args.json:
            Path(args.json).write_text(json.dumps(load, indent=2))
        return 0
    load_before = os.getloadavg()
    keys = [asyncssh.generate_private_key("ssh-ed25519") for _ in range(PEOPLE)]
    figures: dict[str, Any] = {}
    with tempfile.TemporaryDirectory() as keys_dir, \
            ServeServer(Path(keys_dir)) as server:  # the default limits: a burst of 30 is no flood
        from powerdeck.serve.users import UsersFile, key_string

        users = UsersFile(server.state)
        for number, key in enumerate(keys):
            users.add(f"person{number:02d}", key_string(key))
        if server.user is not None:
            for path in server.state.iterdir():
                os.chown(path, server.user.pw_uid, server.user.pw_gid)
        figures.update(asyncio.run(measure(server, keys, args.runs)))
        figures["server_ran_as"] = "throwaway user" if server.as_user else "root (test escape hatch)"
    cold = cold_start(max(3, args.runs // 2))
    figures["cold_powerdeck_first_screen_ms"] = {"median": statistics.median(cold) * 1000, "max": max(cold) * 1000}
    figures["load_average_before_after"] = [load_before[0], os.getloadavg()[0]]
    figures["cpus"] = os.cpu_count()

    first = figures["first_screen_ms"]
    cold_ms = figures["cold_powerdeck_first_screen_ms"]
    print("| figure | value |\n|---|---|")
    print(f"| first screen after the session opens (median / worst of {args.runs}) | "
          f"{first['median']:.0f} / {first['max']:.0f} ms |")
    arrived = figures["first_screen_bytes_arrived_ms"]
    print(f"| the same, to the arrival of its last bytes (without this client's pyte parsing) | "
          f"{arrived['median']:.0f} / {arrived['max']:.0f} ms |")
    print(f"| cold `powerdeck` start, local pty (median / worst) | {cold_ms['median']:.0f} / {cold_ms['max']:.0f} ms |")
    print(f"| 30 sessions opened at once (logged in): all painted | "
          f"{figures['30_sessions_at_once_all_painted_ms']:.0f} ms |")
    print(f"| the same, to the arrival of the last session's last bytes | "
          f"{figures['30_at_once_last_bytes_arrived_ms']:.0f} ms |")
    print(f"| the same, the median person's first screen | {figures['30_at_once_median_person_ms']:.0f} ms |")
    print(f"| CPU meanwhile: the server and its prepared process / this client (asyncssh, pyte) | "
          f"{figures['30_at_once_server_cpu_ms']:.0f} / {figures['30_at_once_client_cpu_ms']:.0f} ms |")
    print(f"| 30 people connecting at once (incl. key exchange, login): all painted | "
          f"{figures['30_connecting_at_once_all_painted_ms']:.0f} ms |")
    print(f"| CPU per session, session start to idle (less load-dependent than wall time) | "
          f"{figures['cpu_per_session_to_idle_ms']:.0f} ms |")
    print(f"| 30 sessions' CPU spread over {figures['cpus']} cores (floor for 'all painted', idle machine) | "
          f"{figures['30_sessions_cpu_over_all_cores_ms']:.0f} ms |")
    print(f"| PSS of 30 idle sessions ({figures['sessions_measured']} measured) | "
          f"{figures['pss_30_idle_sessions_mib']:.0f} MiB ({figures['pss_per_session_mib']:.1f} MiB each) |")
    print(f"| PSS of the server and the prepared process | {figures['pss_server_and_prepared_mib']:.0f} MiB |")
    print(f"| load average (1 min) before / after, {figures['cpus']} CPUs | "
          f"{figures['load_average_before_after'][0]:.1f} / {figures['load_average_before_after'][1]:.1f} |")
    print(f"| server ran as | {figures['server_ran_as']} |")
    if args.json:
        Path(args.json).write_text(json.dumps(figures, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
