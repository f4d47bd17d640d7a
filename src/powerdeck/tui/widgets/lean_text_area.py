"""A TextArea that redraws only the rows that changed: fewer bytes per key over a slow link.

Textual's TextArea (8.2.8) declares `selection = reactive(..., always_update=True)` with the
default `repaint=True`, and every edit sets `selection` (in `Edit.after`), so every key press
repaints the whole widget: each of its rows is sent to the terminal again (about 150 bytes a row
of the 4-row entry fields, about 650 bytes a typed character).

Region refreshes (`refresh_lines`) do work for this widget, the Line API draws only the dirty
rows, but deciding *which* rows changed is the hard part: a typed character can re-wrap the rest
of its line, enter and backspace shift every row below, undo/redo and `load_text` can touch
anything, the cursor-line highlight and the selection live on other rows than the edit, the
placeholder appears and goes, focus and blur draw or drop the cursor. Rather than predict all
that, this class compares: it remembers the strip it last handed to the compositor for each row
(`render_line`), and when its state may have changed (selection, edit, undo, redo, load, focus,
blink) it renders the visible rows again, once, just before the widget's refresh is sent to the
screen (on idle), and marks dirty only the rows whose strips differ. Rendering a 4-row field
twice costs microseconds (`TextArea._line_cache` serves the second render); the terminal only
gets what changed. Everything TextArea itself refreshes in full (scrolling, a change in the
number of wrapped rows, style and focus changes, resizes, the placeholder setting) still is.
"""

from __future__ import annotations

from collections.abc import Sequence

from rich.segment import Segment
from textual import events
from textual.geometry import Size
from textual.reactive import reactive
from textual.strip import Strip
from textual.widget import Widget
from textual.widgets import TextArea
from textual.widgets.text_area import Edit, EditResult, Selection

from powerdeck.core.text import is_visible, visible_line
from powerdeck.tui import private_api

_HOOKS = (
    (Widget, "_check_refresh"),
    (TextArea, "_watch_selection"),
    (TextArea, "_watch_has_focus"),
    (TextArea, "_watch_cursor_blink"),
    (TextArea, "_watch__cursor_visible"),
    (TextArea, "_undo_batch"),
    (TextArea, "_redo_batch"),
    (TextArea, "_set_document"),
    (TextArea, "_replace_via_keyboard"),
    (TextArea, "_refresh_size"),
)
LEAN = all(private_api.has(owner, name) for owner, name in _HOOKS)
"""The private Textual methods this class hooks exist (Textual 8.2): else it stays a stock
TextArea (full repaints), never one that forgets to draw."""


def shown_strip(strip: Strip) -> Strip:
    """The row as the terminal gets it: a control character typed or pasted into the field (an
    escape sequence, a bidi override) is drawn as its visible picture, never sent raw. The text
    in the field stays exactly as typed; only the drawing changes."""
    segments = list(strip)
    if all(is_visible(segment.text) for segment in segments):
        return strip
    shown = [Segment(visible_line(s.text), s.style, s.control) if not s.control else s for s in segments]
    return Strip(shown).crop(0, strip.cell_length)


