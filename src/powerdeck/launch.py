"""Start the full-screen app: check the terminal, load the deck and the log, run, clean up."""

from __future__ import annotations

import argparse
import os
import signal
import sys
from types import FrameType

from powerdeck import locations
from powerdeck.deck import deck_path_from, load_deck
from powerdeck.errors import PowerdeckError
from powerdeck.log import Log
from powerdeck.options import AppOptions


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


def run_app(args: argparse.Namespace) -> int:
    check_terminal()
    ensure_utf8_output()
    deck = load_deck(deck_path_from(args.deck))
    options = AppOptions.from_args(animation=args.animation, theme=args.theme, no_mouse=args.no_mouse)
    if options.over_ssh:
        # Fewer frames per second: nothing we draw needs 60 over a slow link.
        os.environ.setdefault("TEXTUAL_FPS", "30")
    log = Log.open(locations.data_dir(args.data))
    from powerdeck.app import PowerDeckApp  # Textual loads only once the checks have passed.

    app = PowerDeckApp(deck, log, options)

    def hang_up(signum: int, frame: FrameType | None) -> None:
        # The SSH connection dropped: keep what was typed, then go (the terminal is gone).
        try:
            app.keep_drafts_now()
        finally:
            os._exit(128 + signum)

    signal.signal(signal.SIGHUP, hang_up)
    try:
        app.run(mouse=options.mouse)
    finally:
        log.close()
    if app.return_code:
        return app.return_code
    return 0
