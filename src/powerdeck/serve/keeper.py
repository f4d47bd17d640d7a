"""Text a session could not write, kept by the server until the person's folder has room.

A session's app writes drafts it cannot put in the log to a rescue file in the person's folder
(store/rescue.py). When the state folder's disk is full that fails too, and the text used to be
lost. In a served session the app then hands the file to the server over a socket it was given
at the fork (`hand_to_server`); the server (`RescueKeeper`) writes it to a rescue place on another
filesystem if it has one (`--rescue DIR`, or the system's temporary folder when that is another
filesystem), else keeps it in its memory, and every few seconds tries the person's folder again.
When the file lands there, the person's next session names it once (rescue.take_notices). Never
into anyone else's folder: the folder is known by its inode, so a name given to a new person
(`users add NAME --new-person`) does not receive the old person's text.

One frame on the socket: a 4-byte length of the file name, a 4-byte length of the payload, the
name, the payload.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import re
import socket
import struct
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from powerdeck.core.errors import PowerdeckError
from powerdeck.store import note_for_next_start, write_private

FRAME = struct.Struct("!II")
NAME_PATTERN = re.compile(r"powerdeck-unsaved-[0-9]{8}-[0-9]{6}-[0-9]+-[0-9]+\.json")
MAX_NAME = 200
MAX_PAYLOAD = 16 * 1024 * 1024
MEMORY_LIMIT = 64 * 1024 * 1024
"""Bytes of rescued text the server keeps in memory at most, all people together."""
RETRY_EVERY = 2.0
KEPT_NOTE = "(kept by the server until its disk has room)"


# ------------------------------------------------------------------- in the session's app


def hand_to_server(fd: int) -> Callable[[bytes], Path]:
    """The rescue fallback of a served session: send the payload to the server over `fd`."""
    sock = socket.socket(fileno=fd)
    sock.setblocking(True)
    sent = 0

    def keep(payload: bytes) -> Path:
        nonlocal sent
        sent += 1
        name = f"powerdeck-unsaved-{time.strftime('%Y%m%d-%H%M%S')}-{os.getpid()}-{sent}.json"
        encoded = name.encode("ascii")
        try:
            sock.sendall(FRAME.pack(len(encoded), len(payload)) + encoded + payload)
        except OSError:
            raise PowerdeckError("your text could not be written, and the server could not take it either") from None
        return Path("~") / f"{name} {KEPT_NOTE}"

    return keep


# ------------------------------------------------------------------------ in the server


def rescue_place(people: Path, asked: str | None) -> Path | None:
    """Where rescued text goes before the person's folder has room: `asked` (`--rescue DIR`,
    "memory" for none), else the temporary folder; either only when it is on another filesystem
    than the people's folders (`people`, or the state folder it will be made in)."""
    if asked == "memory":
        return None
    state = people if people.exists() else people.parent
    base = Path(asked) if asked else Path(tempfile.gettempdir()) / f"powerdeck-serve-rescue-{os.geteuid()}"
    try:
        base.mkdir(mode=0o700, parents=bool(asked), exist_ok=True)
        info = os.lstat(base)
        if (os.path.islink(base) or not base.is_dir() or info.st_uid != os.geteuid() or info.st_mode & 0o077
                or info.st_dev == os.stat(state).st_dev):
            return None
    except OSError:
        return None
    return base


@dataclass
class Held:
    person: str
    folder: Path
    inode: tuple[int, int] | None
    name: str
    payload: bytes
    where: Path | None
    """Its copy in the rescue place; None when it is only in memory."""


def _inode(path: Path) -> tuple[int, int] | None:
    try:
        info = os.stat(path)
    except OSError:
        return None
    return (info.st_dev, info.st_ino)


