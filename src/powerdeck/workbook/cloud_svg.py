"""The word cloud as an SVG picture, for a slide or a meeting handout.

Sizes stand for weight here (a picture can do what a terminal cannot). The layout is in pixels,
measured with a real font's metrics (text_width.py), and every phrase's drawn width is fixed
(`textLength` with `lengthAdjust="spacingAndGlyphs"`): a viewer with another font, or none of
ours, scales the glyphs to the measured width, so no phrase runs over another or off the picture,
whatever the viewer. A phrase too long for the picture is drawn smaller, then over two or more
lines; nothing is ever cut or dropped. The heaviest line sits in the middle, as a printed cloud.

Every word and the title are XML-escaped, so a phrase like `<script>` or `&` is drawn as typed,
never read as markup.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import pairwise
from xml.sax.saxutils import escape, quoteattr

from powerdeck.core.text import visible_line
from powerdeck.workbook.cloud import middle_out, tiers
from powerdeck.workbook.text_width import text_width
from powerdeck.workbook.voices import Phrase

WIDTH = 1200
"""Pixels across: a 16:9 slide's width at 1200 x 675."""
MIN_HEIGHT = 675
MARGIN = 56
FONTS = "'DejaVu Sans', Verdana, 'Bitstream Vera Sans', Arial, sans-serif"
"""The measured font first; the others are near it, and textLength holds the width anyway."""
SIZES = {1: 20, 2: 28, 3: 40, 4: 60}
SMALLEST = 14
"""A long phrase is drawn down to this size before it takes a second line."""
COLOURS = {1: "#4d4d4d", 2: "#1f3a5f", 3: "#17624f", 4: "#9c3600"}
"""Each at least 7:1 on white (4.5:1 is the line for reading)."""
LINE = 1.5
"""A line's height, in ems: room for any font's ascent and descent (the CJK fonts' are tallest)."""
BASELINE = 1.17
"""The baseline's depth in its line, in ems."""
GAP = 0.7
"""Between two phrases on a row, in ems of the larger."""
ROW_GAP = 0.25
TITLE_SIZE = 30
NOTE_SIZE = 16
INK = "#222222"
MUTED = "#595959"
ACCENT = "#005eb8"  # NHS blue


@dataclass(frozen=True)
class Block:
    """A phrase as drawn: its lines, its size and weight, and the box it needs."""

    phrase: Phrase
    tier: int
    lines: tuple[str, ...]
    size: float

    @property
    def bold(self) -> bool:
        return self.tier >= 3

    @property
    def widths(self) -> list[float]:
        return [text_width(line, self.size, bold=self.bold) for line in self.lines]

    @property
    def width(self) -> float:
        return max(self.widths)

    @property
    def height(self) -> float:
        return len(self.lines) * self.size * LINE


def wrap(text: str, size: float, bold: bool, room: float) -> list[str]:
    """`text` in lines no wider than `room`: by words, and a word wider than that by characters."""
    lines: list[str] = []
    line = ""
    for word in text.split(" "):
        joined = f"{line} {word}" if line else word
        if text_width(joined, size, bold=bold) <= room:
            line = joined
            continue
        if line:
            lines.append(line)
        line = ""
        for char in word:
            if line and text_width(line + char, size, bold=bold) > room:
                lines.append(line)
                line = ""
            line += char
    lines.append(line)
    return lines


def block(phrase: Phrase, tier: int, room: float) -> Block:
    text = visible_line(" ".join(phrase.text.split()))
    size = float(SIZES[tier])
    bold = tier >= 3
    wide = text_width(text, size, bold=bold)
    if wide <= room:
        return Block(phrase, tier, (text,), size)
    size = max(SMALLEST, size * room / wide)
    return Block(phrase, tier, tuple(wrap(text, size, bold, room)), size)


def rows_of(blocks: list[Block], room: float) -> list[list[Block]]:
    """Heaviest first into rows, so a row holds phrases of like weight; then the heaviest rows in
    the middle (alternately below and above), and in each row the heaviest in the middle."""
    rows: list[list[Block]] = []
    used = 0.0
    for item in blocks:
        gap = GAP * max([item.size, *(b.size for b in rows[-1])]) if rows and rows[-1] else 0
        if not rows or used + gap + item.width > room:
            rows.append([item])
            used = item.width
        else:
            rows[-1].append(item)
            used += gap + item.width
    return middle_out([middle_out(row) for row in rows])


