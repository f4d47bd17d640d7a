"""Clients of a test `powerdeck serve`: asyncssh connections, a session's screen read through
pyte, and the apps the server log says it started."""

from __future__ import annotations

import asyncio
import re
import time
from pathlib import Path
from typing import Any

import asyncssh
import pyte

from serve_harness import ServeServer


def app_pids(server: ServeServer, name: str) -> list[int]:
    """Session apps of `name` that are still running (from the pids the server log gives)."""
    pids = [int(pid) for pid in re.findall(rf"session of {name} from \S+ started \(pid (\d+)", server.log_text())]
    return [pid for pid in pids if Path(f"/proc/{pid}").exists() and b"zombie" not in _status(pid)]


def _status(pid: int) -> bytes:
    try:
        return Path(f"/proc/{pid}/status").read_bytes().lower()
    except OSError:
        return b"zombie"


async def connect(server: ServeServer, key: Path, **options: Any) -> Any:
    return await asyncssh.connect("127.0.0.1", server.port, client_keys=[str(key)], known_hosts=None,
                                  username="whoever", agent_path=None, preferred_auth="publickey", **options)


class Screen:
    """An asyncssh session with a pty, read into a pyte screen."""

    def __init__(self, process: Any, cols: int, rows: int) -> None:
        self.process = process
        self.screen = pyte.Screen(cols, rows)
        self.stream = pyte.ByteStream(self.screen)
        self.raw = bytearray()
        self.reader = asyncio.get_running_loop().create_task(self._read())

    async def _read(self) -> None:
        while True:
            data = await self.process.stdout.read(65536)
            if not data:
                return
            self.raw += data
            self.stream.feed(data)

    def text(self) -> str:
        return "\n".join(self.screen.display)

    async def wait_for(self, text: str, timeout: float = 30.0) -> str:
        deadline = time.monotonic() + timeout
        while text not in self.text() and text.encode() not in self.raw:
            if time.monotonic() > deadline:
                raise AssertionError(f"timed out waiting for {text!r}; screen:\n{self.text()}\n"
                                     f"raw: {bytes(self.raw[-300:])!r}")
            if self.reader.done() and text not in self.text():
                raise AssertionError(f"session ended before {text!r}; raw: {bytes(self.raw[-300:])!r}")
            await asyncio.sleep(0.05)
        return self.text()

    def send(self, data: str) -> None:
        self.process.stdin.write(data.encode())

    async def type(self, text: str) -> None:
        for char in text:
            self.send(char)
            await asyncio.sleep(0.02)


async def open_screen(conn: Any, cols: int = 80, rows: int = 24, **options: Any) -> Screen:
    options.setdefault("term_type", "xterm-256color")
    process = await conn.create_process(term_size=(cols, rows), encoding=None, **options)
    return Screen(process, cols, rows)


