"""The relationship map at 80x24 and 120x40 (issue 24, 3): what q and s change shows on the
person's own row, names are whole on the drawing where there is room, the legend fits, and the
footer ends where the screen does (a stray "q" was drawn after it at 80 columns)."""

from __future__ import annotations

from pathlib import Path

import pytest

from contrast import screen_lines
from powerdeck.tui.screens.workbook.map_screen import MapScreen
from powerdeck.tui.widgets.map_view import LEGEND
from powerdeck.workbook.model import Person, Worksheet
from ui_helpers import deck_screen, make_app, settle

PEOPLE = (
    Person("p1", "JS", "close", "strong", "statutory"),
    Person("p2", "housing association lead", "around", "stressed", "housing"),
    Person("p3", "St M", "far", "distant", "social enterprise"),
)


def rows_of(lines: list[str], name: str, left: int) -> str:
    """The person's row in the list (right of column `left`) and the line under it."""
    side = [line[left:] for line in lines]
    index = next(n for n, line in enumerate(side) if line.strip().startswith(name))
    return side[index] + "\n" + side[index + 1]


@pytest.mark.parametrize("size", [(80, 24), (120, 40)])
async def test_quality_and_sector_change_in_view(tmp_path: Path, size: tuple[int, int]) -> None:
    app = make_app(tmp_path / "data")
    app.store.write_and_wait(lambda log: log.save_worksheet(Worksheet("1.2", "map", people=PEOPLE)))
    async with app.run_test(size=size) as pilot:
        deck_screen(app).go_to_card("1.2")
        await pilot.press("w")
        assert isinstance(app.screen, MapScreen)
        await settle(app, pilot)
        left = size[0] // 2
        before = rows_of(screen_lines(app), "JS", left)
        assert "statutory" in before and "strong" in before
        await pilot.press("s", "q")
        await settle(app, pilot)
        lines = screen_lines(app)
        after = rows_of(lines, "JS", left)
        assert "voluntary" in after and "stressed" in after, after
        assert "sector voluntary" not in after
        whole = rows_of(lines, "St M", left)
        assert "social enterprise" in whole
        assert all(len(line.rstrip()) <= size[0] for line in lines)
        text = "\n".join(lines)
        for part in LEGEND.split("  "):
            assert part in text  # the legend whole, on one line or two
        assert lines[-1].rstrip().endswith("palette"), "nothing drawn after the footer"


async def test_a_long_name_is_whole_on_the_drawing_at_120x40(tmp_path: Path) -> None:
    app = make_app(tmp_path / "data")
    app.store.write_and_wait(lambda log: log.save_worksheet(Worksheet("1.2", "map", people=PEOPLE)))
    async with app.run_test(size=(120, 40)) as pilot:
        deck_screen(app).go_to_card("1.2")
        await pilot.press("w")
        await settle(app, pilot)
        drawing = "\n".join(line[:60] for line in screen_lines(app))
        assert "housing association lead" in drawing
