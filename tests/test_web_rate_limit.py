"""One person cannot keep the simple view busy: past 30 pages at once (10 a second after), 15
forms sent or 6 exports, they get a plain page asking them to wait (429, Retry-After); other
people do not; an address full of people is never locked out by one of them. Over HTTP to the
real routes, time from a clock the test moves; the page itself in Chromium with axe."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("nhsuk_frontend_jinja", reason="the web extra (Python 3.11 or later) is not installed")

from hypothesis import given
from hypothesis import strategies as st
from starlette.testclient import TestClient

from powerdeck.web.simple import csrf
from powerdeck.web.simple.rate_limit import Kind, Rate, RateLimits, Rates
from powerdeck.web.simple.site import SiteSettings
from web_app import SECRET, make_team_app


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def team(folder: Path, clock: Clock, rates: Rates | None = None) -> TestClient:
    settings = SiteSettings(clock=clock, rates=rates or Rates(), sweep_every=None)
    return TestClient(make_team_app(folder, settings))


def get(client: TestClient, name: str = "ana", path: str = "/about") -> Any:
    return client.get(path, headers={"X-Person": name})


def draft(client: TestClient, name: str = "ana") -> Any:
    data = {"csrf_token": csrf.token(SECRET, f"session-{name}"), "action": "typing", "outcome": "", "learning": ""}
    return client.post("/cards/4.2/draft", data=data, headers={"X-Person": name})


def export(client: TestClient, name: str = "ana") -> Any:
    data = {"csrf_token": csrf.token(SECRET, f"session-{name}"), "format": "nonsense"}
    return client.post("/export", data=data, headers={"X-Person": name})


def assert_wait_page(response: Any, seconds: str = "1") -> None:
    assert response.status_code == 429
    assert response.headers["retry-after"] == seconds
    assert "wait a moment, then try again" in response.text
    assert "nhsuk-frontend.min.css" in response.text and 'id="maincontent"' in response.text
    assert "script-src 'self'" in response.headers["content-security-policy"]


def test_thirty_pages_at_once_then_ten_a_second(tmp_path: Path) -> None:
    clock = Clock()
    client = team(tmp_path, clock)
    assert all(get(client).status_code == 200 for _ in range(30))
    assert_wait_page(get(client))
    assert get(client, "ben").status_code == 200  # someone else is not held up
    clock.now += 0.1
    assert get(client).status_code == 200
    assert get(client).status_code == 429
    clock.now += 1.0
    assert [get(client).status_code for _ in range(11)] == [200] * 10 + [429]


def test_forms_sent_and_exports_have_smaller_limits(tmp_path: Path) -> None:
    clock = Clock()
    client = team(tmp_path, clock)
    assert [draft(client).status_code for _ in range(15)] == [204] * 15
    assert_wait_page(draft(client))
    assert get(client).status_code == 200  # pages still come: only forms are held back
    clock.now += 1 / 3
    assert draft(client).status_code == 204
    assert [export(client, "ben").status_code for _ in range(6)] == [400] * 6  # the form again, with its error
    refused = export(client, "ben")
    assert_wait_page(refused, "5")
    assert draft(client, "ben").status_code == 204


def test_one_busy_person_never_locks_the_others_at_their_address_out(tmp_path: Path) -> None:
    """Everyone here comes from one address (one office behind one NAT). Its backstop is spent by
    one busy person: they wait; a colleague just clicking still gets in."""
    clock = Clock()
    client = team(tmp_path, clock, Rates(address=Rate(1, 5)))
    codes = [get(client, "ana").status_code for _ in range(30)]
    assert codes[:15] == [200] * 15 and 429 in codes  # held back once her own bucket is half spent
    for name in ("ben", "cal", "dee"):
        assert get(client, name).status_code == 200
    refused = get(client, "ana")
    assert_wait_page(refused)


@given(st.lists(st.tuples(st.floats(0, 5), st.sampled_from(list(Kind))), max_size=200))
def test_never_more_than_the_burst_plus_the_rate(steps: list[tuple[float, Kind]]) -> None:
    clock = Clock()
    limits = RateLimits(clock)
    start = clock.now
    allowed = {kind: 0 for kind in Kind}
    for gap, kind in steps:
        clock.now += gap
        wait = limits.check("ana", "10.0.0.1", kind)
        assert wait >= 0
        if wait == 0:
            allowed[kind] += 1
    elapsed = clock.now - start
    pages = sum(allowed.values())
    writes = allowed[Kind.WRITE] + allowed[Kind.EXPORT]
    assert pages <= 30 + 10 * elapsed + 1e-6
    assert writes <= 15 + 3 * elapsed + 1e-6
    assert allowed[Kind.EXPORT] <= 6 + 0.2 * elapsed + 1e-6


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    pytest.importorskip("playwright", reason="Playwright is not installed (pip install -e '.[test]')")
    from browser_harness import chromium_or_skip, close_browser

    found = chromium_or_skip()
    yield found
    close_browser(found)


@pytest.mark.slow
@pytest.mark.parametrize("viewport", [{"width": 1280, "height": 900}, {"width": 320, "height": 256}],
                         ids=["wide", "320px"])
def test_the_wait_page_in_chromium_has_no_wcag_violation_and_reflows(browser: Any, tmp_path: Path,
                                                                     viewport: dict[str, int]) -> None:
    from browser_harness import axe_violations, describe_violations, served

    settings = SiteSettings(rates=Rates(pages=Rate(0.001, 1)), sweep_every=None)
    with served(make_team_app(tmp_path, settings)) as url:
        context = browser.new_context(viewport=viewport)
        try:
            page = context.new_page()
            assert page.goto(url + "/about").status == 200
            response = page.goto(url + "/cards")
            assert response.status == 429 and response.headers["retry-after"]
            assert page.locator("h1").inner_text() == "Wait a moment"
            violations = axe_violations(page)
            assert not violations, describe_violations(violations)
            assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]
            page.screenshot(path=str(Path("/tmp") / f"webmem-busy-{viewport['width']}.png"), full_page=True)
        finally:
            context.close()


@pytest.mark.slow
def test_through_the_real_door_one_person_waits_and_the_rest_of_the_office_does_not(tmp_path: Path) -> None:
    """`powerdeck web` itself (the sign-in gate, a real OpenID provider): alice and bob come from
    one address; alice's 31st page at once is the wait page, with the gate's headers; bob's is not.
    Her log, opened by her pages, is closed when idle and when the server stops."""
    from powerdeck.serve.users import UsersFile
    from powerdeck.web.config import WebLimits
    from web_harness import WebDoor, provider_server, sign_in

    clock = Clock()
    with provider_server() as issuer:
        door = WebDoor(tmp_path / "state", issuer, WebLimits(max_failures_per_minute=1000))
        door.app.state.simple_settings = SiteSettings(clock=clock, sweep_every=None)
        users = UsersFile(door.state)
        for name in ("alice", "bob"):
            users.add(name)
            users.link(name, (issuer, f"{name}-sub"))
        door.start()
        try:
            alice = sign_in(door, "alice-sub", start="/cards").client
            bob = sign_in(door, "bob-sub", start="/cards").client
            codes = [alice.get(door.base + "/log").status_code for _ in range(30)]
            assert codes == [200] * 30
            refused = alice.get(door.base + "/log")
            assert_wait_page(refused)
            assert "frame-ancestors 'none'" in refused.headers["content-security-policy"]
            assert alice.get(door.base + "/cards").status_code == 429
            # one line in the operator's log, not one a request
            assert door.log_text().count("alice is asking for pages too fast (from 127.0.0.1)") == 1
            assert bob.get(door.base + "/log").status_code == 200
            site = door.app.state.simple
            assert site.logs.count() == 2
            clock.now += 301
            assert bob.get(door.base + "/cards").status_code == 200
            assert site.logs.count() == 1  # alice's, idle, closed by bob's page
            assert alice.get(door.base + "/cards").status_code == 200  # her bucket refilled meanwhile
        finally:
            door.stop()
        assert site.logs.count() == 0
