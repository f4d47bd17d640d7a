"""Small things a user hit in the review log (issue 11): the filter bar cut at 80 columns, and the
card picker putting each count on a line of its own."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from textual.geometry import Region
from textual.widget import Widget

from log_helpers import log_screen, open_log, seed
from powerdeck.core.entry import EntryFilter
from powerdeck.tui.screens.log.filter_dialogs import CardPicker
from ui_helpers import make_app


def drawn(widget: Widget) -> str:
    return "\n".join(strip.text for strip in widget.render_lines(Region(0, 0, *widget.outer_size)))


async def test_every_active_filter_and_x_clear_show_at_80x24(data_dir: Path) -> None:
    # Regression: with a card, a search and dates set, the dates and "x clear" fell off the line.
    seed(data_dir)
    app = make_app(data_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_log(app, pilot)
        screen._set_filter(EntryFilter(
            capabilities=frozenset({4, 10}), card="4.2", text="super diversity in the patient group",
            since=date(2025, 3, 5), until=date(2025, 3, 7), open_only=True,
        ))
        await pilot.pause()
        bar = log_screen(app).query_one("#log-filters")
        text = " ".join(drawn(bar).split())
        assert bar.region.right <= 80
        for needle in ("capability 4, 10", "card 4.2", "“super diversity", "open only ✓",
                       "05/03/2025 to 07/03/2025", "x clear"):
            assert needle in text, (needle, text)


async def test_the_card_picker_has_one_line_per_card_with_its_count(data_dir: Path) -> None:
    # Regression: at 80 columns each card's count wrapped onto a line of its own.
    seed(data_dir)
    app = make_app(data_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_log(app, pilot)
        await pilot.press("a")
        await pilot.pause()
        assert isinstance(app.screen, CardPicker)
        options = app.screen.query_one("#card-choices")
        assert options.virtual_size.height == options.option_count  # one line each
        width = options.scrollable_content_region.width
        for index in range(1, options.option_count):
            label = str(options.get_option_at_index(index).prompt)
            assert len(label) <= width and label.split()[-1].isdigit(), label
