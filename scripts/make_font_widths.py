"""Make src/powerdeck/workbook/font_widths.json: DejaVu Sans's advance widths (regular and bold),
so the word cloud's SVG lays phrases out by the width they will really take.

    .venv/bin/pip install fonttools && .venv/bin/python scripts/make_font_widths.py

Run once (the table is shipped as data; nothing at run time needs fontTools or the font). The
font is Debian's fonts-dejavu-core (/usr/share/fonts/truetype/dejavu). Widths are in thousandths
of an em, for the characters of the ranges below (Latin, Greek, Cyrillic, punctuation, currency,
arrows, the control pictures that stand in for control characters).
"""

from __future__ import annotations

import json
from pathlib import Path

from fontTools.ttLib import TTFont

FONTS = Path("/usr/share/fonts/truetype/dejavu")
OUT = Path(__file__).resolve().parent.parent / "src" / "powerdeck" / "workbook" / "font_widths.json"
RANGES = [(0x20, 0x24F), (0x370, 0x3FF), (0x400, 0x4FF), (0x2000, 0x206F), (0x20A0, 0x20CF),
          (0x2190, 0x21FF), (0x2400, 0x243F)]


def widths(path: Path) -> dict[str, int]:
    font = TTFont(path)
    units = font["head"].unitsPerEm
    cmap = font.getBestCmap()
    metrics = font["hmtx"].metrics
    table = {}
    for start, end in RANGES:
        for code in range(start, end + 1):
            glyph = cmap.get(code)
            if glyph is not None:
                table[chr(code)] = round(metrics[glyph][0] * 1000 / units)
    return table


def main() -> None:
    data = {
        "font": "DejaVu Sans",
        "per": "thousandths of an em",
        "ascent": 928, "descent": 236,
        "regular": widths(FONTS / "DejaVuSans.ttf"),
        "bold": widths(FONTS / "DejaVuSans-Bold.ttf"),
    }
    OUT.write_text(json.dumps(data, ensure_ascii=False, separators=(",", ":"), sort_keys=True) + "\n", encoding="utf-8")
    print(OUT, len(data["regular"]), "characters")


if __name__ == "__main__":
    main()
