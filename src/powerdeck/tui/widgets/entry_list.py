"""The review log's list of entries: one line each, drawn only for the rows on screen.

A DataTable builds every row up front (about a second for 10,000 entries, again on every change
of filter); this widget keeps the list of entries and draws the visible lines on demand, so
showing a new filter costs the same for ten entries or ten thousand.

It has no key bindings of its own: the screen moves the cursor with priority bindings (why:
screens/deck_keys.py).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import ClassVar

from rich.segment import Segment
from textual import events
from textual.geometry import Region, Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip

from powerdeck.core.dates import uk_date, uk_date_of
from powerdeck.core.entry import Entry
from powerdeck.core.text import visible_line
from powerdeck.tui.cells import shorten

OPEN_MARK = "○"
DONE_MARK = "●"
DATE_WIDTH = 10
CARD_WIDTH = 5

def one_line(text: str) -> str:
    """Text safe to draw on one line: control characters shown visibly (powerdeck.core.text)."""
    return visible_line(text)


def row_marks(entry: Entry, today: date) -> list[str]:
    """Words before an entry's action, so they show without colour: "private · ", "due 12/01/2027 · "."""
    marks = []
    if entry.private:
        marks.append("private · ")
    day = entry.follow_up_date
    if day is not None and entry.is_open:
        marks.append(f"{'due' if day <= today else 'by'} {uk_date(day)} · ")
    return marks


def title_width(width: int) -> int:
    """How many cells the card title gets in a row `width` cells wide."""
    return max(0, min(32, (width - DATE_WIDTH - CARD_WIDTH - 4) // 3))


class EntryList(ScrollView, can_focus=True):
    """Entries newest first: open mark, date, card id, card title, first line of the action."""

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "entry-list--cursor",
        "entry-list--open",
        "entry-list--dim",
    }

    DEFAULT_CSS = """
    EntryList {
        height: 1fr;
        background: $surface;
        overflow-y: scroll;
    }
    EntryList > .entry-list--cursor {
        background: $block-cursor-blurred-background;
    }
    EntryList:focus > .entry-list--cursor {
        background: $block-cursor-background;
        color: $block-cursor-foreground;
        text-style: bold;
    }
    EntryList > .entry-list--open {
        color: $warning;
    }
    EntryList > .entry-list--dim {
        color: $text-muted;
    }
    """

    cursor: reactive[int] = reactive(0, always_update=True, init=False)

    @dataclass
    class Selected(Message):
        """Enter on an entry (the screen opens it)."""

        entry: Entry

    def __init__(self, *, card_title: Callable[[str], str] = lambda card: "", id: str | None = None) -> None:
        super().__init__(id=id)
        self._entries: list[Entry] = []
        self._card_title = card_title

    # -- data ------------------------------------------------------------------------------

    @property
    def entries(self) -> list[Entry]:
        return self._entries

    @property
    def current(self) -> Entry | None:
        if 0 <= self.cursor < len(self._entries):
            return self._entries[self.cursor]
        return None

    def set_entries(self, entries: list[Entry], *, keep: str | None = None) -> None:
        """Show these entries; the cursor stays on entry `keep` if it is still there."""
        old_cursor = self.cursor
        self._entries = entries
        self._set_rows(len(entries))
        index = 0
        if keep is not None:
            index = next((n for n, entry in enumerate(entries) if entry.id == keep), min(old_cursor, len(entries) - 1))
        self.cursor = max(0, min(index, len(entries) - 1))
        self.refresh()

    def _set_rows(self, rows: int) -> None:
        """The list's height in rows, without a new layout of the screen when the scrollbar
        stays as it is. It is always shown (`overflow-y: scroll`): a search that narrowed the
        list to a screenful or widened it past one made it come or go, and that layout redrew
        the whole list a second time (60-70 ms a key at 1,000 entries, against 15).

        After a layout Textual redraws the scrollbar in a frame of its own, a tick later: on
        every key of a search that was a second frame, 20-30 ms after the rows."""
        size = Size(self.scrollable_content_region.width, rows)
        window = self.scrollable_content_region.height
        old_rows = self.virtual_size.height
        scrollbar_stays = self.styles.overflow_y == "scroll" or (rows > window) == (old_rows > window)
        if not window or self.virtual_size.width != size.width or not scrollbar_stays:
            self.virtual_size = size  # the scrollbar comes or goes: a layout
            return
        self.set_reactive(EntryList.virtual_size, size)
        if self.show_vertical_scrollbar:
            self.vertical_scrollbar.window_virtual_size = rows  # drawn with the rows
        self.scroll_y = self.validate_scroll_y(self.scroll_y)
        self.refresh()

    # -- cursor ----------------------------------------------------------------------------

    def validate_cursor(self, value: int) -> int:
        return max(0, min(value, len(self._entries) - 1)) if self._entries else 0

    def watch_cursor(self, old: int, new: int) -> None:
        self.scroll_to_region(Region(0, new, 1, 1), animate=False, force=True, immediate=True)
        self.refresh()

    def move(self, rows: int) -> None:
        self.cursor = self.cursor + rows

    def page(self, pages: int) -> None:
        self.cursor = self.cursor + pages * max(1, self.scrollable_content_region.height - 1)

    def select(self) -> None:
        entry = self.current
        if entry is not None:
            self.post_message(self.Selected(entry))

    def on_click(self, event: events.Click) -> None:
        self.cursor = int(self.scroll_offset.y) + event.y
        if event.chain == 2:
            self.select()

    def on_resize(self, event: events.Resize) -> None:
        self.virtual_size = Size(self.scrollable_content_region.width, len(self._entries))

    # -- drawing ---------------------------------------------------------------------------

    def render_line(self, y: int) -> Strip:
        width = self.scrollable_content_region.width
        index = int(self.scroll_offset.y) + y
        base = self.rich_style
        if index >= len(self._entries):
            return Strip.blank(width, base)
        entry = self._entries[index]
        cursor = index == self.cursor
        if cursor:
            base = base + self.get_component_rich_style("entry-list--cursor")
            dim = None
        else:
            dim = self.get_component_rich_style("entry-list--dim", partial=True)
        open_style = self.get_component_rich_style("entry-list--open", partial=True)
        mark_style = open_style if entry.is_open else dim
        titles = title_width(width)
        card_title = one_line(self._card_title(entry.card))
        action = one_line(entry.first_line()) or "(no action written)"
        segments = [
            Segment(" "),
            Segment(OPEN_MARK if entry.is_open else DONE_MARK, mark_style),
            Segment(" "),
            Segment(uk_date_of(entry.created).ljust(DATE_WIDTH), dim),
            Segment(" "),
            Segment(one_line(entry.card)[:CARD_WIDTH].ljust(CARD_WIDTH)),
        ]
        if titles:
            segments += [Segment(shorten(card_title, titles - 1), dim), Segment(" ")]
            segments = list(Strip(segments).adjust_cell_length(1 + 1 + 1 + DATE_WIDTH + 1 + CARD_WIDTH + titles))
        segments += [Segment(mark, dim) for mark in row_marks(entry, date.today())]
        segments.append(Segment(action, None if entry.action.strip() else dim))
        line = Strip(segments).adjust_cell_length(width)
        return Strip(Segment.apply_style(line, style=base), width)
