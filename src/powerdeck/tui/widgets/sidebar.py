"""The capability sidebar: the ten capabilities with their entry counts and, under the current one,
its cards (id and title) with the card showing highlighted, so a person sees where they are.

Labels never look alike: on one line, a title that would be cut to the same words as another's
("We change the…" three times) shows the words that differ instead ("…measure success"); from
120 columns (`wrap`) every title is shown whole, over as many lines as it needs.

It never takes focus: the screen's keys (up/down, 1-0) move it, so the arrow keys mean the same
thing wherever focus is outside the editor. A click on a capability or a card posts `Chosen`.
"""

from __future__ import annotations

import textwrap
from dataclasses import dataclass

from textual import events, on
from textual.content import Content
from textual.geometry import Region
from textual.message import Message
from textual.strip import Strip
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from powerdeck.core.text import visible_line
from powerdeck.deck.model import Capability
from powerdeck.tui.cells import shorten
from powerdeck.tui.private_api import require
from powerdeck.tui.widgets.terse import terse_strip


def _shared_words(one: str, other: str) -> int:
    """How many leading words two titles share."""
    count = 0
    for a, b in zip(one.split(), other.split(), strict=False):
        if a != b:
            break
        count += 1
    return count


def distinct_titles(titles: list[str], width: int) -> list[str]:
    """Each title cut to `width` cells; where two would read the same, the shared leading words
    are dropped for an ellipsis, so each shows what is its own."""
    cut = [shorten(title, width) for title in titles]
    out = list(cut)
    for index, title in enumerate(titles):
        twins = [other for n, other in enumerate(titles) if n != index and cut[n] == cut[index]]
        if not twins:
            continue
        shared = max(_shared_words(title, other) for other in twins)
        rest = " ".join(title.split()[shared:])
        if rest:
            out[index] = shorten("…" + rest, width)
    return out


@dataclass
class SidebarLabel:
    capability: int
    card: str | None = None


