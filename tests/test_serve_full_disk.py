"""`powerdeck serve` on a full disk: no text lost, no empty host key, no server path shown.

The state folder's people (or the whole state folder) is a small tmpfs filled to the brim; the
text typed meanwhile used to be lost (the rescue went to the same full disk), and a first start
left an empty host key that every later start refused with a message about the port.
Needs root (mount); each mount is undone in a finally.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import re
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

asyncssh = pytest.importorskip("asyncssh")

from disk_helpers import wait_until  # noqa: E402
from serve_clients import connect, open_screen  # noqa: E402
from serve_harness import ServeServer, _python, make_key  # noqa: E402

pytestmark = [pytest.mark.slow,
              pytest.mark.skipif(os.geteuid() != 0 or shutil.which("mount") is None, reason="needs root to mount")]
TEXT = "Written while the server's disk was full"
SHIFT_TAB, CTRL_E, CTRL_U = "\x1b[Z", "\x05", "\x15"


def mount_tmpfs(folder: Path, size: str, owner: ServeServer) -> None:
    uid, gid = (owner.user.pw_uid, owner.user.pw_gid) if owner.user is not None else (0, 0)
    subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size},mode=0700,uid={uid},gid={gid}", "tmpfs",
                    str(folder)], check=True)


def unmount(folder: Path) -> None:
    subprocess.run(["umount", "-l", str(folder)], check=False)


def fill(folder: Path) -> Path:
    filler = folder / "filler"
    with contextlib.suppress(OSError), open(filler, "wb", buffering=0) as stream:
        while True:
            stream.write(b"\0" * 4096)
    return filler


def own(server: ServeServer, *paths: Path) -> None:
    if server.user is not None:
        for path in paths:
            os.chown(path, server.user.pw_uid, server.user.pw_gid)


@pytest.fixture(scope="module")
def keys(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    directory = tmp_path_factory.mktemp("keys")
    return {name: make_key(directory, name) for name in ("alice",)}


@pytest.fixture(params=["another filesystem", "memory"])
def full_server(request: pytest.FixtureRequest, keys: dict[str, Path]) -> Iterator[tuple[ServeServer, Path | None]]:
    """A server whose people folder is a 1 MiB tmpfs; text it cannot write goes to a rescue folder
    on another filesystem, or (when it has none) stays in its memory."""
    server = ServeServer(keys["alice"].parent)
    rescue = None
    if request.param == "another filesystem":
        rescue = server.base / "rescue"
        rescue.mkdir(mode=0o700)
        own(server, rescue)
    server.options = ["--rescue", str(rescue) if rescue else "memory"]
    people = server.state / "people"
    people.mkdir(mode=0o700)
    own(server, people)
    mount_tmpfs(people, "1m", server)
    try:
        server.start()
        server.add("alice", keys["alice"])
        yield server, rescue
    finally:
        server.stop()
        unmount(people)
        shutil.rmtree(server.base, ignore_errors=True)


async def test_text_typed_on_a_full_disk_is_kept_and_lands_when_there_is_room(
        full_server: tuple[ServeServer, Path | None], keys: dict[str, Path]) -> None:
    server, rescue = full_server
    conn = await connect(server, keys["alice"])
    try:
        screen = await open_screen(conn)
        await screen.wait_for("Capability ")
        filler = fill(server.state / "people")
        screen.send("7")
        await screen.wait_for("7.1 ")
        screen.send("\r")
        await screen.type(TEXT)
        await screen.wait_for(TEXT)
        screen.send("\x11")
        await screen.wait_for("Your text is not saved")
        await asyncio.sleep(0.5)  # the dialog has its focus
        # The dialog writes only inside alice's own folder, and names no server path.
        screen.send(SHIFT_TAB)  # to the folder field
        for elsewhere in ("../bob", "~root", "x/../../../../../tmp"):
            screen.send(CTRL_E + CTRL_U)
            await asyncio.sleep(0.2)
            await screen.type(elsewhere + "\r")
            await screen.wait_for("only in your own folder")
            screen.raw.clear()
        assert str(server.state) not in screen.text() and "/people" not in screen.text()
        assert not list(Path("/tmp").glob("powerdeck-unsaved-*"))
        assert not list(server.state.glob("*/powerdeck-unsaved*"))
        screen.send(CTRL_E + CTRL_U + "\r")  # the default: alice's folder; full, so the server keeps it
        await asyncio.wait_for(screen.process.wait_closed(), 20)
        said = bytes(screen.raw).decode("utf-8", "replace")
        assert "the server's disk is full: your unsaved text is kept by the server" in said
        name = re.search(r"(powerdeck-unsaved-[\w-]+\.json)", said)
        assert name is not None
    finally:
        conn.close()
    log = server.log_text()
    assert TEXT not in log
    if rescue is not None:
        kept = rescue / "alice" / name.group(1)
        assert TEXT in kept.read_text()
        assert "kept in " + str(rescue) in log
    else:
        assert "kept in the server's memory" in log
    filler.unlink()  # room again: the server puts the text in alice's folder
    landed = server.folder("alice") / name.group(1)
    wait_until(landed.exists, timeout=10, what="the kept text to land in alice's folder")
    assert TEXT in landed.read_text() and landed.stat().st_mode & 0o777 == 0o600
    assert str(landed) in (server.folder("alice") / ".powerdeck-unsaved-notice").read_text()
    if rescue is not None:
        assert not (rescue / "alice" / name.group(1)).exists()


def test_a_first_start_on_a_full_disk_leaves_no_empty_host_key(keys: dict[str, Path]) -> None:
    server = ServeServer(keys["alice"].parent)
    mount_tmpfs(server.state, "64k", server)
    try:
        fill(server.state)
        done = subprocess.run([_python(), "-m", "powerdeck", "serve", "--state", str(server.state), "--port",
                               str(server.port)], capture_output=True, text=True, timeout=60,
                              **server._run_kwargs())  # type: ignore[call-overload]
        assert done.returncode == 2
        line = done.stderr.strip().splitlines()[-1]
        assert "cannot write the host key" in line and "No space left on device" in line, done.stderr
        assert "Traceback" not in done.stderr and "port" not in line
        assert not (server.state / "host_ed25519_key").exists()
        assert not list(server.state.glob(".host_ed25519_key*"))
    finally:
        unmount(server.state)
        shutil.rmtree(server.base, ignore_errors=True)
