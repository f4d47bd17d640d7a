"""The page and the terminal at once: saves from the simple view (a real server process, over
HTTP) interleaved with a terminal session's saves (another real process) on the same person's log
lose nothing."""

from __future__ import annotations

import re
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

pytest.importorskip("nhsuk_frontend_jinja", reason="the web extra (Python 3.11 or later) is not installed")

import httpx

from powerdeck.store.log import Log
from powerdeck.web.simple import csrf
from web_app import SECRET, SESSION

HERE = Path(__file__).resolve().parent
SAVES = 100


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@pytest.mark.slow
def test_200_saves_from_the_page_and_the_terminal_at_once_lose_none(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    Log.open(data_dir).close()
    port = free_port()
    server = subprocess.Popen([sys.executable, str(HERE / "web_app.py"), str(data_dir), str(port)],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    barrier = tmp_path / "go"
    terminal = subprocess.Popen([sys.executable, str(HERE / "store_child.py"), "add", str(data_dir / "log.json"),
                                 str(SAVES), str(barrier)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert terminal.stdout is not None and terminal.stdout.readline().strip() == "ready"
        base = f"http://127.0.0.1:{port}"
        with httpx.Client(base_url=base, timeout=60) as client:
            deadline = time.monotonic() + 30
            while True:
                try:
                    client.get("/about")
                    break
                except httpx.TransportError:
                    assert time.monotonic() < deadline, server.stderr and server.stderr.read()
                    time.sleep(0.1)
            token = csrf.token(SECRET, SESSION)
            barrier.touch()  # the terminal starts adding now, while the page saves
            page_ids = []
            for n in range(SAVES):
                card = "1.1" if n % 2 else "4.2"  # 1.1: the card the terminal writes on too
                if n % 5 == 0:  # a draft kept first, as a person pressing "Keep as a draft" would
                    client.post(f"/cards/{card}", data={"csrf_token": token, "action": f"page draft {n}",
                                                        "do": "draft"})
                response = client.post(f"/cards/{card}", data={"csrf_token": token, "action": f"page entry {n}",
                                                                "outcome": "ü" * n, "do": "save"})
                assert response.status_code == 303, response.text[:500]
                found = re.search(r"#entry-([0-9a-f]{32})", response.headers["location"])
                assert found
                page_ids.append(found.group(1))
        out, err = terminal.communicate(timeout=120)
        assert terminal.returncode == 0, err
    finally:
        terminal.kill()
        server.terminate()
        server.wait(timeout=30)
    terminal_ids = out.split()
    assert len(terminal_ids) == SAVES and len(set(page_ids)) == SAVES
    with Log.open(data_dir) as log:
        final = {entry.id: entry for entry in log.entries()}
        assert set(final) == set(page_ids) | set(terminal_ids)
        assert len(final) == 2 * SAVES
        assert {final[entry_id].action for entry_id in page_ids} == {f"page entry {n}" for n in range(SAVES)}
        assert log.drafts() == {}  # every draft the page kept became its entry
