"""Run a program in a pseudo-terminal and play the terminal, as a user's terminal would.

The approach is the one of shared/tools/tuimeasure.py: a pty of a given size, a pyte screen fed
with everything the program writes, and answers to the terminal queries Textual sends (device
attributes, cursor position). A reader thread timestamps every chunk, so the same harness serves
the tests (poll the screen until text appears) and the benchmark (bytes and times per step).

Used by tests/test_terminals.py, tests/test_ssh.py and bench/run.py.
"""

from __future__ import annotations

import fcntl
import os
import pty
import re
import signal
import struct
import subprocess
import termios
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pyte

ROOT = Path(__file__).resolve().parent.parent
VENV_BIN = ROOT / ".venv" / "bin"

KEYS = {
    "tab": b"\t",
    "enter": b"\r",
    "escape": b"\x1b",
    "backspace": b"\x7f",
    "up": b"\x1b[A",
    "down": b"\x1b[B",
    "right": b"\x1b[C",
    "left": b"\x1b[D",
    "ctrl+s": b"\x13",
    "ctrl+q": b"\x11",
    "f1": b"\x1bOP",
}


def powerdeck_command() -> list[str]:
    """The installed console script of this checkout's venv, else `python -m powerdeck`."""
    script = VENV_BIN / "powerdeck"
    if script.exists():
        return [str(script)]
    import sys

    return [sys.executable, "-m", "powerdeck"]


def base_env(term: str = "xterm-256color", **extra: str | None) -> dict[str, str]:
    """The environment of a plain `ssh -t` login: TERM only, no COLORTERM, a UTF-8 locale.

    Keyword arguments add variables; a value of None removes one.
    """
    env = dict(os.environ)
    for name in ("COLORTERM", "LINES", "COLUMNS", "NO_COLOR", "TEXTUAL_COLOR_SYSTEM", "TERM_PROGRAM",
                 "TEXTUAL_ANIMATIONS", "TEXTUAL_FPS", "SSH_CONNECTION", "SSH_TTY", "SSH_CLIENT",
                 "TMUX", "LC_ALL", "LC_CTYPE", "PYTEST_CURRENT_TEST", "TEXTUAL", "TEXTUAL_DEBUG"):
        env.pop(name, None)
    env["TERM"] = term
    env["LANG"] = "C.UTF-8"
    for name, value in extra.items():
        if value is None:
            env.pop(name, None)
        else:
            env[name] = value
    return env


@dataclass
class Chunk:
    t: float  # time.monotonic() when read
    data: bytes


