"""Finding things (issue 24, 6): the palette finds a capability and a card by a word of their
text, not only a card's title; the log's search ignores case and accents ("cafe" finds "café"),
on the screen and in every filter (EntryFilter, and the log's index that answers for it)."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.command import CommandList
from textual.widgets import Input

from log_helpers import entry, log_screen, open_log, seed
from powerdeck.core.entry import EntryFilter
from powerdeck.store.log_search import SearchIndex
from ui_helpers import make_app, type_text

CAFE = [entry(1, "9.2", "Ask people at the café what a good day is"), entry(2, "4.2", "Walk the estate"),
        entry(3, "1.1", "CAFÉ owners meet", "Naïve plan, cafe too")]


async def palette_finds(tmp_path: Path, query: str) -> list[str]:
    app = make_app(tmp_path / "data")
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("ctrl+p")
        await type_text(pilot, query)
        found: list[str] = []
        for _ in range(40):  # the palette searches in a worker: until its list settles
            await pilot.pause(0.05)
            options = app.screen.query_one(CommandList)
            now = [str(options.get_option_at_index(n).prompt) for n in range(options.option_count)]
            if now and now == found:
                break
            found = now
        return found


async def test_commission_finds_the_capability_and_its_cards(tmp_path: Path) -> None:
    found = "\n".join(await palette_finds(tmp_path, "commission"))
    assert "Go to capability 5 We change the way we commission" in found
    for card in ("5.1 Current use of resources", "5.2 Commissioning", "5.3 Knowing local needs"):
        assert f"Go to card {card}" in found, found


async def test_a_word_of_a_cards_text_finds_the_card(tmp_path: Path) -> None:
    found = "\n".join(await palette_finds(tmp_path, "timebanks"))  # 4.3: "Edgar Cahn who founded Timebanks"
    assert "Go to card 4.3 New contributions" in found and "Timebanks" in found


@pytest.mark.parametrize("search", ["cafe", "CAFE", "Café", "cafe\u0301"])
def test_every_filter_ignores_case_and_accents(search: str) -> None:
    found = sorted(e.id for e in EntryFilter(text=search).apply(CAFE))
    assert found == ["entry-001", "entry-003"]
    assert sorted(e.id for e in SearchIndex(CAFE).apply(EntryFilter(text=search))) == found
    assert [e.id for e in EntryFilter(text="naive").apply(CAFE)] == ["entry-003"]


async def test_the_log_screens_search_finds_cafe(data_dir: Path) -> None:
    seed(data_dir, CAFE)
    app = make_app(data_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_log(app, pilot)
        await pilot.press("slash")
        await type_text(pilot, "cafe")
        assert app.screen.query_one("#log-search-input", Input).value == "cafe"
        assert sorted(e.id for e in log_screen(app).shown) == ["entry-001", "entry-003"]
        assert screen is log_screen(app)


def test_the_tag_filter_ignores_case_and_accents_too() -> None:
    tagged = [CAFE[0].changed(tags=("Café club",)), CAFE[1]]
    assert [e.id for e in EntryFilter(tag="cafe club").apply(tagged)] == ["entry-001"]
    assert [e.id for e in SearchIndex(tagged).apply(EntryFilter(tag="CAFE CLUB"))] == ["entry-001"]
