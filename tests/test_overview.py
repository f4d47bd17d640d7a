"""The overview: per-capability entries and open entries against the log, unused cards visible."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.widgets import Static

from log_helpers import seed
from powerdeck.store.log import Log
from powerdeck.tui.screens.log.log_screen import LogScreen
from powerdeck.tui.screens.log.overview_screen import DONE_BLOCK, OPEN_BLOCK, OverviewScreen, bar, overview_content
from ui_helpers import DECK, fast_watch, make_app, until


def chart_lines(app) -> list[str]:
    return str(app.screen.query_one("#overview-chart", Static).render()).splitlines()


def capability_line(lines: list[str], number: int) -> str:
    return next(line for line in lines if line.startswith(f"{number:>2} "))


@pytest.mark.parametrize("size", [(80, 24), (120, 40)])
async def test_numbers_match_the_log(data_dir: Path, size) -> None:
    seed(data_dir)
    app = make_app(data_dir)
    async with app.run_test(size=size) as pilot:
        await pilot.press("L", "v")
        assert isinstance(app.screen, OverviewScreen)
        lines = chart_lines(app)
        with Log.open(data_dir) as log:
            counts, opens, by_card = log.count_by_capability(), log.open_by_capability(), log.count_by_card()
        assert counts == {1: 2, 4: 3, 10: 1, 7: 1}
        assert opens == {1: 1, 4: 2, 10: 1}
        assert "7 entries · 4 open" in lines[0]
        used = len(by_card)
        assert f"{used} of 31 cards used" in lines[0]
        for capability in DECK.capabilities:
            line = capability_line(lines, capability.number)
            count = counts.get(capability.number, 0)
            if count:
                assert line.rstrip().endswith(f"{count:>5} {opens.get(capability.number, 0):>4} open")
            else:
                assert "not started" in line
            assert len(line) <= size[0]
        # The biggest capability's bar fills the room; its open part is drawn apart.
        four = capability_line(lines, 4)
        done, open_ = four.count(DONE_BLOCK), four.count(OPEN_BLOCK)
        assert open_ == pytest.approx(2 * done, abs=1)  # 3 entries, 2 of them open
        ten = capability_line(lines, 10)  # 1 entry, open: a third of the longest bar
        assert ten.count(OPEN_BLOCK) == pytest.approx((done + open_) / 3, abs=1)
        # Cards never used are listed under their capability.
        card_line = lines[lines.index(capability_line(lines, 1)) + 1]
        assert "1.1 1" in card_line and "1.2 1" in card_line and "1.3" in card_line
        await pilot.press("escape")
        assert isinstance(app.screen, LogScreen)


def test_bar_scales_and_never_hides_a_small_count() -> None:
    assert bar(0, 0, 10, 20) == ("", "")
    assert bar(10, 0, 10, 20) == (DONE_BLOCK * 20, "")
    assert bar(5, 5, 10, 20) == (DONE_BLOCK * 10, OPEN_BLOCK * 10)
    done, open_ = bar(0, 1, 1000, 20)
    assert (done, open_) == ("", OPEN_BLOCK)
    assert bar(1, 0, 1000, 20) == (DONE_BLOCK, "")


def test_unused_cards_are_greyed(deck) -> None:
    content = overview_content(deck, {1: 1}, {}, {"1.1": 1}, width=80)
    plain = content.plain
    assert "1 of 31 cards used" in plain
    styles_of_1_3 = [span.style for span in content.spans
                     if plain[span.start:span.end] == "1.3"]
    assert styles_of_1_3 == ["$text-disabled"]


async def test_overview_from_the_palette_action(data_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    fast_watch(monkeypatch)
    seed(data_dir)
    app = make_app(data_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        app.action_open_overview()
        await pilot.pause()
        assert isinstance(app.screen, OverviewScreen)
        with Log.open(data_dir) as other:
            other.add("3.2", "From another session")
        await until(pilot, lambda: "8 entries" in chart_lines(app)[0], "the other session's entry in the chart")
        assert "not started" not in capability_line(chart_lines(app), 3)
        await pilot.press("escape")
        assert not isinstance(app.screen, OverviewScreen)
