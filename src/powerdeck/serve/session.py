"""One app per session, each on its own pseudo-terminal, forked from a prepared process.

The prepared process ("zygote") is started by the server with `python -m powerdeck.serve.session`
before anyone connects. It imports Textual and powerdeck, parses the deck, freezes the garbage
collector and then only waits: it holds no thread, no event loop and no open log, so a fork of it
is safe and starts in a fraction of a cold start (the server's own process runs asyncssh's loop
and is never forked).

The server speaks to it over a SOCK_SEQPACKET socket, one JSON message per packet:
  server -> zygote  {"op": "start", "id": N, "name", "folder", "term", "settings", "ssh"} + the pty's
                    terminal side as SCM_RIGHTS
  zygote -> server  {"op": "ready"} once, {"op": "started", "id", "pid"}, {"op": "exited", "pid", "status"}

Start requests wait their turn in a StartGate (start_gate.py): as many sessions start at once as
there are cores, each holding its place until its first frame is written.

A child makes the pty its controlling terminal (setsid + TIOCSCTTY, so the kernel delivers
SIGWINCH on resize and SIGHUP when the server closes the other side), gets an environment built
from nothing, Textual's import-time settings for this session, a fresh `random` seed, opens the
person's log (and its lock) itself, runs the app and `_exit`s.
"""

from __future__ import annotations

import array
import fcntl
import gc
import json
import os
import random
import signal
import socket
import sys
import termios
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from powerdeck.serve.start_gate import StartGate

if TYPE_CHECKING:  # the child imports Textual only after setting its environment
    from textual.types import AnimationLevel

TERM_DEFAULT = "xterm-256color"
MAX_MESSAGE = 65536


@dataclass(frozen=True)
class SessionSettings:
    """Textual reads these from the environment once, at import: set per session in the child."""

    fps: int = 60  # 30 saved no byte without animation and held each key's frame a tick longer (launch.cap_frame_rate)
    escape_delay_ms: int = 100
    color_system: str = "auto"
    animation: AnimationLevel = "none"


def send_message(sock: socket.socket, message: dict[str, Any], fds: list[int] | None = None) -> None:
    data = json.dumps(message).encode("utf-8")
    if fds:
        sock.sendmsg([data], [(socket.SOL_SOCKET, socket.SCM_RIGHTS, array.array("i", fds))])
    else:
        sock.send(data)


def receive_message(sock: socket.socket) -> tuple[dict[str, Any] | None, list[int]]:
    """One message and the descriptors that came with it; (None, []) at end of file."""
    fds = array.array("i")
    data, ancillary, _flags, _address = sock.recvmsg(MAX_MESSAGE, socket.CMSG_SPACE(4 * fds.itemsize))
    for level, kind, payload in ancillary:
        if level == socket.SOL_SOCKET and kind == socket.SCM_RIGHTS:
            fds.frombytes(payload[: len(payload) - (len(payload) % fds.itemsize)])
    if not data:
        for fd in fds:
            os.close(fd)
        return None, []
    return json.loads(data.decode("utf-8")), list(fds)


def scrub_environment() -> None:
    """Nothing from the admin's shell may steer Textual (TEXTUAL_LOG, TEXTUAL_PRESS, a driver...)."""
    for name in list(os.environ):
        if name.startswith("TEXTUAL") or name in ("ESCDELAY", "COLORTERM", "NO_COLOR", "FORCE_COLOR"):
            del os.environ[name]


# ------------------------------------------------------------------------- in the child


def child_environment(request: dict[str, Any]) -> dict[str, str]:
    """The whole environment of a session's app: built here, nothing taken from the client."""
    settings = SessionSettings(**request["settings"])
    return {
        "TERM": request["term"],
        "LANG": "C.UTF-8",
        "PATH": "/usr/bin:/bin",
        "HOME": request["folder"],
        "USER": request["name"],
        "LOGNAME": request["name"],
        "SSH_CONNECTION": request["ssh"],
        "POWERDECK_SERVED": "1",
        "TEXTUAL_FPS": str(settings.fps),
        "ESCDELAY": str(settings.escape_delay_ms),
        "TEXTUAL_COLOR_SYSTEM": settings.color_system,
        "TEXTUAL_ANIMATIONS": settings.animation,
    }


