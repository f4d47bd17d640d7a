"""Text fitted to terminal cells, measured as Textual measures it (a wide character counts two)."""

from __future__ import annotations

from textual.content import Content


def shorten(text: str, width: int) -> str:
    """`text` cut to `width` terminal cells (a wide character counts two), ending in "…" when cut."""
    content = Content(text)
    if content.cell_length <= width:
        return text
    return content.truncate(max(width - 1, 0)).plain.rstrip() + "…"
