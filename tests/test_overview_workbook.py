"""The overview lists the worksheets that hold something, each in brief, in deck order; a
worksheet written meanwhile (another session) appears without leaving the screen."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import Static

from log_helpers import seed
from powerdeck.store.log import Log
from powerdeck.tui.screens.log.overview_screen import OverviewScreen, workbook_lines
from powerdeck.workbook.model import Person, Worksheet
from ui_helpers import DECK, make_app, settle

MAP = Worksheet("1.2", "map", people=(
    Person("p1", "GP lead", quality="stressed"), Person("p2", "Faith forum", missing=True),
    Person("p3", "Housing", sector="housing"),
))
VOICES = Worksheet("1.3", "voices", text="safer streets\nSafer streets\ngreen space\n\x1b[2Jbus")


def chart(app) -> list[str]:
    return str(app.screen.query_one("#overview-chart", Static).render()).splitlines()


def workbook_part(lines: list[str]) -> list[str]:
    return lines[lines.index("Workbook") + 1:] if "Workbook" in lines else []


async def test_overview_lists_the_worksheets_with_content(data_dir: Path) -> None:
    seed(data_dir)
    with Log.open(data_dir) as log:
        for sheet in (VOICES, MAP, Worksheet("8.1", "list", text="  \n")):
            log.save_worksheet(sheet)
    app = make_app(data_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("L", "v")
        assert isinstance(app.screen, OverviewScreen)
        lines = workbook_part(chart(app))
        assert lines == [
            " 1.2 map: 3 on the map, 1 stressed, 1 seen too little",
            " 1.3 voices: 4 said; large: safer streets; small: green space, ␛[2Jbus",
        ]  # the empty list of 8.1 is not there; a control character is shown, not obeyed
        assert all(len(line) <= 80 for line in chart(app))

        with Log.open(data_dir) as other:  # another session adds a memo
            other.save_worksheet(Worksheet("10.3", "memo", text="A manifesto in five words"))
        await pilot.pause(2.5)
        await settle(app, pilot)
        assert workbook_part(chart(app))[-1] == "10.3 memo: 5 words: A manifesto in five words"


async def test_no_workbook_section_without_worksheets(data_dir: Path) -> None:
    seed(data_dir)
    app = make_app(data_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("L", "v")
        assert "Workbook" not in chart(app)


def test_a_long_brief_is_shortened_to_the_width() -> None:
    sheet = Worksheet("10.3", "memo", text="word " * 200)
    (line,) = [str(c) for c in workbook_lines(DECK, {"10.3": sheet}, 60)[2:]]
    assert len(line) <= 60 and line.endswith("…")
