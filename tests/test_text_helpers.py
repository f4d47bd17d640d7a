"""The shared text helpers: `plural` and `shorten` (powerdeck.core.text)."""

from __future__ import annotations

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from rich.cells import cell_len

from powerdeck.core.entry import ENTRY_FIELDS, FIELD_LABELS, FIELDS, EntryFilter
from powerdeck.core.text import plural
from powerdeck.export.json_copy import ImportFileError, parse_json_export
from powerdeck.tui.cells import shorten
from powerdeck.tui.widgets.entry_editor import FIELD_HINTS
from powerdeck.tui.widgets.filter_bar import SEARCH_CELLS, filter_line


def test_plural() -> None:
    assert plural(0) == "0 entries" and plural(1) == "1 entry" and plural(1200) == "1,200 entries"
    assert plural(1, "draft", "drafts") == "1 draft" and plural(2, "draft", "drafts") == "2 drafts"


def test_shorten_keeps_what_fits_and_marks_a_cut() -> None:
    assert shorten("Power", 5) == "Power"
    assert shorten("Power shifting", 7) == "Power…"  # the space before the cut is dropped
    assert shorten("漢字漢字", 5) == "漢字…"  # a wide character counts two cells
    assert shorten("anything", 0) == "…"


@settings(max_examples=200, derandomize=True)
@given(st.text(st.characters(blacklist_categories=("Cc", "Cs")), max_size=40), st.integers(1, 30))
def test_shorten_never_overflows(text: str, width: int) -> None:
    out = shorten(text, width)
    assert cell_len(out) <= max(width, cell_len(text) if cell_len(text) <= width else width)
    if cell_len(text) <= width:
        assert out == text
    else:
        assert out.endswith("…") and text.startswith(out[:-1])


def test_a_long_wide_search_fits_the_filter_line() -> None:
    wide = filter_line(EntryFilter(text="漢" * 60)).plain
    narrow = filter_line(EntryFilter(text="x" * 60)).plain
    shown = wide.split("“")[1].split("”")[0]
    assert shown.endswith("…") and cell_len(shown) <= SEARCH_CELLS  # was twice as wide: len() counted
    assert cell_len(wide) <= cell_len(narrow)


def test_field_names_are_defined_once() -> None:
    assert tuple(FIELD_LABELS) == FIELDS == tuple(FIELD_HINTS)
    assert ENTRY_FIELDS == ("id", "card", "capability", "action", "outcome", "learning", "created", "updated")


def test_import_names_a_missing_field() -> None:
    entry = dict.fromkeys(ENTRY_FIELDS, "x")
    del entry["outcome"]
    with pytest.raises(ImportFileError, match='missing field "outcome"'):
        parse_json_export(json.dumps({"format": "powerdeck-log", "schema_version": 1, "entries": [entry]}))
