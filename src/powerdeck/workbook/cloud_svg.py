"""The word cloud as an SVG picture, for a slide or a meeting handout.

Sizes stand for weight here (a picture can do what a terminal cannot); every word and the title
are XML-escaped, so a phrase like `<script>` or `&` is drawn as typed, never read as markup.
"""

from __future__ import annotations

from xml.sax.saxutils import escape, quoteattr

from powerdeck.core.text import visible_line
from powerdeck.workbook.cloud import TIERS, layout
from powerdeck.workbook.voices import Phrase

_SIZES = {1: 14, 2: 20, 3: 28, 4: 40}
_COLOURS = {1: "#6b6b6b", 2: "#1f3a5f", 3: "#1b6e5a", 4: "#a23b00"}
_COLUMNS = 60
_CELL = 11  # px per layout column


def to_svg(phrases: list[Phrase], title: str = "") -> str:
    cloud = layout(phrases, _COLUMNS)
    width = _COLUMNS * _CELL + 40
    rows = []
    y = 50 if title else 20
    for line in cloud.lines:
        size = max((_SIZES[word.tier] for word in line), default=_SIZES[2])
        y += int(size * 1.3)
        for word in line:
            tier = word.tier
            x = 20 + (word.column + len(word.text) / 2) * _CELL
            style = ' font-style="italic"' if tier == 1 else ""
            weight = ' font-weight="bold"' if tier >= TIERS - 1 else ""
            # The phrase as typed (small case kept); capitals are only the terminal's size cue.
            text = escape(visible_line(" ".join(word.phrase.text.split())))
            rows.append(f'  <text x="{x:.0f}" y="{y}" font-size="{_SIZES[tier]}" '
                        f'fill="{_COLOURS[tier]}" text-anchor="middle"{style}{weight}>'
                        f"<title>{escape(str(word.phrase.count))}</title>{text}</text>")
    height = y + 30
    head = (f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
            f'viewBox="0 0 {width} {height}" font-family="sans-serif">')
    parts = [head, '  <rect width="100%" height="100%" fill="#ffffff"/>']
    if title:
        parts.append(f'  <text x="20" y="30" font-size="18" fill="#333333" aria-label={quoteattr(visible_line(title))}>'
                     f"{escape(visible_line(title))}</text>")
    parts.extend(rows)
    parts.append("</svg>")
    return "\n".join(parts) + "\n"
