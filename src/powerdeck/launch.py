"""Start the full-screen app: check the terminal, load the deck and the log, run, clean up."""

from __future__ import annotations

import argparse
import codecs
import functools
import gc
import os
import signal
import sys
import threading
from collections.abc import Callable, MutableMapping
from pathlib import Path
from types import FrameType
from typing import Any

from powerdeck import locations
from powerdeck.deck import deck_path_from, load_deck
from powerdeck.entry import Draft
from powerdeck.errors import PowerdeckError
from powerdeck.log import Log
from powerdeck.options import AppOptions
from powerdeck.rescue import note_for_next_start, write_rescue


def check_terminal() -> None:
    """Refuse, in one line, to start where a full-screen app cannot work."""
    if not (sys.stdin.isatty() and sys.stdout.isatty()):
        raise PowerdeckError(
            "powerdeck needs an interactive terminal; run it in a terminal "
            '(over SSH use "ssh -t"), or use "powerdeck cards" / "powerdeck export" in scripts.'
        )
    term = os.environ.get("TERM", "")
    if term in ("", "dumb", "unknown"):
        raise PowerdeckError(
            f'this terminal (TERM={term or "unset"}) cannot show a full-screen app; '
            "set TERM=xterm-256color and try again."
        )


def ensure_utf8_output() -> None:
    """Write the screen in UTF-8 whatever the locale says.

    Textual writes to stderr in the locale's encoding. Under a non-UTF-8 locale (a Latin-1
    `LANG` sent over SSH, say) every box glyph and ellipsis came out as a literal `\\u2595`
    escape and the screen was unreadable. Terminals are UTF-8 nowadays; `LANG=C` is already
    fine (Python's UTF-8 mode), this covers the real non-UTF-8 locales.
    """
    stream = sys.__stderr__
    encoding = (getattr(stream, "encoding", None) or "").lower().replace("-", "").replace("_", "")
    if stream is not None and encoding != "utf8" and hasattr(stream, "reconfigure"):
        stream.reconfigure(encoding="utf-8", errors="replace")


def lenient_terminal_input() -> bool:
    """Read a byte that is not UTF-8 from the terminal as U+FFFD instead of ending the app.

    PuTTY set to Latin-1 sends `é` as the single byte 0xe9; Textual's Linux driver decodes stdin
    with a strict incremental UTF-8 decoder, whose error killed the input thread (a traceback,
    exit 0). The driver looks the decoder up through its module's `getincrementaldecoder` name:
    that one name is given `errors="replace"`. Returns False if Textual no longer has it (then
    tests/test_terminal_input.py fails, so the change is seen).
    """
    from textual.drivers import linux_driver

    original: Callable[[str], Any] | None = getattr(linux_driver, "getincrementaldecoder", None)
    if original is None:
        return False
    if getattr(original, "powerdeck_lenient", False):
        return True

    def lenient(encoding: str) -> Any:
        decoder = codecs.getincrementaldecoder(encoding)
        if codecs.lookup(encoding).name == "utf-8":
            return functools.partial(decoder, errors="replace")
        return decoder

    lenient.powerdeck_lenient = True  # type: ignore[attr-defined]  # a marker attribute on our own function, read to avoid wrapping twice
    linux_driver.getincrementaldecoder = lenient  # type: ignore[attr-defined]  # linux_driver has no such public name in its types; we replace the decoder factory it calls
    return True


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


def cap_frame_rate(options: AppOptions, environ: MutableMapping[str, str]) -> None:
    """30 frames a second over SSH when animations were asked for (before Textual loads).

    There, an animated card change sends about 10 % fewer bytes at 30 (13.3 KB against 14.8 KB).
    Without animation the cap saved no byte (a card change, a typed burst and the first paint
    send the same) and only held every key's frame for up to one more tick: a review log search
    key took 98 ms at 30 against 76 ms at 60 (docs/benchmarks.md). TEXTUAL_FPS, if set, wins."""
    if options.over_ssh and options.animation != "none":
        environ.setdefault("TEXTUAL_FPS", "30")


def run_app(args: argparse.Namespace) -> int:
    # Until the first frame is written, a garbage collection only costs time: start-up makes
    # objects that live as long as the app. The app freezes them and collects again once the
    # screen is up (PowerDeckApp.collect_after_first_paint); measured -70 ms of first paint.
    gc.disable()
    check_terminal()
    ensure_utf8_output()
    lenient_terminal_input()
    deck = load_deck(deck_path_from(args.deck), cache=locations.cache_dir())
    options = AppOptions.from_args(animation=args.animation, theme=args.theme, no_mouse=args.no_mouse)
    cap_frame_rate(options, os.environ)
    log = Log.open(locations.data_dir(args.data))
    from powerdeck.app import (
        PowerDeckApp,  # Textual loads only once the checks have passed.
    )

    app = PowerDeckApp(deck, log, options)

    def hang_up(signum: int, frame: FrameType | None) -> None:
        # The SSH connection dropped: keep what was typed, then go (the terminal is gone).
        try:
            if app.keep_drafts_now() is not None and app.unsaved_drafts():
                rescue_on_hang_up(app.unsaved_drafts())
        finally:
            os._exit(128 + signum)

    def terminate(signum: int, frame: FrameType | None) -> None:
        # kill, logind, a reboot: quit as ctrl+q would (drafts kept, terminal restored). If the app
        # cannot get there in time, keep what it has and restore the terminal by hand.
        try:
            app.quit_on_signal(signum)
        except RuntimeError:
            force(signum)
            return
        timer = threading.Timer(SIGNAL_GRACE, force, args=(signum,))
        timer.daemon = True
        timer.start()

    def force(signum: int) -> None:
        try:
            app.keep_drafts_now()
        finally:
            restore_terminal(getattr(app._driver, "attrs_before", None))
            os._exit(128 + signum)

    signal.signal(signal.SIGHUP, hang_up)
    signal.signal(signal.SIGTERM, terminate)
    try:
        app.run(mouse=options.mouse)
    finally:
        log.close()
    if app.return_code:
        return app.return_code
    return 0
