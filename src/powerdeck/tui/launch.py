"""Start the full-screen app: check the terminal, load the deck and the log, run, clean up."""

from __future__ import annotations

import argparse
import codecs
import functools
import gc
import os
import sys
from collections.abc import Callable, MutableMapping
from typing import Any

from powerdeck.core.errors import PowerdeckError
from powerdeck.deck.model import deck_path_from, load_deck
from powerdeck.store import cache_dir, data_dir, open_log
from powerdeck.tui.options import AppOptions
from powerdeck.tui.private_api import private
from powerdeck.tui.quit_signals import install_quit_signals

LOADED_ON_FIRST_USE = (
    "yaml",  # the deck is read from its cache (deck_cache.py)
    "hashlib", "secrets",  # OpenSSL and hmac: nothing on the start path hashes
    "powerdeck.tui.screens.dialogs.help_screen", "powerdeck.tui.screens.dialogs.quit_dialog",
    "powerdeck.tui.screens.dialogs.dialog", "powerdeck.tui.screens.dialogs.too_small",
    "powerdeck.tui.screens.log.log_screen", "powerdeck.tui.screens.log.overview_screen",
    "powerdeck.tui.screens.dialogs.export_dialog", "powerdeck.tui.screens.workbook.map_screen",
    "powerdeck.tui.screens.workbook.notes_screen", "powerdeck.tui.screens.workbook.voices_screen",
    "powerdeck.export", "powerdeck.cli.transfer",
    "powerdeck.workbook.model", "powerdeck.workbook.relmap", "powerdeck.workbook.voices",
    "powerdeck.workbook.notes",  # with the first worksheet (widgets/worksheet_peek.py)
    "textual.widgets._text_area", "powerdeck.tui.widgets.lean_text_area",  # the writing form
)
"""Modules a start does not import before its first frame (the deck screen, reading): each loads
where it is first used, a local import there. Every one of them costs a start its import time, so
tests/test_start_imports.py fails when one loads earlier; the server imports them all before it
forks its sessions (serve/rehearsal.py), so that a session never pays for them."""


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

    original: Callable[[str], Any] | None = private(linux_driver, "getincrementaldecoder")
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
    deck = load_deck(deck_path_from(args.deck), cache=cache_dir())
    options = AppOptions.from_args(animation=args.animation, theme=args.theme, no_mouse=args.no_mouse)
    cap_frame_rate(options, os.environ)
    log, first_frame = open_log(data_dir(args.data))
    from powerdeck.tui.app import (
        PowerDeckApp,  # Textual loads only once the checks have passed.
    )

    app = PowerDeckApp(deck, log, options, first_frame)

    install_quit_signals(app)
    try:
        app.run(mouse=options.mouse)
    finally:
        log.close()
    if app.return_code:
        return app.return_code
    return 0