class RescueKeeper:
    def __init__(self, state: Path, place: Path | None, archive: Path) -> None:
        self.state = state
        self.place = place
        self.archive = archive
        self.held: list[Held] = []
        self._sockets: dict[int, socket.socket] = {}

    @property
    def in_memory(self) -> int:
        return sum(len(held.payload) for held in self.held if held.where is None)

    def socket_for(self, person: str, folder: Path, tell: Callable[[str], None]) -> int:
        """A descriptor for a session's app to hand text over on; the caller closes it once it is
        passed on."""
        ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
        ours.setblocking(False)
        buffer = bytearray()
        inode = _inode(folder)
        self._sockets[ours.fileno()] = ours

        def readable() -> None:
            try:
                data = ours.recv(1 << 20)
            except BlockingIOError:
                return
            except OSError:
                data = b""
            if data and len(buffer) < MAX_NAME + MAX_PAYLOAD + FRAME.size:
                buffer.extend(data)
            while len(buffer) >= FRAME.size:
                name_size, size = FRAME.unpack_from(buffer)
                if name_size > MAX_NAME or size > MAX_PAYLOAD:
                    buffer.clear()
                    data = b""
                    break
                if len(buffer) < FRAME.size + name_size + size:
                    break
                name = bytes(buffer[FRAME.size:FRAME.size + name_size]).decode("ascii", "replace")
                payload = bytes(buffer[FRAME.size + name_size:FRAME.size + name_size + size])
                del buffer[:FRAME.size + name_size + size]
                if NAME_PATTERN.fullmatch(name):  # a file name of ours, never a path
                    self._keep(Held(person, folder, inode, name, payload, None), tell)
            if not data:
                self._close(ours)

        asyncio.get_running_loop().add_reader(ours.fileno(), readable)
        return theirs.detach()

    def _close(self, sock: socket.socket) -> None:
        with contextlib.suppress(ValueError, RuntimeError):
            asyncio.get_running_loop().remove_reader(sock.fileno())
        self._sockets.pop(sock.fileno(), None)
        sock.close()

    def _keep(self, held: Held, tell: Callable[[str], None]) -> None:
        from powerdeck.serve.state import log

        if self._deliver(held):
            tell(f"powerdeck: your unsaved text is in your folder as {held.name}")
            return
        if self.place is not None:
            try:
                folder = self.place / held.person
                folder.mkdir(mode=0o700, exist_ok=True)
                held.where = folder / held.name
                write_private(held.where, held.payload, replace=False)
            except OSError:
                held.where = None
        if held.where is None and self.in_memory + len(held.payload) > MEMORY_LIMIT:
            log.error("the text of %s could not be written in their folder nor kept: the server holds %d bytes "
                      "of rescued text already; free space in the state folder", held.person, self.in_memory)
            tell("powerdeck: the server's disk is full and your unsaved text could not be kept: tell whoever runs it")
            return
        self.held.append(held)
        log.warning("the text of %s could not be written in their folder (disk full?): kept %s until there is room",
                    held.person, f"in {held.where}" if held.where else "in the server's memory")
        tell(f"powerdeck: the server's disk is full: your unsaved text is kept by the server and will be in "
             f"your folder as {held.name} when there is room")

    def _folder_now(self, held: Held) -> Path | None:
        """The person's folder as it is now: the same folder (by inode) where it was, or where it
        was archived to; None when it cannot be found (then the text stays held)."""
        if held.inode is None or _inode(held.folder) == held.inode:
            return held.folder
        with contextlib.suppress(OSError):
            for candidate in self.archive.iterdir():
                if _inode(candidate) == held.inode:
                    return candidate
        return None

    def _deliver(self, held: Held) -> bool:
        folder = self._folder_now(held)
        if folder is None:
            return False
        try:
            write_private(folder / held.name, held.payload, replace=False)
        except FileExistsError:
            pass  # delivered before, by an earlier try whose clean-up failed
        except OSError:
            return False
        with contextlib.suppress(OSError):
            note_for_next_start(folder / held.name, home=folder)
        if held.where is not None:
            with contextlib.suppress(OSError):
                os.unlink(held.where)
        return True

    def retry(self) -> None:
        from powerdeck.serve.state import log

        for held in list(self.held):
            if self._deliver(held):
                self.held.remove(held)
                log.info("the kept text of %s is now in their folder as %s", held.person, held.name)

    async def run(self) -> None:
        while True:
            await asyncio.sleep(RETRY_EVERY)
            if self.held:
                self.retry()

    def stop(self) -> None:
        """The server is stopping: a last try; say what is left only in memory."""
        from powerdeck.serve.state import log

        for sock in list(self._sockets.values()):
            self._close(sock)
        self.retry()
        for held in self.held:
            if held.where is None:
                log.error("the server stopped with text of %s only in its memory (%d bytes): the disk is still "
                          "full", held.person, len(held.payload))
            else:
                log.warning("text of %s is still in %s: copy it into their folder when there is room",
                            held.person, held.where)
