"""Contrast of what is drawn: every cell with a letter or digit on the screen, its colour against
its background, as WCAG 2 computes it (relative luminance), in truecolor, 256 and 16 colours.

The colours come from the rendered screen (the theme's colours as Textual resolved them); for 256
and 16 colours each is first reduced as Rich reduces it for such a terminal, then read in xterm's
standard palette (Rich's DEFAULT_TERMINAL_THEME), the palette PuTTY and most terminals start with.
"""

from __future__ import annotations

import io
from dataclasses import dataclass

from rich.color import Color, ColorSystem
from rich.console import Console
from rich.style import Style
from rich.terminal_theme import DEFAULT_TERMINAL_THEME

from powerdeck.tui.app import PowerDeckApp
from powerdeck.tui.readable import contrast  # WCAG 2's formula, the one the app keeps text readable by

SYSTEMS = {"truecolor": ColorSystem.TRUECOLOR, "256": ColorSystem.EIGHT_BIT, "16": ColorSystem.STANDARD}


def is_read(char: str) -> bool:
    """A character a person reads: not a space, a border, a bar or the map's ring dots."""
    return not (char.isspace() or "\u2500" <= char <= "\u259f" or char in "·\u2800")


def _rgb(color: Color | None, system: ColorSystem, default: tuple[int, int, int]) -> tuple[int, int, int]:
    if color is None or color.is_default:
        return default
    reduced = color.downgrade(system) if system != ColorSystem.TRUECOLOR else color
    triplet = reduced.get_truecolor(DEFAULT_TERMINAL_THEME)
    return (triplet.red, triplet.green, triplet.blue)


@dataclass(frozen=True)
class Poor:
    text: str
    ratio: float
    needed: float
    row: int


def poor_contrast(app: PowerDeckApp, system_name: str) -> list[Poor]:
    """Runs of readable text on the screen showing whose contrast is under 4.5:1 (3:1 if bold)."""
    system = SYSTEMS[system_name]
    width, height = app.size
    console = Console(width=width, height=height, file=io.StringIO(), force_terminal=True,
                      color_system="truecolor", record=True, legacy_windows=False, safe_box=False)
    console.print(app.screen._compositor.render_update(full=True, screen_stack=app._background_screens))
    # The terminal's own colours (the ansi themes use them): light on dark for a dark theme,
    # dark on light for a light one, as the theme is made for.
    # (xterm's palette: white, 192 grey, on black; black on bright white).
    fg_default, bg_default = ((192, 192, 192), (0, 0, 0)) if app.current_theme.dark else ((0, 0, 0), (255, 255, 255))
    found: list[Poor] = []
    row = 0
    for segment in console._record_buffer:
        text = segment.text
        row += text.count("\n")
        if segment.control or not any(is_read(char) for char in text):
            continue
        style = segment.style or Style()
        fg = _rgb(style.color, system, fg_default)
        bg = _rgb(style.bgcolor, system, bg_default)
        if style.reverse:
            fg, bg = bg, fg
        if style.dim:  # a terminal draws it about half way to the background
            fg = ((fg[0] + bg[0]) // 2, (fg[1] + bg[1]) // 2, (fg[2] + bg[2]) // 2)
        needed = 3.0 if style.bold else 4.5
        value = contrast(fg, bg)
        if value < needed - 0.005:
            found.append(Poor(text.strip(), round(value, 2), needed, row))
    return found


def screen_lines(app: PowerDeckApp) -> list[str]:
    """The screen as a person sees it: one string per row."""
    width, height = app.size
    console = Console(width=width, height=height, file=io.StringIO(), force_terminal=True,
                      color_system="truecolor", record=True, legacy_windows=False, safe_box=False)
    console.print(app.screen._compositor.render_update(full=True, screen_stack=app._background_screens))
    return console.export_text(styles=False).splitlines()