class CapabilitySidebar(OptionList, can_focus=False):
    """One row per capability (number, title, entry count) and the current capability's cards."""

    @dataclass
    class Chosen(Message):
        """A capability (card None: its first card) or a card was clicked."""

        capability: int
        card: str | None

    def __init__(self, capabilities: tuple[Capability, ...], *, id: str | None = None) -> None:
        super().__init__(markup=False, id=id)
        self._capabilities = capabilities
        self._counts: dict[int, int] = {}
        self._drafts: set[int] = set()
        self._current = 1
        self._card: str | None = None
        self._rows: list[SidebarLabel] = []
        self._built: tuple[object, ...] | None = None
        self.wrap = False
        """Show every title whole, over more lines (set by the screen from 120 columns)."""

    @property
    def current_capability(self) -> int:
        return self._current

    @property
    def current_card(self) -> str | None:
        return self._card

    @property
    def labels(self) -> list[str]:
        """The capability rows as shown (plain text, one string per capability)."""
        return [
            str(self.get_option_at_index(n).prompt)
            for n, row in enumerate(self._rows)
            if row.card is None
        ]

    def on_mount(self) -> None:
        self._rebuild()

    def on_resize(self, event: events.Resize) -> None:
        self._rebuild()

    def set_counts(self, counts: dict[int, int], drafts: set[int]) -> None:
        if counts != self._counts or drafts != self._drafts:
            self._counts = dict(counts)
            self._drafts = set(drafts)
            self._rebuild()

    def select_card(self, capability: int, card: str) -> None:
        """Show where the person is: this capability open, this card highlighted."""
        if (capability, card) == (self._current, self._card):
            return
        old_card = self._card
        self._current, self._card = capability, card
        if self._built is not None and self._built[2] == capability and self._move_mark(old_card, card):
            self._built = (*self._built[:3], card, *self._built[4:])
            return
        self._rebuild()

    def set_drafts(self, drafts: set[int]) -> None:
        """Only the "draft kept" marks (a draft changes no counts)."""
        self.set_counts(self._counts, drafts)

    def _move_mark(self, old: str | None, new: str) -> bool:
        """Within a capability, redraw only the two card rows whose mark moves.

        Rebuilding the options (or moving the highlight the usual way) repaints the whole sidebar,
        and every change of card crossed a slow link with it: twice the bytes of the card alone.
        This reaches into OptionList's render cache and line map; if a Textual release moves them
        it returns False and the sidebar is simply rebuilt.
        """
        rows = {row.card: index for index, row in enumerate(self._rows) if row.card is not None}
        if old not in rows or new not in rows:
            return False
        width = self.scrollable_content_region.width
        try:
            require(self, "_index_to_line", "_option_render_cache")
            lines = self._index_to_line
            for card_id, here in ((old, False), (new, True)):
                option = self.get_option_at_index(rows[card_id])
                title = next(c.title for cap in self._capabilities for c in cap.cards if c.id == card_id)
                option._set_prompt(self._card_label(card_id, title, width, here))
            self._option_render_cache.clear()
            self.set_reactive(OptionList.highlighted, rows[new])
            top = int(self.scroll_offset.y)
            self.refresh(*(Region(0, lines[rows[card_id]] - top, self.size.width, 1) for card_id in (old, new)))
        except (AttributeError, KeyError):  # a Textual without them
            return False
        return True

    def render_line(self, y: int) -> Strip:
        return terse_strip(super().render_line(y))  # a label and its trailing blank: one run

    def _lines_on_screen(self) -> list[Strip] | None:
        """The rows as painted now, if nothing is waiting to be painted and nothing is scrolled."""
        height = self.scrollable_content_region.height
        try:
            require(self, "_repaint_regions")
            pending = bool(self._repaint_regions)
        except AttributeError:  # a Textual without it
            return None
        if not self.is_mounted or pending or height <= 0 or self.scroll_offset.y:
            return None
        return [self.render_line(y) for y in range(height)]

    def _repaint_changed(self, before: list[Strip] | None) -> None:
        """After a rebuild, repaint only the rows that look different.

        `set_options` repaints the whole sidebar: crossing into another capability closes one
        list of cards and opens another, and the rows below the list, the border beside them and
        most labels are the same as before (about 1.2 KB over the link at 80x24). This reaches
        into Widget's pending repaint regions; without them the whole sidebar is repainted."""
        height = self.scrollable_content_region.height
        if before is None or len(before) != height or self.scroll_offset.y:
            return
        try:
            require(self, "_lines", "_repaint_regions", "_dirty_regions")
            if len(self._lines) > height:
                return  # it scrolls: the highlight may move the view
            after = [self.render_line(y) for y in range(height)]
            self._repaint_regions.clear()
            self._dirty_regions.clear()
        except AttributeError:  # a Textual without them
            return
        changed = [Region(0, y, self.size.width, 1) for y in range(height) if before[y] != after[y]]
        if changed:
            self.refresh(*changed)

    def select_capability(self, number: int) -> None:
        self.select_card(number, self._card or "")

    # -- labels ----------------------------------------------------------------------------

    def _tail(self, number: int) -> str:
        count = self._counts.get(number, 0)
        mark = "✎" if number in self._drafts else " "
        return f"{mark}{count:>3}" if count else f"{mark}   "

    def _capability_labels(self, width: int) -> list[str]:
        room = width - 3 - 4 - 1
        if room < 6:
            # Too narrow for titles: numbers (and the draft mark) only.
            return [f"{c.number:>2} {'✎' if c.number in self._drafts else ''}" for c in self._capabilities]
        titles = [visible_line(c.title) for c in self._capabilities]
        if self.wrap:
            labels = []
            for capability, title in zip(self._capabilities, titles, strict=True):
                lines = textwrap.wrap(title, room) or [""]
                first = f"{capability.number:>2} {lines[0]:<{room}} {self._tail(capability.number)}"
                labels.append("\n".join([first, *(f"   {line}" for line in lines[1:])]))
            return labels
        return [
            f"{c.number:>2} {title:<{room}} {self._tail(c.number)}"
            for c, title in zip(self._capabilities, distinct_titles(titles, room), strict=True)
        ]

    def _card_label(self, card_id: str, title: str, width: int, current: bool) -> Content:
        mark = "▶" if current else " "
        if width < 14:
            return Content(f"{mark}{card_id}")
        text = shorten(f"{card_id} {visible_line(title)}", width - 4)
        return Content.from_markup("   $mark$text", mark=mark, text=text)

    def refresh_labels(self) -> None:
        """Build the rows again (the wrap changed)."""
        self._built = None
        self._rebuild()

    def _rebuild(self) -> None:
        width = self.scrollable_content_region.width
        if not width:
            return  # not laid out yet: the first resize builds the labels at their real width
        key = (width, self.wrap, self._current, self._card, tuple(sorted(self._counts.items())),
               tuple(sorted(self._drafts)))
        if key == self._built:
            return  # the same rows again would repaint the sidebar: bytes over a slow link
        before = self._lines_on_screen() if self._built is not None and self._built[0] == width else None
        self._built = key
        options: list[Option] = []
        self._rows = []
        highlight = 0
        for capability, label in zip(self._capabilities, self._capability_labels(width), strict=True):
            current = capability.number == self._current
            prompt: str | Content = Content.styled(label, "bold") if current else label
            options.append(Option(prompt, id=f"cap-{capability.number}"))
            self._rows.append(SidebarLabel(capability.number))
            if current:
                highlight = len(options) - 1
                for card in capability.cards:
                    here = card.id == self._card
                    options.append(Option(self._card_label(card.id, card.title, width, here), id=f"card-{card.id}"))
                    self._rows.append(SidebarLabel(capability.number, card.id))
                    if here:
                        highlight = len(options) - 1
        self.set_options(options)
        self.highlighted = highlight
        self._repaint_changed(before)

    @on(OptionList.OptionSelected)
    def _clicked(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        row = self._rows[event.option_index]
        self.post_message(self.Chosen(row.capability, row.card))
