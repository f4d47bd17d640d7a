"""What the review log screen writes for the entry open in its pane: saves, and unsaved changes.

Nothing typed is dropped: escape with unsaved changes asks (log_screen.py); leaving the screen any
other way (a palette command, quitting, a hang-up) writes the text as the card's draft. A write
that is refused leaves the text in `app.refused` (text_holders.RefusedText), which the quit dialog
offers and the app tries again on quit.

Verbs say where they run: `queue_*` is called on the event loop and returns at once (the log's
writer thread does the work and the callbacks run back on the event loop); `*_and_wait` blocks
the caller until the write is on disk (quitting, a hang-up, a signal).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import TYPE_CHECKING

from powerdeck.core.entry import FIELDS, Draft, Entry, now_iso
from powerdeck.core.errors import PowerdeckError
from powerdeck.core.follow_up import DetailsError, details_to_extras
from powerdeck.store import Log
from powerdeck.tui.widgets.entry_pane import EntryPane, Unsaved

if TYPE_CHECKING:
    from powerdeck.tui.screens.log.log_screen import LogScreen


def entry_changes_job(draft: Draft) -> Callable[[Log], None]:
    """A job for the writer thread that stores changes made to entry `draft.entry_id` in the
    review log: as the card's draft, or, when the card already holds another draft, in the entry
    itself (saving beats losing either text), or as a new entry when that one was deleted."""
    texts = {name: getattr(draft, name) for name in FIELDS}

    def job(log: Log) -> None:
        existing = log.draft(draft.card)
        if existing is None or existing.is_blank or existing.entry_id == draft.entry_id:
            log.save_draft(draft.card, entry_id=draft.entry_id, details=draft.details, **texts)
        elif draft.entry_id is not None and log.get(draft.entry_id) is not None:
            log.update(draft.entry_id, **texts)
        else:
            log.add(draft.card, **texts)

    return job


def _as_draft(unsaved: Unsaved) -> Draft:
    entry, values = unsaved
    return Draft(card=entry.card, entry_id=entry.id, updated=now_iso(), **values)


class EntryWrites:
    """The log screen's writes for its entry pane."""

    def __init__(self, screen: LogScreen) -> None:
        self._screen = screen
        self._written: Unsaved | None = None
        """The unsaved changes last written (or queued) as the screen was left: leaving fires more
        than one hook (suspend, then unmount) with the same text, which is written once; text
        typed after it (the quit dialog's "keep editing") is new and written again."""

    def queue_save(self, pane: EntryPane, request: EntryPane.SaveRequested) -> None:
        """ctrl+s in the pane: queue the save; the pane and the list follow when it lands."""
        screen, app = self._screen, self._screen.power_app
        entry, values = request.entry, request.values
        try:
            extras = details_to_extras(request.details, date.today()) if request.details else None
        except DetailsError as error:
            screen.set_status(f"Not saved: {error}")
            return

        def save(log: Log) -> Entry:
            # Deleted elsewhere while being edited: save_entry keeps the text as a new entry.
            return log.save_entry(entry.card, values["action"], values["outcome"], values["learning"],
                                  entry_id=entry.id, clear_draft=False, extras=extras)

        def saved(new: Entry) -> None:
            held = app.refused.log_changes.get(entry.id)
            if held is not None and {name: getattr(held, name) for name in FIELDS} == values \
                    and held.details == {**held.details, **request.details}:
                del app.refused.log_changes[entry.id]  # the refused text is in the log now
            pane.saved(entry, new, values)
            if request.then_close and pane.editing is not None and not pane.is_dirty:
                screen.close_entry()
            screen.refresh_list(keep=new.id)
            screen.set_status(
                "Saved as a new entry: the old one had been deleted in another session." if new.id != entry.id
                else f"Saved the entry for card {new.card}"
            )

        screen.set_status("Saving…")
        app.store.queue_write(save, on_done=saved, on_error=self._save_failed, by=screen)

    def _save_failed(self, error: PowerdeckError) -> None:
        self._screen.set_status("Not saved: your text is still here. Fix the problem, then press ctrl+s again.")
        self._screen.power_app.report_error(error)

    def _refused(self, unsaved: Unsaved, error: PowerdeckError) -> PowerdeckError:
        """The changes could not be written: the app holds them for the quit dialog (and retries)."""
        self._screen.power_app.refused.log_changes[unsaved[0].id] = _as_draft(unsaved)
        return error

    def write_unsaved_and_wait(self, unsaved: Unsaved | None) -> PowerdeckError | None:
        """On quit or hang-up: write unsaved changes on this thread, after any queued writes, and
        wait; say why not (the text is then in `app.refused`, which the quit dialog offers)."""
        if unsaved is None:
            return None
        app = self._screen.power_app
        try:
            app.store.write_and_wait(entry_changes_job(_as_draft(unsaved)))
        except PowerdeckError as error:
            return self._refused(unsaved, error)
        self._written = unsaved
        app.refused.log_changes.pop(unsaved[0].id, None)
        return None

    def queue_unsaved_write(self, unsaved: Unsaved | None) -> None:
        """The screen is being left without escape (a palette command such as "Go to card", or
        taken down): queue the unsaved changes as the card's draft and say so."""
        if unsaved is None or unsaved == self._written:
            return
        self._written = unsaved
        entry, _ = unsaved
        app = self._screen.power_app

        def written(_: None) -> None:
            app.refused.log_changes.pop(entry.id, None)  # the deck screen follows the store's signal

        def refused(error: PowerdeckError) -> None:
            self._refused(unsaved, error)
            app.report_error(error)

        app.store.queue_write(entry_changes_job(_as_draft(unsaved)), on_done=written, on_error=refused,
                              by=self._screen)
        self._screen.app.notify(f"Unsaved changes to the entry for card {entry.card} were kept as its draft.",
                                markup=False)
