"""`powerdeck web` end to end, without a browser: a real OpenID provider, the real door, the real
prepared process and apps; the sign-in through the provider's form, the deck over the websocket.
The attacks of issue 21 are here, each its own test."""

from __future__ import annotations

import os
import re
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlencode, urlsplit

import httpx
import pytest
from websockets.exceptions import InvalidStatus

from powerdeck.serve.users import UsersFile
from powerdeck.store.log import Log
from powerdeck.web.config import WebLimits
from powerdeck.web.sessions import COOKIE
from web_harness import WebDoor, open_deck, provider_server, query_of, set_claims, sign_in

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def issuer() -> Iterator[str]:
    with provider_server() as url:
        yield url


@pytest.fixture(scope="module")
def door(issuer: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[WebDoor]:
    state = tmp_path_factory.mktemp("web-state")
    server = WebDoor(state / "state", issuer, WebLimits(max_failures_per_minute=1000)).start()
    users = UsersFile(server.state)
    for name in ("alice", "bob", "dora", "erin", "fred"):
        users.add(name)
        users.link(name, (issuer, f"{name}-sub"))
    yield server
    server.stop()


def test_sign_in_is_the_code_flow_with_pkce_s256_and_a_nonce(door: WebDoor) -> None:
    signed = sign_in(door, "alice-sub")
    asked = query_of(signed.authorize_url)
    assert asked["response_type"] == "code"
    assert asked["code_challenge_method"] == "S256"
    assert re.fullmatch(r"[A-Za-z0-9_-]{43}", asked["code_challenge"]), "a SHA-256 challenge, base64url"
    assert asked["nonce"] and asked["state"]
    assert asked["redirect_uri"] == door.base + "/auth/callback"
    assert "openid" in asked["scope"].split()
    assert signed.final.status_code == 303 and signed.final.headers["location"] == "/deck"
    cookie = next(value for name, value in signed.final.headers.multi_items()
                  if name == "set-cookie" and value.startswith(COOKIE))
    assert "HttpOnly" in cookie and "SameSite=lax" in cookie and "Path=/" in cookie
    assert "Secure" not in cookie, "the test door is http on loopback"
    page = signed.client.get(door.base + "/deck")
    assert page.status_code == 200 and 'id="terminal"' in page.text and "Sign out" in page.text
    assert "alice signed in from 127.0.0.1" in door.log_text()


def test_every_page_has_the_security_headers(door: WebDoor) -> None:
    signed = sign_in(door, "alice-sub")
    for path in ("/deck", "/auth/login", "/signout", "/static/deck/deck.js"):
        headers = signed.client.get(door.base + path).headers
        csp = headers["content-security-policy"]
        assert "frame-ancestors 'none'" in csp and "script-src 'self';" in csp, path
        assert "unsafe-inline" not in csp.split("script-src")[1].split(";")[0]
        assert headers["referrer-policy"] == "same-origin"


def test_an_anonymous_visit_goes_straight_to_the_provider(door: WebDoor, issuer: str) -> None:
    client = httpx.Client(follow_redirects=False)
    first = client.get(door.base + "/cards/4.2?x=1")
    assert first.status_code == 303
    assert first.headers["location"] == "/auth/login?next=%2Fcards%2F4.2%3Fx%3D1"
    second = client.get(door.base + first.headers["location"])
    assert second.headers["location"].startswith(issuer + "/oauth2/authorize?")


def test_the_deck_opens_in_the_tab_and_ctrl_s_saves_to_that_persons_log(door: WebDoor) -> None:
    signed = sign_in(door, "bob-sub")
    # Whatever the page asks for, the deck is the signed-in person's own.
    deck = open_deck(door, signed.cookie, query="&name=alice&folder=/tmp&downloads=/tmp")
    try:
        deck.wait_for("Capability")
        deck.send("e")
        time.sleep(0.5)
        deck.type("Asked the team first")
        deck.send("\x13")  # ctrl+s
        deck_path = door.folder("bob")
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline:
            with Log.open(deck_path) as log:
                if any(entry.action == "Asked the team first" for entry in log.entries()):
                    break
            time.sleep(0.1)
        else:
            raise AssertionError("the entry never reached bob's log")
        assert not (door.folder("alice") / "log.json").exists() or not any(
            "Asked the team" in path.read_text(errors="replace") for path in door.folder("alice").glob("*.json"))
    finally:
        deck.close()


def test_a_websocket_from_another_origin_is_refused_before_accept(door: WebDoor) -> None:
    signed = sign_in(door, "alice-sub")
    for origin in ("https://evil.example", "http://127.0.0.1", door.base + ".evil.example", "null"):
        with pytest.raises(InvalidStatus) as refused:
            open_deck(door, signed.cookie, origin=origin)
        assert refused.value.response.status_code == 403
    assert "refused a websocket from 127.0.0.1: another origin" in door.log_text()


def test_a_websocket_without_a_cookie_or_with_a_forged_one_is_refused(door: WebDoor) -> None:
    for cookie in (None, "not-signed", "abc.def.ghi"):
        with pytest.raises(InvalidStatus) as refused:
            open_deck(door, cookie)
        assert refused.value.response.status_code == 403


def test_an_expired_session_opens_nothing(door: WebDoor) -> None:
    idle = sign_in(door, "dora-sub")
    old = sign_in(door, "erin-sub")
    door.advance(31 * 60)  # 31 minutes: idle too long
    try:
        with pytest.raises(InvalidStatus):
            open_deck(door, idle.cookie)
        page = idle.client.get(door.base + "/deck")
        assert page.status_code == 303 and page.headers["location"].startswith("/auth/login")
    finally:
        door.advance(-31 * 60)
    # Kept busy, a session still ends at 12 hours.
    for _ in range(25):
        door.advance(29 * 60)
        assert old.client.get(door.base + "/deck").status_code in (200, 303)
    try:
        with pytest.raises(InvalidStatus):
            open_deck(door, old.cookie)
    finally:
        door.advance(-25 * 29 * 60)


def test_removing_a_person_ends_their_tab_at_once_and_their_cookie_opens_nothing(door: WebDoor, issuer: str) -> None:
    users = UsersFile(door.state)
    users.add("gina")
    users.link("gina", (issuer, "gina-sub"))
    signed = sign_in(door, "gina-sub")
    deck = open_deck(door, signed.cookie)
    try:
        deck.wait_for("Capability")
        users.remove("gina")
        ended = deck.wait_message("ended", timeout=10)
        assert "removed" in ended["ended"]
    finally:
        deck.close()
    with pytest.raises(InvalidStatus):
        open_deck(door, signed.cookie)
    assert signed.client.get(door.base + "/deck").status_code == 303


def test_a_download_works_once_and_only_for_its_own_session(door: WebDoor) -> None:
    alice = sign_in(door, "alice-sub")
    bob = sign_in(door, "bob-sub")
    deck = open_deck(door, alice.cookie)
    try:
        deck.wait_for("Capability")
        deck.send("\x10")  # ctrl+p: the palette
        deck.wait_for("Search")
        deck.type("Export log")
        time.sleep(0.5)
        deck.send("\r")
        deck.wait_for("Export the review log")
        assert "File" not in deck.text().split("Export the review log")[1], "no server path to choose in a tab"
        deck.send("\x13")  # ctrl+s: export
        offer = deck.wait_message("download")
    finally:
        deck.close()
    url = door.base + offer["download"]
    assert offer["name"].endswith(".docx")
    assert bob.client.get(url).status_code == 404, "another session's key"
    got = alice.client.get(url)
    assert got.status_code == 200
    assert got.content[:2] == b"PK", "a Word file"
    assert got.headers["content-disposition"] == (
        f"attachment; filename=\"{offer['name']}\"; filename*=UTF-8''{offer['name']}")
    assert alice.client.get(url).status_code == 404, "used once"
    assert not any(door.state.joinpath("web").rglob("*.docx")), "the file is gone from the server"


def test_an_invite_code_links_a_sign_in_once(door: WebDoor) -> None:
    code, _ = UsersFile(door.state).invite("hana")
    newcomer = sign_in(door, "hana-sub")
    assert newcomer.final.headers["location"] == "/invite"
    page = newcomer.client.get(door.base + "/deck")
    assert page.status_code == 303 and page.headers["location"] == "/invite"
    form = newcomer.client.get(door.base + "/invite")
    assert "not on this deck's list" in form.text and "the person who runs this deck" in form.text
    csrf = re.search(r'name="csrf" value="([0-9a-f]+)"', form.text)
    assert csrf is not None
    assert newcomer.client.post(door.base + "/invite", data={"code": code}).status_code == 400, "no CSRF token"
    wrong = newcomer.client.post(door.base + "/invite", data={"code": "AAAA-BBBB-CCCC-DDDD", "csrf": csrf[1]})
    assert wrong.status_code == 400 and "not right" in wrong.text
    right = newcomer.client.post(door.base + "/invite", data={"code": code.lower(), "csrf": csrf[1]})
    assert right.status_code == 303
    assert newcomer.client.get(door.base + "/deck").status_code == 200
    assert UsersFile(door.state).current().owner_of_identity((door.issuer, "hana-sub")) == "hana"
    # Spent: the same code does nothing for anyone else.
    other = sign_in(door, "ivan-sub")
    form = other.client.get(door.base + "/invite")
    csrf = re.search(r'name="csrf" value="([0-9a-f]+)"', form.text)
    assert csrf is not None
    replay = other.client.post(door.base + "/invite", data={"code": code, "csrf": csrf[1]})
    assert replay.status_code == 400
    assert other.client.get(door.base + "/deck").headers["location"] == "/invite"
    with pytest.raises(InvalidStatus):
        open_deck(door, other.cookie)


def test_a_callback_with_a_forged_state_signs_nobody_in(door: WebDoor) -> None:
    client = httpx.Client(follow_redirects=False)
    login = client.get(door.base + "/auth/login")
    real = query_of(login.headers["location"])["state"]
    forged = client.get(door.base + "/auth/callback", params={"code": "x", "state": real + "x"})
    assert forged.status_code == 400 and COOKIE not in client.cookies
    bare = httpx.get(door.base + "/auth/callback", params={"code": "x", "state": real})
    assert bare.status_code == 400, "the state belongs to the browser that started the sign-in"
    assert "failed sign-in from 127.0.0.1 (MismatchingStateError)" in door.log_text()


@pytest.mark.parametrize("wanted", ["https://evil.example/", "//evil.example/x", "/\\evil.example",
                                    "/%5Cevil.example", "javascript:alert(1)", "/\t/evil.example",
                                    "https:/evil.example"])
def test_next_never_leaves_the_site(door: WebDoor, wanted: str) -> None:
    signed = sign_in(door, "alice-sub", start="/auth/login?" + urlencode({"next": wanted}))
    location = signed.final.headers["location"]
    assert signed.final.status_code == 303
    assert location == "/" or (location.startswith("/") and urlsplit(location).netloc == ""
                               and not location.startswith(("//", "/\\"))), location


def test_next_returns_to_the_page_asked_for(door: WebDoor) -> None:
    signed = sign_in(door, "alice-sub", start="/cards/4.2?q=a%20b")
    assert signed.final.headers["location"] == "/cards/4.2?q=a%20b"


def test_a_token_from_an_issuer_not_configured_is_refused(tmp_path: Path) -> None:
    with provider_server(other_issuer_in_tokens=True) as issuer:
        server = WebDoor(tmp_path / "state", issuer).start()
        try:
            UsersFile(server.state).add("alice")
            UsersFile(server.state).link("alice", (issuer, "alice-sub"))
            signed = sign_in(server, "alice-sub")
            assert signed.final.status_code == 400
            assert signed.cookie is None
            # Refused for its issuer (the token itself was fine, signed by the provider's own key).
            assert "failed sign-in from 127.0.0.1 (InvalidClaimError)" in server.log_text()
        finally:
            server.stop()


def test_the_subject_is_the_oid_claim_when_the_token_has_one(door: WebDoor, issuer: str) -> None:
    set_claims(issuer, "jo-pairwise", {"oid": "0000-jo-object-id", "email": "alice@example.org"})
    UsersFile(door.state).add("jo")
    UsersFile(door.state).link("jo", (issuer, "0000-jo-object-id"))
    signed = sign_in(door, "jo-pairwise")
    assert signed.final.headers["location"] == "/deck"
    # The email is never who someone is: a token whose email is alice's is not alice.
    assert signed.client.get(door.base + "/deck").text.count("Signed in as jo") == 1


def test_alice_cannot_reach_bobs_folder_by_any_path(door: WebDoor) -> None:
    with Log.open(door.folder("bob")) as log:
        log.add("1.1", "Asked the team first")
    alice = sign_in(door, "alice-sub")
    bob_folder = door.folder("bob")
    for path in ("/download/../people/bob/log.json", "/download/%2e%2e%2fpeople%2fbob%2flog.json",
                 "/static/deck/../../people/bob/log.json", "/static/deck/%2e%2e/%2e%2e/people/bob/log.json",
                 f"/static/deck/{bob_folder}/log.json", "/deck?name=bob", "/invite?name=bob"):
        got = alice.client.get(door.base + path)
        assert b"Asked the team first" not in got.content, path
        assert got.status_code in (200, 303, 404), path


def test_a_second_tab_takes_over_from_the_first(door: WebDoor) -> None:
    signed = sign_in(door, "fred-sub")
    first = open_deck(door, signed.cookie)
    try:
        first.wait_for("Capability")
        second = open_deck(door, signed.cookie)
        try:
            second.wait_for("Capability")
            ended = first.wait_message("ended", timeout=15)
            assert "another tab" in ended["ended"]
        finally:
            second.close()
    finally:
        first.close()


def test_limits_failed_sign_ins_per_address_and_decks_in_all(issuer: str, tmp_path: Path) -> None:
    stale = tmp_path / "state" / "web" / "0123456789abcdef" / "powerdeck-log-2026-12-01.docx"
    stale.parent.mkdir(parents=True)
    stale.write_bytes(b"PK left by a server that stopped")
    server = WebDoor(tmp_path / "state", issuer, WebLimits(max_failures_per_minute=2, max_sessions=1)).start()
    try:
        assert not stale.exists(), "an export a stopped server never handed over is deleted at start"
        users = UsersFile(server.state)
        for name in ("kim", "lee"):
            users.add(name)
            users.link(name, (issuer, f"{name}-sub"))
        kim = sign_in(server, "kim-sub")
        lee = sign_in(server, "lee-sub")
        deck = open_deck(server, kim.cookie)
        try:
            deck.wait_for("Capability")
            full = open_deck(server, lee.cookie)
            assert "full" in full.wait_message("ended")["ended"]
            full.close()
        finally:
            deck.close()
        client = httpx.Client(follow_redirects=False)
        for _ in range(2):
            assert client.get(server.base + "/auth/callback", params={"code": "x", "state": "y"}).status_code == 400
        assert client.get(server.base + "/auth/login").status_code == 429
        assert client.get(server.base + "/auth/callback", params={"code": "x", "state": "y"}).status_code == 429
    finally:
        server.stop()


def test_wrong_invite_codes_are_limited_per_identity(door: WebDoor) -> None:
    UsersFile(door.state).invite("nina")
    guesser = sign_in(door, "nina-guesser-sub")
    form = guesser.client.get(door.base + "/invite")
    csrf = re.search(r'name="csrf" value="([0-9a-f]+)"', form.text)
    assert csrf is not None
    statuses = [guesser.client.post(door.base + "/invite", data={"code": f"WRONG-{n}", "csrf": csrf[1]}).status_code
                for n in range(6)]
    assert statuses == [400] * 5 + [429]


def test_powerdeck_web_runs_as_a_command_with_its_settings_from_the_environment(issuer: str, tmp_path: Path) -> None:
    import os
    import signal
    import subprocess
    import sys

    from sshd_harness import free_port

    secret = tmp_path / "client-secret"
    secret.write_text("test-secret\n")
    secret.chmod(0o600)
    port = free_port()
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "LANG": "C.UTF-8", "HOME": str(tmp_path),
           "POWERDECK_SERVE_TESTS_ALLOW_ROOT": "1", "POWERDECK_OIDC_ISSUER": issuer,
           "POWERDECK_OIDC_CLIENT_ID": "powerdeck-test", "POWERDECK_OIDC_CLIENT_SECRET_FILE": str(secret)}
    process = subprocess.Popen([sys.executable, "-m", "powerdeck", "web", "--state", str(tmp_path / "state"),
                                "--port", str(port)], env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                               text=True)
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                answer = httpx.get(f"http://127.0.0.1:{port}/deck", timeout=5)
                break
            except httpx.TransportError:
                assert process.poll() is None and time.monotonic() < deadline, "powerdeck web did not start"
                time.sleep(0.2)
        assert answer.status_code == 303 and answer.headers["location"] == "/auth/login?next=%2Fdeck"
        login = httpx.get(f"http://127.0.0.1:{port}/auth/login", timeout=10)
        assert login.headers["location"].startswith(issuer + "/oauth2/authorize?")
        assert query_of(login.headers["location"])["redirect_uri"] == f"http://127.0.0.1:{port}/auth/callback"
    finally:
        process.send_signal(signal.SIGTERM)
        output, _ = process.communicate(timeout=30)
    assert process.returncode == 0, output
    assert "powerdeck web listening on 127.0.0.1" in output and "nobody is registered yet" in output
    assert "Traceback" not in output
    assert (tmp_path / "state" / "web.log").stat().st_mode & 0o777 == 0o600


