"""The cards that look back show at 80x24 what 120 columns shows beside the card (issue 24, 4):
7.1 the map's breadth, 2.3 the voices' largest and smallest. Before, one cut line."""

from __future__ import annotations

from pathlib import Path

import pytest

from contrast import screen_lines
from powerdeck.workbook.model import Person, Worksheet
from ui_helpers import deck_screen, make_app, settle

PEOPLE = (
    Person("p1", "JS", "close", "strong", "statutory"),
    Person("p2", "housing lead", "around", "stressed", "housing"),
    Person("p3", "St M", "far", "distant", "faith", True),
    Person("p5", "youth club", "around", "strong", "voluntary"),
)
VOICES = "\n".join(["safe parks"] * 3 + ["no GP"] * 2 + ["somewhere to sit"])


def said(lines: list[str], left: int) -> str:
    """The work area's words as one line (a phrase may wrap over two rows)."""
    return " ".join(" ".join(line[left:].split()) for line in lines)


@pytest.mark.parametrize("size", [(80, 24), (120, 40)])
@pytest.mark.parametrize(("card", "shown"), [
    ("7.1", ["reaches 3 of 5 sectors; missing: community, social enterprise"]),
    ("2.3", ["large: safe parks, no GP", "small: somewhere to sit", "4 on the map"]),
])
async def test_what_the_card_looks_back_at_is_whole(tmp_path: Path, size: tuple[int, int], card: str,
                                                    shown: list[str]) -> None:
    app = make_app(tmp_path / "data")
    app.store.write_and_wait(lambda log: log.save_worksheet(Worksheet("1.2", "map", people=PEOPLE)))
    app.store.write_and_wait(lambda log: log.save_worksheet(Worksheet("1.3", "voices", text=VOICES)))
    async with app.run_test(size=size) as pilot:
        deck_screen(app).go_to_card(card)
        await settle(app, pilot)
        text = said(screen_lines(app), 24 if size[0] == 80 else 81)
        for words in shown:
            assert words in text, text
