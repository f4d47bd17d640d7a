"""What every worksheet screen shares: the card's worksheet, kept as it is typed.

A worksheet has no separate "save": it is written a moment after typing stops, on leaving, and on
quitting, a signal or a fault (every worksheet screen is a text holder: text_holders.py), always
through the store's one writer thread, so the event loop never waits on the disk. A write the log
refuses leaves the worksheet with the app (`app.refused`, which outlives this screen: escape
leaves before the write lands), for the quit dialog and the rescue file.
"""

from __future__ import annotations

from textual import events, on
from textual.screen import Screen
from textual.timer import Timer

from powerdeck.core.errors import PowerdeckError
from powerdeck.deck.model import Card
from powerdeck.store import UnsavedText
from powerdeck.tui.app_services import AppServices, services
from powerdeck.tui.key_bursts import settle_keys
from powerdeck.tui.widgets.problem_line import ProblemLine
from powerdeck.workbook.model import Worksheet

WRITE_DELAY = 1.0
"""Seconds after typing stops before the worksheet is written."""


class WorksheetScreen(Screen[None]):
    def __init__(self, card: Card, kind: str) -> None:
        super().__init__()
        self.card = card
        # A worksheet whose last write was refused is newer than the log's copy: it opens as typed.
        refused = self.power_app.refused.worksheets.get(card.id)
        stored = refused or self.power_app.store.read(lambda log: log.worksheet(card.id))
        self.sheet = stored if stored is not None and stored.kind == kind else Worksheet(card.id, kind)
        self._queued = self.sheet if refused is None else Worksheet("", "")
        """The worksheet as last queued for writing (or read): typing that changes nothing writes nothing."""
        self._on_disk = self._queued
        """The worksheet as last known to be on disk: a queued write's landing is told later, on
        the event loop, which a hang-up or a fault never gets back to."""
        self._timer: Timer | None = None

    @property
    def power_app(self) -> AppServices:
        return services(self)

    @on(events.Mount)
    def _follow_problems(self) -> None:
        # Decorated, not on_mount: each worksheet screen has its own on_mount. Why a write is
        # refused shows above the status line, never over the field being typed in.
        for line in self.query(ProblemLine):
            self.power_app.problems.follow(line)

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
                                         on_done=lambda _: self._written(sheet),
                                         on_error=lambda error: self._failed(sheet, error), by=self)

    def _written(self, sheet: Worksheet) -> None:
        self._on_disk = sheet
        # Writes land in order: whatever was refused before this one is older than it.
        self.power_app.refused.worksheets.pop(sheet.card, None)
        if self.is_mounted:
            # What the last key did stays in view ("JS: sector voluntary"), with the word that it is kept.
            said = getattr(self, "_said", "")
            self.set_status(f"{said} · kept" if said and not said.endswith("kept") else "Kept")

    def _failed(self, sheet: Worksheet, error: PowerdeckError) -> None:
        self._queued = Worksheet("", "")  # not on disk: try again next time
        self.power_app.refused.worksheets[sheet.card] = sheet
        self.set_status("Could not write to disk; your text is still here.")
        self.power_app.report_error(error)

    # -- a text holder (text_holders.py): every way out of the app asks these ------------

    async def settle_typing(self) -> None:
        await settle_keys(self.focused, self)

    def unsaved_text(self) -> UnsavedText:
        """Nothing of its own: a refused worksheet is with `app.refused` (it outlives the screen)."""
        return UnsavedText()

    def write_unsaved_and_wait(self) -> PowerdeckError | None:
        """On quit, a signal or a fault: write on this thread, after any queued writes, and wait;
        say why not (the worksheet is then in `app.refused`)."""
        sheet = self.current()
        refused = self.power_app.refused
        if sheet == self._on_disk and sheet.card not in refused.worksheets:
            return None
        try:
            self.power_app.store.write_and_wait(lambda log: log.save_worksheet(sheet))
        except PowerdeckError as error:
            self._queued = Worksheet("", "")
            refused.worksheets[sheet.card] = sheet
            return error
        self._queued = self._on_disk = sheet
        refused.worksheets.pop(sheet.card, None)
        return None

    def set_status(self, text: str) -> None:
        self._said = text
        for status in self.query("#ws-status"):
            status.update(text)  # type: ignore[attr-defined]  # query() yields Widget; #ws-status is always a Static

    def on_screen_suspend(self) -> None:
        self.queue_write()

    def action_back(self) -> None:
        self.queue_write()
        self.dismiss()
