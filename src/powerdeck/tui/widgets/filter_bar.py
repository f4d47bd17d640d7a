"""The review log's filters in words: the line under the title, and a phrase for exports.

Plain functions of an `EntryFilter`, so the log screen and the export dialog say the same thing.
"""

from __future__ import annotations

from textual.content import Content

from powerdeck.core.dates import uk_date
from powerdeck.core.entry import EntryFilter
from powerdeck.tui.cells import shorten
from powerdeck.tui.widgets.entry_list import one_line


def describe_filter(entry_filter: EntryFilter) -> list[str]:
    """The active filters in words, in the order of their keys."""
    parts = []
    if entry_filter.capabilities:
        numbers = ", ".join(str(n) for n in sorted(entry_filter.capabilities))
        parts.append(f"capability {numbers}")
    if entry_filter.card is not None:
        parts.append(f"card {entry_filter.card}")
    if entry_filter.text:
        parts.append(f"“{one_line(entry_filter.text)}”")
    if entry_filter.open_only:
        parts.append("open only")
    if entry_filter.due_on:
        parts.append("due for an outcome")
    if entry_filter.tag:
        parts.append(f"tag “{one_line(entry_filter.tag)}”")
    if entry_filter.since and entry_filter.until:
        parts.append(f"{uk_date(entry_filter.since)} to {uk_date(entry_filter.until)}")
    elif entry_filter.since:
        parts.append(f"from {uk_date(entry_filter.since)}")
    elif entry_filter.until:
        parts.append(f"up to {uk_date(entry_filter.until)}")
    return parts


SEARCH_CELLS = 24
"""A long search is cut in the bar (the whole search is in the search field)."""


def filter_line(entry_filter: EntryFilter) -> Content:
    """The filters that are on first, each with its key and value in bold, then "x clear", then
    the keys of the filters that are off, dim: at 80 columns what is on and the way to clear it
    always show (the bar wraps to a second line rather than cut them off)."""
    f = entry_filter
    if f.since and f.until:
        period = f"{uk_date(f.since)} to {uk_date(f.until)}"
    elif f.since:
        period = f"from {uk_date(f.since)}"
    elif f.until:
        period = f"to {uk_date(f.until)}"
    else:
        period = ""
    search = shorten(one_line(f.text), SEARCH_CELLS)
    items = [
        ("c", "capability", ", ".join(str(n) for n in sorted(f.capabilities))),
        ("a", "card", f.card or ""),
        ("/", "search", f"“{search}”" if f.text else ""),
        ("o", "open only" if f.open_only else "open", "✓" if f.open_only else ""),
        ("f", "due", "✓" if f.due_on else ""),
        ("t", "tag", shorten(one_line(f.tag), SEARCH_CELLS) if f.tag else ""),
        ("p", "dates", period),
    ]
    parts: list[str | tuple[str, str]] = []
    on = [item for item in items if item[2]]
    off = [item for item in items if not item[2]]
    for key, label, value in on:
        if parts:
            parts.append("  ")
        parts += [(key, "bold $accent"), (f" {label} ", ""), (value, "bold")]
    if on:
        parts += ["  ", ("x", "bold $accent"), (" clear", "$text-muted")]
    for key, label, _ in off:
        if parts:
            parts.append("  ")
        parts += [(key, "bold $accent"), (f" {label}", "$text-muted")]
    return Content.assemble(*parts)