def test_behind_https_every_cookie_is_secure_and_pages_ask_for_https(issuer: str, tmp_path: Path) -> None:
    from starlette.testclient import TestClient

    from powerdeck.web.app import create_app
    from powerdeck.web.config import WebConfig

    state = tmp_path / "state"
    state.mkdir(mode=0o700)
    UsersFile(state).add("alice")
    UsersFile(state).link("alice", (issuer, "alice-sub"))
    config = WebConfig(state=state, issuer=issuer, client_id="powerdeck-test", client_secret="test-secret",
                       public_url="https://deck.example.org")
    browser = TestClient(create_app(config, start_pool=False), base_url="https://deck.example.org",
                         follow_redirects=False)
    login = browser.get("/auth/login")
    assert "secure" in login.headers["set-cookie"].lower()
    assert login.headers["strict-transport-security"] == "max-age=31536000"
    authorize = login.headers["location"]
    assert query_of(authorize)["redirect_uri"] == "https://deck.example.org/auth/callback"
    provider = httpx.Client(follow_redirects=False)
    answer = provider.post(authorize, data={"sub": "alice-sub"})
    callback = browser.get(answer.headers["location"])
    assert callback.status_code == 303 and callback.headers["location"] == "/"
    session_cookie = next(value for name, value in callback.headers.multi_items()
                          if name == "set-cookie" and value.startswith(COOKIE))
    assert "Secure" in session_cookie and "HttpOnly" in session_cookie and "SameSite=lax" in session_cookie


