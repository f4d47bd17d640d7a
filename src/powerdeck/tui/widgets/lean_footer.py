"""The deck screen's footer, drawn by one widget: the keys of the moment and the palette's key.

Textual's Footer is a container of one FooterKey widget per key, each styled, laid out and
rendered on its own: on the deck's first screen, a dozen widgets of its nineteen, and a sixth to
a tenth of a served session's CPU before its first frame (docs/benchmarks.md, fifth round).
This draws the same line from the same bindings, styles and theme variables
(FooterKey's, as a compact Footer lays them out), and does what a key does under the mouse: it
lights up, shows its tooltip, and a click presses it.
"""

from __future__ import annotations

from dataclasses import dataclass

from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.reactive import reactive
from textual.screen import Screen
from textual.strip import Strip
from textual.widget import Widget

from powerdeck.core.text import visible_line

KEPT_ACTIONS = {"quit", "help"}
"""The keys a narrow footer keeps (with the palette's) when the others do not fit."""
BORDER = "▏"
"""The palette key's left edge (Footer's `border-left: vkey`)."""


@dataclass(frozen=True)
class FooterEntry:
    """One key as the footer shows it, and the cells it takes."""

    key: str
    display: str
    description: str
    enabled: bool
    tooltip: str
    palette: bool = False
    kept: bool = False
    """Quit or Help: shown at every width (other keys give way to them on a narrow screen)."""


def _width(entry: FooterEntry) -> int:
    """Cells an entry takes: its key, a space and its description."""
    return len(entry.display) + (len(entry.description) + 1 if entry.description else 0)


def fitting(keys: list[FooterEntry], room: int) -> list[FooterEntry]:
    """The keys that fit `room` cells (a space after each): Quit and Help always, the others in
    their order until one does not fit, so a narrow screen never loses the way out or to help."""
    used = sum(_width(entry) + 1 for entry in keys if entry.kept)
    shown, full = [], False
    for entry in keys:
        if entry.kept:
            shown.append(entry)
        elif not full and used + _width(entry) + 1 <= room:
            shown.append(entry)
            used += _width(entry) + 1
        else:
            full = True
    return shown


