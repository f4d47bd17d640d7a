#!/usr/bin/env python3
"""A team's morning burst through OpenSSH's own client: 30 people at once, the server's defaults.

    .venv/bin/python bench/serve_burst.py                 # 3 runs of 30; Markdown on stdout
    .venv/bin/python bench/serve_burst.py --people 30 --runs 5

A fresh `powerdeck serve` (tests/serve_harness.py: 127.0.0.1, a throwaway user when run as root)
with its default limits (beyond 40 people, the cap on logins from one address is raised to their
number: every client here comes from 127.0.0.1, where a team comes from many addresses). Each
person is an `ssh -tt` process of their own (OpenSSH's client, its own key exchange and login,
as a person's laptop would run it), all started at the same moment; the clock stops for each when
its terminal shows the deck screen's footer, and a run ends when the last one does. Between runs
everyone quits (ctrl+q). The load average before each run is printed beside it: on a shared
machine it says how much of the two cores the burst had.

bench/serve_load.py measures the same burst with asyncssh clients in this one process, which
cost the machine less than 30 processes of OpenSSH's client.
"""

from __future__ import annotations

import argparse
import os
import selectors
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import asyncssh

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT / "src"))

from serve_harness import ServeServer  # noqa: E402

SHOWN = b"Quit"
"""On the deck screen's footer: the first screen is on the person's terminal."""


def client(port: int, key_file: Path, known_hosts: Path) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        ["ssh", "-tt", "-p", str(port), "-i", str(key_file), "-o", "IdentitiesOnly=yes",
         "-o", f"UserKnownHostsFile={known_hosts}", "-o", "StrictHostKeyChecking=no", "-o", "LogLevel=ERROR",
         "-o", "BatchMode=yes", "-F", "/dev/null", "person@127.0.0.1"],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
        env={"PATH": "/usr/bin:/bin", "TERM": "xterm-256color", "HOME": str(known_hosts.parent)})


def burst(port: int, keys: list[Path], known_hosts: Path) -> tuple[float, list[float], int]:
    """(seconds until the last is on screen, each person's seconds, how many never were)."""
    selector = selectors.DefaultSelector()
    began = time.monotonic()
    clients = [client(port, key, known_hosts) for key in keys]
    seen = {process.pid: b"" for process in clients}
    shown: dict[int, float] = {}
    for process in clients:
        assert process.stdout is not None
        os.set_blocking(process.stdout.fileno(), False)
        selector.register(process.stdout, selectors.EVENT_READ, process)
    deadline = began + 60
    while len(shown) + sum(1 for p in clients if p.poll() is not None and p.pid not in shown) < len(clients) \
            and time.monotonic() < deadline:
        for key, _ in selector.select(0.5):
            process = key.data
            try:
                data = os.read(key.fd, 65536)
            except OSError:
                data = b""
            if not data:
                selector.unregister(key.fileobj)
                continue
            if process.pid not in shown:
                seen[process.pid] = (seen[process.pid] + data)[-4096:]
                if SHOWN in seen[process.pid]:
                    shown[process.pid] = time.monotonic() - began
    elapsed = max(shown.values()) if shown else float("nan")
    for process in clients:
        if process.poll() is None and process.stdin is not None:
            try:
                process.stdin.write(b"\x11")
                process.stdin.flush()
            except OSError:
                pass
    for process in clients:
        try:
            process.wait(20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
    selector.close()
    return elapsed, sorted(shown.values()), len(clients) - len(shown)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--people", type=int, default=30)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args(argv)
    from powerdeck.serve.users import UsersFile, key_string

    with tempfile.TemporaryDirectory() as tmp, \
            ServeServer(Path(tmp), "--max-logins-per-address", str(max(args.people, 40))) as server:
        home = Path(tmp) / "clients"
        home.mkdir(mode=0o700)
        users = UsersFile(server.state)
        keys = []
        for number in range(args.people):
            key = asyncssh.generate_private_key("ssh-ed25519")
            path = home / f"key{number:02d}"
            key.write_private_key(str(path))
            path.chmod(0o600)
            users.add(f"person{number:02d}", key_string(key))
            keys.append(path)
        if server.user is not None:
            for path in server.state.iterdir():
                os.chown(path, server.user.pw_uid, server.user.pw_gid)
        known_hosts = home / "known_hosts"
        print(f"{args.people} people at once through OpenSSH's client (`ssh -tt`), the server's defaults; "
              f"{os.cpu_count()} CPUs\n")
        print("| run | load average before | all on screen | the median person | never on screen |")
        print("|---|---|---|---|---|")
        for run in range(1, args.runs + 1):
            load = os.getloadavg()[0]
            elapsed, each, missing = burst(server.port, keys, known_hosts)
            median = statistics.median(each) if each else float("nan")
            print(f"| {run} | {load:.1f} | {elapsed:.2f} s | {median:.2f} s | {missing} |", flush=True)
            time.sleep(3)
    return 0


if __name__ == "__main__":
    sys.exit(main())
