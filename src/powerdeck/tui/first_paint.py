"""The first paint, written once and whole.

Textual draws the first screen in stages: the layout on resume, the whole screen again right
after, the sidebar once it knows its width, the footer once its keys are composed. Over a slow
link each stage is a frame of its own (14 KB in all at 80x24). Until the screen has settled
nothing is written; then it is drawn once, whole (the deck screen renders nothing meanwhile:
`DeckScreen._compositor_refresh` reads `first_paint_held`). Collection of garbage, turned off
for the start by launch.run_app, starts again after that frame.
"""

from __future__ import annotations

import gc
from typing import Any

from textual.app import App
from textual.screen import Screen
from textual.widgets import Footer

from powerdeck.tui import private_api

try:  # private: if a Textual release moves it, the app simply paints the way Textual does
    from textual._compositor import LayoutUpdate

    if private_api.gone("LayoutUpdate"):
        raise ImportError("LayoutUpdate")
except ImportError:
    LayoutUpdate = None  # type: ignore[assignment,misc]  # private Textual class; None when a release moves it (see the try above)

FIRST_PAINT_LIMIT = 1.0
"""Seconds after the app is ready that the first paint may wait for the screen to settle."""


class FirstPaintHold(App[None]):
    """An App whose first frame is written once the screen has settled (PowerDeckApp's base)."""

    def __init__(self) -> None:
        super().__init__()
        self._holding_first_paint = LayoutUpdate is not None
        self._first_paint_due = False

    def _display(self, screen: Screen[Any], renderable: Any) -> None:
        # A Textual that renamed _display never calls this: the hold never starts (the paint is
        # Textual's own) and first_paint_held turns false at the release, so nothing waits on it.
        if self._holding_first_paint and not private_api.gone("_display"):
            if not (self._first_paint_due and isinstance(renderable, LayoutUpdate)):
                return  # a stage on the way, or a part of the screen the full frame will redraw
            self._holding_first_paint = False
            self.call_after_refresh(self.collect_after_first_paint)
        super()._display(screen, renderable)

    @property
    def first_paint_held(self) -> bool:
        """True while a frame drawn now would be dropped by the hold (`_display`)."""
        return self._holding_first_paint and not self._first_paint_due

    def on_ready(self) -> None:
        # Whatever happens, the screen is not held back longer than this.
        self.set_timer(FIRST_PAINT_LIMIT, self._release_first_paint)
        self.set_timer(2 * FIRST_PAINT_LIMIT, self.collect_after_first_paint)  # whatever the hold did
        self._release_when_settled()

    def _release_when_settled(self) -> None:
        if not self._holding_first_paint:
            return
        footers = self.screen.query(Footer)
        if any(not footer.children or not footer.children[0].size for footer in footers):
            # The footer composes its keys a moment after the screen is ready, and they are laid
            # out at the next refresh: a frame written before would be followed by the footer.
            self.call_after_refresh(self._release_when_settled)
        else:
            self._release_first_paint()

    def collect_after_first_paint(self) -> None:
        """The screen is up: what start-up made lives as long as the app, so it is frozen out of
        every later collection, and collection (turned off by launch.run_app) starts again."""
        if not gc.isenabled():
            gc.freeze()
            gc.enable()

    def _release_first_paint(self) -> None:
        if self._holding_first_paint and not self._first_paint_due:
            # Drawn now, not at the screen's next update ticks: a tick for the pending layout and
            # another for the frame (up to 1/60 s each) were ~30 ms of a start spent idle. The
            # layout first, while the hold still renders nothing, then the one full frame.
            screen = self.screen
            draw_now = private_api.private(screen, "_on_timer_update")  # private: else the ticks draw it
            # Not inside a batch update (private too): nor when it cannot tell, the ticks draw it then.
            if private_api.private(self, "_batch_count", 1) != 0:
                draw_now = None
            if draw_now is not None:
                draw_now()
            self._first_paint_due = True  # the next full frame is the first one written
            screen.refresh()
            if draw_now is not None:
                draw_now()
