"""Everything that holds typed text says so here, and every way out of the app asks it the same.

A holder is a screen that holds text the person typed (the deck's editor, the review log's entry
pane, every worksheet) or the app's own keeper of text whose screen is gone (`RefusedText`). The
app finds them by this protocol, never by a method's name: quitting (ctrl+q), SIGHUP, SIGTERM, a
fault and a write the disk refuses all go through `write_unsaved_and_wait` and then
`unsaved_text`, and whatever is still unsaved goes to the quit dialog or to a rescue file
(store/rescue.py), which carries drafts and worksheets alike.
"""

from __future__ import annotations

from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Protocol, runtime_checkable

from powerdeck.core.entry import Draft
from powerdeck.core.errors import PowerdeckError
from powerdeck.store import UnsavedText, write_rescue

if TYPE_CHECKING:
    from powerdeck.store import Log, LogWorker
    from powerdeck.workbook.model import Worksheet


@runtime_checkable
class UnsavedTextHolder(Protocol):
    """Holds text the person typed that may not be on disk yet."""

    async def settle_typing(self) -> None:
        """Let keys already sent to a field land in it before it is read (key_bursts.settle_keys)."""

    def write_unsaved_and_wait(self) -> PowerdeckError | None:
        """Write what is held, on the caller's thread after every queued write, and wait until it
        is on disk; return why not (the text then stays in `unsaved_text`)."""

    def unsaved_text(self) -> UnsavedText:
        """What is held and not on disk (a refused or unfinished write), as a rescue file carries it."""


class RefusedText:
    """Text whose write was refused after the screen that held it had gone (the review log's pane
    closed by leaving the log; a worksheet left with escape): the app keeps it until a write lands,
    offers it in the quit dialog and puts it in the rescue file."""

    def __init__(self, store: LogWorker) -> None:
        self._store = store
        self.log_changes: dict[str, Draft] = {}
        """Entry id -> changes made in the review log (kept as drafts; screens/log/entry_writes.py)."""
        self.worksheets: dict[str, Worksheet] = {}
        """Card id -> the worksheet as last typed."""

    async def settle_typing(self) -> None:
        return None  # no field of its own

    def write_unsaved_and_wait(self) -> PowerdeckError | None:
        from powerdeck.tui.screens.log.entry_writes import entry_changes_job

        problem: PowerdeckError | None = None
        for entry_id, draft in list(self.log_changes.items()):
            try:
                self._store.write_and_wait(entry_changes_job(draft))
            except PowerdeckError as error:
                problem = error
                continue
            self.log_changes.pop(entry_id, None)
        for card, sheet in list(self.worksheets.items()):
            try:
                self._store.write_and_wait(partial(_save_worksheet, sheet))
            except PowerdeckError as error:
                problem = error
                continue
            if self.worksheets.get(card) is sheet:
                del self.worksheets[card]
        return problem

    def unsaved_text(self) -> UnsavedText:
        return UnsavedText(tuple(self.log_changes.values()), tuple(self.worksheets.values()))


def _save_worksheet(sheet: Worksheet, log: Log) -> None:
    log.save_worksheet(sheet)


def write_all_and_wait(holders: list[UnsavedTextHolder]) -> PowerdeckError | None:
    """Every holder writes what it holds; the last refusal, or None when all of it is on disk."""
    problem: PowerdeckError | None = None
    for holder in holders:
        try:
            problem = holder.write_unsaved_and_wait() or problem
        except PowerdeckError as error:  # a holder should return it; never let one stop the others
            problem = error
    return problem


def all_unsaved(holders: list[UnsavedTextHolder]) -> UnsavedText:
    unsaved = UnsavedText()
    for holder in holders:
        unsaved = unsaved + holder.unsaved_text()
    return unsaved


def rescue_line(unsaved: UnsavedText, home: Path | None = None) -> tuple[Path | None, str]:
    """No one to ask (a signal, a fault): the unsaved text goes to a rescue file in the home
    folder (the data folder is what failed). The file's path (None if even that was refused)
    and one line that says where the text is."""
    try:
        path = write_rescue(home or Path.home(), unsaved)
    except (PowerdeckError, OSError) as error:
        return None, f"Your unsaved text could not be written anywhere: {error}"
    return path, f"The log could not be written; your unsaved text is in {path} (powerdeck import brings it back)"
