"""The small things a new team leader met (issue 24, 7): f7 in the export's File field, boxes that
differ without colour, pagedown on the overview, the map's footer at 80 columns, the small voice
at 80 columns, and dates the UK way wherever a person reads one. (The export's message with the
path and the scp command whole: tests/test_export_in_app.py.)"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from textual.containers import VerticalScroll
from textual.widgets import Input

from contrast import screen_lines
from log_helpers import entry, open_log, seed
from powerdeck.core.entry import EntryFilter
from powerdeck.tui.screens.dialogs.export_dialog import ExportDialog
from powerdeck.tui.screens.log.filter_dialogs import CapabilityPicker
from powerdeck.tui.screens.log.overview_screen import OverviewScreen
from powerdeck.tui.screens.workbook.voices_screen import VoicesScreen
from powerdeck.workbook.model import Person, Worksheet
from ui_helpers import deck_screen, make_app, settle


async def test_f7_selects_all_of_the_export_file_field(data_dir: Path) -> None:
    app = make_app(data_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        app.action_export_log()
        await pilot.pause()
        assert isinstance(app.screen, ExportDialog)
        box = app.screen.query_one("#export-path", Input)
        app.screen.set_focus(box)
        await pilot.press("f7", "r", "e", "v")
        assert box.value == "rev"


async def test_ticked_and_unticked_boxes_differ_without_colour(data_dir: Path) -> None:
    app = make_app(data_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_log(app, pilot)
        await pilot.press("c")
        await pilot.pause()
        assert isinstance(app.screen, CapabilityPicker)
        await pilot.press("3")
        await pilot.pause()
        rows = {line.split("▌")[1].strip()[:1]: line for line in screen_lines(app) if "▐" in line and "▌" in line}
        boxes = [line[line.index("▐") + 1] for line in screen_lines(app) if "▐" in line]
        assert boxes.count("✓") == 1 and boxes.count(" ") == 9, boxes
        assert rows  # the ten capabilities are drawn with their boxes


async def test_pagedown_scrolls_the_overview(data_dir: Path) -> None:
    app = make_app(data_dir)
    people = tuple(Person(f"p{n}", f"P{n}") for n in range(3))
    for card in ("1.2", "7.1"):
        app.store.write_and_wait(lambda log, card=card: log.save_worksheet(Worksheet(card, "map", people=people)))
    async with app.run_test(size=(80, 18)) as pilot:
        app.action_open_overview()
        await pilot.pause()
        assert isinstance(app.screen, OverviewScreen)
        scroll = app.screen.query_one("#overview-scroll", VerticalScroll)
        assert scroll.max_scroll_y > 0
        await pilot.press("pagedown")
        await pilot.pause()
        assert scroll.scroll_y > 0
        await pilot.press("pageup")
        await pilot.pause()
        assert scroll.scroll_y == 0


async def test_the_maps_footer_ends_with_the_screen(tmp_path: Path) -> None:
    app = make_app(tmp_path / "data")
    app.store.write_and_wait(lambda log: log.save_worksheet(Worksheet("1.2", "map", people=(Person("p1", "JS"),))))
    async with app.run_test(size=(80, 24)) as pilot:
        deck_screen(app).go_to_card("1.2")
        await pilot.press("w")
        await settle(app, pilot)
        footer = screen_lines(app)[-1]
        assert footer.rstrip().endswith("^p palette") and "Quit" in footer, footer


async def test_the_small_voice_picked_shows_at_80_columns(tmp_path: Path) -> None:
    app = make_app(tmp_path / "data")
    voices = Worksheet("1.3", "voices", text="parks\nparks\nbuses\nbenches")
    app.store.write_and_wait(lambda log: log.save_worksheet(voices))
    async with app.run_test(size=(80, 24)) as pilot:
        deck_screen(app).go_to_card("1.3")
        await pilot.press("w", "tab", "b", "down", "down", "s")
        await settle(app, pilot)
        assert isinstance(app.screen, VoicesScreen)
        text = "\n".join(screen_lines(app))
        assert "Small voice: benches" in text and "Large word: parks" in text, text


async def test_dates_read_the_uk_way(data_dir: Path) -> None:
    seed(data_dir, [entry(1, "4.2", "Walk the estate")])
    app = make_app(data_dir)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await open_log(app, pilot)
        shown = entry(1, "4.2", "x").created_date
        uk = f"{shown.day:02d}/{shown.month:02d}/{shown.year}"
        assert uk in "\n".join(screen_lines(app))  # the log's date column
        screen._set_filter(EntryFilter(since=date(2026, 4, 1), until=date(2027, 3, 31)))
        await pilot.pause()
        text = "\n".join(screen_lines(app))
        assert "01/04/2026 to 31/03/2027" in text and "2026-04-01" not in text  # the filter bar