class LeanTextArea(TextArea):
    """A TextArea whose cursor moves and edits repaint only the rows that changed."""

    if LEAN:
        # Stock: repaint=True, i.e. a full repaint of the widget on every cursor move and edit.
        selection: reactive[Selection] = reactive(Selection(), init=False, always_update=True, repaint=False)

    def __init__(self, *args, **kwargs) -> None:  # type: ignore[no-untyped-def]  # TextArea's own arguments passed through unchanged
        # Before TextArea.__init__, which already sets the document and the selection.
        self._painted: dict[int, Strip] = {}
        """Row (relative to the top of the view) -> the strip last rendered for it for the screen
        (or requested: a row marked dirty is drawn again before the screen next shows it)."""
        self._rows_check_pending = False
        super().__init__(*args, **kwargs)

    # -- what was painted ------------------------------------------------------------------

    def render_line(self, y: int) -> Strip:
        """Called by the compositor (through the styles cache) to draw a row: remember it."""
        strip = shown_strip(super().render_line(y))
        self._painted[y] = strip
        return strip

    # -- when something may have changed ---------------------------------------------------

    def _schedule_rows_check(self) -> None:
        """Compare the visible rows with what was painted at the next idle (after the change)."""
        self._rows_check_pending = True
        self.check_idle()

    def _check_refresh(self) -> None:
        # Widget._on_idle -> _check_refresh posts the repaint to the screen: mark the rows first.
        if self._rows_check_pending:
            self._rows_check_pending = False
            self._refresh_changed_rows()
        super()._check_refresh()

    def _refresh_changed_rows(self) -> None:
        if not self.is_mounted or not self.is_attached:
            return
        height = self.size.height
        if height <= 0:
            return
        theme = private_api.private(self, "_theme")
        if theme:
            theme.apply_css(self)  # as render_lines does before rendering rows
        painted = self._painted
        render = TextArea.render_line  # not ours: a comparison is not a paint
        changed: list[int] = []
        for y in range(height):
            old = painted.get(y)
            if old is None:
                continue  # never drawn: it will be rendered when it is (nothing cached to go stale)
            strip = shown_strip(render(self, y))
            if old != strip:
                painted[y] = strip
                changed.append(y)
        if not changed:
            return
        # Mark runs of consecutive rows (refresh_lines takes document rows: add the scroll).
        scroll_y = self.scroll_offset.y
        start = previous = changed[0]
        for row in [*changed[1:], None]:
            if row is not None and row == previous + 1:
                previous = row
                continue
            self.refresh_lines(scroll_y + start, previous - start + 1)
            if row is not None:
                start = previous = row

    def _watch_selection(self, previous_selection: Selection, selection: Selection) -> None:
        self._schedule_rows_check()
        super()._watch_selection(previous_selection, selection)

    def _clear_line_cache(self) -> None:
        line_cache = private_api.private(self, "_line_cache")
        if line_cache is not None:
            line_cache.clear()

    def _watch_has_focus(self, focus: bool) -> None:
        # TextArea's line cache key has no focus in it (with the cursor not blinking): without
        # this, a row rendered before blur could be served with the cursor still drawn.
        self._clear_line_cache()
        self._schedule_rows_check()
        super()._watch_has_focus(focus)

    def _watch_cursor_blink(self, blink: bool) -> None:
        self._clear_line_cache()
        self._schedule_rows_check()
        super()._watch_cursor_blink(blink)

    def _watch__cursor_visible(self) -> None:
        self._schedule_rows_check()
        super()._watch__cursor_visible()

    def notify_style_update(self) -> None:
        self._schedule_rows_check()
        super().notify_style_update()

    def edit(self, edit: Edit) -> EditResult:
        self._schedule_rows_check()
        return super().edit(edit)

    def _undo_batch(self, edits: Sequence[Edit]) -> None:
        self._schedule_rows_check()
        super()._undo_batch(edits)

    def _redo_batch(self, edits: Sequence[Edit]) -> None:
        self._schedule_rows_check()
        super()._redo_batch(edits)

    def _refresh_size(self) -> None:
        # An edit that adds or removes a wrapped row changes `virtual_size`, a layout reactive:
        # a layout and a full repaint (enter, backspace joining lines, typing onto a new row).
        # In a field of fixed height whose text fits in it before and after, the layout changes
        # nothing (no scrolling, no scrollbar): set the size quietly and compare rows instead.
        new_size = Size(0, self.wrapped_document.height)
        old_size = self.virtual_size
        height = self.styles.height
        if (
            LEAN
            and self.soft_wrap
            and new_size != old_size
            and old_size.width == 0
            and self.is_mounted
            and height is not None
            and not height.is_auto
            and self.styles.overflow_y == "auto"
            and not self.show_vertical_scrollbar
            and self.scroll_offset.y == 0
            and max(old_size.height, new_size.height) <= self.scrollable_content_region.height
        ):
            self.set_reactive(Widget.virtual_size, new_size)
            self._schedule_rows_check()
            return
        super()._refresh_size()

    async def _on_paste(self, event: events.Paste) -> None:
        # TextArea._on_paste ends with self.focus(), and Widget.focus() repaints the whole widget
        # even when it has the focus already: do the same without it then.
        if not (LEAN and self.has_focus):
            return  # TextArea._on_paste runs next (handlers follow the class hierarchy)
        event.prevent_default()  # ...but not this time
        if self.read_only:
            return
        if result := self._replace_via_keyboard(event.text, *self.selection):
            self.move_cursor(result.end_location)

    def _set_document(self, text: str, language: str | None) -> None:
        # load_text, the language: a new document, so repaint it all (rare, and simplest).
        super()._set_document(text, language)
        self._clear_line_cache()
        self.refresh()
