"""The parts of `powerdeck web` that decide, without a network: web identities in the users file,
who a token names, where a sign-in may return to, the addresses and secrets it accepts, the
proxy's word on the client's address, sessions' expiry and one-time downloads."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from hypothesis import given
from hypothesis import strategies as st
from starlette.types import Scope

from powerdeck.core.errors import PowerdeckError
from powerdeck.serve.users import UsersFile, UsersFileError
from powerdeck.web.cli import main as web_main
from powerdeck.web.cli import read_secret
from powerdeck.web.config import WebLimits, checked_issuer, checked_public_url, is_loopback
from powerdeck.web.downloads import Downloads, content_disposition
from powerdeck.web.gate import client_address, session_cookie
from powerdeck.web.identity import NotAnIdentity, identity_from_claims, safe_next
from powerdeck.web.sessions import COOKIE, Sessions
from powerdeck.web.terminal import MAX_SIZE, clamp_size, parse_resize

ISSUER = "https://login.example.org/tenant/v2.0"


@pytest.fixture
def users(tmp_path: Path) -> UsersFile:
    state = tmp_path / "state"
    state.mkdir(mode=0o700)
    return UsersFile(state)


# ------------------------------------------------------------------------- the users file


def test_a_person_without_a_key_is_linked_to_one_sign_in(users: UsersFile) -> None:
    users.add("alice")
    users.link("alice", (ISSUER, "oid-a"))
    assert users.current().people == {"alice": []}
    assert users.current().owner_of_identity((ISSUER, "oid-a")) == "alice"
    assert users.current().owner_of_identity(("https://other.example", "oid-a")) is None
    users.add("bob")
    with pytest.raises(UsersFileError, match="already belongs to alice"):
        users.link("bob", (ISSUER, "oid-a"))
    with pytest.raises(UsersFileError, match="nobody called 'carol'"):
        users.link("carol", (ISSUER, "oid-c"))
    users.remove("alice")
    assert users.current().owner_of_identity((ISSUER, "oid-a")) is None
    assert "oid-a" not in users.path.read_text()


def test_an_invite_links_a_sign_in_once_and_a_linked_sign_in_cannot_take_another(users: UsersFile) -> None:
    code, _ = users.invite("carol")
    assert users.redeem_identity(code, (ISSUER, "oid-c")) == "carol"
    assert users.current().owner_of_identity((ISSUER, "oid-c")) == "carol"
    assert users.redeem_identity(code, (ISSUER, "oid-x")) is None, "spent"
    second, _ = users.invite("dora")
    assert users.redeem_identity(second, (ISSUER, "oid-c")) is None, "one sign-in is one person"
    assert users.redeem_identity(second, (ISSUER, "oid-d")) == "dora"


def test_damaged_web_identities_are_refused_and_left_untouched(users: UsersFile) -> None:
    raw = json.dumps({"format": "powerdeck-serve-users", "version": 1,
                      "people": {"alice": {"keys": [], "identities": [{"issuer": ISSUER}]}}})
    users.path.write_text(raw)
    with pytest.raises(UsersFileError, match="damaged"):
        users.current()
    assert users.path.read_text() == raw


def test_the_users_commands_add_without_a_key_link_and_list(tmp_path: Path) -> None:
    state = tmp_path / "state"
    env = {**os.environ, "POWERDECK_SERVE_TESTS_ALLOW_ROOT": "1"}

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "powerdeck", "serve", "users", *args, "--state", str(state)],
                              capture_output=True, text=True, env=env, timeout=60)

    added = run("add", "alice")
    assert added.returncode == 0 and "without a key" in added.stdout
    linked = run("link", "alice", "--issuer", ISSUER, "--subject", "oid-a")
    assert linked.returncode == 0, linked.stderr
    listed = run("list")
    assert f"alice  web: {ISSUER}" in listed.stdout
    again = run("link", "alice", "--issuer", ISSUER, "--subject", "oid-a")
    assert again.returncode == 2 and again.stderr.count("\n") == 1 and "already belongs" in again.stderr
    invited = run("invite", "bob")
    assert "powerdeck web" in invited.stdout


# ------------------------------------------------------------------------- who a token names


def test_the_subject_is_oid_when_there_is_one_else_sub_never_the_email() -> None:
    assert identity_from_claims({"iss": ISSUER, "sub": "pairwise", "oid": "object"}, ISSUER) == (ISSUER, "object")
    assert identity_from_claims({"iss": ISSUER, "sub": "pairwise"}, ISSUER) == (ISSUER, "pairwise")
    with pytest.raises(NotAnIdentity):
        identity_from_claims({"iss": ISSUER, "email": "alice@example.org"}, ISSUER)
    with pytest.raises(NotAnIdentity):
        identity_from_claims({"iss": "https://elsewhere.example", "sub": "pairwise"}, ISSUER)
    with pytest.raises(NotAnIdentity):
        identity_from_claims({"iss": ISSUER, "sub": "pairwise", "oid": ["not", "a", "string"]}, ISSUER)


CLAIM = st.one_of(st.text(max_size=20), st.text(min_size=250, max_size=260), st.integers(), st.none(),
                  st.lists(st.text(max_size=3), max_size=2))


@given(st.fixed_dictionaries({"iss": st.sampled_from([ISSUER, ISSUER + "/", "https://elsewhere.example", None])},
                             optional={"sub": CLAIM, "oid": CLAIM, "email": CLAIM}))
def test_any_claims_name_a_plain_identity_or_nobody(claims: dict[str, object]) -> None:
    try:
        issuer, subject = identity_from_claims(claims, ISSUER)
    except NotAnIdentity:
        return
    assert issuer == ISSUER == claims["iss"]
    assert subject in (claims.get("oid"), claims.get("sub")) and subject.isprintable() and 0 < len(subject) <= 255


@given(st.text(max_size=80))
def test_next_is_always_a_path_on_this_site(value: str) -> None:
    result = safe_next(value)
    assert result.startswith("/") and not result.startswith(("//", "/\\"))
    parts = urlsplit(result)
    assert not parts.scheme and not parts.netloc
    assert all(ord(char) > 0x20 and char != "\\" for char in result)


@pytest.mark.parametrize("value", ["https://evil.example", "//evil.example", "/\\evil.example", "/\\/evil",
                                   "http:/evil", " /x", "/auth/login", "/ws", "/download/abc"])
def test_next_refuses_the_known_tricks(value: str) -> None:
    assert safe_next(value) == "/"


# ------------------------------------------------------------------------- settings


def test_http_is_only_for_this_machine() -> None:
    assert checked_issuer("http://localhost:9400") == "http://localhost:9400"
    with pytest.raises(PowerdeckError, match="must be https"):
        checked_issuer("http://login.example.org/tenant")
    with pytest.raises(PowerdeckError, match="not an issuer URL"):
        checked_issuer("ftp://login.example.org")
    assert checked_public_url(None, "127.0.0.1", 8080) == "http://127.0.0.1:8080"
    with pytest.raises(PowerdeckError, match="give --public-url"):
        checked_public_url(None, "0.0.0.0", 8080)
    with pytest.raises(PowerdeckError, match="must be https"):
        checked_public_url("http://deck.example.org", "127.0.0.1", 8080)
    with pytest.raises(PowerdeckError, match="must be https"):
        checked_public_url("http://127.0.0.1:8080", "0.0.0.0", 8080)
    assert checked_public_url("https://Deck.Example.org:443/", "127.0.0.1", 8080) == "https://deck.example.org"
    assert checked_public_url("https://deck.example.org:8443", "0.0.0.0", 8080) == "https://deck.example.org:8443"
    with pytest.raises(PowerdeckError, match="an address alone"):
        checked_public_url("https://deck.example.org/deck?x=1", "127.0.0.1", 8080)
    assert is_loopback("::1") and is_loopback("127.0.0.2") and not is_loopback("10.0.0.1")


def test_the_secret_is_never_taken_on_the_command_line() -> None:
    for argument in ("--oidc-client-secret=hunter2", "--oidc-client-secret"):
        with pytest.raises(PowerdeckError, match="never taken on the command line"):
            web_main(["--oidc-issuer", ISSUER, "--oidc-client-id", "id", argument, "hunter2"])


def test_the_secret_file_must_be_private(tmp_path: Path) -> None:
    path = tmp_path / "secret"
    path.write_text("s3cret\n")
    path.chmod(0o644)
    with pytest.raises(PowerdeckError, match="chmod 600"):
        read_secret(path)
    path.chmod(0o600)
    assert read_secret(path) == "s3cret"
    link = tmp_path / "link"
    link.symlink_to(path)
    with pytest.raises(PowerdeckError, match="cannot read"):
        read_secret(link)


def test_it_refuses_to_run_as_root_and_says_so_in_one_line(tmp_path: Path) -> None:
    if os.geteuid() != 0:
        pytest.skip("only root can be refused for being root")
    env = {key: value for key, value in os.environ.items() if key != "POWERDECK_SERVE_TESTS_ALLOW_ROOT"}
    done = subprocess.run([sys.executable, "-m", "powerdeck", "web", "--state", str(tmp_path),
                           "--oidc-issuer", ISSUER, "--oidc-client-id", "x", "--oidc-client-secret-file", "/x"],
                          capture_output=True, text=True, env=env, timeout=60)
    assert done.returncode == 2
    assert done.stderr.strip() == ("powerdeck web: powerdeck web will not run as root: run it as an ordinary user "
                                   "(for example a 'deck' account made for it; see docs/web.md)")


# ------------------------------------------------------------------------- the gate's inputs


def _scope(peer: str, forwarded: str | None = None, cookie: str | None = None) -> Scope:
    headers = []
    if forwarded is not None:
        headers.append((b"x-forwarded-for", forwarded.encode()))
    if cookie is not None:
        headers.append((b"cookie", cookie.encode()))
    return {"type": "http", "client": (peer, 5000), "headers": headers}


def test_x_forwarded_for_is_believed_only_from_a_trusted_proxy() -> None:
    trusted = frozenset({"127.0.0.1"})
    assert client_address(_scope("203.0.113.9", "198.51.100.1"), trusted) == "203.0.113.9"
    assert client_address(_scope("127.0.0.1", "198.51.100.1"), trusted) == "198.51.100.1"
    # A client's own X-Forwarded-For is the leftmost part: only the hop our proxy added counts.
    assert client_address(_scope("127.0.0.1", "10.9.9.9, 198.51.100.1"), trusted) == "198.51.100.1"
    assert client_address(_scope("127.0.0.1"), trusted) == "127.0.0.1"


def test_an_odd_cookie_header_is_no_cookie() -> None:
    assert session_cookie(_scope("1.2.3.4", cookie=f'{COOKIE}="a\\"; x')) in (None, 'a"')
    assert session_cookie(_scope("1.2.3.4", cookie=f"other=1; {COOKIE}=abc")) == "abc"


def test_a_session_ends_when_idle_or_old_whatever_the_browser_holds() -> None:
    now = [1000.0]
    sessions = Sessions(b"k" * 32, WebLimits(idle=60, lifetime=300), lambda: now[0])
    session = sessions.start((ISSUER, "a"), "alice", "1.2.3.4")
    assert session is not None
    cookie = sessions.cookie_value(session)
    assert sessions.find(cookie) is session
    # The signature's first character, not its last: base64's last character carries padding
    # bits, so some changes to it decode to the same bytes (the test failed one run in eight).
    signed, signature = cookie.rsplit(".", 1)
    forged = f"{signed}.{'A' if signature[0] != 'A' else 'B'}{signature[1:]}"
    assert sessions.find(forged) is None, "a forged signature"
    now[0] += 59
    assert sessions.find(cookie) is session
    now[0] += 61
    assert sessions.find(cookie) is None, "idle too long"
    fresh = sessions.start((ISSUER, "b"), "bob", "1.2.3.4")
    assert fresh is not None
    for _ in range(6):
        now[0] += 55
        sessions.find(sessions.cookie_value(fresh))
    assert sessions.find(sessions.cookie_value(fresh)) is None, "older than the lifetime"


def test_a_download_is_for_one_session_once(tmp_path: Path) -> None:
    now = [0.0]
    downloads = Downloads(lambda: now[0])
    path = tmp_path / "tab" / "review.docx"
    path.parent.mkdir()
    path.write_bytes(b"PK")
    key = downloads.add("alice-session", path)
    assert downloads.take(key, "bob-session") is None
    taken = downloads.take(key, "alice-session")
    assert taken is not None and taken.path == path
    assert downloads.take(key, "alice-session") is None
    other = downloads.add("alice-session", path)
    now[0] += 601
    assert downloads.take(other, "alice-session") is None
    assert not path.exists(), "an expired download's file is deleted"


def test_the_download_name_is_quoted_both_ways() -> None:
    assert content_disposition("powerdeck-log-2026-12-05.docx") == (
        "attachment; filename=\"powerdeck-log-2026-12-05.docx\"; filename*=UTF-8''powerdeck-log-2026-12-05.docx")
    assert content_disposition('a"b\r\nc é.md') == (
        "attachment; filename=\"a_b__c__.md\"; filename*=UTF-8''a%22b%0D%0Ac%20%C3%A9.md")


@given(st.one_of(st.text(max_size=60), st.builds(json.dumps, st.recursive(
    st.one_of(st.integers(), st.text(max_size=5), st.none(), st.floats(allow_nan=False)),
    lambda inner: st.one_of(st.lists(inner, max_size=3), st.dictionaries(st.sampled_from(["resize", "x"]), inner)),
    max_leaves=8))))
def test_any_control_message_is_a_sane_size_or_ignored(text: str) -> None:
    size = parse_resize(text)
    if size is not None:
        columns, rows = size
        assert 2 <= columns <= MAX_SIZE[0] and 2 <= rows <= MAX_SIZE[1]


def test_a_resize_is_read_and_kept_within_bounds() -> None:
    assert parse_resize('{"resize": [120, 40]}') == (120, 40)
    assert parse_resize('{"resize": [100000, -5]}') == (MAX_SIZE[0], 2)
    assert parse_resize('{"resize": [true, 40]}') is None
    assert parse_resize('[[[[' * 10000) is None
    assert clamp_size("abc", None) == (80, 24)


def test_without_the_nhs_components_the_door_runs_without_the_simple_view(monkeypatch: pytest.MonkeyPatch) -> None:
    """Python 3.10 gets no nhsuk-frontend-jinja (the web extra's marker): `/` then opens the deck."""
    import importlib.util

    from powerdeck.web import app as web_app

    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec",
                        lambda name, *args: None if name == "nhsuk_frontend_jinja" else real(name, *args))
    assert web_app.simple_view_routes() is None
