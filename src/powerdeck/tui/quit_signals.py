"""What SIGHUP and SIGTERM do to a running app: the same for a local start and a served session.

SIGHUP: the link dropped and the terminal is gone, so every text holder's text is kept at once
(text_holders.py; what the log refuses goes to a rescue file with a notice for the next start) and
the process ends. SIGTERM (kill, a reboot, the server stopping or another session taking over):
quit as ctrl+q does, the text kept and the terminal restored; if the app cannot get there within
the grace, keep what it has, restore the terminal by hand and go.
"""

from __future__ import annotations

import os
import signal
import sys
import threading
from types import FrameType
from typing import TYPE_CHECKING, Any

from powerdeck.store import note_for_next_start
from powerdeck.tui.private_api import private

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


def keep_on_hang_up(app: PowerDeckApp) -> None:
    """Keep every holder's text; what the log refuses goes to the home folder (as SIGTERM does)
    with a notice that the next start shows once (rescue.take_notices): stderr is gone."""
    try:
        app.keep_text_for_exit()
        if app.rescue_path is not None:
            note_for_next_start(app.rescue_path)
    except Exception:
        pass  # nowhere left to write, and no one to tell: the process is ending either way


def install_quit_signals(app: PowerDeckApp, *, grace: float = SIGNAL_GRACE) -> None:
    """On the main thread, before `app.run`: SIGHUP and SIGTERM end `app` without losing text."""

    def hang_up(signum: int, frame: FrameType | None) -> None:
        try:
            keep_on_hang_up(app)
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
            app.keep_text_for_exit()
        finally:
            restore_terminal(getattr(private(app, "_driver"), "attrs_before", None))
            os._exit(128 + signum)

    signal.signal(signal.SIGHUP, hang_up)
    signal.signal(signal.SIGTERM, terminate)