@dataclass
class PtyApp:
    """A running program in a pty with a pyte screen of `cols` x `rows`."""

    argv: Sequence[str]
    env: Mapping[str, str]
    cols: int = 80
    rows: int = 24
    cwd: str | None = None
    answer_queries: bool = True
    chunks: list[Chunk] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._lock = threading.Lock()
        self._changed = threading.Condition(self._lock)
        self.total = 0
        self.eof = False
        master, slave = pty.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", self.rows, self.cols, 0, 0))
        self.master = master
        outer = self

        class _Screen(pyte.Screen):
            def write_process_input(self, data: str) -> None:  # answers to DA / CPR queries
                if outer.answer_queries:
                    try:
                        os.write(outer.master, data.encode())
                    except OSError:
                        pass

        self.screen = _Screen(self.cols, self.rows)
        self.stream = pyte.ByteStream(self.screen)

        def _ctty() -> None:
            fcntl.ioctl(0, termios.TIOCSCTTY, 0)

        self.t0 = time.monotonic()
        self.proc = subprocess.Popen(
            list(self.argv), stdin=slave, stdout=slave, stderr=slave, env=dict(self.env), cwd=self.cwd,
            start_new_session=True, preexec_fn=_ctty, close_fds=True,
        )
        os.close(slave)
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    # -- reading ---------------------------------------------------------------------------

    def _read(self) -> None:
        while True:
            try:
                data = os.read(self.master, 65536)
            except OSError:
                data = b""
            now = time.monotonic()
            with self._changed:
                if not data:
                    self.eof = True
                    self._changed.notify_all()
                    return
                self.chunks.append(Chunk(now, data))
                self.total += len(data)
                try:
                    self.stream.feed(data)
                except Exception:  # pyte chokes on a rare sequence: keep the bytes anyway
                    pass
                self._changed.notify_all()

    @property
    def raw(self) -> bytes:
        with self._lock:
            return b"".join(chunk.data for chunk in self.chunks)

    def text(self) -> str:
        with self._lock:
            return "\n".join(self.screen.display)

    def line(self, y: int) -> str:
        with self._lock:
            return self.screen.display[y]

    def wait_for(self, predicate: str | Callable[[str], bool], timeout: float = 15.0) -> str:
        """Poll the screen until `predicate` (text on screen, or a test of the text) holds."""
        test = (lambda screen: predicate in screen) if isinstance(predicate, str) else predicate
        deadline = time.monotonic() + timeout
        with self._changed:
            while True:
                screen = "\n".join(self.screen.display)
                if test(screen):
                    return screen
                remaining = deadline - time.monotonic()
                if remaining <= 0 or (self.eof and not test(screen)):
                    break
                self._changed.wait(min(remaining, 0.1))
        raise AssertionError(
            f"timed out after {timeout:.0f}s waiting for {predicate!r}; exit={self.proc.poll()}; screen:\n"
            + screen + "\n--- last bytes: " + repr(self.raw[-400:])
        )

    def wait_quiet(self, quiet: float = 0.3, timeout: float = 10.0, after: float | None = None) -> float:
        """Wait until nothing has been written for `quiet` seconds (counted from `after` too,
        e.g. the time a key was sent); return the last byte's time."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self._lock:
                last = self.chunks[-1].t if self.chunks else self.t0
                eof = self.eof
            now = time.monotonic()
            if now - max(last, after or 0.0) >= quiet or eof:
                return last
            time.sleep(min(quiet - (now - max(last, after or 0.0)), 0.05) + 0.001)
        return self.chunks[-1].t if self.chunks else self.t0

    def mark(self) -> int:
        with self._lock:
            return len(self.chunks)

    def since(self, mark: int) -> list[Chunk]:
        with self._lock:
            return list(self.chunks[mark:])

    def bytes_since(self, mark: int) -> int:
        return sum(len(chunk.data) for chunk in self.since(mark))

    # -- writing and stopping --------------------------------------------------------------

    def send(self, data: bytes | str) -> float:
        if isinstance(data, str):
            data = KEYS.get(data, data.encode())
        t = time.monotonic()
        os.write(self.master, data)
        return t

    def type(self, text: str, gap: float = 0.02) -> None:
        """Type like a person (one write per character), not as one paste."""
        for char in text:
            self.send(char.encode())
            time.sleep(gap)

    def resize(self, cols: int, rows: int) -> None:
        with self._lock:
            self.cols, self.rows = cols, rows
            self.screen.resize(rows, cols)
        fcntl.ioctl(self.master, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))
        try:
            os.killpg(self.proc.pid, signal.SIGWINCH)
        except ProcessLookupError:
            pass

    def wait_exit(self, timeout: float = 10.0) -> int:
        code = self.proc.wait(timeout=timeout)
        self._reader.join(timeout=5)
        return code

    def pid_tree(self) -> list[int]:
        kids: dict[int, list[int]] = {}
        for entry in os.listdir("/proc"):
            if entry.isdigit():
                try:
                    raw = Path(f"/proc/{entry}/stat").read_bytes()
                except OSError:
                    continue
                rest = raw[raw.rfind(b")") + 2:].split()
                kids.setdefault(int(rest[1]), []).append(int(entry))
        out, todo = [], [self.proc.pid]
        while todo:
            pid = todo.pop()
            out.append(pid)
            todo.extend(kids.get(pid, []))
        return out

    def rss_kb(self) -> int:
        total = 0
        for pid in self.pid_tree():
            try:
                for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                    if line.startswith("VmRSS:"):
                        total += int(line.split()[1])
            except OSError:
                pass
        return total

    def close(self) -> None:
        """Stop the program (only our child and its descendants, by pid) and the pty."""
        if self.proc.poll() is None:
            for sig in (signal.SIGTERM, signal.SIGKILL):
                for pid in self.pid_tree():
                    try:
                        os.kill(pid, sig)
                    except ProcessLookupError:
                        pass
                try:
                    self.proc.wait(timeout=3)
                    break
                except subprocess.TimeoutExpired:
                    continue
        self._reader.join(timeout=2)
        try:
            os.close(self.master)
        except OSError:
            pass

    def __enter__(self) -> PtyApp:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


# -- what the terminal was left in ---------------------------------------------------------

_PRIVATE_MODE = re.compile(rb"\x1b\[\?([0-9;]+)([hl])")
MOUSE_MODES = {"1000", "1002", "1003", "1006", "1015"}


def private_modes(stream: bytes) -> dict[str, bool]:
    """The final state of every DEC private mode the stream set or reset (True = set)."""
    modes: dict[str, bool] = {}
    for match in _PRIVATE_MODE.finditer(stream):
        for number in match.group(1).decode().split(";"):
            modes[number] = match.group(2) == b"h"
    return modes


def terminal_left_clean(stream: bytes) -> list[str]:
    """What a full-screen app failed to undo at exit, as a list of problems (empty when clean)."""
    modes = private_modes(stream)
    problems = []
    if "1049" not in modes:
        problems.append("never entered the alternate screen")
    elif modes["1049"]:
        problems.append("alternate screen (?1049) still on")
    if modes.get("25") is False:
        problems.append("cursor left hidden (?25l without a later ?25h)")
    for mode in sorted(MOUSE_MODES):
        if modes.get(mode):
            problems.append(f"mouse reporting ?{mode} still on")
    if modes.get("2004"):
        problems.append("bracketed paste ?2004 still on")
    return problems
