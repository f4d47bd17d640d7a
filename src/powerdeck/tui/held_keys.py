"""Keys held until there is somewhere for them: under the too-small message, and while the
deck's form is being built on the first enter; and a paste arriving as typed keys.

A part of PowerDeckApp (an App class it inherits from). A terminal smaller than the screens can
be drawn in gets the too-small message on top; the keys typed under it go, once the terminal is
big enough again, to the field that was focused, in the order they were typed."""

from __future__ import annotations

import asyncio
from collections import deque
from collections.abc import Coroutine
from typing import TYPE_CHECKING, Any

from textual import events
from textual.app import App
from textual.geometry import Size
from textual.widgets import Input

from powerdeck.tui.private_api import private
from powerdeck.tui.screens.deck.deck_screen import DeckScreen
from powerdeck.tui.screens.dialogs.min_size import MIN_HEIGHT, MIN_WIDTH
from powerdeck.tui.typed_runs import insert_typed_run

if TYPE_CHECKING:
    from powerdeck.tui.screens.dialogs.too_small import TooSmallScreen

INPUT_EVENTS = (events.Key, events.MouseEvent, events.Paste)
"""What `hold_input_until` holds back."""


class HeldKeys(App[None]):
    """The too-small message and the keys held under it or behind the form being built."""

    def __init__(self) -> None:
        super().__init__()
        self._too_small: TooSmallScreen | None = None
        self._input_holds: set[asyncio.Task[None]] = set()
        self._waiting: deque[events.Key] = deque()
        """Keys held under the too-small message, and every key typed after them before they have
        all gone to the field: handed back one at a time, in the order typed."""
        self._handing_back = False
        """A key of `_waiting` is in the app's queue, not yet read."""

    def on_resize(self, event: events.Resize) -> None:
        if event.size == private(self, "_size") and private(self, "_resize_event", True) is None:
            # The driver reports the size once it has started, after App's own first Resize: the
            # same size again. Textual would pass it to every screen, each laying itself out again
            # before the first frame (~5 ms of a start's CPU), for nothing.
            event.prevent_default()
            return
        # This runs before App._on_resize stores the new size, so self.size is still the old one.
        self._check_size(event.size)

    def _check_size(self, size: Size | None = None) -> None:
        if not any(isinstance(screen, DeckScreen) for screen in self.screen_stack):
            # The first Resize comes before on_mount's push lands: a message pushed now would end
            # up under the deck. on_mount checks again once the deck is there.
            return
        width, height = size or self.size
        too_small = width < MIN_WIDTH or height < MIN_HEIGHT
        if too_small and self._too_small is None:
            from powerdeck.tui.screens.dialogs.too_small import TooSmallScreen

            self._too_small = TooSmallScreen((width, height))
            self.push_screen(self._too_small)
        elif too_small and self._too_small is not None:
            self._too_small.show_size(width, height)
        elif not too_small and self._too_small is not None:
            held = self._too_small.held_keys
            if self.screen is self._too_small:
                self.pop_screen()
            self._too_small = None
            for key in held:
                key.under_message = True  # type: ignore[attr-defined]  # a mark _hand_back_next reads; Key has no field for it
            self._waiting.extend(held)  # typed after any still waiting from an earlier hand-back
            self._hand_back_next()

    def hold_input_until(self, work: Coroutine[Any, Any, None]) -> None:
        """Run `work` (the deck's form being built on the first enter) and hold every key, click
        and paste until it is done: handled sooner, the letters typed right after enter, in one
        burst over SSH, would find no field to land in. They wait in the app's queue, in order."""
        task = asyncio.get_running_loop().create_task(work)
        self._input_holds.add(task)
        task.add_done_callback(self._input_holds.discard)

    async def on_event(self, event: events.Event) -> None:
        if self._input_holds and isinstance(event, INPUT_EVENTS):
            for task in list(self._input_holds):
                await task
            if not self.screen_stack:
                return  # the app closed while the key waited (a quit, a hang-up): nobody to take it
        handed_back = isinstance(event, events.Key) and getattr(event, "handed_back", False)
        if isinstance(event, events.Key) and handed_back:
            self._handing_back = False
            if self._too_small_showing():  # too small again before it was read: first in line again
                self._waiting.appendleft(event)
                return
        elif isinstance(event, events.Key) and self._too_small is not None and self._too_small_showing():
            # Held here, at once: forwarded, the key would wait in the message's screen queue, and
            # a resize back to a usable size can pop that screen before it ever reads it (letters
            # typed while a window is dragged about were lost).
            self._too_small.hold_key(event)
            return
        elif isinstance(event, events.Key) and (self._waiting or self._handing_back):
            # Typed before the held keys have all gone to the field: it goes behind them, so the
            # letters land in the order they were typed (re-posted behind them instead, a key could
            # be overtaken by keys held under a second too-small message meanwhile).
            self._waiting.append(events.Key(event.key, event.character))
            return
        # A paste arriving as typed keys (no bracketed paste) goes in as one insert: typed_runs.
        if isinstance(event, events.Key) and not event.is_forwarded and await insert_typed_run(self, event):
            return
        await super().on_event(event)
        if handed_back:
            self._hand_back_next()

    def _hand_back_next(self) -> None:
        """Post the next waiting key, once the one before it was read. A key typed under the
        too-small message goes only to a field that is focused (else nowhere: with no field focused
        it would have been a command nobody saw the screen for)."""
        from textual.widgets import TextArea

        while self._waiting and not self._handing_back and not self._too_small_showing():
            key = self._waiting.popleft()
            if getattr(key, "under_message", False) and not isinstance(self.screen.focused, (TextArea, Input)):
                continue
            again = events.Key(key.key, key.character)
            again.handed_back = True  # type: ignore[attr-defined]  # a mark typed_runs and on_event read; Key has no field for it
            again.under_message = getattr(key, "under_message", False)  # type: ignore[attr-defined]  # as above
            self._handing_back = True
            self.post_message(again)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # Nothing may open over the too-small message: it would hide it and stay behind it.
        return not (action == "command_palette" and self._too_small_showing())

    def _too_small_showing(self) -> bool:
        # `_too_small` is the one TooSmallScreen there is (_check_size makes and pushes it), so no
        # isinstance: the screen's module loads only once a terminal is too small.
        return self._too_small is not None and self.screen is self._too_small
