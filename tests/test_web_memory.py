"""The simple view holds few logs open, and only while they are used: a log with no request for the
idle time is closed, at most `most_open` are open at once (the least recently used closed first),
a log a request holds is never closed, and a close loses nothing anyone wrote. Real files through
the real store, over HTTP to the real routes; time from a clock the test moves."""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

pytest.importorskip("nhsuk_frontend_jinja", reason="the web extra (Python 3.11 or later) is not installed")

from starlette.testclient import TestClient

from powerdeck.store.log import Log
from powerdeck.web.person import WebPerson
from powerdeck.web.simple import csrf
from powerdeck.web.simple.site import Site, SiteSettings
from web_app import SECRET, fill, make_team_app

IDLE = 300.0


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0
        self._lock = threading.Lock()

    def __call__(self) -> float:
        with self._lock:
            return self.now

    def advance(self, seconds: float) -> None:
        with self._lock:
            self.now += seconds


def team(folder: Path, clock: Clock, most_open: int = 8, sweep_every: float | None = None) -> TestClient:
    settings = SiteSettings(clock=clock, idle_seconds=IDLE, most_open=most_open, rates=None, sweep_every=sweep_every)
    return TestClient(make_team_app(folder, settings))


def site_of(client: TestClient) -> Site:
    found: Site = client.app.state.simple  # type: ignore[attr-defined]  # TestClient types .app as a bare ASGI app
    return found


def page(client: TestClient, name: str, path: str = "/cards") -> str:
    response = client.get(path, headers={"X-Person": name})
    assert response.status_code == 200, response.text
    return response.text


def save(client: TestClient, name: str, action: str) -> None:
    data = {"csrf_token": csrf.token(SECRET, f"session-{name}"), "action": action, "outcome": "", "learning": "",
            "entry_id": "", "updated": "", "do": "save"}
    response = client.post("/cards/4.2", data=data, headers={"X-Person": name}, follow_redirects=False)
    assert response.status_code == 303, response.text


def actions(folder: Path) -> list[str]:
    with Log.open(folder) as log:
        return sorted(entry.action for entry in log.entries())


def test_a_log_idle_for_the_idle_time_is_closed_by_the_next_page_and_opened_again(tmp_path: Path) -> None:
    clock = Clock()
    client = team(tmp_path, clock)
    fill(tmp_path / "ana", 40).close()
    page(client, "ana", "/log")
    assert site_of(client).logs.count() == 1
    clock.advance(IDLE - 1)
    page(client, "ben")
    assert site_of(client).logs.count() == 2  # ana's still open: not idle long enough
    clock.advance(2)
    page(client, "ben")
    assert site_of(client).logs.count() == 1  # ana's closed by ben's page
    assert "Action 8: met the group" in page(client, "ana", "/log?q=Action+8")
    assert site_of(client).logs.count() == 2


def test_an_idle_log_is_closed_without_any_request(tmp_path: Path) -> None:
    clock = Clock()
    client = team(tmp_path, clock, sweep_every=0.01)  # the Site's own sweeping thread
    try:
        page(client, "ana")
        clock.advance(IDLE + 1)
        deadline = time.monotonic() + 10
        while site_of(client).logs.count() and time.monotonic() < deadline:
            time.sleep(0.01)
        assert site_of(client).logs.count() == 0
    finally:
        site_of(client).close()


def test_no_more_than_most_open_and_the_least_recently_used_goes_first(tmp_path: Path) -> None:
    clock = Clock()
    client = team(tmp_path, clock, most_open=3)
    for name in ("ana", "ben", "cal", "dee", "eve"):
        save(client, name, f"{name} met the group")
        clock.advance(1)
        assert site_of(client).logs.count() <= 3
    page(client, "cal")  # cal is now the most recently used; dee and eve next
    page(client, "fay")
    open_now = {opened.folder.name for opened in site_of(client).logs._logs.values()}
    assert open_now == {"eve", "cal", "fay"}
    for name in ("ana", "ben", "cal", "dee", "eve"):
        assert actions(tmp_path / name) == [f"{name} met the group"]
        assert f"{name} met the group" in page(client, name, "/log")


