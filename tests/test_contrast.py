"""Text a person must read meets 4.5:1 (3:1 bold) in every theme and colour system powerdeck
offers (issue 24, 9), computed from what each screen draws in the theme's colours (contrast.py).
Before: in 16 colours the footer's keys were bright red on bright black, about 1:1; in the light
theme the card id was orange on near-white, about 1.3:1."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.app import App

from contrast import poor_contrast
from powerdeck.workbook.model import Person, Worksheet
from ui_helpers import make_app, until

SYSTEMS = {"truecolor": "truecolor", "256": "256", "16": "standard"}
THEMES = list(App().available_themes)
SCREENS = {"deck": [], "writing": ["enter"], "log": ["L"], "help": ["f1"], "map": ["right", "w"], "palette": ["ctrl+p"]}


async def poor_on(tmp_path: Path, theme: str, system: str, keys: list[str],
                  size: tuple[int, int] = (80, 24)) -> list[str]:
    app = make_app(tmp_path / "data", theme=theme)
    app.store.write_and_wait(lambda log: log.save_worksheet(Worksheet("1.2", "map", people=(Person("p1", "JS"),))))
    app.readable.set_color_system(SYSTEMS[system])
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        for key in keys:
            await pilot.press(key)
            await pilot.pause()
        if keys == ["right", "w"]:
            await until(pilot, lambda: type(app.screen).__name__ == "MapScreen", "the map")
        await pilot.pause()
        return [f"{poor.text!r} {poor.ratio}:1 (needs {poor.needed}) on row {poor.row}"
                for poor in poor_contrast(app, system)]


@pytest.mark.parametrize("system", list(SYSTEMS))
@pytest.mark.parametrize("theme", ["textual-dark", "textual-light"])
@pytest.mark.parametrize("screen", list(SCREENS))
async def test_the_main_themes_read_on_every_screen(tmp_path: Path, theme: str, system: str, screen: str) -> None:
    assert await poor_on(tmp_path, theme, system, SCREENS[screen]) == []


@pytest.mark.slow
@pytest.mark.parametrize("system", list(SYSTEMS))
@pytest.mark.parametrize("theme", THEMES)
async def test_every_theme_reads(tmp_path: Path, theme: str, system: str) -> None:
    assert await poor_on(tmp_path, theme, system, ["enter"], size=(120, 40)) == []
