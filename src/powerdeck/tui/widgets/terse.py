"""Fewer bytes for the same cells: a line's segments merged where the terminal sees one style.

Textual writes every segment of a line as its own "style, text, reset" (about 22 bytes besides the
text at 256 colours), so the words of a line and the blanks after them, drawn in the same colours,
cost two runs; an empty segment costs one with no text at all. `terse_strip` merges a segment into
the one before it when both look the same on screen, and drops empty ones.

The mouse-selection offset (`meta["offset"]`, which Textual reads from the segment under the
pointer) decides what may merge: a segment without one (the blanks Textual pads a line with) joins
the text before it, keeping the text's offset, so a click past the words still lands after them;
two segments with different offsets are never merged, and a segment with an offset never joins
one without (its characters would be counted from the wrong place).
"""

from __future__ import annotations

from functools import lru_cache

from rich.cells import cell_len
from rich.color import Color
from rich.segment import Segment
from rich.style import Style
from textual.strip import Strip

from powerdeck.tui.private_api import private

_ATTRIBUTES = ("bold", "dim", "italic", "underline", "blink", "blink2", "reverse", "conceal", "strike",
               "underline2", "frame", "encircle", "overline")


def _color(color: Color | None) -> object:
    return None if color is None else (color.type, color.number, color.triplet)


@lru_cache(maxsize=1024)
def _looks(style: Style) -> object:
    """What decides the codes a terminal is sent for this style (meta aside): its colours as Rich
    renders them, the attributes that are on, its link. Not `Style.render`: Rich keeps the codes of
    the first colour system a style object was rendered for, whatever is asked next."""
    return (_color(style.color), _color(style.bgcolor),
            tuple(getattr(style, name) is True for name in _ATTRIBUTES), style.link)


def _offset(style: Style | None) -> object:
    # Rich's Style._meta (private) spares unpickling an empty meta per segment; without it, the public way.
    return style.meta.get("offset") if style is not None and private(style, "_meta", True) is not None else None


def terse_strip(strip: Strip) -> Strip:
    """The same cells (and the same selection offsets) in as few segments as the styles allow."""
    merged: list[Segment] = []
    for segment in strip:
        text, style, control = segment
        if control:
            merged.append(segment)
            continue
        if not text:
            continue
        if merged and style is not None:
            last_text, last_style, last_control = merged[-1]
            if (not last_control and last_style is not None and _offset(style) is None
                    and _looks(last_style) == _looks(style)):
                merged[-1] = Segment(last_text + text, last_style)
                continue
        merged.append(segment)
    if len(merged) == len(strip):
        return strip
    return Strip(merged, strip.cell_length)


def _cells(strip: Strip) -> list[tuple[str, object]]:
    cells: list[tuple[str, object]] = []
    for text, style, control in strip:
        if control:
            continue
        looks = _looks(style) if style is not None else ""
        for character in text:
            cells.append((character, looks))
            cells.extend([("", looks)] * (cell_len(character) - 1))
    return cells


def changed_width(old: Strip, new: Strip) -> int:
    """How many cells from the left a repaint of `old` into `new` must cover (0: they look the
    same): the blanks both end with need not be sent again."""
    before, after = _cells(old), _cells(new)
    if len(before) != len(after):
        return max(len(before), len(after))
    end = len(after)
    while end and before[end - 1] == after[end - 1]:
        end -= 1
    if end and after[end - 1][0] == "" and end < len(after):
        end += 1  # never cut a wide character in two
    return end
