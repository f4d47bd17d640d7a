"""The review log: every entry newest first, the filters, and an entry opened beside its card.

Keys follow the deck screen's rule (screens/deck_keys.py): every binding is a priority binding
and focus moves at once (key_bursts.py). `check_action` switches the list's letter keys off
while a text field has focus, so there they type text.

Opening the screen builds only the list (LogList). The fields to edit an entry (EntryPane) are
built the first time an entry is opened: three TextAreas and a card view cost more than the
list, and most visits only read. The screen owns the data: it reads the log (through
`app.store`) and hands the list and the pane what to show; they post messages back (a search
typed, a save asked for), and screens/entry_writes.py does the pane's writes.
"""

from __future__ import annotations

import threading
from functools import partial

from textual.app import ComposeResult
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Input, Static

from powerdeck.core.entry import Entry, EntryFilter
from powerdeck.core.errors import PowerdeckError
from powerdeck.store import Log, LogWorker, UnsavedText
from powerdeck.tui.app_services import AppServices, services
from powerdeck.tui.log_watch import LogFollower
from powerdeck.tui.screens.log.delete_entry import Deletions
from powerdeck.tui.screens.log.entry_writes import EntryWrites
from powerdeck.tui.screens.log.filter_keys import FilterKeys
from powerdeck.tui.screens.log.log_keys import ENTRY_ACTIONS, LIST_ACTIONS, LOG_BINDINGS
from powerdeck.tui.screens.log.open_entry import OpenEntry
from powerdeck.tui.widgets.entry_editor import EntryEditor
from powerdeck.tui.widgets.entry_list import EntryList
from powerdeck.tui.widgets.entry_pane import EntryPane
from powerdeck.tui.widgets.filter_bar import describe_filter, filter_line
from powerdeck.tui.widgets.log_list import LogList
from powerdeck.tui.widgets.problem_line import ProblemLine
from powerdeck.tui.widgets.quiet_footer import QuietFooter

__all__ = ["LogScreen", "describe_filter", "filter_line"]  # the export dialog imports describe_filter here


