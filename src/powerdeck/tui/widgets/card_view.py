"""The card itself: its capability, id and title, and its text as the card prints it.

A change of card slides the new card in from the side it comes from. Textual's animator skips
straight to the end when the app's animation level is "none" (or "basic" for the fade), and the
content is always replaced at once, so keys pressed during an animation are never lost: the
view ends on the card the last key led to.

The view draws the card's lines itself (Textual's line API) rather than holding a Static: a
Static repaints when its text changes and again when the layout gives it the new card's height,
so every change of card crossed a slow link twice. Here the view keeps its size, only the
scrollable height changes, and a change of card is one paint. Each line is sent as few style runs
as it can be (`terse_strip`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from rich.segment import Segment
from rich.style import Style
from textual.color import Color
from textual.content import Content
from textual.geometry import Region, Size
from textual.reactive import var
from textual.scroll_view import ScrollView
from textual.selection import Selection
from textual.strip import Strip
from textual.visual import Visual

from powerdeck.deck.model import Capability, Card
from powerdeck.tui import private_api
from powerdeck.tui.widgets.terse import changed_width, terse_strip

_apply_opacity: Callable[[Iterable[Segment], Color, float], Iterable[Segment]] | None
try:  # How Textual fades a widget with `opacity`; without it the fade is skipped.
    from textual._opacity import _apply_opacity

    if private_api.gone("_apply_opacity"):
        raise ImportError("_apply_opacity")
except ImportError:  # a Textual without it
    _apply_opacity = None

MORE = " ↓ more: pagedown "
"""Drawn over the last line while the card continues below (the key is the reading one)."""
SLIDE_CELLS = 6
"""How far a new card starts from its place: a short slide costs few repaints over SSH."""
SLIDE_SECONDS = 0.22
FADE_FROM = 0.3
"""The opacity a new card fades in from, at animation level "full"."""
STEPS = 3
"""The slide and the fade are drawn together in three steps after the first frame (6, 4, 2, 0
cells from its place; opacity 0.3 to 1): each step is a repaint of the card's lines over the link,
and drawing the slide per cell and the fade in quarters, each on its own tick, made about seven."""


def render_card(card: Card, capability: Capability, *, entries: int, has_draft: bool, deck_title: str = "") -> Content:
    """The card as styled content; deck text goes in as variables, so it is never parsed as markup.
    `deck_title` ("Power shifting cards") heads the first line: what this is, where a newcomer
    looks first."""
    parts: list[Content] = [
        Content.from_markup(
            "[b]$deck[/b][dim]$sep[/]" if deck_title else "", deck=deck_title, sep=" · "
        ),
        Content.from_markup(
            "[dim]Capability $number · $title[/]", number=str(capability.number), title=capability.title
        ),
        Content("\n"),
        Content.from_markup("[b $accent]$id[/]  [b]$title[/]", id=card.id, title=card.title),
        Content("\n"),
    ]
    for paragraph in card.paragraphs:
        parts.append(Content("\n"))
        if paragraph.rstrip().endswith("?"):
            # Questions are what the card asks the reader: mark them as the printed card sets them apart.
            parts.append(Content.from_markup("[$accent]›[/] $text", text=paragraph))
        else:
            parts.append(Content(paragraph))
        parts.append(Content("\n"))
    notes = []
    if entries:
        notes.append(f"{entries} log {'entry' if entries == 1 else 'entries'}")
    if has_draft:
        notes.append("✎ draft kept")
    if notes:
        parts.append(Content("\n"))
        parts.append(Content.from_markup("[dim]$notes[/]", notes=" · ".join(notes)))
    return Content("").join(parts)


class CardView(ScrollView, can_focus=False):
    """Shows one card; `show` swaps it, animated in the direction of travel."""

    DEFAULT_CSS = """
    CardView {
        padding: 0 1;
        overflow-x: hidden;
    }
    """

    progress: var[float] = var(1.0, init=False)
    """How far the new card has come in (0 to 1, animated); it is drawn at the nearest step."""

    def __init__(self, *, id: str | None = None, classes: str | None = None, one_line_heading: bool = False) -> None:
        super().__init__(id=id, classes=classes)
        self.one_line_heading = one_line_heading
        self.deck_title = ""
        """Shown first on the heading line (the deck screen's card view sets it)."""
        self._content = Content("")
        self._card_id: str | None = None
        self._strips: list[Strip] = []
        self._strips_key: tuple[object, ...] | None = None
        self._step = STEPS
        """The step of the slide drawn (STEPS: in place)."""
        self._direction = 0
        self._fading = False
        self.more_label = MORE
        """Said over the last line while the card continues (the screen names the key of the moment)."""

    @property
    def card_id(self) -> str | None:
        return self._card_id

    @property
    def shift(self) -> float:
        """Cells the card is drawn to the right (negative: left) of its place."""
        return SLIDE_CELLS * self._direction * (STEPS - self._step) / STEPS

    @property
    def fade(self) -> float:
        """Opacity of the card's text (below 1 only while fading in, at animation level "full")."""
        if not self._fading or self._step >= STEPS:
            return 1.0
        return FADE_FROM + (1 - FADE_FROM) * self._step / STEPS

    @property
    def content(self) -> Content:
        """The card as shown (plain text with `str()`)."""
        return self._content

    def show(
        self,
        card: Card,
        capability: Capability,
        *,
        direction: int = 0,
        entries: int = 0,
        has_draft: bool = False,
    ) -> None:
        changed = self._card_id != card.id
        content = render_card(card, capability, entries=entries, has_draft=has_draft, deck_title=self.deck_title)
        if not changed and content == self._content:
            return  # the same card, said the same way: nothing to send over the link
        sliding = changed and bool(direction) and self.app.animation_level != "none"
        before = self._drawn_lines() if self.scroll_offset.y == 0 else None
        self._card_id = card.id
        self._content = content
        self._strips_key = None
        if sliding:
            # With no animation nothing is drawn out of place: such a frame would cost a second
            # paint of the whole card over a slow link.
            self._direction = direction
            self._fading = self.app.animation_level == "full" and _apply_opacity is not None
            self._step = 0
            self.set_reactive(CardView.progress, 0.0)
        self._fit()
        self._refresh_lines(before)
        if not changed:
            return
        self.scroll_home(animate=False)
        if sliding:
            # A new animation on the same attribute replaces one still running.
            self.animate("progress", 1.0, duration=SLIDE_SECONDS, easing="out_cubic", level="basic")

    def _drawn_lines(self) -> list[Strip] | None:
        """The lines on screen now (None before the view has a size)."""
        height = self.scrollable_content_region.height
        if not self.is_mounted or height <= 0 or self.scrollable_content_region.width <= 0:
            return None
        return [self.render_line(y) for y in range(height)]

    def _refresh_lines(self, before: list[Strip] | None) -> None:
        """Repaint only the lines that differ from `before` (all of them without it).

        Textual sends every cell of a refreshed region: the heading, the blank lines between
        paragraphs and the rows below a short card are often the same on the next card, and over
        a slow link each is about 136 bytes."""
        after = self._drawn_lines()
        if before is None or after is None or len(before) != len(after):
            self.refresh()
            return
        # refresh() takes regions of the whole widget (padding and scrollbar gutter included).
        top, width = self.styles.gutter.top, self.size.width
        for y, (old, new) in enumerate(zip(before, after, strict=True)):
            if old != new and (cells := changed_width(old, new)):
                # Up to the last cell that differs: the blanks both lines end with stay as they are.
                self.refresh(Region(0, top + y, min(width, cells), 1))

    # -- layout ----------------------------------------------------------------------------

    def _fit(self) -> None:
        """Wrap the card to the view's width and make that the scrollable size.

        The wrap width is the width left by the scrollbar if the card needs one: what a child
        widget of width 1fr would get.
        """
        width, height = self.content_size
        if width <= 0:
            return
        lines = len(self._wrapped(width))
        scrollbar = self.styles.scrollbar_size_vertical
        if lines > height and scrollbar and self.styles.overflow_y != "hidden":
            width = max(1, width - scrollbar)
            lines = len(self._wrapped(width))
        size = Size(width, lines)
        fits, fitted = lines <= height, self.virtual_size.height <= height
        if self.virtual_size.width == width and fits and fitted:
            # A card as short as the last one: no scrollbar before or after, nothing to lay out,
            # and a layout would repaint the whole view (show() repaints only the lines that differ).
            self.set_reactive(CardView.virtual_size, size)
            return
        self.virtual_size = size

    def on_resize(self) -> None:
        self._fit()

    def _wrapped(self, width: int) -> list[Strip]:
        key = (width, self.text_selection, self.visual_style, self.app.theme)
        if key != self._strips_key:
            content = self._content
            heading: list[Strip] = []
            if self.one_line_heading:
                # The capability's name on one line, cut: the sidebar names it too, and its second
                # and third lines would push the card's own words off a small screen.
                first, *rest = content.split("\n", allow_blank=True)
                heading = Visual.to_strips(self, first.truncate(width, ellipsis=True), width, None,
                                           self.visual_style, pad=True)
                content = Content("\n").join(rest)
            self._strips = heading + Visual.to_strips(self, content, width, None, self.visual_style, pad=True)
            self._strips_key = key
        return self._strips

    # -- drawing ---------------------------------------------------------------------------

    def watch_progress(self, new: float) -> None:
        step = round(new * STEPS)
        if step != self._step:
            # Only the lines the step changes: the blank ones look the same at every step. A step
            # not yet painted is still marked for repaint, so what is sent covers both.
            before = self._drawn_lines()
            self._step = step
            self._refresh_lines(before)

    def render_line(self, y: int) -> Strip:
        width = self.scrollable_content_region.width
        style = self.visual_style.rich_style
        strips = self._wrapped(width)
        index = y + self.scroll_offset.y
        strip = strips[index] if 0 <= index < len(strips) else Strip.blank(width, style)
        shift = round(self.shift)  # a whole number of cells at every step
        if shift > 0:
            strip = Strip.join([Strip.blank(shift, style), strip.crop(0, width - shift)])
        elif shift < 0:
            strip = Strip.join([strip.crop(-shift, width), Strip.blank(-shift, style)])
        if y == self.scrollable_content_region.height - 1 and self.scroll_offset.y < self.max_scroll_y:
            # The card goes on below: say so in words (a scrollbar alone is easy to miss, and
            # without colour it may not show at all).
            more = Strip([Segment(self.more_label, style + Style(reverse=True, bold=True))])
            strip = Strip.join([strip.crop(0, max(0, width - more.cell_length)), more])
        strip = terse_strip(strip)
        fade = self.fade
        if fade < 1.0 and _apply_opacity is not None:
            background = self.visual_style.background
            if background is not None:
                strip = Strip(_apply_opacity(list(strip), background, fade), strip.cell_length)
        return strip

    # -- selecting text with the mouse -----------------------------------------------------

    def get_selection(self, selection: Selection) -> tuple[str, str] | None:
        return selection.extract(str(self._content)), "\n"

    def selection_updated(self, selection: Selection | None) -> None:
        self._strips_key = None
        self.refresh()
