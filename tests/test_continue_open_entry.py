"""Enter on a card with an open entry offers to carry on with it (f4), and still starts a new one
if she just types (issue 24, 5), at every size. Before, the entry to finish was below the fold
behind three tabs at 80x24."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.widgets import Label

from contrast import screen_lines
from powerdeck.core.entry import Entry
from ui_helpers import deck_screen, entries_on_disk, field, make_app, settle, type_text

OPEN = Entry("open-1", "4.2", 4, "Ask the tenants' association", "", "",
             "2026-03-05T09:15:00+00:00", "2026-03-05T09:15:00+00:00")


@pytest.mark.parametrize("size", [(80, 24), (120, 40), (60, 18)])
async def test_f4_carries_on_with_the_open_entry(tmp_path: Path, size: tuple[int, int]) -> None:
    data = tmp_path / "data"
    app = make_app(data)
    app.store.write_and_wait(lambda log: log.import_entries([OPEN]))
    async with app.run_test(size=size) as pilot:
        deck_screen(app).go_to_card("4.2")
        await settle(app, pilot)
        await pilot.press("enter")
        await settle(app, pilot)
        title = app.screen.query_one("#editor-title", Label)
        assert "f4: carry on with your open entry of 05/03/2026: Ask the tenants'" in str(title.content)
        region = title.region  # on screen, whole: two lines where one is too narrow
        assert region.height == len(title.render_lines(region.reset_offset)) and region.bottom < size[1] - 2
        assert "or f4" in "\n".join(screen_lines(app))
        if size[0] >= 80:
            assert "f4 Open entry" in screen_lines(app)[-1]
        await pilot.press("f4")
        await type_text(pilot, "They came")
        assert field(app, "outcome").text == "They came"
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        saved = entries_on_disk(data)
        assert len(saved) == 1 and saved[0]["outcome"] == "They came"


async def test_typing_after_enter_still_starts_a_new_entry(tmp_path: Path) -> None:
    data = tmp_path / "data"
    app = make_app(data)
    app.store.write_and_wait(lambda log: log.import_entries([OPEN]))
    async with app.run_test(size=(80, 24)) as pilot:
        deck_screen(app).go_to_card("4.2")
        await settle(app, pilot)
        await pilot.press("enter")
        await type_text(pilot, "A new one")
        await pilot.press("f4")  # refused: the new entry has text, which is never dropped
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        actions = sorted(entry["action"] for entry in entries_on_disk(data))
        assert actions == ["A new one", "Ask the tenants' association"]


async def test_no_offer_without_an_open_entry(tmp_path: Path) -> None:
    app = make_app(tmp_path / "data")
    async with app.run_test(size=(80, 24)) as pilot:
        deck_screen(app).go_to_card("4.2")
        await pilot.press("enter")
        await settle(app, pilot)
        assert "f4" not in screen_lines(app)[-1]
