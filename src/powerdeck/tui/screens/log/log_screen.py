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

from dataclasses import replace
from datetime import date
from functools import partial

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Input, Static

from powerdeck.core.entry import Draft, Entry, EntryFilter
from powerdeck.core.errors import PowerdeckError
from powerdeck.store import Log, LogWorker, UnsavedText
from powerdeck.tui.app_services import AppServices, services
from powerdeck.tui.key_bursts import focus_field
from powerdeck.tui.log_watch import LogFollower
from powerdeck.tui.screens.dialogs.confirm_dialog import Choice, ChoiceDialog
from powerdeck.tui.screens.log.delete_entry import Deletions
from powerdeck.tui.screens.log.entry_writes import EntryWrites
from powerdeck.tui.screens.log.log_filters import ask_capabilities, ask_card, ask_period
from powerdeck.tui.screens.log.tag_picker import ask_tag
from powerdeck.tui.widgets.entry_editor import EntryEditor
from powerdeck.tui.widgets.entry_list import EntryList
from powerdeck.tui.widgets.entry_pane import EntryPane
from powerdeck.tui.widgets.filter_bar import describe_filter, filter_line
from powerdeck.tui.widgets.log_list import LogList
from powerdeck.tui.widgets.problem_line import ProblemLine
from powerdeck.tui.widgets.quiet_footer import QuietFooter

__all__ = ["LogScreen", "describe_filter", "filter_line"]  # the export dialog imports describe_filter here

LIST_ACTIONS = {
    "open_entry", "search", "capabilities", "card", "open_only", "period", "clear_filters",
    "overview", "export", "delete", "undo", "move", "page", "toggle_private", "due_only", "tag",
}
ENTRY_ACTIONS = {"save", "focus_field"}


