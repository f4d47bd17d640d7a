"""The review log's search index (powerdeck.store.log_search) answers exactly as EntryFilter.apply,
however the filters follow each other; and the log screen's search as a user drives it: the list
narrows on each key, a long search scrolls in its field, the scrollbar comes and goes."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from textual.widgets import Input

from log_helpers import SAMPLE, entry, log_screen, open_log, seed
from powerdeck.core.entry import Entry, EntryFilter
from powerdeck.store.log import Log
from powerdeck.store.log_search import SEPARATOR, SearchIndex
from ui_helpers import make_app

# Characters whose casefolding is not one to one ("ß" -> "ss", "ﬁ" -> "fi", "İ" -> "i̇"), the
# separator itself, a newline, and plain letters: where a join-and-casefold shortcut could go wrong.
# And accents, which a search ignores ("cafe" finds "café").
ALPHABET = st.sampled_from([*"abcsSßẞﬁfiİi̇ \n", SEPARATOR, "Σ", "σ", "ς", "é", "É", "\u0301", "ñ"])
TEXT = st.text(ALPHABET, max_size=8)
CARDS = ["1.1", "1.2", "4.2", "7.2", "10.1"]


@st.composite
def entries(draw: st.DrawFn) -> list[Entry]:
    made = []
    for n in range(draw(st.integers(0, 12))):
        made.append(entry(n, draw(st.sampled_from(CARDS)), draw(TEXT), draw(TEXT), draw(TEXT)))
    return made


FILTERS = st.builds(
    EntryFilter,
    capabilities=st.frozensets(st.sampled_from([1, 4, 7, 10]), max_size=2),
    card=st.none() | st.sampled_from(CARDS),
    text=TEXT,
    since=st.none() | st.just(date(2025, 3, 6)),
    until=st.none(),
    open_only=st.booleans(),
)


@settings(derandomize=True, max_examples=300, deadline=None)
@given(entries(), st.lists(FILTERS, min_size=1, max_size=10))
def test_index_answers_as_the_filter_does(made: list[Entry], filters: list[EntryFilter]) -> None:
    index = SearchIndex(made)
    for entry_filter in filters:
        assert index.apply(entry_filter) == entry_filter.apply(made), entry_filter


@settings(derandomize=True, max_examples=200, deadline=None)
@given(entries(), FILTERS, TEXT)
def test_typing_then_erasing_a_search_answers_at_every_step(made: list[Entry], base: EntryFilter,
                                                             typed: str) -> None:
    """One key at a time, as the search field sends them: narrowing, then the remembered results."""
    index = SearchIndex(made)
    steps = [typed[:n] for n in range(len(typed) + 1)]
    for text in steps + steps[::-1]:
        step = EntryFilter(base.capabilities, base.card, text, base.since, base.until, base.open_only)
        assert index.apply(step) == step.apply(made), step


def test_a_result_handed_out_is_the_caller_s_own() -> None:
    index = SearchIndex(list(SAMPLE))
    search = EntryFilter(text="the")
    first = index.apply(search)
    first.clear()
    assert index.apply(search) == search.apply(SAMPLE) != []


def test_the_log_answers_from_a_fresh_index_after_a_write(tmp_path: Path) -> None:
    with Log.open(tmp_path) as log:
        log.import_entries(SAMPLE)
        search = EntryFilter(text="bank")
        assert [e.id for e in log.entries(search)] == ["entry-006"]
        added = log.add("7.2", "Take the bank's volunteers to the board")
        assert [e.id for e in log.entries(search)] == [added.id, "entry-006"]
        assert log.count() == len(SAMPLE) + 1


async def test_the_list_narrows_on_each_key_and_widens_on_backspace(data_dir: Path) -> None:
    seed(data_dir)
    app = make_app(data_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_log(app, pilot)
        await pilot.press("slash")
        seen = []
        for key in ["v", "i", "s", "backspace", "backspace", "backspace"]:
            await pilot.press(key)
            seen.append(sorted(e.id for e in screen.shown))
        everything = sorted(e.id for e in SAMPLE)
        visit = ["entry-006"]  # "Visit the VCSE food bank"
        vi = sorted(e.id for e in EntryFilter(text="vi").apply(SAMPLE))
        v = sorted(e.id for e in EntryFilter(text="v").apply(SAMPLE))
        assert seen == [v, vi, visit, vi, v, everything]
        assert "Review log · 7 of 7 entries" in str(screen.query_one("#log-title").render())


async def test_a_search_longer_than_its_field_keeps_the_cursor_in_view(data_dir: Path) -> None:
    seed(data_dir)
    app = make_app(data_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_log(app, pilot)
        await pilot.press("slash")
        typed = "walk the estate with a community worker and then again " * 2
        await pilot.press(*typed)
        await pilot.pause()
        field = screen.search_input
        assert isinstance(field, Input) and field.value == typed
        assert field.scroll_x > 0  # scrolled to keep the cursor at the end in view
        assert field.cursor_screen_offset.x < field.region.right
        assert screen.entry_filter.text == typed


async def test_the_scrollbar_stays_through_a_search(data_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Regression: the scrollbar came and went as a search narrowed the list to a screenful or
    # widened it past one, and each time the screen was laid out again and the whole list
    # redrawn twice (60-70 ms and 14-18 KB a key at 1,000 entries, against 15 ms and 7 KB).
    from textual.screen import Screen

    many = [entry(n, "1.1", f"Action {n}" + (" rare" if n == 3 else "")) for n in range(60)]
    seed(data_dir, many)
    app = make_app(data_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_log(app, pilot)
        rows = screen.entry_list
        await pilot.press("slash")
        await pilot.pause()
        width = rows.scrollable_content_region.width
        layouts: list[str] = []
        refresh_layout = Screen._refresh_layout

        def noted(self: Screen[object], *args: object, **kwargs: object) -> None:
            layouts.append(type(self).__name__)
            refresh_layout(self, *args, **kwargs)  # type: ignore[arg-type]

        monkeypatch.setattr(Screen, "_refresh_layout", noted)
        await pilot.press(*"rare")
        await pilot.pause()
        assert [e.id for e in screen.shown] == ["entry-003"]
        assert rows.show_vertical_scrollbar and rows.max_scroll_y == 0
        await pilot.press("backspace", "backspace", "backspace", "backspace")
        await pilot.pause()
        assert len(screen.shown) == 60 and rows.show_vertical_scrollbar
        await pilot.press("1")  # "Action 1", 10-19, 21, 31, 41, 51: fewer rows than the window
        await pilot.pause()
        assert len(screen.shown) == 15 and rows.max_scroll_y == 0
        assert layouts == []  # no key of the search laid the screen out
        assert rows.scrollable_content_region.width == width
        await pilot.press("backspace", "escape", "pagedown", "pagedown")
        await pilot.pause()
        assert rows.scroll_y == rows.max_scroll_y > 0  # the whole height scrolls again


async def test_the_search_field_does_not_blink_over_ssh(data_dir: Path) -> None:
    seed(data_dir)
    app = make_app(data_dir, over_ssh=True)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_log(app, pilot)
        await pilot.press("slash")
        assert log_screen(app).searching
        assert screen.search_input.cursor_blink is False
