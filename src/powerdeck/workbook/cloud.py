"""A word cloud for a terminal: weight shown by case, boldness, colour and space, not font size.

Four tiers, so the cloud reads the same in 16 colours and with NO_COLOR (case and bold survive
where colour does not):
  4  the most repeated: CAPITALS, bold, colour, extra space around
  3  bold, colour, as typed
  2  as typed
  1  the small voices: as typed, dim and italic; never dropped, and can be shown apart
Words are packed into centred lines, the heaviest lines in the middle, as a printed cloud is.
Nothing is ever dropped: a phrase too long for a line is shortened on the line only.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TypeVar

from powerdeck.workbook.voices import Phrase, small_voices

T = TypeVar("T")

TIERS = 4
GAP = 2


@dataclass(frozen=True)
class Word:
    text: str
    """As shown (capitals for tier 4; shortened to fit if it must)."""
    phrase: Phrase
    tier: int
    column: int


@dataclass(frozen=True)
class CloudLayout:
    width: int
    lines: list[list[Word]]
    apart: list[Phrase]
    """The small voices, when shown apart from the cloud (else empty: they are in the lines)."""

    @property
    def height(self) -> int:
        return len(self.lines)


def tier_of(phrase: Phrase, least: int, most: int, small: bool) -> int:
    if small:
        return 1
    if most == least:
        return 2 if least == 1 else TIERS  # above the small voices, all equally large
    return 2 + round((TIERS - 2) * (phrase.count - least) / (most - least))


def tiers(phrases: list[Phrase]) -> dict[str, int]:
    """Each phrase's tier, keyed by its text as shown."""
    if not phrases:
        return {}
    small = {phrase.text for phrase in small_voices(phrases)}
    rest = [phrase.count for phrase in phrases if phrase.text not in small] or [1]
    least, most = min(rest), max(rest)
    return {phrase.text: tier_of(phrase, least, most, phrase.text in small) for phrase in phrases}


def shown(phrase: Phrase, tier: int, width: int) -> str:
    text = " ".join(phrase.text.split())
    if tier == TIERS:
        text = text.upper()
    limit = max(4, width - (2 * GAP if tier == TIERS else 0))
    return text if len(text) <= limit else text[: limit - 1] + "…"


def layout(phrases: list[Phrase], width: int, *, small_apart: bool = False) -> CloudLayout:
    """Lay out `phrases` (most repeated first, as voices.group returns them) `width` cells wide."""
    width = max(width, 8)
    tier = tiers(phrases)
    apart = [p for p in phrases if tier[p.text] == 1] if small_apart else []
    in_cloud = [p for p in phrases if not (small_apart and tier[p.text] == 1)]
    # Heaviest first into lines, so each line holds words of like weight, then the lines are
    # ordered heaviest in the middle, alternating below and above.
    rows: list[list[tuple[str, Phrase, int]]] = []
    used = 0
    for phrase in in_cloud:
        t = tier[phrase.text]
        text = shown(phrase, t, width)
        cells = len(text) + (2 * GAP if t == TIERS else 0)
        if not rows or used + GAP + cells > width:
            rows.append([])
            used = -GAP
        rows[-1].append((text, phrase, t))
        used += GAP + cells
    middle = middle_out([middle_out(row) for row in rows])
    lines = []
    for row in middle:
        total = sum(len(text) + (2 * GAP if t == TIERS else 0) for text, _, t in row) + GAP * (len(row) - 1)
        column = max(0, (width - total) // 2)
        words = []
        for text, phrase, t in row:
            pad = GAP if t == TIERS else 0
            words.append(Word(text, phrase, t, column + pad))
            column += len(text) + 2 * pad + GAP
        lines.append(words)
    return CloudLayout(width, lines, apart)


def plain(cloud: CloudLayout) -> list[str]:
    """The cloud as plain lines (for tests, the command line and a quick look)."""
    out = []
    for words in cloud.lines:
        line = ""
        for word in words:
            line = line.ljust(word.column) + word.text
        out.append(line)
    return out


def middle_out(items: list[T]) -> list[T]:
    """Heaviest first in, heaviest in the middle out: the rest alternately after and before it
    (for a line's words, and for the lines themselves)."""
    ordered: list[T] = []
    for n, item in enumerate(items):
        if n % 2:
            ordered.insert(0, item)
        else:
            ordered.append(item)
    return ordered
