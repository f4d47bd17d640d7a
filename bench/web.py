#!/usr/bin/env python3
"""`powerdeck web` figures, beside a served SSH session in the same run.

    .venv/bin/python bench/web.py             # a few minutes; Markdown on stdout
    .venv/bin/python bench/web.py --json F    # also every figure to F

- callback to first frame, in Chromium: the browser is sent to the sign-in callback (the
  provider's answer in hand) and the clock stops when the tab's terminal shows the first card and
  the footer: the callback, the redirect, the page and xterm.js, the websocket, the fork and the
  first frame, drawn; median and worst;
- the same without a browser (httpx and a websocket read into pyte), to see the browser's share;
- the SSH figure of bench/serve.py in the same run: session request to first screen;
- 30 tabs at once: 30 people signed in beforehand open their deck's websocket at the same moment;
  time until the last shows its first screen;
- memory: PSS (/proc/PID/smaps_rollup) of 10 idle web sessions and of 10 idle SSH sessions.

    .venv/bin/python bench/web.py --exports   # only: six parallel Word exports (bench/web_load.py)

`powerdeck web` and `powerdeck serve` run as processes of their own (as root only with the test
escape hatch); the provider (oidc-provider-mock) runs in this process and is used only to sign in,
before any clock starts. The load average at the start and end is printed with the figures.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import re
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT / "bench"))
sys.path.insert(0, str(ROOT / "src"))

import asyncssh  # noqa: E402
import httpx  # noqa: E402
import pyte  # noqa: E402
import websockets  # noqa: E402
from serve import FIRST_CARD, open_session, painted, pss_kib  # noqa: E402

from powerdeck.serve.users import UsersFile, key_string  # noqa: E402
from serve_harness import ServeServer  # noqa: E402
from sshd_harness import free_port  # noqa: E402
from web_harness import provider_server  # noqa: E402

PEOPLE = 30
MEMORY_SESSIONS = 10
CHROMIUM = "/usr/bin/chromium"


class WebProcess:
    """`powerdeck web` as a command, on a free port of 127.0.0.1."""

    def __init__(self, state: Path, issuer: str) -> None:
        self.state = state
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        secret = state.parent / "client-secret"
        secret.write_text("bench-secret\n")
        secret.chmod(0o600)
        env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "LANG": "C.UTF-8", "HOME": str(state.parent),
               "POWERDECK_SERVE_TESTS_ALLOW_ROOT": "1"}
        if os.environ.get("PYTHONPATH"):  # another checkout's code, to compare (bench/web_load.py)
            env["PYTHONPATH"] = os.environ["PYTHONPATH"]
        self.process = subprocess.Popen(
            [sys.executable, "-m", "powerdeck", "web", "--state", str(state), "--port", str(self.port),
             "--oidc-issuer", issuer, "--oidc-client-id", "bench", "--oidc-client-secret-file", str(secret),
             "--max-sessions", "100", "--max-failures", "1000"],
            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 90
        while True:
            try:
                httpx.get(self.base + "/auth/login", timeout=2)
                return
            except httpx.TransportError:
                if self.process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError("powerdeck web did not start") from None
                time.sleep(0.2)

    def log_text(self) -> str:
        return (self.state / "web.log").read_text()

    def stop(self) -> None:
        self.process.send_signal(signal.SIGTERM)
        self.process.wait(60)


def to_callback(base: str, sub: str) -> tuple[httpx.Client, str]:
    """Sign in up to the provider's answer: (the browser's cookies, the callback URL)."""
    client = httpx.Client(timeout=30, follow_redirects=False)
    login = client.get(base + "/auth/login")
    authorize = login.headers["location"]
    answer = client.post(authorize, data={"sub": sub})
    return client, answer.headers["location"]


def signed_in_cookie(base: str, sub: str) -> str:
    client, callback = to_callback(base, sub)
    client.get(callback)
    cookie = client.cookies.get("powerdeck_session")
    assert cookie, "sign-in failed"
    return cookie


async def first_frame_over_websocket(base: str, port: int, cookie: str) -> tuple[Any, float]:
    """(the open websocket, seconds from connecting to the first screen)."""
    start = time.monotonic()
    socket = await websockets.connect(f"ws://127.0.0.1:{port}/ws?cols=80&rows=24", origin=base,  # type: ignore[arg-type]
                                      additional_headers={"Cookie": f"powerdeck_session={cookie}"}, max_size=None)
    screen = pyte.Screen(80, 24)
    stream = pyte.ByteStream(screen)
    while not painted(screen):
        message = await asyncio.wait_for(socket.recv(), 30)
        if isinstance(message, bytes):
            stream.feed(message)
    seconds = time.monotonic() - start

    async def drain() -> None:
        try:
            async for _ in socket:
                pass
        except Exception:
            pass

    asyncio.get_running_loop().create_task(drain())
    return socket, seconds


def browser_callback_to_first_frame(web: WebProcess, runs: int) -> list[float]:
    from playwright.sync_api import sync_playwright

    times = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        page = browser.new_page(viewport={"width": 1000, "height": 640})
        page.goto(web.base + "/static/deck/door.css")  # the site's origin, for the cookies
        for run in range(runs):
            client, callback = to_callback(web.base, "person00")
            page.context.clear_cookies()
            page.context.add_cookies([{"name": name, "value": value, "url": web.base + "/auth/"}
                                      for name, value in client.cookies.items()])
            start = time.monotonic()
            page.goto(callback)
            page.wait_for_function(
                "(wanted) => { const rows = document.querySelector('.xterm-rows');"
                " return rows && rows.innerText.includes(wanted) && rows.innerText.includes('Quit'); }",
                arg=FIRST_CARD.split("  ")[1], timeout=30000, polling="raf")
            times.append(time.monotonic() - start)
            page.goto(web.base + "/static/deck/door.css")  # leave the deck: its app hangs up
            time.sleep(0.5 if run < runs - 1 else 0)
        browser.close()
    return times


async def measure_web(web: WebProcess, cookies: list[str], runs: int) -> dict[str, Any]:
    figures: dict[str, Any] = {}
    firsts = []
    for _ in range(runs):
        start = time.monotonic()
        cookie = signed_in_cookie(web.base, "person01")  # includes the callback
        socket, _ = await first_frame_over_websocket(web.base, web.port, cookie)
        firsts.append(time.monotonic() - start)
        await socket.close()
        await asyncio.sleep(0.3)
    figures["web_sign_in_to_first_frame_no_browser_ms"] = {"median": statistics.median(firsts) * 1000,
                                                           "max": max(firsts) * 1000}
    start = time.monotonic()
    opened = await asyncio.gather(*(first_frame_over_websocket(web.base, web.port, cookie) for cookie in cookies))
    figures["web_30_tabs_at_once_all_painted_ms"] = (time.monotonic() - start) * 1000
    figures["web_30_tabs_median_ms"] = statistics.median(seconds for _, seconds in opened) * 1000
    await asyncio.sleep(3.0)
    pids = [int(pid) for pid in re.findall(r"started \(pid (\d+)", web.log_text())]
    live = [pid for pid in pids if Path(f"/proc/{pid}").exists()]
    figures["web_pss_per_session_at_30_mib"] = statistics.mean(pss_kib(p) for p in live) / 1024 if live else 0
    for socket, _ in opened[MEMORY_SESSIONS:]:
        await socket.close()
    await asyncio.sleep(3.0)
    live = [pid for pid in pids if Path(f"/proc/{pid}").exists()]
    figures["web_pss_per_session_at_10_mib"] = statistics.mean(pss_kib(p) for p in live) / 1024 if live else 0
    figures["web_sessions_measured"] = len(live)
    for socket, _ in opened[:MEMORY_SESSIONS]:
        await socket.close()
    return figures


async def measure_ssh(server: ServeServer, keys: list[asyncssh.SSHKey], runs: int) -> dict[str, Any]:
    figures: dict[str, Any] = {}
    firsts = []
    for _ in range(runs):
        conn, process, _first, with_login = await open_session(server.port, keys[0])
        firsts.append(with_login)
        process.stdin.write(b"\x11")
        await process.wait_closed()
        conn.close()
    figures["ssh_login_to_first_screen_ms"] = {"median": statistics.median(firsts) * 1000, "max": max(firsts) * 1000}
    sessions = await asyncio.gather(*(open_session(server.port, key) for key in keys[:MEMORY_SESSIONS]))
    await asyncio.sleep(3.0)
    pids = [int(pid) for pid in re.findall(r"started \(pid (\d+)", server.log_text())]
    live = [pid for pid in pids if Path(f"/proc/{pid}").exists()]
    figures["ssh_pss_per_session_at_10_mib"] = statistics.mean(pss_kib(p) for p in live) / 1024 if live else 0
    for conn, process, _, _ in sessions:
        process.stdin.write(b"\x11")
        await process.wait_closed()
        conn.close()
    return figures


def exports_only(json_file: str | None) -> int:
    import web_load

    load_before = os.getloadavg()
    with tempfile.TemporaryDirectory() as scratch, provider_server() as issuer:
        state = Path(scratch) / "state"
        state.mkdir(mode=0o700)
        users = UsersFile(state)
        for name in ("exporter", "reader", "typist"):
            users.add(name)
            users.link(name, (issuer, name))
        web_load.seed(state / "people" / "exporter", web_load.LOG_ENTRIES)
        web = WebProcess(state, issuer)
        try:
            figures = web_load.measure_exports(web.base, web.port, web.process.pid,
                                               *(signed_in_cookie(web.base, name) for name in
                                                 ("exporter", "reader", "typist")))
        finally:
            web.stop()
    figures["load_average_before_after"] = [load_before[0], os.getloadavg()[0]]
    print(web_load.markdown(figures))
    print(f"\nload average (1 min) before / after: {figures['load_average_before_after'][0]:.1f} / "
          f"{figures['load_average_before_after'][1]:.1f} on {os.cpu_count()} CPUs")
    if json_file:
        Path(json_file).write_text(json.dumps(figures, indent=2))
    return 0


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--json", metavar="FILE")
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--exports", action="store_true", help="only the six parallel exports (bench/web_load.py)")
    args = parser.parse_args()
    if args.exports:
        return exports_only(args.json)
    load_before = os.getloadavg()
    figures: dict[str, Any] = {}
    keys = [asyncssh.generate_private_key("ssh-ed25519") for _ in range(MEMORY_SESSIONS)]
    with tempfile.TemporaryDirectory() as scratch, provider_server() as issuer:
        state = Path(scratch) / "state"
        state.mkdir(mode=0o700)
        users = UsersFile(state)
        for number in range(PEOPLE):
            users.add(f"person{number:02d}")
            users.link(f"person{number:02d}", (issuer, f"person{number:02d}"))
        web = WebProcess(state, issuer)
        try:
            cookies = [signed_in_cookie(web.base, f"person{number:02d}") for number in range(PEOPLE)]
            figures.update(asyncio.run(measure_web(web, cookies, args.runs)))
            if Path(CHROMIUM).exists():
                browser = browser_callback_to_first_frame(web, args.runs)
                figures["web_callback_to_first_frame_in_chromium_ms"] = {
                    "median": statistics.median(browser) * 1000, "max": max(browser) * 1000}
        finally:
            web.stop()
        with ServeServer(Path(scratch), "--max-sessions", "60", "--max-logins", "60") as server:
            ssh_users = UsersFile(server.state)
            for number, key in enumerate(keys):
                ssh_users.add(f"ssh{number:02d}", key_string(key))
            if server.user is not None:
                for path in server.state.iterdir():
                    os.chown(path, server.user.pw_uid, server.user.pw_gid)
            figures.update(asyncio.run(measure_ssh(server, keys, args.runs)))
    figures["load_average_before_after"] = [load_before[0], os.getloadavg()[0]]
    figures["cpus"] = os.cpu_count()

    def pair(name: str) -> str:
        value = figures.get(name)
        return f"{value['median']:.0f} / {value['max']:.0f} ms" if value else "not measured (no Chromium)"

    print("| figure | value |\n|---|---|")
    print(f"| sign-in callback to the first frame drawn in Chromium (median / worst of {args.runs}) | "
          f"{pair('web_callback_to_first_frame_in_chromium_ms')} |")
    print(f"| the same without a browser: callback, websocket, first screen read (httpx, pyte) | "
          f"{pair('web_sign_in_to_first_frame_no_browser_ms')} |")
    print(f"| SSH in the same run: connection, login, session, first screen | {pair('ssh_login_to_first_screen_ms')} |")
    print(f"| 30 tabs opened at once (signed in): all painted / the median person | "
          f"{figures['web_30_tabs_at_once_all_painted_ms']:.0f} / {figures['web_30_tabs_median_ms']:.0f} ms |")
    print(f"| PSS per session, 10 idle: web / SSH | {figures['web_pss_per_session_at_10_mib']:.1f} / "
          f"{figures['ssh_pss_per_session_at_10_mib']:.1f} MiB |")
    print(f"| PSS per web session, 30 idle | {figures['web_pss_per_session_at_30_mib']:.1f} MiB |")
    print(f"| load average (1 min) before / after, {figures['cpus']} CPUs | "
          f"{figures['load_average_before_after'][0]:.1f} / {figures['load_average_before_after'][1]:.1f} |")
    if args.json:
        Path(args.json).write_text(json.dumps(figures, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