def apply_textual_settings(settings: SessionSettings) -> None:
    """What Textual computed from the environment at import, recomputed for this session."""
    import textual.constants
    import textual.screen

    from powerdeck.tui.private_api import has

    values: dict[str, Any] = {
        "MAX_FPS": settings.fps,
        "ESCAPE_DELAY": settings.escape_delay_ms / 1000.0,
        "COLOR_SYSTEM": settings.color_system,
        "TEXTUAL_ANIMATIONS": settings.animation,
    }
    for name, value in values.items():
        setattr(textual.constants, name, value)
    # A Final constant of textual.screen (docs/architecture.md, private uses), read as each screen
    # mounts: set once per session before any screen exists. Gone from a release: screens tick at
    # Textual's own rate (MAX_FPS above still caps the frames written).
    if has(textual.screen, "UPDATE_PERIOD"):
        setattr(textual.screen, "UPDATE_PERIOD", 1 / settings.fps)  # noqa: B010  # setattr: the name is Final to type checkers


def run_child(request: dict[str, Any], tty_fd: int, deck: Any, painted_fd: int | None = None,
              keeper_fd: int | None = None) -> int:
    """In the forked child: become the session on `tty_fd`, run the app, return its status.

    `painted_fd` is told when the first frame is out (start_gate.py); `keeper_fd` takes the text
    that cannot be written anywhere in the person's folder (keeper.py)."""
    os.setsid()
    fcntl.ioctl(tty_fd, termios.TIOCSCTTY, 0)
    for target in (0, 1, 2):
        os.dup2(tty_fd, target)
    if tty_fd > 2:
        os.close(tty_fd)
    os.environ.clear()
    os.environ.update(child_environment(request))
    settings = SessionSettings(**request["settings"])
    apply_textual_settings(settings)
    random.seed()  # every fork inherits the zygote's state: without this, everyone draws the same card
    # As a local start does (launch.run_app): no collection until the first frame is written; the
    # app freezes what it built and turns collection back on (collect_after_first_paint).
    gc.disable()
    # The prepared process's objects stay frozen: a collection walking them would write to (and so
    # copy) every page this session shares with the others.

    from powerdeck.core.errors import PowerdeckError
    from powerdeck.serve.served_app import ServedApp
    from powerdeck.store import open_log
    from powerdeck.tui.launch import ensure_utf8_output
    from powerdeck.tui.options import AppOptions
    from powerdeck.tui.quit_signals import install_quit_signals

    ensure_utf8_output()
    if keeper_fd is not None:
        from powerdeck.serve.keeper import hand_to_server
        from powerdeck.store import set_fallback

        set_fallback(hand_to_server(keeper_fd))
    try:
        log, first_frame = open_log(request["folder"])
    except PowerdeckError as error:
        from powerdeck.core.text import visible_line

        sys.stderr.write(f"powerdeck: {visible_line(str(error))}\r\n")
        sys.stderr.flush()
        return 2
    options = AppOptions(animation=settings.animation, over_ssh=True, animation_chosen=True)
    app = ServedApp(deck, log, options, first_frame)
    app.painted_fd = painted_fd
    if request.get("downloads"):  # a browser tab (powerdeck web)
        from pathlib import Path

        app.downloads = Path(request["downloads"])

    install_quit_signals(app)  # taken over, the server stopping, the person removed: SIGTERM
    try:
        app.run(mouse=options.mouse)
    finally:
        app.write_unsaved_and_wait()
        log.close()
    return int(app.return_code or 0)


# ------------------------------------------------------------------- a job (an export)

JOB_MEMORY = 1 << 30
"""Bytes of address space a job may use (a Word export of 20,000 entries needs about a third)."""
JOB_CPU_SECONDS = 120
JOB_NICE = 10
"""A job yields the cores to the people typing: their echo is what the server is for."""


def limit_job() -> None:
    """A job's bounds, set in its own process before it reads anything."""
    import resource

    resource.setrlimit(resource.RLIMIT_AS, (JOB_MEMORY, JOB_MEMORY))
    resource.setrlimit(resource.RLIMIT_CPU, (JOB_CPU_SECONDS, JOB_CPU_SECONDS))
    os.nice(JOB_NICE)


