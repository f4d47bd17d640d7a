"""Text a person reads stands out from its background: 4.5:1 (3:1 for bold), WCAG 2's ratio of
relative luminance, in the colours the terminal will really show.

A theme's colours are chosen for a truecolor screen. A 16-colour terminal (PuTTY's TERM=xterm)
rounds each to the nearest of its sixteen, and two colours far apart can round to neighbours: the
footer's keys became bright red on bright black, about 1:1. So the check is made after rounding
(as Rich rounds for 256 or 16 colours, read in xterm's standard palette), on every line drawn,
for every theme: where a run of letters falls short, its colour moves toward black or white (in
16 colours: the palette colour nearest it that reads) until it reads. Runs of nothing but
spaces, borders, bars and dots are left as they are; the verdict for each style is kept, so a
line costs a dictionary look-up per run.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from rich.color import Color, ColorSystem, ColorType
from rich.color_triplet import ColorTriplet
from rich.segment import Segment
from rich.style import Style
from rich.terminal_theme import DEFAULT_TERMINAL_THEME
from textual.filter import LineFilter

if TYPE_CHECKING:
    from textual.color import Color as TextualColor

NORMAL = 4.5
BOLD = 3.0
MARGIN = 0.1
"""Aim a little above the line, so a colour rounded once more still reads."""
_READABLE = re.compile(r"[^\s\u2500-\u259f\u00b7\u2800]")
"""Anything but spaces, box drawing and block elements (borders, bars), and the map's ring dots:
letters, digits, arrows and marks are read."""
_SYSTEMS = {"standard": ColorSystem.STANDARD, "windows": ColorSystem.STANDARD,
            "256": ColorSystem.EIGHT_BIT, "truecolor": ColorSystem.TRUECOLOR}


def luminance(rgb: tuple[int, int, int]) -> float:
    def channel(value: int) -> float:
        c = value / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(v) for v in rgb)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(one: tuple[int, int, int], two: tuple[int, int, int]) -> float:
    a, b = sorted((luminance(one), luminance(two)), reverse=True)
    return (a + 0.05) / (b + 0.05)


def shown(color: Color, system: ColorSystem) -> tuple[int, int, int]:
    """The colour a terminal of `system` shows for `color` (xterm's palette for its first 16)."""
    reduced = color if system == ColorSystem.TRUECOLOR else color.downgrade(system)
    triplet = reduced.get_truecolor(DEFAULT_TERMINAL_THEME)
    return (triplet.red, triplet.green, triplet.blue)


def needed(style: Style) -> float:
    return BOLD if style.bold else NORMAL


def _toward(rgb: tuple[int, int, int], end: int, step: float) -> Color:
    return Color.from_triplet(ColorTriplet(*(round(v + (end - v) * step) for v in rgb)))


def readable_color(fg: Color, bg: Color, need: float, system: ColorSystem) -> Color:
    """`fg`, or the colour nearest it that reads against `bg` on a terminal of `system`."""
    back = shown(bg, system)
    if contrast(shown(fg, system), back) >= need:
        return fg
    aim = need + MARGIN
    if system == ColorSystem.STANDARD or fg.type == ColorType.STANDARD:
        # A 16-colour terminal, or a theme made of the terminal's own 16: one of them.
        front = shown(fg, system)
        palette = [Color.from_ansi(n) for n in range(16)]
        fitting = [c for c in palette if contrast(shown(c, system), back) >= aim]
        if not fitting:
            return fg
        return min(fitting, key=lambda c: sum((a - b) ** 2 for a, b in zip(shown(c, system), front, strict=True)))
    rgb = fg.get_truecolor(DEFAULT_TERMINAL_THEME)
    start = (rgb.red, rgb.green, rgb.blue)
    # Toward whichever end stands further from the background.
    end = 0 if contrast((0, 0, 0), back) > contrast((255, 255, 255), back) else 255
    for tenth in range(1, 11):
        candidate = _toward(start, end, tenth / 10)
        if contrast(shown(candidate, system), back) >= aim:
            return candidate
    return _toward(start, end, 1.0)


class ReadableText(LineFilter):
    """Raises each run of letters to a readable contrast for the terminal's colours."""

    def __init__(self, color_system: str | None, *, enabled: bool = True) -> None:
        super().__init__(enabled=enabled)
        self.system = _SYSTEMS.get(color_system or "truecolor", ColorSystem.TRUECOLOR)
        self._verdicts: dict[Style, Style] = {}
        self.chosen = False
        self.dark = True
        """The theme is made for a dark terminal: the terminal's own colours (the ansi themes use
        them) are then taken as xterm's light grey on black, else as black on white."""

    def set_dark(self, dark: bool) -> None:
        if dark != self.dark:
            self.dark = dark
            self._verdicts.clear()

    def set_color_system(self, color_system: str | None, *, chosen: bool = True) -> None:
        """Judge for a terminal of `color_system` ("standard", "256", "truecolor"); `chosen` marks
        it as set on purpose (a test), so the app does not set it again."""
        self.chosen = self.chosen or chosen
        system = _SYSTEMS.get(color_system or "truecolor", ColorSystem.TRUECOLOR)
        if system != self.system:
            self.system = system
            self._verdicts.clear()

    def _fixed(self, style: Style) -> Style:
        fg, bg = style.color, style.bgcolor
        if style.reverse:
            fg, bg = bg, fg
        # The terminal's own colours, as xterm's palette has them: white (light grey) on black, or
        # black on bright white for a light theme.
        light, dark = Color.from_ansi(7), Color.from_ansi(0)
        if fg is None or fg.type == ColorType.DEFAULT:
            fg = light if self.dark else dark
        if bg is None or bg.type == ColorType.DEFAULT:
            bg = dark if self.dark else Color.from_ansi(15)
        if style.dim:
            # A terminal draws dim text about half way to its background: if that does not read,
            # the text is drawn plain (and its colour checked as such).
            front, back = shown(fg, self.system), shown(bg, self.system)
            half = ((front[0] + back[0]) // 2, (front[1] + back[1]) // 2, (front[2] + back[2]) // 2)
            if contrast(half, back) >= needed(style):
                return style
            style = style + Style(dim=False)
        if style.color is None and style.bgcolor is None:
            return style  # both the terminal's own: its owner chose them (only their dimming is ours)
        better = readable_color(fg, bg, needed(style), self.system)
        if better is fg:
            return style
        return style + (Style(bgcolor=better) if style.reverse else Style(color=better))

    def apply(self, segments: list[Segment], background: TextualColor) -> list[Segment]:
        verdicts = self._verdicts
        out = []
        for segment in segments:
            text, style, control = segment
            if style is None or control or not _READABLE.search(text):
                out.append(segment)
                continue
            fixed = verdicts.get(style)
            if fixed is None:
                fixed = verdicts[style] = self._fixed(style)
            out.append(segment if fixed is style else Segment(text, fixed))
        return out
