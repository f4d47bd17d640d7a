"""`powerdeck web` leaned on (issue 20's rules for the browser door), measured: run by
`bench/web.py --exports`.

One person (20,000 entries in their log) fires six Word exports of it at the same moment through
the simple view; meanwhile another person asks for a page (/cards/4.2) again and again, and a
third types in their deck in a browser tab (over the websocket, one letter at a time). Figures:
the page time and the tab's echo (the time from a letter sent to the first bytes back; median,
p90, max) before and while the exports run, how long until all six exporters had their answer,
and the server process's memory (VmRSS before, its peak while, and after; VmHWM at the end).
Set PYTHONPATH to another checkout's src to measure it (the server is started with that
PYTHONPATH).
"""

from __future__ import annotations

import re
import statistics
import threading
import time
from pathlib import Path
from typing import Any

import httpx
import pyte
from export_cost import make_entries
from serve import painted
from serve_load import status_kib
from websockets.sync.client import ClientConnection, connect

EXPORTS = 6
LOG_ENTRIES = 20_000
PAGE = "/cards/4.2"


def seed(folder: Path, count: int) -> None:
    from powerdeck.store.log import Log

    folder.parent.mkdir(mode=0o700, exist_ok=True)
    with Log.open(folder) as log:
        log.import_entries(make_entries(count))


def summary(times: list[float]) -> dict[str, float]:
    ordered = sorted(times)
    return {"median_ms": statistics.median(ordered) * 1000, "p90_ms": ordered[int(len(ordered) * 0.9)] * 1000,
            "max_ms": ordered[-1] * 1000, "pages": len(ordered)}


def page_times(client: httpx.Client, base: str, until: threading.Event | None, count: int) -> list[float]:
    times = []
    while (until is None and len(times) < count) or (until is not None and not until.is_set()):
        began = time.monotonic()
        response = client.get(base + PAGE)
        times.append(time.monotonic() - began)
        assert response.status_code == 200, response.status_code
        time.sleep(0.05)
    return times


def open_tab(base: str, port: int, cookie: str) -> ClientConnection:
    """A deck in a tab, on its first card's editor, all its output read so far."""
    socket = connect(f"ws://127.0.0.1:{port}/ws?cols=80&rows=24", origin=base,  # type: ignore[arg-type]
                     additional_headers={"Cookie": f"powerdeck_session={cookie}"}, max_size=None)
    screen = pyte.Screen(80, 24)
    stream = pyte.ByteStream(screen)
    while not painted(screen):
        message = socket.recv(timeout=60)
        if isinstance(message, bytes):
            stream.feed(message)
    socket.send(b"\r")  # write on the first card
    time.sleep(1.0)
    drain(socket)
    return socket


def drain(socket: ClientConnection) -> None:
    while True:
        try:
            socket.recv(timeout=0.02)
        except TimeoutError:
            return


def echo_times(socket: ClientConnection, until: threading.Event | None, count: int) -> list[float]:
    times = []
    while (until is None and len(times) < count) or (until is not None and not until.is_set()):
        began = time.monotonic()
        socket.send("abcdefghij"[len(times) % 10].encode())
        while not isinstance(socket.recv(timeout=60), bytes):
            pass
        times.append(time.monotonic() - began)
        time.sleep(0.05)
        drain(socket)  # whatever else the frame sent
    return times


def measure_exports(base: str, port: int, pid: int, exporter: str, reader: str, typist: str) -> dict[str, Any]:
    figures: dict[str, Any] = {}
    tab = open_tab(base, port, typist)
    cookies = {"powerdeck_session": exporter}
    with httpx.Client(timeout=600, cookies={"powerdeck_session": reader}) as other, \
            httpx.Client(timeout=600, cookies=cookies) as mine:
        form = mine.get(base + "/export").text  # opens the exporter's log, as a person looking first would
        token = re.search(r'name="csrf_token" value="([^"]+)"', form)
        assert token, "no export form"
        page_times(other, base, None, 5)
        figures["quiet"] = summary(page_times(other, base, None, 40))
        figures["echo_quiet"] = summary(echo_times(tab, None, 40))
        figures["rss_before_mib"] = status_kib(pid, "VmRSS") / 1024
        done = threading.Event()
        peak = [0]

        def watch() -> None:
            while not done.is_set():
                peak[0] = max(peak[0], status_kib(pid, "VmRSS"))
                time.sleep(0.05)

        statuses: list[int] = []

        def export() -> None:
            with httpx.Client(timeout=600, cookies=cookies) as client:
                response = client.post(base + "/export", data={
                    "csrf_token": token.group(1), "format": "docx", "layout": "standard", "period": "any",
                    "name": "Sam", "role": ""})
                statuses.append(response.status_code)

        watcher = threading.Thread(target=watch)
        watcher.start()
        began = time.monotonic()
        exporters = [threading.Thread(target=export) for _ in range(EXPORTS)]
        for thread in exporters:
            thread.start()
        measured: list[float] = []
        finished = threading.Event()
        echoes: list[float] = []
        reading = threading.Thread(target=lambda: measured.extend(page_times(other, base, finished, 0)))
        typing = threading.Thread(target=lambda: echoes.extend(echo_times(tab, finished, 0)))
        reading.start()
        typing.start()
        for thread in exporters:
            thread.join()
        figures["exports_answered_s"] = time.monotonic() - began
        finished.set()
        reading.join()
        typing.join()
        figures["echo_during"] = summary(echoes)
        done.set()
        watcher.join()
        figures["during"] = summary(measured)
        figures["export_statuses"] = sorted(statuses)
        figures["rss_peak_mib"] = peak[0] / 1024
        time.sleep(2.0)
        figures["rss_after_mib"] = status_kib(pid, "VmRSS") / 1024
        figures["hwm_mib"] = status_kib(pid, "VmHWM") / 1024
    tab.close()
    return figures


def markdown(figures: dict[str, Any]) -> str:
    quiet, during = figures["quiet"], figures["during"]
    return "\n".join([
        "| figure | value |", "|---|---|",
        f"| another person's page {PAGE}, nothing else running: median / p90 / max | "
        f"{quiet['median_ms']:.0f} / {quiet['p90_ms']:.0f} / {quiet['max_ms']:.0f} ms |",
        f"| the same while one person fires {EXPORTS} Word exports of {LOG_ENTRIES:,} entries | "
        f"{during['median_ms']:.0f} / {during['p90_ms']:.0f} / {during['max_ms']:.0f} ms ({during['pages']} pages) |",
        f"| a third person's keystroke echo in a browser tab, nothing else running | "
        f"{figures['echo_quiet']['median_ms']:.0f} / {figures['echo_quiet']['p90_ms']:.0f} / "
        f"{figures['echo_quiet']['max_ms']:.0f} ms |",
        f"| the same while the exports run | {figures['echo_during']['median_ms']:.0f} / "
        f"{figures['echo_during']['p90_ms']:.0f} / {figures['echo_during']['max_ms']:.0f} ms "
        f"({figures['echo_during']['pages']} keys) |",
        f"| all {EXPORTS} exporters answered after (statuses {figures['export_statuses']}) | "
        f"{figures['exports_answered_s']:.1f} s |",
        f"| the server's RSS before / peak while / after; VmHWM | {figures['rss_before_mib']:.0f} / "
        f"{figures['rss_peak_mib']:.0f} / {figures['rss_after_mib']:.0f}; {figures['hwm_mib']:.0f} MiB |",
    ])
