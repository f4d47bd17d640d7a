"""A session rehearsed once in the prepared process, so every fork starts warm.

Importing a module is not all a first session pays for: its first screen loads the modules
Textual imports on first use, fills module-level caches (style and colour parsing, cell widths,
binding tables) and builds each widget class's merged CSS and bindings. Done once here, headless,
on a throwaway log in a private temporary folder, all of that is shared page for page with every
session forked afterwards, instead of being repeated (and copied) in each one.

The rehearsal leaves nothing running: its event loop is closed, its log worker thread joined
and its folder removed; the prepared process checks there is no thread left before it forks.
"""

from __future__ import annotations

import importlib
import shutil
import tempfile
import threading
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from textual.pilot import Pilot

    from powerdeck.deck.model import Deck

# What a person does first: the first screen, a card change, writing and leaving the editor, the
# review log, help. Each key is a path whose modules and caches the sessions then share. A command
# letter waits a moment to see that it is not the start of a sentence (deck_keys.LETTER_SETTLE).
KEYS = ("right", "enter", "a", "escape", "L", "wait", "escape", "question_mark", "wait", "escape")


def rehearse_a_session(deck: Deck) -> None:
    """Run one served app headless through its first screens; raise if it leaves a thread."""
    from powerdeck.serve.served_app import ServedApp
    from powerdeck.store import Log
    from powerdeck.tui.launch import LOADED_ON_FIRST_USE
    from powerdeck.tui.options import AppOptions
    from powerdeck.tui.screens.deck import deck_keys

    for name in LOADED_ON_FIRST_USE:  # what a start leaves for later, a session gets from here
        importlib.import_module(name)
    folder = Path(tempfile.mkdtemp(prefix="powerdeck-rehearsal-"))  # 0700, ours alone
    try:
        log = Log.open(folder / "data")
        app = ServedApp(deck, log, AppOptions(animation="none", over_ssh=True, animation_chosen=True))

        async def walk_through(pilot: Pilot[object]) -> None:
            await pilot.pause()
            for key in KEYS:
                if key == "wait":
                    await pilot.pause(deck_keys.LETTER_SETTLE + 0.1)
                else:
                    await pilot.press(key)
            await pilot.pause()
            pilot.app.exit()

        try:
            app.run(headless=True, size=(80, 24), auto_pilot=walk_through)
        finally:
            log.close()
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    left = [thread.name for thread in threading.enumerate() if thread is not threading.main_thread()]
    if left:
        # A fork would copy a thread's locks in whatever state they are: refuse to go on.
        raise RuntimeError(f"the rehearsal left threads running: {', '.join(left)}")