def test_a_log_a_request_holds_is_never_closed(tmp_path: Path) -> None:
    """A request of ana's holds her log (as a slow page does) while the clock passes the idle time
    and other people's pages push past the cap: hers stays open and whole until she lets go."""
    clock = Clock()
    client = team(tmp_path, clock, most_open=1)
    page(client, "ana")
    here = site_of(client)
    ana = WebPerson("ana", tmp_path / "ana", "session-ana")
    holding, go_on = threading.Event(), threading.Event()
    seen: list[int] = []

    def slow_page() -> None:
        with here.log(ana) as log:
            holding.set()
            go_on.wait(30)
            log.save_entry("4.2", "written while others came and went")
            seen.append(log.count())

    worker = threading.Thread(target=slow_page)
    worker.start()
    assert holding.wait(30)
    clock.advance(IDLE * 2)
    for name in ("ben", "cal", "dee"):
        page(client, name)
    assert here.logs.sweep() == 0  # ana's is held; the others' were closed as they let go
    assert here.logs.count() == 1
    go_on.set()
    worker.join(30)
    assert seen == [1]
    assert actions(tmp_path / "ana") == ["written while others came and went"]
    clock.advance(IDLE * 2)
    assert here.logs.sweep() == 1 and here.logs.count() == 0


def test_many_people_saving_at_once_through_a_cap_of_one_lose_nothing(tmp_path: Path) -> None:
    """Every request closes the log behind it (a cap of one, six people, the clock moving past
    the idle time between pages): each save still lands, each page still reads."""
    clock = Clock()
    client = team(tmp_path, clock, most_open=1)
    people = ["ana", "ben", "cal", "dee", "eve", "fay"]

    def work(name: str) -> None:
        for n in range(8):
            save(client, name, f"{name} {n}")
            clock.advance(IDLE)
            assert f"{name} {n}" in page(client, name, "/log")

    with ThreadPoolExecutor(len(people)) as pool:
        for done in [pool.submit(work, name) for name in people]:
            done.result(timeout=300)
    for name in people:
        assert actions(tmp_path / name) == sorted(f"{name} {n}" for n in range(8))
    assert site_of(client).logs.count() <= 1


def test_a_damaged_log_is_not_kept_and_is_tried_again(tmp_path: Path) -> None:
    clock = Clock()
    client = team(tmp_path, clock)
    folder = tmp_path / "ana"
    fill(folder, 5).close()
    good = (folder / "log.json").read_bytes()
    (folder / "log.json").write_bytes(b"{ not json")
    response = client.get("/log", headers={"X-Person": "ana"})
    assert response.status_code == 500 and "cannot be opened" in response.text
    assert site_of(client).logs.count() == 0
    (folder / "log.json").write_bytes(good)
    assert "Action 1: met the group" in page(client, "ana", "/log")


def test_the_cap_is_an_option_of_powerdeck_web(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from powerdeck.core.errors import PowerdeckError
    from powerdeck.web.app import create_app
    from powerdeck.web.cli import TESTS_ALLOW_ROOT
    from powerdeck.web.cli import main as web_main
    from powerdeck.web.config import WebConfig, WebLimits

    secret = tmp_path / "secret"
    secret.write_text("s3cret\n")
    secret.chmod(0o600)
    monkeypatch.setenv(TESTS_ALLOW_ROOT, "1")  # these tests may run as root (in a container)
    with pytest.raises(PowerdeckError, match=r"^--max-open-logs must be 1 or more$"):
        web_main(["--state", str(tmp_path / "state"), "--oidc-issuer", "https://login.example.org/t/v2.0",
                  "--oidc-client-id", "id", "--oidc-client-secret-file", str(secret), "--max-open-logs", "0"])
    config = WebConfig(state=tmp_path / "state", issuer="https://login.example.org/t/v2.0", client_id="id",
                       client_secret="s3cret", public_url="http://127.0.0.1:8080", limits=WebLimits(max_open_logs=3))
    settings: SiteSettings = create_app(config, start_pool=False).state.simple_settings
    assert settings.most_open == 3 and settings.rates is not None
