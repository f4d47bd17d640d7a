"""The review log's filters: the search as it is typed, capability, card, open only, period,
due, tag, and clearing them; and marking an entry private (which review packs leave out).

A part of LogScreen (a Screen class it inherits from): the bindings name these actions on the screen."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from typing import TYPE_CHECKING

from textual import on
from textual.screen import Screen
from textual.widgets import Input

from powerdeck.core.entry import Entry, EntryFilter
from powerdeck.tui.screens.log.log_filters import ask_capabilities, ask_card, ask_period
from powerdeck.tui.screens.log.tag_picker import ask_tag
from powerdeck.tui.widgets.log_list import LogList

if TYPE_CHECKING:
    from powerdeck.core.errors import PowerdeckError
    from powerdeck.tui.app_services import AppServices
    from powerdeck.tui.widgets.entry_list import EntryList


class FilterKeys(Screen[None]):
    """What the review log shows (LogScreen's filter keys)."""

    if TYPE_CHECKING:  # what LogScreen gives its parts
        entry_filter: EntryFilter

        @property
        def power_app(self) -> AppServices: ...
        @property
        def log_list(self) -> LogList: ...
        @property
        def entry_list(self) -> EntryList: ...
        @property
        def search_input(self) -> Input: ...
        def set_status(self, text: str) -> None: ...
        def refresh_list(self, keep: str | None = None) -> None: ...
        def write_failed(self, error: PowerdeckError) -> None: ...

    def _set_filter(self, entry_filter: EntryFilter) -> None:
        if entry_filter != self.entry_filter:
            self.entry_filter = entry_filter
            self.refresh_list()

    def action_search(self) -> None:
        self.set_focus(self.log_list.start_search(self.entry_filter.text))
        self.refresh_bindings()

    def _search_typed(self, text: str) -> None:
        """The search field's text changed (called at once by the list, in the frame that echoes
        the key: a message would reach the screen a refresh later, a frame of its own)."""
        if self.is_mounted:
            self._set_filter(replace(self.entry_filter, text=text))

    @on(LogList.SearchChanged)
    def _search_changed(self, event: LogList.SearchChanged) -> None:
        self._search_typed(event.text)

    @on(LogList.SearchDone)
    def _search_done(self) -> None:
        self._end_search()

    def _end_search(self) -> None:
        self.search_input.display = False
        self.set_focus(self.entry_list)
        self.refresh_bindings()

    def action_capabilities(self) -> None:
        ask_capabilities(self, self.entry_filter, self._set_filter)

    def action_card(self) -> None:
        ask_card(self, self.entry_filter, self._set_filter)

    def action_open_only(self) -> None:
        self._set_filter(replace(self.entry_filter, open_only=not self.entry_filter.open_only))

    def action_period(self) -> None:
        ask_period(self, self.entry_filter, self._set_filter)

    def action_due_only(self) -> None:
        due = None if self.entry_filter.due_on else date.today()
        self._set_filter(replace(self.entry_filter, due_on=due))

    def action_tag(self) -> None:
        problem = ask_tag(self, self.entry_filter, self._set_filter)
        if problem:
            self.set_status(problem)

    def action_toggle_private(self) -> None:
        """m: the entry under the cursor private (kept out of review packs), or shared again."""
        entry = self.entry_list.current
        if entry is None:
            return
        private = not entry.private

        def done(new: Entry) -> None:
            self.refresh_list(keep=new.id)
            self.set_status(f"The entry for card {new.card} is private: review packs leave it out (m shares it)."
                            if private else f"The entry for card {new.card} is shared: review packs include it.")

        self.power_app.store.queue_write(lambda log: log.update(entry.id, extras={"private": private}),
                                         on_done=done, on_error=self.write_failed, by=self)

    def action_clear_filters(self) -> None:
        self.search_input.value = ""
        self._set_filter(EntryFilter())
