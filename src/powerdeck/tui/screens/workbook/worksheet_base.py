"""What every worksheet screen shares: the card's worksheet, kept as it is typed.

A worksheet has no separate "save": it is written a moment after typing stops, on leaving, and on
quitting or a dropped connection (the app calls `write_drafts_and_wait` on every screen on the
stack), always through the store's one writer thread, so nothing typed is lost and the event loop never
waits on the disk.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.screen import Screen
from textual.timer import Timer

from powerdeck.core.errors import PowerdeckError
from powerdeck.deck.model import Card
from powerdeck.workbook.model import Worksheet

if TYPE_CHECKING:
    from powerdeck.tui.app import PowerDeckApp

WRITE_DELAY = 1.0
"""Seconds after typing stops before the worksheet is written."""


class WorksheetScreen(Screen[None]):
    def __init__(self, card: Card, kind: str) -> None:
        super().__init__()
        self.card = card
        stored = self.power_app.store.read(lambda log: log.worksheet(card.id))
        self.sheet = stored if stored is not None and stored.kind == kind else Worksheet(card.id, kind)
        self._queued = self.sheet
        """The worksheet as last queued for writing (or read): typing that changes nothing writes nothing."""
        self._timer: Timer | None = None

    @property
    def power_app(self) -> PowerDeckApp:
        return self.app  # type: ignore[return-value]  # Screen.app is App[Any]; worksheet screens run only in PowerDeckApp

    def current(self) -> Worksheet:
        """The worksheet as on screen now (screens read their fields here)."""
        return self.sheet

    def changed(self) -> None:
        if self._timer is not None:
            self._timer.stop()
        self._timer = self.set_timer(WRITE_DELAY, self.queue_write)

    def queue_write(self) -> None:
        """Queue the worksheet as on screen now for writing; returns at once."""
        if self._timer is not None:
            self._timer.stop()
            self._timer = None
        sheet = self.current()
        if sheet == self._queued:
            return
        self._queued = sheet
        self.power_app.store.queue_write(lambda log: log.save_worksheet(sheet),
                                         on_done=self._written, on_error=self._failed)

    def _written(self, _: Worksheet) -> None:
        from powerdeck.tui.screens.workbook.workbook_open import refresh_all_peeks

        if self.is_mounted:
            self.set_status("Kept")
        refresh_all_peeks(self.power_app)

    def _failed(self, error: PowerdeckError) -> None:
        self._queued = Worksheet("", "")  # not on disk: try again next time
        self.set_status("Could not write to disk; your text is still here.")
        self.power_app.report_error(error)

    def write_drafts_and_wait(self) -> None:
        """On quit or hang-up: write on this thread, after any queued writes, and wait."""
        sheet = self.current()
        if sheet == self._queued:
            return
        try:
            self.power_app.store.write_and_wait(lambda log: log.save_worksheet(sheet))
            self._queued = sheet
        except PowerdeckError:
            pass

    def set_status(self, text: str) -> None:
        for status in self.query("#ws-status"):
            status.update(text)  # type: ignore[attr-defined]  # query() yields Widget; #ws-status is always a Static

    def on_screen_suspend(self) -> None:
        self.queue_write()

    def action_back(self) -> None:
        self.queue_write()
        self.dismiss()