def test_the_simple_view_sits_behind_the_same_sign_in(door: WebDoor) -> None:
    pytest.importorskip("powerdeck.web.simple", reason="the simple view (issue 22) is not merged yet")
    anonymous = httpx.get(door.base + "/cards", follow_redirects=False)
    assert anonymous.status_code == 303 and anonymous.headers["location"] == "/auth/login?next=%2Fcards"
    signed = sign_in(door, "alice-sub", start="/cards")
    assert signed.final.headers["location"] == "/cards"
    cards = signed.client.get(door.base + "/cards")
    assert cards.status_code == 200 and "Changing your perspective" in cards.text
    assert "Signed in as <span class=\"pd-name\">alice</span>" in cards.text
    assert "frame-ancestors 'none'" in cards.headers["content-security-policy"]
    # Its "Sign out" link asks once, with a form, and then the cookie opens nothing.
    confirm = signed.client.get(door.base + "/signout")
    csrf = re.search(r'name="csrf" value="([0-9a-f]+)"', confirm.text)
    assert confirm.status_code == 200 and csrf is not None
    gone = signed.client.post(door.base + "/signout", data={"csrf": csrf[1]})
    assert "You have signed out" in gone.text
    assert signed.client.get(door.base + "/cards").status_code == 303


def test_a_deck_opens_when_the_servers_descriptors_are_numbered_past_1024(issuer: str, tmp_path: Path) -> None:
    """A long-running server's descriptors climb past 1024; the prepared process it hands them to
    waited with select(), which refuses those: every deck then failed to open (found by the full
    test run, whose own process had climbed that far)."""
    held = []
    while not held or held[-1] < 1100:
        held.append(os.open(os.devnull, os.O_RDONLY))
    try:
        server = WebDoor(tmp_path / "state", issuer, WebLimits(max_failures_per_minute=1000)).start()
        try:
            users = UsersFile(server.state)
            users.add("hana")
            users.link("hana", (issuer, "hana-sub"))
            deck = open_deck(server, sign_in(server, "hana-sub").cookie)
            try:
                deck.wait_for("Capability")
            finally:
                deck.close()
        finally:
            server.stop()
    finally:
        for fd in held:
            os.close(fd)