class LogScreen(FilterKeys, OpenEntry, Screen[None]):
    """Browse, filter, open, edit and delete review log entries.

    Its keys are in log_keys.py, its filters in filter_keys.py, the open entry in open_entry.py
    (parts it inherits), deleting in delete_entry.py, the entry's writes in entry_writes.py."""

    AUTO_FOCUS = ""
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (100, "-wide")]
    BINDINGS = LOG_BINDINGS

    def __init__(self, entry_filter: EntryFilter | None = None, *, open_id: str | None = None) -> None:
        super().__init__()
        self.entry_filter = entry_filter or EntryFilter()
        self._open_id = open_id
        """An entry to open as soon as the list is there (the due line's key)."""
        self.deletions = Deletions(self)
        self.entry_writes = EntryWrites(self)
        self._card_titles: dict[str, str] = {}
        self._pane: EntryPane | None = None
        self.log_follower = LogFollower(self, self._log_changed)

    @property
    def power_app(self) -> AppServices:
        return services(self)

    # -- layout ----------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        self._card_titles = {card.id: card.title for card in self.power_app.deck.cards}
        yield LogList(self._card_titles, on_search=self._search_typed,
                      search_cursor_blink=not self.power_app.options.over_ssh, id="log-list")
        # The entry pane (#log-entry) is mounted here, before the problem line, on first open.
        yield ProblemLine(id="problem-line")
        yield Static("", id="log-status", markup=False)
        yield QuietFooter(compact=True, show_command_palette=False)

    async def on_mount(self) -> None:
        self.power_app.problems.follow(self.query_one(ProblemLine))
        self.refresh_list()
        self.set_focus(self.entry_list)
        self.log_follower.follow(self.power_app.log_watcher)  # another session's entries appear
        self.prepare_search()
        first = next((entry for entry in self.shown if entry.id == self._open_id), None)
        if first is not None:
            self.entry_list.set_entries(self.shown, keep=first.id)
            await self.open_entry(first)

    def prepare_search(self) -> None:
        """Make the entries' search texts on a thread now, so the first key typed into the search
        finds them ready (made on that key, they took 0.3-0.5 s at 10,000 entries). Again after
        the log changed: only the new or edited entries' texts are made.

        The app's worker, started from the app's own turn, on a function of the store alone: a
        worker keeps the context it was started in (its task's copy), and Textual leaves the last
        worker a pool thread ran in that thread's context; started here, from this screen, it kept
        the screen, closed, in memory until the thread's next job."""
        self.app.call_next(self.app.run_worker, partial(make_search_texts, self.power_app.store), thread=True,
                           exclusive=True, group="search-texts", exit_on_error=False, description="search texts")

    @property
    def log_list(self) -> LogList:
        return self.query_one("#log-list", LogList)

    @property
    def entry_list(self) -> EntryList:
        return self.log_list.entry_list

    @property
    def search_input(self) -> Input:
        return self.log_list.search_input

    @property
    def entry_pane(self) -> EntryPane:
        """The open entry's pane (built when the first entry is opened)."""
        if self._pane is None:
            raise LookupError("no entry has been opened on this screen yet")
        return self._pane

    @property
    def editor(self) -> EntryEditor:
        return self.entry_pane.editor

    def set_status(self, text: str) -> None:
        self.query_one("#log-status", Static).update(Content(text))

    # -- the list --------------------------------------------------------------------------

    @property
    def shown(self) -> list[Entry]:
        return self.entry_list.entries

    @property
    def deleted(self) -> list[Entry]:
        return self.deletions.entries

    def refresh_list(self, keep: str | None = None) -> None:
        """Read the entries that match the filter and show them (the cursor stays on `keep`)."""
        entry_filter = self.entry_filter

        def query(log: Log) -> tuple[list[Entry], int]:
            return log.entries(entry_filter), log.count()  # the log's search index answers

        shown, total = self.power_app.store.read(query)
        self.log_list.show(shown, total, entry_filter, keep=keep)
        self.refresh_bindings()

    def _log_changed(self) -> None:
        """Another session wrote: show its entries, and make their search texts."""
        self.refresh_list()
        self.prepare_search()

    def on_resize(self) -> None:
        self.log_list.show_counts()

    # -- modes and keys --------------------------------------------------------------------

    @property
    def in_entry(self) -> bool:
        return self.has_class("-editing")

    @property
    def searching(self) -> bool:
        return self.focused is self.search_input

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in LIST_ACTIONS:
            if self.in_entry or self.searching:
                return False
            if action == "undo" and not self.deleted:
                return False
            if action in {"open_entry", "delete"} and not self.shown:
                return None
            return True
        if action in ENTRY_ACTIONS:
            return self.in_entry
        return True

    def action_move(self, rows: int) -> None:
        self.entry_list.move(rows)

    def action_page(self, pages: int) -> None:
        self.entry_list.page(pages)

    async def action_back(self) -> None:
        if self.searching:
            self._end_search()
        elif self.in_entry:
            await self.settle_editor()
            if self.in_entry:
                self._leave_entry()
        else:
            self.app.pop_screen()

    async def settle_editor(self) -> None:
        """Let letters sent just before escape, ctrl+s or ctrl+q land in the field (App.action_quit
        calls this too)."""
        if self._pane is not None and self.in_entry:
            await self._pane.settle()

    def action_overview(self) -> None:
        self.power_app.action_open_overview()

    def action_export(self) -> None:
        self.power_app.action_export_log()

    # -- delete and undo (Deletions asks first and keeps what u restores) -----------------

    def action_delete(self) -> None:
        entry = self.entry_list.current
        if entry is not None:
            self.deletions.ask(entry, self._card_titles.get(entry.card, ""))

    def action_undo(self) -> None:
        self.deletions.undo()

    def write_failed(self, error: PowerdeckError) -> None:
        self.set_status("Not saved: " + str(error))
        self.power_app.report_error(error)

    # -- a text holder (text_holders.py): every way out of the app asks these ------------

    async def settle_typing(self) -> None:
        await self.settle_editor()

    def unsaved_text(self) -> UnsavedText:
        """Nothing of its own: changes whose write was refused go to `app.refused` at once, which
        outlives this screen (entry_writes.py)."""
        return UnsavedText()

    def write_unsaved_and_wait(self) -> PowerdeckError | None:
        """On quit or hang-up: write unsaved changes on this thread and wait; say why not."""
        if self._pane is not None:
            return self.entry_writes.write_unsaved_and_wait(self._pane.unsaved())
        return None

    def on_screen_resume(self) -> None:
        self.log_follower.resumed()  # the log changed under a dialog or the overview

    def on_screen_suspend(self) -> None:
        # Popped without escape (a palette command such as "Go to card"): keep what was typed.
        if self._pane is not None and self not in self.app.screen_stack:
            self.entry_writes.queue_unsaved_write(self._pane.unsaved())

    def on_unmount(self) -> None:
        self.log_follower.stop()
        # Taken down any other way: the fields are gone by now, their last text is in the snapshot.
        if self._pane is not None:
            self.entry_writes.queue_unsaved_write(self._pane.snapshot)


_MAKING_SEARCH_TEXTS = threading.Lock()
"""One making at a time: a second, asked for by a change of the log while the first runs (a thread
worker cannot be cancelled), waits and then makes only what the first did not."""


def make_search_texts(store: LogWorker) -> None:
    """On a worker thread. The store's lock is held only to take the entries and to hand the texts
    over, never while they are made, so the screen's reads never wait for this."""
    with _MAKING_SEARCH_TEXTS:
        work = store.read(lambda log: log.search_work())
        work.run()
        store.read(lambda log: log.adopt_search_work(work))