def to_svg(phrases: list[Phrase], title: str = "") -> str:
    room = WIDTH - 2 * MARGIN
    tier = tiers(phrases)
    blocks = [block(phrase, tier[phrase.text], room) for phrase in phrases]
    parts: list[str] = []
    y = MARGIN * 0.6
    # The title (card id and title), then one line saying how to read the picture.
    shown_title = visible_line(title)
    if shown_title:
        for line in wrap(shown_title, TITLE_SIZE, True, room):
            y += TITLE_SIZE * LINE
            width = text_width(line, TITLE_SIZE, bold=True)
            parts.append(f'  <text x="{MARGIN}" y="{y - TITLE_SIZE * (LINE - BASELINE):.1f}" '
                         f'textLength="{width:.1f}" lengthAdjust="spacingAndGlyphs" font-size="{TITLE_SIZE}" '
                         f'font-weight="bold" fill="{INK}">{escape(line)}</text>')
    said = sum(phrase.count for phrase in phrases)
    note = (f"{said} said, {len(phrases)} different · the larger, the more often said · "
            "in italics: the small voices")
    for line in wrap(note, NOTE_SIZE, False, room):
        y += NOTE_SIZE * LINE
        width = text_width(line, NOTE_SIZE)
        parts.append(f'  <text x="{MARGIN}" y="{y - NOTE_SIZE * (LINE - BASELINE):.1f}" '
                     f'textLength="{width:.1f}" lengthAdjust="spacingAndGlyphs" font-size="{NOTE_SIZE}" '
                     f'fill="{MUTED}">{escape(line)}</text>')
    y += 12
    parts.append(f'  <rect x="{MARGIN}" y="{y:.1f}" width="{room}" height="4" fill="{ACCENT}"/>')
    y += 4 + MARGIN * 0.5

    rows = rows_of(blocks, room)
    cloud_height = sum(max(b.height for b in row) * (1 + ROW_GAP) for row in rows)
    # A short cloud sits in the middle of a slide-shaped picture.
    bottom_room = MIN_HEIGHT - MARGIN - y
    y += max(0.0, (bottom_room - cloud_height) / 2)
    for row in rows:
        height = max(b.height for b in row)
        total = sum(b.width for b in row) + sum(GAP * max(a.size, b.size) for a, b in pairwise(row))
        x = MARGIN + (room - total) / 2
        for n, item in enumerate(row):
            if n:
                x += GAP * max(row[n - 1].size, item.size)
            top = y + (height - item.height) / 2
            parts.append(phrase_svg(item, x, top))
            x += item.width
        y += height * (1 + ROW_GAP)
    height = max(MIN_HEIGHT, round(y + MARGIN * 0.6))
    head = (f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{height}" '
            f'viewBox="0 0 {WIDTH} {height}" font-family={quoteattr(FONTS)}>')
    label = f"Word cloud: {shown_title}" if shown_title else "Word cloud"
    return "\n".join([head, f"  <title>{escape(label)}</title>",
                      f'  <rect width="{WIDTH}" height="{height}" fill="#ffffff"/>', *parts, "</svg>"]) + "\n"


def phrase_svg(item: Block, x: float, top: float) -> str:
    """One phrase: a <text> (its count as a tooltip), a <tspan> a line, each its width fixed."""
    style = ' font-style="italic"' if item.tier == 1 else ""
    weight = ' font-weight="bold"' if item.bold else ""
    count = item.phrase.count
    tip = f"{item.phrase.text}: said {count} {'time' if count == 1 else 'times'}"
    spans = []
    for n, (line, width) in enumerate(zip(item.lines, item.widths, strict=True)):
        lx = x + (item.width - width) / 2
        baseline = top + item.size * (n * LINE + BASELINE)
        spans.append(f'<tspan x="{lx:.1f}" y="{baseline:.1f}" textLength="{width:.1f}" '
                     f'lengthAdjust="spacingAndGlyphs">{escape(line)}</tspan>')
    return (f'  <text class="phrase" font-size="{item.size:.1f}" fill="{COLOURS[item.tier]}"{style}{weight}>'
            f"<title>{escape(visible_line(tip))}</title>{''.join(spans)}</text>")
