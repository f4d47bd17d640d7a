"""`powerdeck serve` driven by real clients on 127.0.0.1: OpenSSH's `ssh` and asyncssh's client.

Each server is a real `powerdeck serve` process with a temporary state folder, throwaway keys and
a free port (see serve_harness.py for how it avoids running as root). The screen comes back
through pyte, as a person's terminal would show it.
"""

from __future__ import annotations

import asyncio
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import pytest

asyncssh = pytest.importorskip("asyncssh")
from asyncssh.packet import Boolean, String, UInt32  # noqa: E402

from disk_helpers import drafts_on_disk, state_on_disk, wait_until  # noqa: E402
from pty_harness import PtyApp, base_env  # noqa: E402
from serve_clients import Screen, _status, app_pids, connect, open_screen  # noqa: E402
from serve_harness import ServeServer, make_key  # noqa: E402

IN_CI = os.environ.get("CI", "").lower() == "true"
NO_CLIENT = not (shutil.which("ssh") and shutil.which("ssh-keygen") and shutil.which("scp"))
if NO_CLIENT and IN_CI:  # CI installs openssh-client (.ci/install-system-deps.sh): a skip would hide it
    raise RuntimeError("CI must run the serve tests: install openssh-client")
pytestmark = [pytest.mark.slow, pytest.mark.skipif(NO_CLIENT, reason="OpenSSH client missing (ssh, ssh-keygen, scp)")]


# ------------------------------------------------------------------------------ fixtures


