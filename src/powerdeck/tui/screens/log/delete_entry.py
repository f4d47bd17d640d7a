"""Deleting review log entries: the log screen asks first, and u undoes until the log is left."""

from __future__ import annotations

from typing import Any, Protocol

from textual.app import App

from powerdeck.core.dates import uk_date_of
from powerdeck.core.entry import Entry
from powerdeck.core.errors import PowerdeckError
from powerdeck.store import Log
from powerdeck.tui.app_services import AppServices, services
from powerdeck.tui.screens.dialogs.confirm_dialog import Choice, ChoiceDialog


class DeleteHost(Protocol):
    """What deleting needs from the screen: the app, its status line, and its list."""

    @property
    def app(self) -> App[Any]: ...

    def set_status(self, text: str) -> None: ...

    def refresh_list(self, keep: str | None = None) -> None: ...

    def write_failed(self, error: PowerdeckError) -> None: ...


class Deletions:
    """Entries deleted while the screen is open, last one first, so u can put them back."""

    def __init__(self, host: DeleteHost) -> None:
        self.host = host
        self.entries: list[Entry] = []

    @property
    def power_app(self) -> AppServices:
        return services(self.host)

    def ask(self, entry: Entry, card_title: str) -> None:
        """Ask before deleting: the question shows which entry it is."""
        question = (
            f"{uk_date_of(entry.created)} · card {entry.card} {card_title}\n"
            f"{entry.first_line() or '(no action written)'}\n\n"
            "u undoes this until you leave the review log."
        )
        choices = (Choice("y", "Delete", "yes", "error"), Choice("n", "Keep it", "no"))

        def answered(answer: str | None) -> None:
            if answer == "yes":
                self.delete(entry)

        self.host.app.push_screen(ChoiceDialog("Delete this entry?", question, choices), answered)

    def delete(self, entry: Entry) -> None:
        entry_id = entry.id

        def delete(log: Log) -> Entry | None:
            return log.delete(entry_id) if log.get(entry_id) is not None else None

        def deleted(old: Entry | None) -> None:
            if old is not None:
                self.entries.append(old)
                self.host.set_status(f"Deleted the entry of {uk_date_of(old.created)} for card {old.card} · u undoes")
            self.host.refresh_list()

        self.power_app.store.queue_write(delete, on_done=deleted, on_error=self.host.write_failed, by=self.host)

    def undo(self) -> None:
        if not self.entries:
            return
        entry = self.entries.pop()

        def restored(old: Entry) -> None:
            self.host.refresh_list(keep=old.id)
            self.host.set_status(f"Restored the entry of {uk_date_of(old.created)} for card {old.card}")

        def failed(error: PowerdeckError) -> None:
            self.entries.append(entry)
            self.host.write_failed(error)

        self.power_app.store.queue_write(lambda log: log.restore(entry), on_done=restored, on_error=failed,
                                         by=self.host)
