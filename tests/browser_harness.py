"""A real browser for the web tests: Playwright driving Debian's Chromium, and the app served by
uvicorn on 127.0.0.1 in a thread. Tests skip, saying why, only where Chromium is not installed."""

from __future__ import annotations

import shutil
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]


def chromium_or_skip() -> Any:
    """A launched Chromium (Playwright's Browser); a skip with the reason when there is none."""
    if shutil.which("chromium") is None:
        reason = "Chromium is not installed (apt-get install -y chromium): the browser tests need it"
        print(reason)
        pytest.skip(reason)
    from playwright.sync_api import sync_playwright

    manager = sync_playwright()
    playwright = manager.start()
    try:
        browser = playwright.chromium.launch(executable_path=CHROMIUM)
    except Exception as error:
        manager.__exit__(None, None, None)
        reason = f"Chromium at {CHROMIUM} would not start: {error}"
        print(reason)
        pytest.skip(reason)
    browser._powerdeck_manager = manager  # stopped with the browser (see close_browser)
    return browser


def close_browser(browser: Any) -> None:
    browser.close()
    browser._powerdeck_manager.__exit__(None, None, None)


@contextmanager
def served(app: Any) -> Iterator[str]:
    """The app on a free port of 127.0.0.1 until the block ends; yields its base URL."""
    import uvicorn

    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="off"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if time.monotonic() > deadline:
            raise RuntimeError("the test server did not start")
        time.sleep(0.02)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        sock.close()


def axe_violations(page: Any) -> list[dict[str, Any]]:
    """axe-core's violations of WCAG 2.0, 2.1 and 2.2 A and AA on the page as it is now."""
    from axe_playwright_python.sync_playwright import Axe

    result = Axe().run(page, options={"runOnly": {"type": "tag", "values": WCAG_TAGS}})
    violations: list[dict[str, Any]] = result.response["violations"]
    return violations


def describe_violations(violations: list[dict[str, Any]]) -> str:
    return "; ".join(f"{v['id']}: {v['help']} at {[node['target'] for node in v['nodes']][:3]}" for v in violations)