class LeanFooter(Widget, can_focus=False):
    """One line at the bottom: each shown binding's key and description, the palette's key on
    the right; a click on a key presses it."""

    ALLOW_SELECT = False
    COMPONENT_CLASSES = {
        "lean-footer--key",
        "lean-footer--description",
        "lean-footer--hover",
        "lean-footer--border",
    }
    DEFAULT_CSS = """
    LeanFooter {
        dock: bottom;
        height: 1;
        color: $footer-foreground;
        background: $footer-background;
    }
    LeanFooter > .lean-footer--key {
        color: $footer-key-foreground;
        background: $footer-key-background;
        text-style: bold;
    }
    LeanFooter > .lean-footer--description {
        color: $footer-description-foreground;
        background: $footer-description-background;
    }
    LeanFooter > .lean-footer--hover {
        color: $footer-key-foreground;
        background: $block-hover-background;
    }
    LeanFooter > .lean-footer--border {
        color: $foreground 20%;
    }
    """

    show_command_palette: reactive[bool] = reactive(True)

    def __init__(self, *, show_command_palette: bool = True, id: str | None = None) -> None:
        super().__init__(id=id)
        self.set_reactive(LeanFooter.show_command_palette, show_command_palette)
        self.entries: tuple[FooterEntry, ...] = ()
        self._spans: list[tuple[int, int, FooterEntry]] = []
        self._hovered: FooterEntry | None = None  # the key under the mouse

    # -- what it shows ---------------------------------------------------------------------

    def on_mount(self) -> None:
        self.entries = self._read_entries()
        self.screen.bindings_updated_signal.subscribe(self, self._bindings_changed)

    def on_unmount(self) -> None:
        self.screen.bindings_updated_signal.unsubscribe(self)

    def _bindings_changed(self, screen: Screen[object]) -> None:
        if self.is_attached and screen is self.screen:
            entries = self._read_entries()
            if entries != self.entries:  # the same keys again would repaint the line for nothing
                self.entries = entries
                self._hovered = None
                self.refresh()

    def watch_show_command_palette(self) -> None:
        self.entries = self._read_entries()
        self.refresh()

    def _read_entries(self) -> tuple[FooterEntry, ...]:
        """As Footer composes its keys: the first shown binding of each action, in order."""
        active = self.screen.active_bindings
        app = self.app
        entries: list[FooterEntry] = []
        actions: set[str] = set()
        for _node, binding, enabled, tooltip in active.values():
            if not binding.show or binding.action in actions:
                continue
            actions.add(binding.action)
            entries.append(FooterEntry(binding.key, app.get_key_display(binding), binding.description, enabled,
                                       tooltip or binding.description,
                                       kept=binding.action.removeprefix("app.") in KEPT_ACTIONS))
        palette = active.get(app.COMMAND_PALETTE_BINDING)
        if self.show_command_palette and app.ENABLE_COMMAND_PALETTE and palette is not None:
            _node, binding, enabled, tooltip = palette
            entries.append(FooterEntry(binding.key, app.get_key_display(binding), binding.description, enabled,
                                       binding.tooltip or binding.description, palette=True))
        return tuple(entries)

    # -- drawing ---------------------------------------------------------------------------

    def render_line(self, y: int) -> Strip:
        width = self.size.width
        base = self.rich_style
        blank = Style(bgcolor=base.bgcolor)  # margins and the rest of the line: the footer's background
        lit = base + self.get_component_rich_style("lean-footer--hover")
        key_style = self.get_component_rich_style("lean-footer--key", partial=True)
        description_style = self.get_component_rich_style("lean-footer--description", partial=True)

        def drawn(entry: FooterEntry) -> list[Segment]:
            under = lit if entry is self._hovered else base
            if not entry.enabled:
                under = under + Style(dim=True)
            segments = [Segment(visible_line(entry.display), under + key_style)]
            if entry.description:
                segments.append(Segment(" " + visible_line(entry.description), under + description_style))
            return segments

        keys = [entry for entry in self.entries if not entry.palette]
        palette = next((entry for entry in self.entries if entry.palette), None)
        keys = fitting(keys, width - (_width(palette) + 2 if palette is not None else 0))
        right: list[Segment] = []
        if palette is not None:
            # The edge's colour is the foreground at 20 % over the background, as Textual draws a border.
            edge = self.get_component_rich_style("lean-footer--border").color
            under = lit if palette is self._hovered else base
            right = [Segment(BORDER, Style(color=edge, bgcolor=under.bgcolor)), *drawn(palette), Segment(" ", blank)]
        right_width = Strip(right).cell_length
        room = max(0, width - right_width)  # keys past it are cut off, as in Footer: not clickable
        left: list[Segment] = []
        spans: list[tuple[int, int, FooterEntry]] = []
        x = 0
        for entry in keys:
            segments = drawn(entry)
            length = Strip(segments).cell_length
            if x < room:
                spans.append((x, min(x + length, room), entry))
            left.extend(segments)
            left.append(Segment(" ", blank))  # the margin after each key
            x += length + 1
        if palette is not None and width > right_width:
            spans.append((room, width - 1, palette))
        self._spans = spans
        return Strip.join([Strip(left).crop_extend(0, room, blank), Strip(right)]).crop_extend(0, width, blank)

    # -- the mouse -------------------------------------------------------------------------

    def _entry_at(self, x: int) -> FooterEntry | None:
        return next((entry for start, end, entry in self._spans if start <= x < end), None)

    def on_mouse_move(self, event: events.MouseMove) -> None:
        entry = self._entry_at(event.x)
        if entry is not self._hovered:
            self._hovered = entry
            self.tooltip = entry.tooltip if entry is not None else None
            self.refresh()

    def on_leave(self) -> None:
        if self._hovered is not None:
            self._hovered = None
            self.tooltip = None
            self.refresh()

    def on_mouse_down(self, event: events.MouseDown) -> None:
        entry = self._entry_at(event.x)
        if entry is None:
            return
        if entry.enabled:
            self.app.simulate_key(entry.key)
        else:
            self.app.bell()
