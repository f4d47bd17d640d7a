"""The deck in a tab: one app per websocket, on its own pseudo-terminal, forked from the prepared
process `powerdeck serve` uses (serve/pool.py, serve/session.py): never a shell, never a cold
start, an environment built from nothing.

The page (static/deck/deck.js) draws the terminal with xterm.js. Over the websocket:
  page -> server  binary frames: the keys typed, as the terminal sends them (UTF-8);
                  text frames: {"resize": [columns, rows]}
  server -> page  binary frames: what the app wrote to its terminal;
                  text frames: {"download": "/download/KEY", "name": FILE} or {"ended": "why"}
Closing the tab or losing the network hangs up the app, which keeps its draft as after an SSH
hang-up (SIGHUP, then SIGKILL if it has not gone in HANGUP_GRACE seconds). A person's second tab
takes over from the first, as a second SSH session does.
"""

from __future__ import annotations

import asyncio
import contextlib
import fcntl
import json
import os
import secrets
import signal
import struct
import termios
import time
from pathlib import Path
from typing import Any

from starlette.websockets import WebSocket, WebSocketDisconnect

from powerdeck.core.errors import PowerdeckError
from powerdeck.serve.pty_input import flush_pending, read_available
from powerdeck.serve.session import SessionSettings
from powerdeck.web.door import Door, log
from powerdeck.web.downloads import discard
from powerdeck.web.sessions import BrowserSession

TERM = "xterm-256color"
"""What xterm.js is; the page cannot choose another."""
SETTINGS = SessionSettings(color_system="truecolor")
HANGUP_GRACE = 10.0
STOP_GRACE = 8.0
SPOOL_LOOK = 0.25
"""Seconds between looks into a tab's download folder."""
MAX_SIZE = (500, 200)
OUTPUT_QUEUE = 64
"""Chunks waiting for a slow browser before the app's output is paused (the pty then fills and
the app waits, as over a slow SSH link)."""


def clamp_size(columns: object, rows: object) -> tuple[int, int]:
    def number(value: object, low: int, high: int, default: int) -> int:
        try:
            return min(high, max(low, int(str(value))))
        except ValueError:
            return default

    return number(columns, 2, MAX_SIZE[0], 80), number(rows, 2, MAX_SIZE[1], 24)


def parse_resize(text: str) -> tuple[int, int] | None:
    """A page's control message: {"resize": [columns, rows]} as a size we accept, else None."""
    try:
        wanted = json.loads(text)
    except (ValueError, RecursionError):
        return None
    if not isinstance(wanted, dict):
        return None
    size = wanted.get("resize")
    if not isinstance(size, list) or len(size) != 2 or not all(type(value) is int for value in size):
        return None
    return clamp_size(*size)