def run_job(request: dict[str, Any], deck: Any) -> int:
    """In a forked child, standard output and error being the job's pipes: one export, written
    whole to standard output, or one line on standard error and status 2."""
    from powerdeck.core.errors import PowerdeckError
    from powerdeck.core.text import visible_line
    from powerdeck.serve.commands import ExportCommand, export_bytes, options_of_request

    limit_job()
    try:
        wanted: Any = (options_of_request(request["options"]) if "options" in request else  # the simple view's
                       ExportCommand(str(request["format"]), request.get("year"), request.get("appraisal_year"),
                                     request.get("template")))
        data = export_bytes(Path(request["folder"]), deck, wanted, Path(request["state"]))
    except PowerdeckError as error:
        os.write(2, f"powerdeck: {visible_line(str(error))}\n".encode())
        return 2
    except MemoryError:
        hint = str(request.get("hint") or "export a year at a time (--year N)")
        os.write(2, f"powerdeck: this export needs more memory than the server gives one export: {hint}\n".encode())
        return 2
    view = memoryview(data)
    while view:
        view = view[os.write(1, view):]
    return 0


def _fork_job(sock: socket.socket, wakeup: tuple[int, int], request: dict[str, Any], fds: list[int],
              deck: Any, gate: StartGate) -> None:
    """A job starts at once (the server lets only a few run): it takes no place in the start gate."""
    if len(fds) != 2:
        for fd in fds:
            os.close(fd)
        send_message(sock, {"op": "failed", "id": request.get("id"), "error": "no pipes passed"})
        return
    try:
        pid = os.fork()
    except OSError as error:
        for fd in fds:
            os.close(fd)
        send_message(sock, {"op": "failed", "id": request.get("id"),
                            "error": f"the server could not start your export ({error.strerror}): "
                                     "try again in a minute"})
        return
    if pid == 0:
        status = 70
        try:
            signal.set_wakeup_fd(-1)
            signal.signal(signal.SIGCHLD, signal.SIG_DFL)
            signal.signal(signal.SIGTERM, signal.SIG_DFL)
            sock.close()
            os.close(wakeup[0])
            os.close(wakeup[1])
            os.close(gate.close_in_child())
            os.setsid()
            null = os.open(os.devnull, os.O_RDONLY)
            os.dup2(null, 0)
            os.dup2(fds[0], 1)
            os.dup2(fds[1], 2)
            for fd in (null, *fds):
                if fd > 2:
                    os.close(fd)
            status = run_job(request, deck)
        except BaseException as error:  # one line, never a traceback
            try:
                os.write(2, f"powerdeck: the export failed on the server ({type(error).__name__}): "
                            "please try again\n".encode())
            except OSError:
                pass
        finally:
            os._exit(status)
    for fd in fds:
        os.close(fd)
    send_message(sock, {"op": "started", "id": request["id"], "pid": pid})


# --------------------------------------------------------------------------- the zygote


def _reap(sock: socket.socket, gate: StartGate) -> None:
    while True:
        try:
            pid, status = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            return
        gate.ended(pid)
        code = os.waitstatus_to_exitcode(status)
        send_message(sock, {"op": "exited", "pid": pid, "status": code if code >= 0 else 128 - code})


def _fork_session(sock: socket.socket, wakeup: tuple[int, int], request: dict[str, Any], fds: list[int],
                  deck: Any, gate: StartGate) -> int | None:
    if len(fds) not in (1, 2):
        for fd in fds:
            os.close(fd)
        send_message(sock, {"op": "failed", "id": request.get("id"), "error": "no terminal passed"})
        return None
    try:
        pid = os.fork()
    except OSError as error:  # out of processes or memory: this person is told, the next may start
        for fd in fds:
            os.close(fd)
        send_message(sock, {"op": "failed", "id": request.get("id"),
                            "error": f"the server could not start your session ({error.strerror}): "
                                     "please try again in a minute"})
        return None
    if pid == 0:
        status = 70
        try:
            signal.set_wakeup_fd(-1)
            signal.signal(signal.SIGCHLD, signal.SIG_DFL)
            sock.close()
            os.close(wakeup[0])
            os.close(wakeup[1])
            painted_fd = gate.close_in_child()
            status = run_child(request, fds[0], deck, painted_fd, keeper_fd=fds[1] if len(fds) > 1 else None)
        except BaseException as error:  # one line on the person's screen, never a traceback
            try:
                os.write(2, f"\r\npowerdeck: the session failed ({type(error).__name__}); "
                            "your entries are safe, please reconnect\r\n".encode())
            except OSError:
                pass
        finally:
            os._exit(status)
    for fd in fds:
        os.close(fd)
    send_message(sock, {"op": "started", "id": request["id"], "pid": pid})
    return pid