class LogScreen(Screen[None]):
    """Browse, filter, open, edit and delete review log entries."""

    AUTO_FOCUS = ""
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (100, "-wide")]
    BINDINGS = [
        Binding("enter,e", "open_entry", "Open", id="log-open", tooltip="Open the entry to read or edit it",
                priority=True),
        Binding("slash", "search", "Search", id="log-search", key_display="/",
                tooltip="Search action, outcome and learning", show=False, priority=True),
        Binding("c", "capabilities", "Capability", id="log-capabilities",
                tooltip="Show one or several capabilities", show=False, priority=True),
        Binding("a", "card", "Card", id="log-card", tooltip="Show one card", show=False, priority=True),
        Binding("o", "open_only", "Open only", id="log-open-only",
                tooltip="Show only entries whose outcome or learning is still to write", show=False, priority=True),
        Binding("p", "period", "Period", id="log-period",
                tooltip="Show a period: last 30 days, this year, or dates", show=False, priority=True),
        Binding("f", "due_only", "Due", id="log-due",
                tooltip="Show only open entries whose follow-up date has come", show=False, priority=True),
        Binding("t", "tag", "Tag", id="log-tag", tooltip="Show entries with one tag", show=False, priority=True),
        Binding("m", "toggle_private", "Private", id="log-private",
                tooltip="Mark the entry private: kept out of review packs (m again: shared)", show=False,
                priority=True),
        Binding("x", "clear_filters", "Clear", id="log-clear-filters", tooltip="Clear every filter", priority=True),
        Binding("v", "overview", "Overview", id="log-overview",
                tooltip="Entries per capability as a chart; cards not used yet", priority=True),
        Binding("w", "export", "Export", id="log-export", tooltip="Write the log (or what is shown) to a file",
                priority=True),
        Binding("d,delete", "delete", "Delete", id="log-delete", tooltip="Delete the entry (asks first; u undoes)",
                priority=True),
        Binding("u", "undo", "Undo", id="log-undo", tooltip="Undo the last delete", priority=True),
        Binding("ctrl+s", "save", "Save", id="log-save", tooltip="Save the entry", priority=True),
        Binding("escape", "back", "Back", id="log-back", tooltip="Back (to the list, then to the cards)",
                priority=True),
        Binding("tab", "focus_field(1)", "Next field", id="log-next-field", show=False, priority=True),
        Binding("shift+tab", "focus_field(-1)", "Previous field", id="log-previous-field", show=False, priority=True),
        Binding("down,j", "move(1)", "Down", id="log-down", show=False, priority=True),
        Binding("up,k", "move(-1)", "Up", id="log-up", show=False, priority=True),
        Binding("pagedown,space", "page(1)", "Page down", id="log-page-down", show=False, priority=True),
        Binding("pageup", "page(-1)", "Page up", id="log-page-up", show=False, priority=True),
    ]

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

    def _set_filter(self, entry_filter: EntryFilter) -> None:
        if entry_filter != self.entry_filter:
            self.entry_filter = entry_filter
            self.refresh_list()

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

    # -- filters ---------------------------------------------------------------------------

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

    # -- one entry (EntryPane does the work; the keys stay here) -------------------------

    @on(EntryList.Selected)
    async def _selected(self, event: EntryList.Selected) -> None:
        await self.open_entry(event.entry)

    async def action_open_entry(self) -> None:
        entry = self.entry_list.current
        if entry is not None:
            await self.open_entry(entry)

    async def open_entry(self, entry: Entry) -> None:
        def read(log: Log) -> tuple[Entry | None, int, Draft | None]:
            fresh = log.get(entry.id)
            return fresh, len(log.entries(EntryFilter(card=entry.card))), log.draft(entry.card)

        fresh, card_entries, draft = self.power_app.store.read(read)
        if fresh is None:
            self.set_status("That entry is no longer in the log (deleted in another session?).")
            self.refresh_list()
            return
        if self._pane is None:
            # Built on first use. Awaited inside the key's action, so the keys typed after enter
            # wait for the fields to exist rather than landing on the list (or nowhere).
            pane = EntryPane(self.power_app.deck, cursor_blink=not self.power_app.options.over_ssh, id="log-entry")
            await self.mount(pane, before="#problem-line")
            self._pane = pane
        pane = self._pane
        pane.show(fresh, card_entries=card_entries)
        self.add_class("-editing")
        pane.focus_first_empty()
        self.refresh_bindings()
        if draft is not None and draft.entry_id == fresh.id:
            self.set_status(f"Card {fresh.card} also has a draft of changes to this entry, on the cards screen.")
        else:
            self.set_status("ctrl+s saves · escape goes back to the list · tab: next field")

    def action_focus_field(self, step: int) -> None:
        focus_field(self, step)

    async def action_save(self) -> None:
        if self._pane is not None:
            await self.settle_editor()
            self._pane.request_save()

    @on(EntryPane.SaveRequested)
    def _save_requested(self, event: EntryPane.SaveRequested) -> None:
        event.stop()
        self.entry_writes.queue_save(self.entry_pane, event)

    def _leave_entry(self) -> None:
        """Escape in the entry: back to the list at once, or ask first when there are unsaved changes."""
        pane = self.entry_pane
        if not pane.is_dirty:
            self.close_entry()
            return
        choices = (
            Choice("s", "Save", "save", "primary"),
            Choice("d", "Discard", "discard", "error"),
            Choice("k", "Keep editing", "keep"),
        )

        def answered(answer: str | None) -> None:
            if answer == "save":
                pane.request_save(then_close=True)
            elif answer == "discard":
                self.close_entry()
            else:
                self.set_focus(pane.editor.field("action"))

        self.app.push_screen(
            ChoiceDialog(
                "Unsaved changes",
                "This entry has changes that are not saved yet. Save them, or discard them?",
                choices,
            ),
            answered,
        )

    def close_entry(self) -> None:
        """Show the list again, on the entry that was open. At once, not by a message: a key right
        behind escape ("escape c" in one burst over SSH) must already find the list."""
        closed = self.entry_pane.close()
        self.remove_class("-editing")
        self.set_focus(self.entry_list)
        self.refresh_list(keep=closed)
        self.set_status("")

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


def make_search_texts(store: LogWorker) -> None:
    """On a worker thread. The store's lock is held only to take the entries and to hand the texts
    over, never while they are made, so the screen's reads never wait for this."""
    work = store.read(lambda log: log.search_work())
    work.run()
    store.read(lambda log: log.adopt_search_work(work))
