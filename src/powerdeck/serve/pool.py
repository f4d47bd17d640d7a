"""The server's side of the prepared process (see session.py): start it, ask it for sessions.

The prepared process is spawned (not forked: this process runs asyncssh's event loop) with an
environment of its own. When the deck file changes, the next session comes from a fresh one;
the old one keeps serving its running sessions and ends after the last.
"""

from __future__ import annotations

import asyncio
import os
import socket
import subprocess
import sys
from pathlib import Path
from typing import Any

from powerdeck.core.errors import PowerdeckError
from powerdeck.serve.session import receive_message, send_message

READY_TIMEOUT = 60.0


class _Zygote:
    def __init__(self, pool: ZygotePool) -> None:
        self.pool = pool
        self.sock, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "LANG": "C.UTF-8"}
        self.process = subprocess.Popen(
            [sys.executable, "-m", "powerdeck.serve.session", str(theirs.fileno()), pool.deck_file or ""],
            pass_fds=[theirs.fileno()], stdin=subprocess.DEVNULL, env=env, close_fds=True,
        )
        theirs.close()
        self.sock.setblocking(False)
        self.ready: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self.waiting: dict[int, asyncio.Future[int]] = {}
        self.children: set[int] = set()
        self.retired = False
        self.dead = False
        asyncio.get_running_loop().add_reader(self.sock.fileno(), self._readable)

    def _readable(self) -> None:
        try:
            message, fds = receive_message(self.sock)
        except BlockingIOError:
            return
        except OSError:
            message, fds = None, []
        for fd in fds:
            os.close(fd)
        if message is None:
            self._gone()
            return
        op = message.get("op")
        if op == "ready" and not self.ready.done():
            self.ready.set_result(None)
        elif op == "broken" and not self.ready.done():
            self.ready.set_exception(PowerdeckError(str(message.get("error"))))
        elif op in ("started", "failed"):
            future = self.waiting.pop(int(message.get("id") or 0), None)
            if future is not None and not future.done():
                if op == "started":
                    self.children.add(int(message["pid"]))
                    future.set_result(int(message["pid"]))
                else:
                    future.set_exception(PowerdeckError(str(message.get("error"))))
        elif op == "exited":
            pid = int(message["pid"])
            self.children.discard(pid)
            self.pool.child_exited(pid, int(message["status"]))
            if self.retired and not self.children:
                self.close()

    def _gone(self) -> None:
        self.dead = True
        asyncio.get_running_loop().remove_reader(self.sock.fileno())
        if not self.ready.done():
            self.ready.set_exception(PowerdeckError("the session process failed to start (see the server's output)"))
        for future in self.waiting.values():
            if not future.done():
                future.set_exception(PowerdeckError("the session process has stopped"))
        for pid in list(self.children):  # still running, perhaps, but nobody will say when they end
            self.pool.child_lost(pid)
        self.children.clear()

    def close(self) -> None:
        try:
            asyncio.get_running_loop().remove_reader(self.sock.fileno())
        except (RuntimeError, ValueError):
            pass
        self.sock.close()  # the zygote sees end of file and leaves after its last session


class ZygotePool:
    """Hands out sessions; tells who is waiting when a session's app has exited."""

    def __init__(self, deck_file: str | None) -> None:
        self.deck_file = deck_file
        self._current: _Zygote | None = None
        self._stamp: tuple[int, int] | None = None
        self._next_id = 0
        self._exits: dict[int, asyncio.Future[int]] = {}
        self._early: dict[int, int] = {}
        self._lost: set[int] = set()

    def _deck_stamp(self) -> tuple[int, int] | None:
        from importlib import resources

        path = self.deck_file or str(resources.files("powerdeck").joinpath("deck.yaml"))
        try:
            info = Path(path).stat()
        except OSError:
            return None
        return (info.st_mtime_ns, info.st_size)

    async def start(self) -> None:
        self._stamp = self._deck_stamp()
        zygote = _Zygote(self)
        self._current = zygote
        await asyncio.wait_for(asyncio.shield(zygote.ready), READY_TIMEOUT)

    async def _fresh(self) -> _Zygote:
        if (self._current is None or self._current.dead or self._current.process.poll() is not None
                or self._deck_stamp() != self._stamp):
            old = self._current
            await self.start()
            if old is not None:
                old.retired = True
                if not old.children:
                    old.close()
        assert self._current is not None
        return self._current

    @property
    def pid(self) -> int | None:
        return self._current.process.pid if self._current else None

    async def launch(self, request: dict[str, Any], tty_fd: int, op: str = "start",
                     more_fds: tuple[int, ...] = ()) -> int:
        """Fork a session's app onto `tty_fd` (op "start"), or a job writing to its fds (op
        "export"); the child's pid."""
        zygote = await self._fresh()
        self._next_id += 1
        request = dict(request, op=op, id=self._next_id)
        future: asyncio.Future[int] = asyncio.get_running_loop().create_future()
        zygote.waiting[self._next_id] = future
        try:
            send_message(zygote.sock, request, [tty_fd, *more_fds])
        except OSError:
            zygote.waiting.pop(self._next_id, None)
            raise PowerdeckError("the server's session process has stopped: please try again") from None
        pid = await asyncio.wait_for(future, 30.0)
        self._exits.setdefault(pid, asyncio.get_running_loop().create_future())
        if pid in self._early:
            self.child_exited(pid, self._early.pop(pid))
        return pid

    def exit_of(self, pid: int) -> asyncio.Future[int]:
        return self._exits.setdefault(pid, asyncio.get_running_loop().create_future())

    def child_lost(self, pid: int) -> None:
        """The prepared process that forked `pid` is gone: its exit will never be reported."""
        self._lost.add(pid)
        self.child_exited(pid, 128 + 9)

    def lost(self, pid: int) -> bool:
        return pid in self._lost

    def child_exited(self, pid: int, status: int) -> None:
        future = self._exits.get(pid)
        if future is None:
            self._early[pid] = status
        elif not future.done():
            future.set_result(status)

    async def stop(self) -> None:
        zygote = self._current
        self._current = None
        if zygote is None:
            return
        zygote.close()
        try:
            await asyncio.wait_for(asyncio.to_thread(zygote.process.wait), 10.0)
        except asyncio.TimeoutError:
            zygote.process.kill()