class PreparationFailed(Exception):
    """The prepared process cannot serve: the deck is broken or the rehearsal failed."""


def prepare(deck_file: str | None) -> Any:
    """Everything a session needs, imported and parsed once, before the first fork: the deck."""
    scrub_environment()
    os.environ["LANG"] = "C.UTF-8"
    import textual.app
    import textual.widgets  # noqa: F401

    from powerdeck.core.errors import PowerdeckError
    from powerdeck.deck.model import deck_path_from, load_deck
    from powerdeck.serve.parsed_css import keep_parsed_css, share_parsed_css

    try:
        deck = load_deck(deck_path_from(deck_file))
    except PowerdeckError as error:
        raise PreparationFailed(str(error)) from None
    from powerdeck.serve.rehearsal import rehearse_a_session

    share_parsed_css()  # the rehearsal's parsed CSS is every session's (parsed_css.py)
    try:
        rehearse_a_session(deck)  # what a first screen loads and caches, once for every session
    except Exception as error:  # any failure here means no session could run
        raise PreparationFailed(f"a rehearsal session failed: {type(error).__name__}: {error}") from None
    keep_parsed_css()
    gc.collect()
    gc.freeze()  # the objects built so far stay shared with every child, page for page
    return deck


def ready_to_read(fds: list[int], timeout: float) -> list[int]:
    """Which of `fds` can be read within `timeout` seconds. poll, not select: select() refuses a
    descriptor numbered 1024 or more, which a long-running server's process can be handed."""
    import select

    poller = select.poll()
    for fd in fds:
        poller.register(fd, select.POLLIN)
    return [fd for fd, _ in poller.poll(max(timeout, 0.0) * 1000)]


def zygote_main(sock_fd: int, deck_file: str | None) -> int:
    sock = socket.socket(fileno=sock_fd)
    try:
        deck = prepare(deck_file)
    except PreparationFailed as error:
        send_message(sock, {"op": "broken", "error": str(error)})
        return 2

    wake_read, wake_write = os.pipe()
    os.set_blocking(wake_write, False)
    os.set_blocking(wake_read, False)
    signal.set_wakeup_fd(wake_write)
    signal.signal(signal.SIGCHLD, lambda signum, frame: None)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # ctrl+c on the server's terminal is the server's
    send_message(sock, {"op": "ready"})


    gate = StartGate()
    open_socket = True
    while True:
        if open_socket:
            try:
                _reap(sock, gate)
                for waiting, fds in gate.admitted():
                    pid = _fork_session(sock, (wake_read, wake_write), waiting, fds, deck, gate)
                    if pid is not None:
                        gate.started(pid)
            except OSError:
                open_socket = False
                gate.drop_waiting()
        if not open_socket:
            # The server is gone: the sessions end by their hang-up; wait for the last one.
            try:
                os.waitpid(-1, 0)
                continue
            except ChildProcessError:
                return 0
        deadline = gate.next_deadline()
        readable = ready_to_read([sock.fileno(), wake_read, gate.painted_read], 5.0 if deadline is None else deadline)
        if gate.painted_read in readable:
            gate.read_painted()
        if wake_read in readable:
            try:
                os.read(wake_read, 512)
            except BlockingIOError:
                pass
        if sock.fileno() in readable:
            try:
                message, fds = receive_message(sock)
            except OSError:
                message, fds = None, []
            if message is None:
                open_socket = False
                gate.drop_waiting()
                continue
            if message.get("op") == "start":
                gate.wait(message, fds)  # forked at the top of the loop, when its turn comes
            elif message.get("op") == "export":
                try:
                    _fork_job(sock, (wake_read, wake_write), message, fds, deck, gate)
                except OSError:
                    open_socket = False
                    gate.drop_waiting()
            else:
                for fd in fds:
                    os.close(fd)


if __name__ == "__main__":
    sys.exit(zygote_main(int(sys.argv[1]), sys.argv[2] or None))
