"""What SIGHUP and SIGTERM do to a running app: the same for a local start and a served session.

SIGHUP: the link dropped and the terminal is gone, so the drafts are kept at once (refused ones
go to a rescue file with a notice for the next start) and the process ends. SIGTERM (kill, a
reboot, the server stopping or another session taking over): quit as ctrl+q does, drafts kept
and the terminal restored; if the app cannot get there within the grace, keep what it has,
restore the terminal by hand and go.
"""

from __future__ import annotations

import os
import signal
import sys
import threading
from pathlib import Path
from types import FrameType
from typing import TYPE_CHECKING, Any

from powerdeck.core.entry import Draft
from powerdeck.core.errors import PowerdeckError
from powerdeck.store.rescue import note_for_next_start, write_rescue

if TYPE_CHECKING:
    from powerdeck.tui.app import PowerDeckApp

SIGNAL_GRACE = 5.0
"""Seconds SIGTERM gives the app to keep the drafts and restore the terminal before it is forced."""

RESTORE_TERMINAL = ("\x1b[?1000l\x1b[?1003l\x1b[?1015l\x1b[?1006l\x1b[?2004l\x1b[<u"
                    "\x1b[?1049l\x1b[?25h\x1b[?1004l\x1b[?7h")
"""Mouse, bracketed paste, kitty keys off; leave the alternate screen; cursor and line wrap back."""


def restore_terminal(attrs: list[Any] | None) -> None:
    """Put the terminal back as the shell had it, without Textual (which is not answering)."""
    try:
        if sys.__stderr__ is None:
            return  # no terminal was ever attached
        fileno = sys.__stderr__.fileno()
        os.write(fileno, RESTORE_TERMINAL.encode())
        if attrs is not None:
            import termios

            termios.tcsetattr(fileno, termios.TCSANOW, attrs)
    except Exception:  # termios.error is no OSError
        pass  # the terminal is gone: nothing to restore


def rescue_on_hang_up(drafts: list[Draft]) -> None:
    """The log refused the drafts and the terminal is gone: write them to the home folder (as
    SIGTERM does) and leave a notice that the next start shows once (rescue.take_notices)."""
    try:
        path = write_rescue(Path.home(), drafts)
        note_for_next_start(path)
    except (PowerdeckError, OSError):
        pass  # nowhere left to write, and no one to tell: the process is ending either way


def install_quit_signals(app: PowerDeckApp, *, grace: float = SIGNAL_GRACE) -> None:
    """On the main thread, before `app.run`: SIGHUP and SIGTERM end `app` without losing text."""

    def hang_up(signum: int, frame: FrameType | None) -> None:
        try:
            if app.write_drafts_and_wait() is not None and app.unsaved_drafts():
                rescue_on_hang_up(app.unsaved_drafts())
        finally:
            os._exit(128 + signum)

    def terminate(signum: int, frame: FrameType | None) -> None:
        try:
            app.quit_on_signal(signum)
        except RuntimeError:  # not running yet, or already stopped
            force(signum)
            return
        timer = threading.Timer(grace, force, args=(signum,))
        timer.daemon = True
        timer.start()

    def force(signum: int) -> None:
        try:
            app.write_drafts_and_wait()
        finally:
            restore_terminal(getattr(getattr(app, "_driver", None), "attrs_before", None))
            os._exit(128 + signum)

    signal.signal(signal.SIGHUP, hang_up)
    signal.signal(signal.SIGTERM, terminate)
