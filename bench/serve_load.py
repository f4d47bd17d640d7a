"""`powerdeck serve` leaned on (issue 20), measured: run by `bench/serve.py --load`.

- echo: another person's keystroke echo (median, p90, max) while one person runs six parallel
  Word exports of a 20,000-entry log, and the same with nothing else running; the server
  process's peak memory (VmHWM) over the whole run;
- 40 active sessions: each opened the review log, typed a draft and exported (ssh ... export);
  the PSS of each app, of the server and its prepared process, and the server's RSS after it all;
- 30 people connecting (TCP, key exchange, login, session) at the same moment with the default
  limits, three runs: all on screen within how long, and whether anyone was refused.
"""

from __future__ import annotations

import asyncio
import os
import re
import statistics
import sys
import time
from pathlib import Path
from typing import Any

import asyncssh

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))

from export_cost import make_entries  # noqa: E402

from serve_harness import ServeServer  # noqa: E402

ECHO_KEYS = 80
EXPORTS = 6
LOG_ENTRIES = 20_000


def status_kib(pid: int, field: str) -> int:
    try:
        found = re.findall(rf"{field}:\s+(\d+)", Path(f"/proc/{pid}/status").read_text())
    except OSError:
        return 0
    return int(found[0]) if found else 0


def pss_kib(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith("Pss:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


async def login(port: int, key: Any) -> Any:
    return await asyncssh.connect("127.0.0.1", port, client_keys=[key], known_hosts=None, username="x",
                                  agent_path=None, preferred_auth="publickey")


async def first_screen(process: Any, text: bytes = b"Capability ", timeout: float = 60) -> bytes:
    seen = b""
    deadline = time.monotonic() + timeout
    while text not in seen:
        data = await asyncio.wait_for(process.stdout.read(65536), max(0.1, deadline - time.monotonic()))
        if not data:
            raise RuntimeError(f"session ended before {text!r}: {seen[-300:]!r}")
        seen += data
    return seen


def drain(process: Any) -> asyncio.Task[None]:
    async def reading() -> None:
        while await process.stdout.read(65536):
            pass

    return asyncio.get_running_loop().create_task(reading())


def seed_big_log(server: ServeServer, name: str, count: int) -> None:
    from powerdeck.store.log import Log

    folder = server.folder(name)
    (server.state / "people").mkdir(mode=0o700, exist_ok=True)
    with Log.open(folder) as log:
        log.import_entries(make_entries(count))
    if server.user is not None:
        for path in [server.state / "people", folder, *folder.iterdir()]:
            os.chown(path, server.user.pw_uid, server.user.pw_gid)


async def echo_times(process: Any, keys: int) -> list[float]:
    """Seconds from a letter sent to the first bytes that come back, one letter at a time."""
    times = []
    for n in range(keys):
        letter = "abcdefghij"[n % 10].encode()
        began = time.monotonic()
        process.stdin.write(letter)
        await asyncio.wait_for(process.stdout.read(65536), 30)
        times.append(time.monotonic() - began)
        await asyncio.sleep(0.05)
        while True:  # whatever else the frame sent
            try:
                await asyncio.wait_for(process.stdout.read(65536), 0.02)
            except asyncio.TimeoutError:
                break
    return times


def summary(times: list[float]) -> dict[str, float]:
    ordered = sorted(times)
    return {"median_ms": statistics.median(ordered) * 1000, "p90_ms": ordered[int(len(ordered) * 0.9)] * 1000,
            "max_ms": ordered[-1] * 1000, "keys": len(ordered)}


async def measure_echo(server: ServeServer, typist: Any, exporter: Any) -> dict[str, Any]:
    figures: dict[str, Any] = {}
    conn = await login(server.port, typist)
    process = await conn.create_process(term_type="xterm-256color", term_size=(80, 24), encoding=None)
    await first_screen(process)
    process.stdin.write(b"\r")  # write on the first card
    await asyncio.sleep(1.0)
    while True:
        try:
            await asyncio.wait_for(process.stdout.read(65536), 0.2)
        except asyncio.TimeoutError:
            break
    figures["echo_idle"] = summary(await echo_times(process, ECHO_KEYS // 2))
    assert server.proc is not None
    exporters = [await login(server.port, exporter) for _ in range(EXPORTS)]
    stop = asyncio.Event()
    done_exports: list[float] = []
    sizes: list[int] = []

    async def export_again(conn: Any) -> None:
        while not stop.is_set():
            began = time.monotonic()
            result = await conn.run("export --format docx", encoding=None)
            if result.exit_status != 0:
                raise RuntimeError(f"export failed: {result.stderr!r}")
            sizes.append(len(result.stdout))
            done_exports.append(time.monotonic() - began)

    rss_samples: list[int] = []

    async def sample() -> None:
        while not stop.is_set():
            rss_samples.append(status_kib(server.proc.pid, "VmRSS") if server.proc else 0)
            await asyncio.sleep(0.1)

    tasks = [asyncio.get_running_loop().create_task(export_again(c)) for c in exporters]
    sampler = asyncio.get_running_loop().create_task(sample())
    await asyncio.sleep(1.0)  # the exports are under way
    figures["echo_during_6_exports"] = summary(await echo_times(process, ECHO_KEYS))
    stop.set()
    await asyncio.gather(*tasks)
    await sampler
    figures["exports_finished"] = len(done_exports)
    figures["export_seconds_median"] = statistics.median(done_exports) if done_exports else 0.0
    figures["docx_bytes"] = max(sizes) if sizes else 0
    figures["server_rss_during_max_mib"] = max(rss_samples) / 1024
    figures["server_peak_mib"] = status_kib(server.proc.pid, "VmHWM") / 1024
    process.stdin.write(b"\x1b")
    await asyncio.sleep(0.3)
    process.stdin.write(b"\x11")
    await process.wait_closed()
    for c in [conn, *exporters]:
        c.close()
    return figures


async def measure_active(server: ServeServer, keys: list[Any]) -> dict[str, Any]:
    """Each person opens the review log, types a draft, and exports; then the memory is read."""
    conns = [await login(server.port, key) for key in keys]
    processes = []
    for conn in conns:
        process = await conn.create_process(term_type="xterm-256color", term_size=(80, 24), encoding=None)
        await first_screen(process)
        processes.append(process)
        drain(process)
    for process in processes:
        process.stdin.write(b"L")
    await asyncio.sleep(2.0)
    for process in processes:
        process.stdin.write(b"\x1b")
    await asyncio.sleep(1.0)
    for process in processes:
        process.stdin.write(b"\r")
    await asyncio.sleep(1.0)
    for process in processes:
        process.stdin.write(b"A draft typed by this person, kept until they come back")
    await asyncio.sleep(2.0)
    for conn in conns:  # each exports, a few at a time (the server's jobs take turns)
        result = await conn.run("export --format docx", encoding=None)
        if result.exit_status != 0:
            raise RuntimeError(f"export failed: {result.stderr!r}")
    await asyncio.sleep(3.0)
    pids = [int(pid) for pid in re.findall(r"started \(pid (\d+)", server.log_text())]
    live = [pid for pid in pids if Path(f"/proc/{pid}").exists()][-len(keys):]
    apps = [pss_kib(pid) for pid in live]
    assert server.proc is not None
    children = [int(p) for p in os.listdir("/proc") if p.isdigit() and _parent(int(p)) == server.proc.pid]
    figures = {
        "active_sessions": len(apps),
        "pss_per_active_session_mib": statistics.mean(apps) / 1024 if apps else 0.0,
        "pss_max_active_session_mib": max(apps) / 1024 if apps else 0.0,
        "pss_active_sessions_total_mib": sum(apps) / 1024,
        "pss_server_and_prepared_mib": (pss_kib(server.proc.pid) + sum(pss_kib(p) for p in children)) / 1024,
        "server_rss_after_exports_mib": status_kib(server.proc.pid, "VmRSS") / 1024,
    }
    for process in processes:
        process.stdin.write(b"\x1b")
    await asyncio.sleep(0.5)
    for process in processes:
        process.stdin.write(b"\x11")
    for process in processes:
        await process.wait_closed()
    for conn in conns:
        conn.close()
    return figures


async def measure_burst(server: ServeServer, keys: list[Any]) -> dict[str, Any]:
    """30 people connect and open a session at the same moment (the server's default limits)."""
    refused = 0

    async def one(key: Any) -> tuple[Any, Any] | None:
        nonlocal refused
        try:
            conn = await login(server.port, key)
            process = await conn.create_process(term_type="xterm-256color", term_size=(80, 24), encoding=None)
            await first_screen(process, b"Quit")
        except (asyncssh.Error, OSError, RuntimeError):
            refused += 1
            return None
        return conn, process

    began = time.monotonic()
    results = await asyncio.gather(*(one(key) for key in keys))
    elapsed = time.monotonic() - began
    for result in results:
        if result is not None:
            result[1].stdin.write(b"\x11")
    for result in results:
        if result is not None:
            await result[1].wait_closed()
            result[0].close()
    return {"all_on_screen_s": elapsed, "refused": refused}


def _parent(pid: int) -> int:
    try:
        raw = Path(f"/proc/{pid}/stat").read_bytes()
    except OSError:
        return -1
    return int(raw[raw.rfind(b")") + 2:].split()[1])


def run_load(keys_dir: Path, people: int = 40) -> dict[str, Any]:
    """Every figure above, on one server with the default limits."""
    from powerdeck.serve.users import UsersFile, key_string

    keys = [asyncssh.generate_private_key("ssh-ed25519") for _ in range(people + 2)]
    figures: dict[str, Any] = {}
    with ServeServer(keys_dir) as server:
        users = UsersFile(server.state)
        for number, key in enumerate(keys):
            users.add(f"person{number:02d}", key_string(key))
        seed_big_log(server, f"person{people + 1:02d}", LOG_ENTRIES)
        if server.user is not None:
            for path in server.state.iterdir():
                os.chown(path, server.user.pw_uid, server.user.pw_gid)
        figures["echo"] = asyncio.run(measure_echo(server, keys[people], keys[people + 1]))
        figures["bursts_of_30"] = [asyncio.run(measure_burst(server, keys[:30])) for _ in range(3)]
        figures["active"] = asyncio.run(measure_active(server, keys[:people]))
        figures["server_ran_as"] = "throwaway user" if server.as_user else "root (test escape hatch)"
    return figures


def print_load(figures: dict[str, Any]) -> None:
    echo = figures["echo"]
    idle, busy = echo["echo_idle"], echo["echo_during_6_exports"]
    print("| figure | value | goal |\n|---|---|---|")
    print(f"| echo, nothing else running: median / p90 / max ({idle['keys']} keys) | "
          f"{idle['median_ms']:.0f} / {idle['p90_ms']:.0f} / {idle['max_ms']:.0f} ms | |")
    print(f"| echo while another person runs {EXPORTS} parallel Word exports of {LOG_ENTRIES:,} entries: "
          f"median / p90 / max ({busy['keys']} keys) | {busy['median_ms']:.0f} / {busy['p90_ms']:.0f} / "
          f"{busy['max_ms']:.0f} ms | p90 < 50 ms |")
    print(f"| exports finished meanwhile; median time each (they take turns) | {echo['exports_finished']}; "
          f"{echo['export_seconds_median']:.1f} s ({echo['docx_bytes'] / 1e6:.1f} MB each) | |")
    print(f"| server process: RSS at most during the exports / peak over the run (VmHWM) | "
          f"{echo['server_rss_during_max_mib']:.0f} / {echo['server_peak_mib']:.0f} MiB | < 300 MB |")
    runs = figures["bursts_of_30"]
    times = ", ".join(f"{run['all_on_screen_s']:.2f}" for run in runs)
    refused = ", ".join(str(run["refused"]) for run in runs)
    print(f"| 30 connecting at once, default limits: all on screen (3 runs) | {times} s; refused {refused} "
          "| 2 s, none refused |")
    active = figures["active"]
    print(f"| {active['active_sessions']} active sessions (log opened, draft typed, exported): PSS each "
          f"(mean / max) | {active['pss_per_active_session_mib']:.1f} / {active['pss_max_active_session_mib']:.1f} MiB "
          f"| < 20 MiB |")
    print(f"| the same, all apps together / server and prepared process | "
          f"{active['pss_active_sessions_total_mib']:.0f} / {active['pss_server_and_prepared_mib']:.0f} MiB | |")
    print(f"| server process RSS after {active['active_sessions']} exports | "
          f"{active['server_rss_after_exports_mib']:.0f} MiB | <= 100 MiB |")