class Tab:
    """One browser tab's deck: its app's process, its pty and its websocket."""

    def __init__(self, door: Door, session: BrowserSession, websocket: WebSocket, size: tuple[int, int]) -> None:
        self.door = door
        self.session = session
        self.websocket = websocket
        self.size = size
        self.id = secrets.token_hex(8)
        self.pid: int | None = None
        self.master: int | None = None
        self.pending = bytearray()
        self.output: asyncio.Queue[bytes | None] = asyncio.Queue()
        self.reading = False
        self.pty_eof = asyncio.Event()
        self.gone = False
        self.notice = ""
        self.rescued = ""
        self.spool: Path | None = None
        self.offered: set[str] = set()
        """The files of `spool` handed to the browser as downloads (downloads.py deletes them)."""
        self.started = time.monotonic()

    # -- the app's process ---------------------------------------------------------------------

    def _signal(self, signum: int) -> None:
        if self.pid is not None:
            with contextlib.suppress(ProcessLookupError):
                os.kill(self.pid, signum)

    def _exited(self) -> bool:
        pool = self.door.pool
        return self.pid is None or pool is None or pool.exit_of(self.pid).done()

    def hang_up(self) -> None:
        """The browser has gone: the app keeps its draft and exits (SIGHUP, then SIGKILL)."""
        if self._exited():
            return
        self._signal(signal.SIGHUP)

        def kill() -> None:
            if not self._exited():
                log.info("app of %s did not end after a hang-up: killed", self.session.name)
                self._signal(signal.SIGKILL)

        asyncio.get_running_loop().call_later(HANGUP_GRACE, kill)

    async def end(self, notice: str) -> None:
        """End the app cleanly (taken over, signed out, removed, server stopping): draft kept."""
        if self.pid is None or self.notice or self._exited():
            return
        self.notice = notice
        self._signal(signal.SIGTERM)
        pool = self.door.pool
        assert pool is not None
        try:
            await asyncio.wait_for(asyncio.shield(pool.exit_of(self.pid)), STOP_GRACE)
        except asyncio.TimeoutError:
            self._signal(signal.SIGKILL)

    # -- the pty -------------------------------------------------------------------------------

    def _pty_readable(self) -> None:
        assert self.master is not None
        data = read_available(self.master)
        if data is None:
            return
        if not data:
            self._stop_reading()
            self.pty_eof.set()
            return
        if self.gone:
            return  # nobody to show it to; still read, or an app writing its last frame would block
        self.output.put_nowait(data)
        if self.output.qsize() >= OUTPUT_QUEUE:
            self._stop_reading()

    def _start_reading(self) -> None:
        if self.master is not None and not self.reading and not self.pty_eof.is_set():
            asyncio.get_running_loop().add_reader(self.master, self._pty_readable)
            self.reading = True

    def _stop_reading(self) -> None:
        if self.master is not None and self.reading:
            asyncio.get_running_loop().remove_reader(self.master)
            self.reading = False

    def _flush_input(self) -> None:
        if self.master is not None:
            flush_pending(self.master, self.pending, self._flush_input)

    def _resize(self, columns: int, rows: int) -> None:
        self.size = (columns, rows)
        if self.master is not None:  # the kernel sends SIGWINCH: the pty is the app's terminal
            fcntl.ioctl(self.master, termios.TIOCSWINSZ, struct.pack("HHHH", rows, columns, 0, 0))

    # -- the websocket -------------------------------------------------------------------------

    async def _send_output(self) -> None:
        try:
            while True:
                data = await self.output.get()
                if data is None:
                    return
                # Join what has piled up: one frame instead of many small ones.
                last = False
                while not self.output.empty() and not last:
                    more = self.output.get_nowait()
                    last = more is None
                    data += more or b""
                await self.websocket.send_bytes(data)
                if last:
                    return
                self._start_reading()
        except Exception:  # the browser has gone: the receiving side hangs up the app
            self._browser_gone()

    def _browser_gone(self) -> None:
        self.gone = True
        self._start_reading()  # drained from now on, so the app can write its last frame and go

    async def _receive_input(self) -> None:
        while True:
            message = await self.websocket.receive()
            if message["type"] == "websocket.disconnect":
                return
            data = message.get("bytes")
            if data:
                self.session.seen = self.door.config.clock()
                self.pending += data
                self._flush_input()
                continue
            text = message.get("text")
            size = parse_resize(text) if text else None
            if size is not None:
                self._resize(*size)

    async def _watch_spool(self) -> None:
        """Hand what the app exported to this tab's browser, each file as a one-time link."""
        assert self.spool is not None
        seen = self.offered
        while True:
            await asyncio.sleep(SPOOL_LOOK)
            try:
                names = sorted(entry.name for entry in os.scandir(self.spool)
                               if not entry.name.startswith(".") and entry.is_file(follow_symlinks=False))
            except OSError:
                continue
            for name in names:
                if name in seen:
                    continue
                seen.add(name)
                key = self.door.downloads.add(self.session.sid, self.spool / name)
                log.info("%s exported a file for their browser (%d bytes)", self.session.name,
                         (self.spool / name).stat().st_size)
                await self.websocket.send_text(json.dumps({"download": f"/download/{key}", "name": name}))

    async def run(self) -> None:
        door, session = self.door, self.session
        pool = door.pool
        assert pool is not None and session.name is not None
        name = session.name
        folder = door.person_folder(name)
        self.spool = door.spool_folder(self.id)
        master, tty = os.openpty()
        try:
            fcntl.ioctl(master, termios.TIOCSWINSZ, struct.pack("HHHH", self.size[1], self.size[0], 0, 0))
            os.set_blocking(master, False)
            port = door.config.port
            request = {"name": name, "folder": str(folder), "term": TERM, "settings": SETTINGS.__dict__,
                       "ssh": f"{session.address} 0 127.0.0.1 {port}", "downloads": str(self.spool)}
            # Text the app cannot write in the person's folder (a full disk) goes to the server's
            # keeper, as from an SSH session (serve/keeper.py).
            keeper_fd = door.keeper.socket_for(name, folder, self._rescued)
            try:
                self.pid = await pool.launch(request, tty, more_fds=(keeper_fd,))
            finally:
                os.close(keeper_fd)
        except BaseException:
            os.close(master)
            raise
        finally:
            os.close(tty)
        self.master = master
        log.info("deck of %s in a browser from %s started (pid %d, %dx%d)", name, session.address, self.pid,
                 *self.size)
        self._start_reading()
        tasks = [asyncio.ensure_future(task) for task in
                 (self._send_output(), self._receive_input(), self._watch_spool())]
        sender, receiver, _watcher = tasks
        exit_future = asyncio.ensure_future(asyncio.shield(pool.exit_of(self.pid)))
        try:
            waiting: set[asyncio.Future[Any]] = {receiver, exit_future}
            await asyncio.wait(waiting, return_when=asyncio.FIRST_COMPLETED)
            if receiver.done():
                self._browser_gone()
                self.hang_up()
                status = await exit_future
            else:
                status = exit_future.result()
                with contextlib.suppress(asyncio.TimeoutError):  # the last frame may still be in the pty
                    await asyncio.wait_for(self.pty_eof.wait(), 1.0)
                self.output.put_nowait(None)
                with contextlib.suppress(asyncio.TimeoutError, Exception):
                    await asyncio.wait_for(sender, 2.0)
        finally:
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)
            self._stop_reading()
            loop = asyncio.get_running_loop()
            loop.remove_writer(master)
            os.close(master)
            self.master = None
            self._sweep_spool()
        log.info("deck of %s from %s ended after %.0f s (status %d)", name, session.address,
                 time.monotonic() - self.started, status)
        if not self.gone:
            ended = self.rescued or self.notice or "Your deck has closed."
            with contextlib.suppress(Exception):
                await self.websocket.send_text(json.dumps({"ended": ended}))
                await self.websocket.close(1000)

    def _rescued(self, line: str) -> None:
        """The server keeps text this tab's app could not write (serve/keeper.py): said in one
        line when the app has closed."""
        said = line.removeprefix("powerdeck: ")
        self.rescued = said[:1].upper() + said[1:] + "."
        log.info("%s: %s", self.session.name, said)

    def _sweep_spool(self) -> None:
        """Files no download was made for go; a folder with waiting downloads stays until they do."""
        spool = self.spool
        if spool is None:
            return
        with contextlib.suppress(OSError):
            for entry in os.scandir(spool):
                if entry.name not in self.offered:
                    discard(spool / entry.name)
        with contextlib.suppress(OSError):
            spool.rmdir()


