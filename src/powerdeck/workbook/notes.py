"""Lists and memos: a list is one item a line; notes and memos are free text, kept as typed."""

from __future__ import annotations


def list_items(text: str) -> list[str]:
    """The items of a list, one a line; a leading "- " or "* " the person typed is not part of it."""
    items = []
    for line in text.splitlines():
        item = line.strip()
        if item[:2] in ("- ", "* "):
            item = item[2:].strip()
        if item:
            items.append(item)
    return items


def brief(text: str, width: int = 60) -> str:
    """The start of a text on one line, for a summary."""
    flat = " ".join(text.split())
    return flat if len(flat) <= width else flat[: width - 1].rstrip() + "…"


def word_count(text: str) -> int:
    return len(text.split())
