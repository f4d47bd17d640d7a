"""`powerdeck web` holds when someone leans on it, as `powerdeck serve` does (issue 20): the simple
view's exports are jobs in processes of their own, one at a time per person, bounded in time,
stopped when the browser leaves; a tab's text on a full disk goes to the server's keeper.

The real door (its own prepared process, the apps and jobs forked from it), a real OpenID
provider, real HTTP clients and websockets. The full-disk test needs root (a small tmpfs).
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import subprocess
import threading
import time
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from pathlib import Path

import httpx
import pytest

pytest.importorskip("nhsuk_frontend_jinja", reason="the web extra (Python 3.11 or later) is not installed")

from disk_helpers import wait_until
from powerdeck.core.entry import Entry, capability_of
from powerdeck.serve.users import UsersFile
from powerdeck.store.log import Log
from powerdeck.web.config import WebLimits
from powerdeck.web.simple.site import SiteSettings
from web_harness import WebDoor, open_deck, provider_server, sign_in

pytestmark = pytest.mark.slow
PARALLEL = 6


@pytest.fixture(scope="module")
def issuer() -> Iterator[str]:
    with provider_server() as url:
        yield url


@pytest.fixture(scope="module")
def door(issuer: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[WebDoor]:
    state = tmp_path_factory.mktemp("web-jobs")
    server = WebDoor(state / "state", issuer, WebLimits(max_failures_per_minute=1000))
    # Exports fired faster than anyone clicks, to see the jobs' own limits: the simple view's rate
    # limits (which would answer some of them first) are test_web_rate_limit.py's.
    server.app.state.simple_settings = SiteSettings(rates=None)
    server.start()
    users = UsersFile(server.state)
    for name in ("alice", "bob", "carl"):
        users.add(name)
        users.link(name, (issuer, f"{name}-sub"))
    yield server
    server.stop()


def seed(folder: Path, count: int) -> None:
    cards = ["1.1", "2.3", "4.2", "7.1", "9.2"]
    start = datetime(2026, 4, 1, 9, tzinfo=timezone.utc)
    entries = []
    for n in range(count):
        card = cards[n % len(cards)]
        stamp = (start + timedelta(hours=n)).isoformat()
        text = f"Entry {n}: " + "what we changed on the ward " * 8
        entries.append(Entry(f"seed{n:05d}", card, capability_of(card), text, text, text[:100], stamp, stamp))
    with Log.open(folder) as log:
        log.import_entries(entries)


def csrf_of(client: httpx.Client, base: str) -> str:
    page = client.get(base + "/export")
    assert page.status_code == 200, page.text[:300]
    found = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
    assert found
    return found.group(1)


def export_form(token: str) -> dict[str, str]:
    return {"csrf_token": token, "format": "docx", "layout": "standard", "period": "any", "name": "Al", "role": ""}


def job_pids(door: WebDoor, name: str) -> list[int]:
    return [int(pid) for pid in re.findall(rf"{name} exported docx from the simple view in a job \(pid (\d+)",
                                           door.log_text())]


def test_parallel_exports_are_jobs_one_at_a_time_per_person(door: WebDoor) -> None:
    """Exports fired at once used to run side by side in the server's own threads; now each is
    made in a process of its own, and while one is under way the person's others are told so in
    one line."""
    seed(door.folder("alice"), 12_000)
    signed = sign_in(door, "alice-sub", start="/export")
    token = csrf_of(signed.client, door.base)
    cookies = dict(signed.client.cookies)
    results: list[httpx.Response] = []

    go = threading.Barrier(PARALLEL)

    def one() -> None:
        with httpx.Client(timeout=180, cookies=cookies) as client:
            go.wait()
            results.append(client.post(door.base + "/export", data=export_form(token)))

    threads = [threading.Thread(target=one) for _ in range(PARALLEL)]
    for thread in threads:  # all in the same moment: the first reserves the person's turn before any await
        thread.start()
    for thread in threads:
        thread.join(200)
    made = [response for response in results if response.status_code == 200]
    refused = [response for response in results if response.status_code == 429]
    assert len(made) == 1 and len(refused) == PARALLEL - 1, [r.status_code for r in results]
    assert made[0].content.startswith(b"PK")
    for response in refused:
        assert "Your last file is still being made" in response.text and 'role="alert"' in response.text
        assert "Traceback" not in response.text
    pids = job_pids(door, "alice")
    assert len(pids) == 1 and pids[0] != os.getpid(), "made in a process of its own"
    # Done: the next one is made.
    again = signed.client.post(door.base + "/export", data=export_form(token), timeout=180)
    assert again.status_code == 200 and again.content.startswith(b"PK")


def test_an_export_over_its_time_is_stopped_and_said_in_one_line(door: WebDoor,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    import powerdeck.web.jobs

    seed(door.folder("bob"), 2000)
    signed = sign_in(door, "bob-sub", start="/export")
    token = csrf_of(signed.client, door.base)
    monkeypatch.setattr(powerdeck.web.jobs, "JOB_SECONDS", 0.01)
    slow = signed.client.post(door.base + "/export", data=export_form(token), timeout=60)
    assert slow.status_code == 500
    assert "Making your file took longer than" in slow.text and "Choose a shorter period" in slow.text
    assert "Your file could not be made" in slow.text and "Traceback" not in slow.text
    monkeypatch.undo()
    again = signed.client.post(door.base + "/export", data=export_form(token), timeout=180)
    assert again.status_code == 200 and again.content.startswith(b"PK"), "the person's turn was given back"


def test_a_browser_that_leaves_stops_its_export(door: WebDoor) -> None:
    seed(door.folder("carl"), 6000)
    signed = sign_in(door, "carl-sub", start="/export")
    token = csrf_of(signed.client, door.base)
    with httpx.Client(timeout=0.5, cookies=dict(signed.client.cookies)) as leaving, \
            contextlib.suppress(httpx.TimeoutException):
        leaving.post(door.base + "/export", data=export_form(token))
    wait_until(lambda: "export of carl stopped: the browser left" in door.log_text(), timeout=20,
               what="the job to be stopped")
    again = signed.client.post(door.base + "/export", data=export_form(token), timeout=180)
    assert again.status_code == 200 and again.content.startswith(b"PK")


# ---------------------------------------------------------------------------- a full disk

TEXT = "Typed in a browser tab while the disk was full"
CTRL_E, CTRL_U = "\x05", "\x15"


def mount_tmpfs(folder: Path, size: str) -> None:
    subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size},mode=0700", "tmpfs", str(folder)], check=True)


def fill(folder: Path) -> Path:
    filler = folder / "filler"
    with contextlib.suppress(OSError), open(filler, "wb", buffering=0) as stream:
        while True:
            stream.write(b"\0" * 4096)
    return filler


@pytest.fixture(params=["another filesystem", "memory"])
def full_door(request: pytest.FixtureRequest, issuer: str, tmp_path: Path) -> Iterator[tuple[WebDoor, Path | None]]:
    if os.geteuid() != 0 or shutil.which("mount") is None:
        pytest.skip("needs root to mount a small filesystem")
    state = tmp_path / "state"
    people = state / "people"
    people.mkdir(mode=0o700, parents=True)
    state.chmod(0o700)
    rescue = None
    if request.param == "another filesystem":
        rescue = tmp_path / "rescue"
        rescue.mkdir(mode=0o700)
    mount_tmpfs(people, "1m")
    try:
        server = WebDoor(state, issuer, WebLimits(max_failures_per_minute=1000),
                         rescue=str(rescue) if rescue else "memory").start()
        try:
            users = UsersFile(state)
            users.add("dana")
            users.link("dana", (issuer, "dana-sub"))
            yield server, rescue
        finally:
            server.stop()
    finally:
        subprocess.run(["umount", "-l", str(people)], check=False)


def test_text_typed_in_a_tab_on_a_full_disk_is_kept_and_lands_when_there_is_room(
        full_door: tuple[WebDoor, Path | None]) -> None:
    door, rescue = full_door
    deck = open_deck(door, sign_in(door, "dana-sub").cookie, columns=160, rows=40)
    try:
        deck.wait_for("Capability ")
        filler = fill(door.state / "people")
        deck.send("7")
        deck.wait_for("7.1 ")
        deck.send("\r")
        time.sleep(0.3)
        deck.type(TEXT)
        deck.wait_for(TEXT)
        deck.send("\x11")  # ctrl+q: the text cannot be saved on the full disk
        deck.wait_for("Your text is not saved")
        time.sleep(0.5)
        deck.send(CTRL_E + CTRL_U + "\r")  # the default: dana's folder; full, so the server keeps it
        ended = deck.wait_message("ended", timeout=30)["ended"]
    finally:
        deck.close()
    assert ended.startswith("The server's disk is full: your unsaved text is kept by the server"), ended
    assert "\n" not in ended and str(door.state) not in ended
    name = re.search(r"(powerdeck-unsaved-[\w-]+\.json)", ended)
    assert name is not None
    assert TEXT not in door.log_text()
    if rescue is not None:
        assert TEXT in (rescue / "dana" / name.group(1)).read_text()
    filler.unlink()  # room again: the server puts the text in dana's folder
    landed = door.folder("dana") / name.group(1)
    wait_until(landed.exists, timeout=10, what="the kept text to land in dana's folder")
    assert TEXT in landed.read_text() and landed.stat().st_mode & 0o777 == 0o600
    if rescue is not None:
        assert not (rescue / "dana" / name.group(1)).exists()