async def deck_socket(websocket: WebSocket) -> None:
    """`/ws`: the gate (gate.py) has checked the cookie and the Origin before this runs."""
    door: Door = websocket.app.state.door
    session: BrowserSession = websocket.scope["state"]["browser_session"]
    await websocket.accept()
    size = clamp_size(websocket.query_params.get("cols", 80), websocket.query_params.get("rows", 24))
    earlier = [tab for tab in door.tabs if tab.session.name == session.name]
    if len(door.tabs) - len(earlier) >= door.config.limits.max_sessions or door.pool is None:
        log.info("refused a deck for %s from %s: %d running", session.name, session.address, len(door.tabs))
        await _refuse(websocket, "The deck is full: too many people are using it. Try again in a few minutes.")
        return
    for tab in earlier:
        log.info("%s from %s takes over the deck from another tab", session.name, session.address)
        await tab.end("You opened the deck in another tab or window, so this one has closed; your draft is kept.")
    tab = Tab(door, session, websocket, size)
    door.tabs.add(tab)
    session.tabs.add(tab)
    try:
        await tab.run()
    except PowerdeckError as error:
        await _refuse(websocket, f"Your deck could not open: {error}")
    except WebSocketDisconnect:
        tab.hang_up()
    finally:
        door.tabs.discard(tab)
        session.tabs.discard(tab)


async def _refuse(websocket: WebSocket, why: str) -> None:
    with contextlib.suppress(Exception):
        await websocket.send_text(json.dumps({"ended": why}))
        await websocket.close(1000)


async def end_session(door: Door, session: BrowserSession, notice: str) -> None:
    """End a browser session and its tabs' apps (drafts kept): signed out, expired, removed."""
    door.sessions.end(session)
    await asyncio.gather(*(tab.end(notice) for tab in list(session.tabs)), return_exceptions=True)


async def watch_sessions(door: Door) -> None:
    """Once a second: sessions idle too long or too old end, and so do those of people removed."""
    while True:
        await asyncio.sleep(1.0)
        try:
            await _look_at_sessions(door)
        except Exception:  # one bad look must not end the watching: removals would go unnoticed
            log.exception("checking the browser sessions failed")


async def _look_at_sessions(door: Door) -> None:
    door.downloads.expire()
    for session in door.sessions.drop_expired():
        log.info("the browser session of %s ended (idle or too long)", session.name)
        await end_session(door, session, "You were away for a while, so the deck closed; your draft is kept. "
                                         "Reload the page to sign in again.")
    for session in door.sessions.all():
        if not door.still_allowed(session):
            log.info("%s was removed: ending their browser session", session.name)
            await end_session(door, session, "Your access to this deck was removed; your draft is kept.")