@pytest.fixture(scope="module")
def keys(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    directory = tmp_path_factory.mktemp("keys")
    return {name: make_key(directory, name) for name in ("alice", "bob", "mallory", "dave", "carol", "carol2", "erin")}


@pytest.fixture(scope="module")
def server(keys: dict[str, Path]) -> Iterator[ServeServer]:
    with ServeServer(keys["alice"].parent) as running:
        running.add("alice", keys["alice"])
        running.add("bob", keys["bob"])
        yield running


# ------------------------------------------------------------------------------ helpers


def actions(folder: Path, table: str = "entries") -> list[str]:
    name = "state.json" if table == "drafts" else "log.json"  # drafts live beside the log
    if not (folder / name).exists():
        return []
    data = json.loads((folder / name).read_text(encoding="utf-8"))
    return [doc["action"] for doc in data.get(table, {}).values()]


def seed_log(server: ServeServer, name: str, texts: list[str]) -> None:
    """Entries written straight into a person's log, owned by the server's user."""
    from powerdeck.store.log import Log

    folder = server.folder(name)
    (server.state / "people").mkdir(mode=0o700, exist_ok=True)
    with Log.open(folder) as log:
        for text in texts:
            log.add("4.2", text)
    if server.user is not None:
        for path in [server.state / "people", folder, *folder.iterdir()]:
            os.chown(path, server.user.pw_uid, server.user.pw_gid)


def ssh_app(server: ServeServer, key: Path, *extra: str, cols: int = 80, rows: int = 24) -> PtyApp:
    app = PtyApp(server.ssh_argv(key, *extra), base_env(), cols=cols, rows=rows)
    app.wait_for("Capability ", timeout=30)
    app.wait_for(lambda s: "Quit" in s.splitlines()[-1])
    return app


def run_ssh(server: ServeServer, key: Path, command: str | None, *extra: str) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(server.ssh_argv(key, *extra, command=command, tty=False), capture_output=True,
                          timeout=60, stdin=subprocess.DEVNULL)


@pytest.fixture
async def aclose() -> AsyncIterator[list[Any]]:
    """Connections to close at the end of a test, whatever happened."""
    opened: list[Any] = []
    yield opened
    for conn in opened:
        conn.close()
        await conn.wait_closed()


# ------------------------------------------------------------------------- the real ssh


def test_real_ssh_paints_resizes_saves_an_entry_in_that_persons_log_only(server: ServeServer,
                                                                         keys: dict[str, Path]) -> None:
    app = ssh_app(server, keys["alice"])
    try:
        app.resize(120, 40)
        app.wait_for(lambda s: len(s.splitlines()) == 40 and "Quit" in s.splitlines()[-1]
                     and s.splitlines()[-1].rstrip().endswith("palette") and len(s.splitlines()[-1].rstrip()) > 100)
        app.send("4")
        app.wait_for("4.1 ")
        app.send("enter")
        app.type("Walked the ward with Alice's carer")
        app.wait_for("carer")  # the field wraps the sentence at 120x40
        app.send("ctrl+s")
        app.wait_for("Saved entry")
        app.send("escape")
        app.wait_for(lambda s: "Write" in s.splitlines()[-1])
        app.send("ctrl+q")
        assert app.wait_exit(timeout=20) == 0
    finally:
        app.close()
    assert "Walked the ward with Alice's carer" in actions(server.folder("alice"))
    for folder in (server.state / "people").iterdir():
        if folder.name != "alice":
            assert "Walked the ward with Alice's carer" not in actions(folder)
    assert (server.folder("alice").stat().st_mode & 0o777) == 0o700
    assert (server.folder("alice") / "log.json").stat().st_mode & 0o777 == 0o600
    log = server.wait_log("session of alice from 127.0.0.1 ended")
    assert "Walked the ward" not in log, "the server log never holds what anyone wrote"


def test_the_server_does_not_run_as_root(server: ServeServer) -> None:
    assert server.proc is not None
    uid = int(Path(f"/proc/{server.proc.pid}/status").read_text().split("Uid:")[1].split()[0])
    if server.as_user:
        assert uid == server.user.pw_uid != 0  # type: ignore[union-attr]
    else:
        assert uid == os.geteuid(), "only the documented test escape hatch lets it run as root"


def test_real_ssh_without_a_terminal_gets_one_line_and_exit_2(server: ServeServer, keys: dict[str, Path]) -> None:
    done = run_ssh(server, keys["alice"], None)
    assert done.returncode == 2
    assert b"powerdeck needs a terminal: connect with ssh -t" in done.stderr
    assert done.stdout == b""


def test_real_ssh_exec_export_goes_to_standard_output(server: ServeServer, keys: dict[str, Path]) -> None:
    seed_log(server, "bob", ["Bob's own private note"])
    done = run_ssh(server, keys["bob"], "export --format json")
    assert done.returncode == 0, done.stderr
    exported = json.loads(done.stdout)
    assert [entry["action"] for entry in exported["entries"]] == ["Bob's own private note"]


def test_a_dropped_client_ends_its_app_and_the_draft_is_kept(server: ServeServer, keys: dict[str, Path]) -> None:
    app = ssh_app(server, keys["bob"])
    try:
        app.send("3")
        app.wait_for("3.1 ")
        app.send("enter")
        text = "Typed just before the train went into a tunnel"
        app.type(text, gap=0.01)
        app.wait_for(text)
        pids = app_pids(server, "bob")
        assert len(pids) == 1
        os.kill(app.proc.pid, signal.SIGKILL)  # no goodbye: the TCP connection just closes
        app.wait_exit(timeout=10)
    finally:
        app.close()
    wait_until(lambda: not app_pids(server, "bob"), timeout=10, what="the app to end after the client died")
    drafts = [draft["action"] for draft in state_on_disk(server.folder("bob")).get("drafts", {}).values()]
    assert drafts == [text]


def test_a_frozen_client_is_dropped_by_keepalive_and_the_draft_is_kept(server: ServeServer,
                                                                       keys: dict[str, Path]) -> None:
    app = ssh_app(server, keys["alice"])
    try:
        app.send("5")
        app.wait_for("5.1 ")
        app.send("enter")
        text = "Written just before the laptop froze"
        app.type(text, gap=0.01)
        app.wait_for(text)
        assert app_pids(server, "alice")
        os.kill(app.proc.pid, signal.SIGSTOP)  # the TCP connection stays open but nothing answers
        # keepalive every 1 s in these tests, 3 missed answers: gone in a few seconds
        wait_until(lambda: not app_pids(server, "alice"), timeout=20, what="keepalive to end the frozen session")
        os.kill(app.proc.pid, signal.SIGCONT)
    finally:
        app.close()
    drafts = {card: draft["action"] for card, draft in drafts_on_disk(server.folder("alice")).items()}
    assert drafts.get("5.1") == text


def test_scp_both_ways_is_refused(server: ServeServer, keys: dict[str, Path], tmp_path: Path) -> None:
    source = tmp_path / "file.txt"
    source.write_text("x")
    common = ["-P", str(server.port), "-i", str(keys["alice"]), "-F", "/dev/null", "-o", "IdentitiesOnly=yes",
              "-o", "StrictHostKeyChecking=no", "-o", "UserKnownHostsFile=/dev/null", "-o", "BatchMode=yes"]
    target = server.base / "copied.txt"
    for mode in ([], ["-O"]):  # sftp-based (OpenSSH 9) and the legacy scp protocol
        up = subprocess.run(["scp", *mode, *common, str(source), f"127.0.0.1:{target}"], capture_output=True,
                            timeout=60)
        assert up.returncode != 0
        down = subprocess.run(["scp", *mode, *common, "127.0.0.1:/etc/hostname", str(tmp_path / "got")],
                              capture_output=True, timeout=60)
        assert down.returncode != 0
    assert not target.exists() and not (tmp_path / "got").exists()


# ----------------------------------------------------------------------- asyncssh's client


async def test_an_unknown_key_is_refused(server: ServeServer, keys: dict[str, Path]) -> None:
    with pytest.raises(asyncssh.PermissionDenied):
        await connect(server, keys["mallory"])
    server.wait_log("refused login from 127.0.0.1: no registered key")


async def test_a_removed_person_is_refused_at_once_without_a_restart(server: ServeServer, keys: dict[str, Path],
                                                                      aclose: list[Any]) -> None:
    server.add("dave", keys["dave"])
    conn = await connect(server, keys["dave"])
    aclose.append(conn)
    screen = await open_screen(conn)
    await screen.wait_for("Capability ")
    screen.send("\r")  # enter: write (a letter followed at once by more is typing, not a command)
    await screen.type("Half a thought")
    await screen.wait_for("Half a thought")
    pid_before = server.proc.pid if server.proc else None
    server.users("remove", "dave")
    # the running session ends, its draft kept; a new login is refused; same server process
    await asyncio.wait_for(screen.process.wait_closed(), 15)
    assert b"your access to this deck was removed" in screen.raw
    with pytest.raises(asyncssh.PermissionDenied):
        await connect(server, keys["dave"])
    assert server.proc is not None and server.proc.pid == pid_before and server.proc.poll() is None
    drafts = [draft["action"] for draft in state_on_disk(server.folder("dave")).get("drafts", {}).values()]
    assert drafts == ["Half a thought"]


def offer_one_key_then_sign_with_another(monkeypatch: pytest.MonkeyPatch, offered: Path) -> dict[str, int]:
    """Make asyncssh's client do the GHSA-pchf-49fh-w34r attack: offer `offered`'s public key (no
    signature), and when the server answers PK_OK, send a signed request with the client's own key."""
    from asyncssh.auth import MSG_USERAUTH_PK_OK, _ClientPublicKeyAuth

    public = asyncssh.read_public_key(str(offered) + ".pub")
    seen = {"pk_ok": 0}

    async def offer(self: Any) -> None:
        self._keypair = await self._conn.public_key_auth_requested()  # the attacker's own key pair
        if self._keypair is None:
            self._conn.try_next_auth(next_method=True)
            return
        await self.send_request(Boolean(False), String(b"ssh-ed25519"), String(public.public_data))

    def then_sign_with_own_key(self: Any, pkttype: int, pktid: int, packet: Any) -> None:
        packet.get_string()
        packet.get_string()
        packet.check_end()
        seen["pk_ok"] += 1
        self.create_task(self._send_signed_request())

    monkeypatch.setattr(_ClientPublicKeyAuth, "_start", offer)
    monkeypatch.setitem(_ClientPublicKeyAuth._packet_handlers, MSG_USERAUTH_PK_OK, then_sign_with_own_key)
    return seen


async def test_offering_the_admins_key_then_signing_with_your_own_is_refused(
        server: ServeServer, keys: dict[str, Path], monkeypatch: pytest.MonkeyPatch) -> None:
    """GHSA-pchf-49fh-w34r: offer alice's public key (the server answers PK_OK), then sign with
    mallory's own key. Identity must come from the key that signed."""
    seen = offer_one_key_then_sign_with_another(monkeypatch, keys["alice"])
    logins_before = server.log_text().count("alice logged in")
    with pytest.raises(asyncssh.PermissionDenied):
        await connect(server, keys["mallory"])
    assert seen["pk_ok"] == 1, "the server said yes to the offer of alice's key: the attack was really tried"
    assert server.wait_log("refused login from 127.0.0.1: no registered key (2 keys tried").count(
        "alice logged in") == logins_before


async def test_exec_exports_give_only_that_persons_data(server: ServeServer, keys: dict[str, Path],
                                                        aclose: list[Any]) -> None:
    seed_log(server, "bob", ["Bob: asked the patient group first"])
    conn = await connect(server, keys["bob"])
    aclose.append(conn)
    result = await conn.run("export --format json", encoding=None)
    assert result.exit_status == 0, result.stderr
    texts = [entry["action"] for entry in json.loads(result.stdout)["entries"]]
    assert "Bob: asked the patient group first" in texts
    assert not any("Alice" in text for text in texts)
    markdown = await conn.run("export --format markdown", encoding=None)
    assert markdown.exit_status == 0 and b"Bob: asked the patient group first" in markdown.stdout
    csv = await conn.run("export --format csv", encoding=None)
    assert csv.exit_status == 0 and csv.stdout.startswith(b"\xef\xbb\xbf") and b"Bob: asked" in csv.stdout
    this_year = time.gmtime().tm_year
    current = await conn.run(f"export --format json --year {this_year}", encoding=None)
    assert "Bob: asked the patient group first" in current.stdout.decode()
    old = await conn.run("export --format json --year 2001", encoding=None)
    assert old.exit_status == 0 and json.loads(old.stdout)["entries"] == []
    appraisal = await conn.run("export --format json --appraisal-year 2001", encoding=None)
    assert appraisal.exit_status == 0 and json.loads(appraisal.stdout)["entries"] == []
    docx = await conn.run("export --format docx", encoding=None)
    if docx.exit_status == 0:
        assert docx.stdout.startswith(b"PK"), "a Word file is a zip"
    else:
        assert docx.exit_status == 2 and b"Word export" in docx.stderr and docx.stdout == b""


INJECTIONS = [
    "export; id", "export --format json; id", "export --format json && id", "export --format json | id",
    "$(id)", "`id`", "export --format $(id)", "export --format 'json'", 'export --format "json"',
    "export  --format json", " export --format json", "export --format json ", "export --format\tjson",
    "export --format json\nid", "export --format json --year", "export --format json --year 20x6",
    "export --format json --year 2026 --appraisal-year 2025", "export --format=json", "export --format pdf",
    "export --format json --data /etc", "export", "id", "sh", "bash -i", "powerdeck", "scp -t /tmp/x",
    "internal-sftp", "export --format json --year 2026 --year 2027", "EXPORT --format json", "",
]


async def test_exec_anything_but_the_exact_export_is_refused(server: ServeServer, keys: dict[str, Path],
                                                             aclose: list[Any]) -> None:
    conn = await connect(server, keys["alice"])
    aclose.append(conn)
    for command in INJECTIONS:
        result = await conn.run(command, encoding=None)
        assert (result.exit_status, result.stdout) == (2, b""), command
        assert b"not an allowed command" in result.stderr or b"needs a terminal" in result.stderr, command


async def test_no_pty_gets_the_hint_and_exit_2(server: ServeServer, keys: dict[str, Path], aclose: list[Any]) -> None:
    conn = await connect(server, keys["alice"])
    aclose.append(conn)
    result = await conn.run(encoding=None)
    assert result.exit_status == 2
    assert b"powerdeck needs a terminal: connect with ssh -t" in result.stderr


async def test_forwarding_agent_x11_sftp_and_env_are_refused(server: ServeServer, keys: dict[str, Path],
                                                             aclose: list[Any]) -> None:
    conn = await connect(server, keys["alice"])
    aclose.append(conn)
    with pytest.raises(asyncssh.ChannelOpenError):
        await conn.create_connection(asyncssh.SSHTCPSession, "127.0.0.1", server.port)
    with pytest.raises(asyncssh.ChannelListenError):
        await conn.forward_remote_port("127.0.0.1", 0, "127.0.0.1", 9)
    with pytest.raises(asyncssh.ChannelOpenError):
        await conn.create_unix_connection(asyncssh.SSHUNIXSession, "/run/dbus/system_bus_socket")
    with pytest.raises((asyncssh.SFTPError, asyncssh.ChannelOpenError)):
        await conn.start_sftp_client()
    chan, _session = await conn.create_session(asyncssh.SSHClientSession, term_type="xterm")
    assert await chan._make_request(b"auth-agent-req@openssh.com") is False
    assert await chan._make_request(b"x11-req", Boolean(False), String(b"MIT-MAGIC-COOKIE-1"),
                                    String(b"00" * 16), UInt32(0)) is False
    assert await chan._make_request(b"env", String(b"LC_ALL"), String(b"x")) is False
    chan.close()
    log = server.wait_log("refused port forwarding")
    assert "refused remote port forwarding" in log and "refused subsystem 'sftp'" in log


async def test_a_hostile_term_and_client_env_never_reach_the_app(server: ServeServer, keys: dict[str, Path],
                                                                 aclose: list[Any]) -> None:
    conn = await connect(server, keys["alice"])
    aclose.append(conn)
    hostile = "xterm\x1b]0;owned\x07"
    # TEXTUAL_PRESS would make the app press ctrl+q at once, were the client's env to reach it.
    env = {"TEXTUAL_PRESS": "ctrl+q", "LC_ALL": "xx_XX.ISO-8859-1", "TEXTUAL_DRIVER": "nowhere:Nothing",
           "PYTHONINSPECT": "1", "LD_PRELOAD": "/tmp/evil.so"}
    screen = await open_screen(conn, term_type=hostile, env=env)
    await screen.wait_for("Capability ")
    pids = wait_until(lambda: app_pids(server, "alice"), what="alice's app")
    # /proc/PID/environ is the environment the prepared process was started with (the child
    # builds its own after the fork, see test_serve_units): nothing of the client's is in it.
    environ = Path(f"/proc/{pids[-1]}/environ").read_bytes()
    assert not [name for name in env if name.encode() + b"=" in environ]
    assert "xterm-256color, 80x24)" in server.log_text().splitlines()[-1] or re.search(
        rf"started \(pid {pids[-1]}, xterm-256color, 80x24\)", server.log_text())
    assert "refused TERM" in server.log_text()
    await asyncio.sleep(1.0)  # TEXTUAL_PRESS=ctrl+q, had it reached the app, would have quit by now
    assert app_pids(server, "alice") == pids
    assert not screen.reader.done()
    screen.send("\x11")
    await asyncio.wait_for(screen.process.wait_closed(), 15)
    assert screen.process.exit_status == 0


async def test_a_second_session_takes_over_and_the_first_keeps_its_draft(server: ServeServer, keys: dict[str, Path],
                                                                         aclose: list[Any]) -> None:
    first_conn = await connect(server, keys["alice"])
    aclose.append(first_conn)
    first = await open_screen(first_conn)
    await first.wait_for("Capability ")
    first.send("7")
    await first.wait_for("7.1 ")
    first.send("\r")
    await first.type("Begun on the ward computer")
    await first.wait_for("Begun on the ward computer")
    second_conn = await connect(server, keys["alice"])
    aclose.append(second_conn)
    second = await open_screen(second_conn)
    await asyncio.wait_for(first.process.wait_closed(), 15)
    assert b"you opened powerdeck again" in first.raw and b"your draft is kept" in first.raw
    await second.wait_for("Capability ")
    second.send("7")
    await second.wait_for("draft kept")
    second.send("\r")  # the draft is back in the editor
    await second.wait_for("Begun on the ward computer")
    second.send("\x1b")
    await asyncio.sleep(0.3)
    second.send("\x11")
    await asyncio.wait_for(second.process.wait_closed(), 15)


# ----------------------------------------------------------------------------- invites


async def test_invites_wrong_right_reused_and_expired(keys: dict[str, Path], aclose: list[Any],
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    with ServeServer(keys["alice"].parent) as server:
        server.add("alice", keys["alice"])
        printed = server.users("invite", "carol").stdout
        code = re.search(r"Invite code for carol: (\S+)", printed)
        assert code is not None
        # wrong code: refused, counted
        conn = await connect(server, keys["carol"])
        aclose.append(conn)
        screen = await open_screen(conn)
        await screen.wait_for("invite code")
        await screen.type("AAAA-BBBB-CCCC-DDDD\r")
        await screen.wait_for("type it again")
        screen.send("\x03")
        await asyncio.wait_for(screen.process.wait_closed(), 15)
        assert screen.process.exit_status == 2 and b"not right" in screen.raw
        assert b"AAAA" not in screen.raw, "the code is never echoed"
        users = json.loads((server.state / "users.json").read_text())
        assert users["invites"][0]["tries_left"] == 5 and "carol" not in users["people"], "the invite is not charged"
        # without a terminal an unregistered key gets nothing
        result = await conn.run("export --format json", encoding=None)
        assert result.exit_status == 2 and result.stdout == b""
        # the offered-key attack while an invite is open: the attacker is an unregistered key at
        # the invite prompt, never alice
        with monkeypatch.context() as patch:
            seen = offer_one_key_then_sign_with_another(patch, keys["alice"])
            conn = await connect(server, keys["mallory"])
            aclose.append(conn)
        assert seen["pk_ok"] == 1
        result = await conn.run("export --format json", encoding=None)
        assert result.exit_status == 2 and result.stdout == b"" and b"not registered" in result.stderr
        screen = await open_screen(conn)
        await screen.wait_for("invite code")
        assert b"Capability" not in screen.raw
        screen.send("\x03")
        await asyncio.wait_for(screen.process.wait_closed(), 15)
        # right code: the key that signed is bound to carol, and the deck opens
        conn = await connect(server, keys["carol"])
        aclose.append(conn)
        screen = await open_screen(conn)
        await screen.wait_for("invite code")
        await screen.type(code.group(1).lower() + "\r")
        await screen.wait_for("registered as carol")
        await screen.wait_for("Capability ")
        screen.send("\x11")
        await asyncio.wait_for(screen.process.wait_closed(), 15)
        assert "carol" in server.users("list").stdout
        # reused: another key with the same code is refused (no invite is left: not even asked)
        with pytest.raises(asyncssh.PermissionDenied):
            await connect(server, keys["carol2"])
        # expired: an invite whose day has passed lets nobody in
        server.users("invite", "erin")
        path = server.state / "users.json"
        users = json.loads(path.read_text())
        users["invites"][0]["expires"] = "2020-01-01T00:00:00+00:00"
        with open(path, "w", encoding="utf-8") as stream:  # in place: keeps the server user's ownership
            json.dump(users, stream)
        with pytest.raises(asyncssh.PermissionDenied):
            await connect(server, keys["erin"])
        assert "carol" in server.log_text() and code.group(1) not in server.log_text()


# ------------------------------------------------------------------------------ limits


async def test_limits_logins_waiting_and_sessions(keys: dict[str, Path], aclose: list[Any]) -> None:
    with ServeServer(keys["alice"].parent, "--max-logins", "2", "--max-sessions", "1") as server:
        server.add("alice", keys["alice"])
        server.add("bob", keys["bob"])
        waiting = [socket.create_connection(("127.0.0.1", server.port)) for _ in range(2)]
        try:
            server.wait_log("listening")
            await asyncio.sleep(0.5)
            with pytest.raises(asyncssh.DisconnectError, match="too many connections are logging in"):
                await connect(server, keys["alice"])
        finally:
            for sock in waiting:
                sock.close()
        await asyncio.sleep(0.5)
        conn = await connect(server, keys["alice"])
        aclose.append(conn)
        screen = await open_screen(conn)
        await screen.wait_for("Capability ")
        other = await connect(server, keys["bob"])
        aclose.append(other)
        refused = await other.run(term_type="xterm", encoding=None)
        assert refused.exit_status == 2 and b"the deck is full" in refused.stdout, "on the terminal"
        screen.send("\x11")
        await asyncio.wait_for(screen.process.wait_closed(), 15)


async def test_failed_logins_from_an_address_never_lock_out_its_registered_people(keys: dict[str, Path]) -> None:
    """The per-address failure limit is a backstop that cannot lock out a whole office behind one
    address: past it, that address gets no invite prompt, and registered keys still get in."""
    with ServeServer(keys["alice"].parent, "--max-failures", "3") as server:
        server.add("alice", keys["alice"])
        for _ in range(3):
            with pytest.raises(asyncssh.PermissionDenied):
                await connect(server, keys["mallory"])
        server.users("invite", "carol")
        conn = await connect(server, keys["alice"])  # even from this address: alice is in
        conn.close()
        with pytest.raises(asyncssh.PermissionDenied):
            await connect(server, keys["carol"])  # no invite door from a suspect address


async def test_a_server_stop_ends_every_app_and_keeps_drafts(keys: dict[str, Path]) -> None:
    with ServeServer(keys["alice"].parent) as server:
        server.add("alice", keys["alice"])
        conn = await connect(server, keys["alice"])
        screen = await open_screen(conn)
        await screen.wait_for("Capability ")
        screen.send("2")
        await screen.wait_for("2.1 ")
        screen.send("\r")
        await screen.type("Half-written when the server stopped")
        await screen.wait_for("Half-written when the server stopped")
        pids = app_pids(server, "alice")
        assert await asyncio.to_thread(server.stop) == 0
        await asyncio.wait_for(screen.process.wait_closed(), 15)
        assert b"the server is stopping; your draft is kept" in screen.raw
        conn.close()
        assert not [pid for pid in pids if Path(f"/proc/{pid}").exists() and b"zombie" not in _status(pid)]
        drafts = [draft["action"] for draft in state_on_disk(server.folder("alice")).get("drafts", {}).values()]
        assert drafts == ["Half-written when the server stopped"]


async def test_a_changed_deck_is_served_from_a_fresh_prepared_process(keys: dict[str, Path], aclose: list[Any]) -> None:
    from importlib import resources

    folder = Path(tempfile.mkdtemp(prefix="pdserve-deck-"))
    folder.chmod(0o755)
    deck = folder / "deck.yaml"
    deck.write_bytes(resources.files("powerdeck").joinpath("deck.yaml").read_bytes())
    deck.chmod(0o644)
    try:
        with ServeServer(keys["alice"].parent, "--deck", str(deck)) as server:
            server.add("alice", keys["alice"])
            for title in ("Changing your perspective", "Seeing it from the street"):
                if title != "Changing your perspective":
                    deck.write_text(deck.read_text().replace("Changing your perspective", title))
                conn = await connect(server, keys["alice"])
                aclose.append(conn)
                screen = await open_screen(conn)
                await screen.wait_for(f"1.1  {title}")
                screen.send("\x11")
                await asyncio.wait_for(screen.process.wait_closed(), 15)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


async def test_a_damaged_users_file_refuses_logins_but_keeps_running_sessions(
        server: ServeServer, keys: dict[str, Path], aclose: list[Any]) -> None:
    conn = await connect(server, keys["bob"])
    aclose.append(conn)
    screen = await open_screen(conn)
    await screen.wait_for("Capability ")
    path = server.state / "users.json"
    original = path.read_bytes()
    try:
        with open(path, "r+b") as stream:  # a hand edit gone wrong, in place (the owner stays)
            stream.write(b"X")
        with pytest.raises(asyncssh.PermissionDenied):
            await connect(server, keys["alice"])
        assert "users.json is damaged" in server.log_text()
        await asyncio.sleep(1.5)  # the users watcher has looked at least once
        assert not screen.reader.done(), "a damaged file removes nobody"
    finally:
        with open(path, "r+b") as stream:
            stream.write(original)
    screen.send("\x11")
    await asyncio.wait_for(screen.process.wait_closed(), 15)
    assert screen.process.exit_status == 0


# --------------------------------------------------------------- CSS parsed in the prepared process


def most_common_background(screen: Screen) -> str:
    from collections import Counter

    return Counter(char.bg for row in screen.screen.buffer.values() for char in row.values()).most_common(1)[0][0]


async def test_a_person_with_their_own_theme_gets_its_colours(server: ServeServer, keys: dict[str, Path],
                                                              aclose: list[Any]) -> None:
    """The prepared process parsed the CSS for the default theme (serve/parsed_css.py): a person
    whose theme differs is painted in their theme, and the next default session in the default."""
    from powerdeck.store.log import Log

    server.add("erin", keys["erin"])
    folder = server.folder("erin")
    (server.state / "people").mkdir(mode=0o700, exist_ok=True)
    with Log.open(folder) as log:
        log.set_state("theme", "nord")
    if server.user is not None:
        for path in [server.state / "people", folder, *folder.iterdir()]:
            os.chown(path, server.user.pw_uid, server.user.pw_gid)
    backgrounds: dict[str, set[str]] = {}
    for name in ("alice", "erin", "alice"):
        conn = await connect(server, keys[name])
        aclose.append(conn)
        screen = await open_screen(conn)
        await screen.wait_for("Capability ")
        await screen.wait_for("Quit")
        backgrounds.setdefault(name, set()).add(most_common_background(screen))
        screen.send("\x11")
        await asyncio.wait_for(screen.process.wait_closed(), 15)
    assert len(backgrounds["alice"]) == 1, "the default theme looks the same before and after erin's session"
    assert backgrounds["erin"] != backgrounds["alice"], "erin's own theme, not the one parsed in advance"
