"""The review log's list panel: title and counts, the filter line, the search field, the entries.

It draws what the log screen gives it (`show`: the entries that match the filter, and how many
the log holds) and tells the screen what is typed in the search field (`SearchChanged`,
`SearchDone`); the screen holds the filter and the keys, and reads the log.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from textual import on
from textual.app import ComposeResult
from textual.containers import Container, Vertical
from textual.content import Content
from textual.geometry import Region
from textual.message import Message
from textual.widgets import Input, Static

from powerdeck.core.entry import Entry, EntryFilter
from powerdeck.core.text import plural
from powerdeck.tui.private_api import gone
from powerdeck.tui.widgets.entry_list import EntryList, title_width
from powerdeck.tui.widgets.filter_bar import filter_line

if TYPE_CHECKING:
    from typing_extensions import Self

OPEN_COUNT_LIMIT = 20000
"""Above this many entries shown, the title leaves out how many are open (a pass over them all)."""


class SearchField(Input):
    """The search field. Its text reaches `on_change` as it changes, not through Input.Changed:
    that message bubbles to the screen a refresh later, so the echo of the key and the list it
    filters went out as two frames (two ticks of the clock) instead of one."""

    def __init__(self, on_change: Callable[[str], None], *, placeholder: str, id: str,
                 cursor_blink: bool = True) -> None:
        super().__init__(placeholder=placeholder, id=id)
        self.cursor_blink = cursor_blink
        self._on_change = on_change

    _changing = False

    def _watch_value(self, value: str) -> None:
        # Input's private watcher (docs/architecture.md): a Textual that renamed it never calls
        # this, and the list hands the text on from Input.Changed instead (a frame later).
        if gone("_watch_value"):
            super()._watch_value(value)
            return
        self._changing = True
        try:
            super()._watch_value(value)
        finally:
            self._changing = False
        self._on_change(value)

    def refresh(self, *regions: Region, repaint: bool = True, layout: bool = False,
                recompose: bool = False) -> Self:
        # Input sets its virtual size on every key, and that asks for a layout of the whole
        # screen. This field is one line high at the width of its container whatever its text,
        # so a repaint is enough (the layout also cost the list's scrollbar a frame of its own).
        return super().refresh(*regions, repaint=repaint, layout=layout and not self._changing,
                               recompose=recompose)


class LogList(Vertical):
    """Entries newest first, under a title that counts them and a line that shows the filters."""

    def __init__(self, card_titles: dict[str, str], *, on_search: Callable[[str], None] | None = None,
                 search_cursor_blink: bool = True, id: str | None = None) -> None:
        """`on_search(text)` is called as the search text changes, in the frame that echoes the
        key; without it the list posts SearchChanged (a refresh later)."""
        super().__init__(id=id)
        self._card_titles = card_titles
        self._on_search = on_search
        self._search_cursor_blink = search_cursor_blink
        self._filter_lines = 0
        self.entry_filter = EntryFilter()
        self.total = 0
        self.open_count = 0

    @dataclass
    class SearchChanged(Message):
        """The search field now holds `text`."""

        text: str

    class SearchDone(Message):
        """enter in the search field: the search is typed."""

    def compose(self) -> ComposeResult:
        yield Static("", id="log-title", markup=False)
        yield Static("", id="log-filters", markup=False)
        yield SearchField(self._search_typed, placeholder="Search action, outcome and learning · enter: done",
                          id="log-search-input", cursor_blink=self._search_cursor_blink)
        yield Static("", id="log-header", markup=False)
        with Container(id="log-body"):
            # An entry of a card this deck lacks (written with another --deck) is kept and shown.
            yield EntryList(card_title=lambda card: self._card_titles.get(card, "(not in this deck)"), id="log-entries")
            yield Static("", id="log-empty", markup=False)

    def on_mount(self) -> None:
        self.search_input.display = False

    @property
    def entry_list(self) -> EntryList:
        return self.query_one("#log-entries", EntryList)

    @property
    def search_input(self) -> Input:
        return self.query_one("#log-search-input", Input)

    def start_search(self, text: str) -> Input:
        """Show the search field, holding the search in force (the screen focuses it)."""
        search = self.search_input
        search.display = True
        if search.value != text:
            search.value = text
        return search

    def _search_typed(self, text: str) -> None:
        self._handed = text
        if self._on_search is not None:
            self._on_search(text)
        else:
            self.post_message(self.SearchChanged(text))

    _handed: str | None = None
    """The search text last handed on."""

    @on(Input.Changed, "#log-search-input")
    def _search_changed(self, event: Input.Changed) -> None:
        event.stop()
        if event.value != self._handed:  # SearchField._watch_value was not called: hand it on now
            self._search_typed(event.value)

    @on(Input.Submitted, "#log-search-input")
    def _search_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.post_message(self.SearchDone())

    @property
    def shown(self) -> list[Entry]:
        return self.entry_list.entries

    def show(self, shown: list[Entry], total: int, entry_filter: EntryFilter, keep: str | None = None) -> None:
        """Show `shown`, the entries of a log of `total` that match `entry_filter` (the cursor stays
        on entry `keep`, else on the entry it is on)."""
        self.entry_filter = entry_filter
        self.total = total
        if keep is None and self.entry_list.current is not None:
            keep = self.entry_list.current.id
        self.entry_list.set_entries(shown, keep=keep)
        # Counted here, once per change of list, not again on every resize.
        self.open_count = sum(1 for entry in shown if entry.is_open) if len(shown) <= OPEN_COUNT_LIMIT else 0
        self.show_counts()

    def show_counts(self) -> None:
        """The title, the filter line, the column header (to the width) and the empty message."""
        shown = len(self.shown)
        title = f"Review log · {shown:,} of {plural(self.total)}"
        if self.open_count:
            title += f" · {self.open_count:,} open ○"
        # Every key of a search comes here. The title and the header are one line high, and the
        # filter line changes height only when it wraps: updated without a new layout, which
        # also spares the list's scrollbar the frame of its own Textual draws after a layout.
        self.query_one("#log-title", Static).update(Content(title), layout=False)
        filters = self.query_one("#log-filters", Static)
        line = filter_line(self.entry_filter)
        lines = len(line.wrap(filters.content_region.width)) if filters.content_region.width else 0
        filters.update(line, layout=lines != self._filter_lines or not lines)
        self._filter_lines = lines
        width = self.entry_list.scrollable_content_region.width or self.screen.size.width
        titles = title_width(width)
        header = f"   {'Date':<10} {'Card':<5}" + (f"{'Title':<{titles}} " if titles else "") + "Action"
        self.query_one("#log-header", Static).update(Content(header), layout=False)
        empty = self.query_one("#log-empty", Static)
        empty.display = shown == 0
        if shown == 0:
            if self.total == 0:
                empty.update(
                    "Your review log is empty.\n\nPress escape to go back to the cards, choose one, "
                    "and press e to write what you will do about it."
                )
            else:
                empty.update(f"No entries match these filters (the log has {plural(self.total)}).\n\n"
                             "Press x to clear them.")
