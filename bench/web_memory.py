#!/usr/bin/env python3
"""The simple view's memory: the web server's RSS as 10 people, each with a 20,000-entry log, open
a page, and after they stop (the idle time).

    .venv/bin/python bench/web_memory.py                      # this checkout
    .venv/bin/python bench/web_memory.py --src OTHER/src      # another version's code (before/after)
    .venv/bin/python bench/web_memory.py --people 10 --entries 20000 --idle 5

The server is a real uvicorn process serving the simple view's routes, with a stand-in for sign-in
that takes the person from an X-Person header (their folder: DATA/NAME). Each person's log is a
copy of one seeded log. RSS is read from /proc/PID/status (VmRSS) after each step; "idle" waits
the given idle time (the server is started with it, where the code has one) plus the sweep.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def serve(src: str, data: str, port: int, idle: float) -> None:
    """The server process: the simple view for everyone in DATA, on 127.0.0.1:PORT."""
    sys.path.insert(0, src)
    import uvicorn
    from starlette.applications import Starlette
    from starlette.middleware import Middleware
    from starlette.types import ASGIApp, Receive, Scope, Send

    from powerdeck.web.person import WebPerson
    from powerdeck.web.simple import routes

    class Team:
        def __init__(self, app: ASGIApp) -> None:
            self.app = app

        async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
            if scope["type"] == "http":
                name = dict(scope["headers"]).get(b"x-person", b"sam").decode()
                scope.setdefault("state", {})["person"] = WebPerson(name, Path(data) / name, f"s-{name}")
            await self.app(scope, receive, send)

    app = Starlette(routes=routes(), middleware=[Middleware(Team)])
    app.state.secret_key = b"bench secret key, 32 bytes long!"
    try:
        from powerdeck.web.simple.site import SiteSettings  # where the code has it

        app.state.simple_settings = SiteSettings(idle_seconds=idle, sweep_every=1.0, rates=None)
    except ImportError:
        pass
    uvicorn.run(app, host="127.0.0.1", port=port, log_level="warning")


def rss_mib(pid: int) -> float:
    found = re.search(r"VmRSS:\s+(\d+)", Path(f"/proc/{pid}/status").read_text())
    return int(found.group(1)) / 1024 if found else 0.0


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[1])
    parser.add_argument("--src", default=str(ROOT / "src"))
    parser.add_argument("--people", type=int, default=10)
    parser.add_argument("--entries", type=int, default=20_000)
    parser.add_argument("--idle", type=float, default=5.0, help="the server's idle time, seconds (default 5)")
    parser.add_argument("--serve", nargs=3, metavar=("SRC", "DATA", "PORT"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve:
        serve(args.serve[0], args.serve[1], int(args.serve[2]), args.idle)
        return

    import httpx

    sys.path.insert(0, str(ROOT / "bench"))
    sys.path.insert(0, str(ROOT / "src"))
    from export_cost import make_entries

    from powerdeck.store.log import Log

    with tempfile.TemporaryDirectory() as folder:
        data = Path(folder)
        with Log.open(data / "seed") as log:
            log.import_entries(make_entries(args.entries))
        size = (data / "seed" / "log.json").stat().st_size
        names = [f"person{n}" for n in range(args.people)]
        for name in names:
            shutil.copytree(data / "seed", data / name)
        port = free_port()
        server = subprocess.Popen([sys.executable, __file__, "--idle", str(args.idle), "--serve", args.src,
                                   str(data), str(port)], env={**os.environ, "PYTHONPATH": args.src})
        try:
            url = f"http://127.0.0.1:{port}"
            with httpx.Client(base_url=url, timeout=120) as client:
                for _ in range(200):
                    try:
                        client.get("/about", headers={"X-Person": "nobody"})
                        break
                    except httpx.TransportError:
                        time.sleep(0.1)
                print(f"{args.people} people, {args.entries:,} entries each (log.json {size / 2**20:.1f} MiB); "
                      f"code from {args.src}")
                print(f"  started, one page shown:        {rss_mib(server.pid):7.0f} MiB")
                for n, name in enumerate(names, 1):
                    began = time.perf_counter()
                    assert client.get("/cards", headers={"X-Person": name}).status_code == 200
                    took = time.perf_counter() - began
                    print(f"  after person {n:2d}'s page ({took * 1000:5.0f} ms): {rss_mib(server.pid):7.0f} MiB")
                began = time.perf_counter()
                assert client.get("/log", headers={"X-Person": names[-1]}).status_code == 200
                print(f"  a second page of an open log:   {(time.perf_counter() - began) * 1000:5.0f} ms")
                time.sleep(args.idle + 2.5)
                print(f"  after {args.idle + 2.5:.0f} s with no request:  {rss_mib(server.pid):7.0f} MiB")
                began = time.perf_counter()
                assert client.get("/cards", headers={"X-Person": names[0]}).status_code == 200
                print(f"  a page after that (opens again): {(time.perf_counter() - began) * 1000:4.0f} ms, "
                      f"{rss_mib(server.pid):.0f} MiB")
        finally:
            server.terminate()
            server.wait(30)


if __name__ == "__main__":
    main()
