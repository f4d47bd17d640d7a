"""How wide a line of text is drawn, in pixels, by a real font's metrics (DejaVu Sans's, shipped
as data in font_widths.json; scripts/make_font_widths.py made it).

A character the table does not hold is counted as wide as it can be drawn: a full em for the
East Asian wide and full-width characters, nothing for a combining accent, 0.65 em otherwise.
The word cloud's SVG fixes each phrase's drawn width to this (textLength), so a viewer with
another font scales the glyphs to it rather than running over its neighbour.
"""

from __future__ import annotations

import json
import unicodedata
from functools import cache
from importlib import resources

ASCENT = 0.928
DESCENT = 0.236
"""DejaVu Sans's ascent and descent, in ems."""
_OTHER = 650
_WIDE = 1000


@cache
def _tables() -> tuple[dict[str, int], dict[str, int]]:
    data = json.loads(resources.files("powerdeck.workbook").joinpath("font_widths.json").read_text("utf-8"))
    return data["regular"], data["bold"]


def _unknown(char: str) -> int:
    if unicodedata.combining(char):
        return 0
    if unicodedata.east_asian_width(char) in ("W", "F"):
        return _WIDE
    return _OTHER


def text_width(text: str, size: float, *, bold: bool = False) -> float:
    """`text`'s advance width in pixels at `size` px."""
    regular, heavy = _tables()
    table = heavy if bold else regular
    return sum(table.get(char) or _unknown(char) for char in text) * size / 1000
