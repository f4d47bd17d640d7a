"""The deck's one-widget footer (widgets/lean_footer.py): the same line as Textual's compact
Footer, cell for cell, in every theme; and what a key does under the mouse."""

from __future__ import annotations

from pathlib import Path
from typing import Any, ClassVar

import pytest
from textual.app import App, ComposeResult
from textual.binding import Binding, BindingType
from textual.widgets import Footer, Static

from powerdeck.tui.widgets.lean_footer import LeanFooter
from ui_helpers import deck_screen, make_app

THEMES = ["textual-dark", "textual-light", "ansi-dark", "nord", "solarized-light", "dracula"]


class FooterApp(App[None]):
    """A few bindings of each kind the deck has: shown, hidden, a key display, a disabled one."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("up", "nothing", "Capability", key_display="↑↓"),
        Binding("down", "nothing_else", "Next", show=False),
        Binding("enter", "edit", "Write", key_display="⏎/e", tooltip="Write about this card"),
        Binding("r", "random", "Random"),
        Binding("ctrl+s", "save", "Save"),
        Binding("ctrl+q", "quit", "Quit"),
    ]

    def __init__(self, lean: bool) -> None:
        super().__init__()
        self.lean = lean
        self.pressed: list[str] = []

    def compose(self) -> ComposeResult:
        yield Static("body")
        yield LeanFooter() if self.lean else Footer(compact=True)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        return None if action == "save" else True  # shown, disabled: as "Save" while reading

    def action_edit(self) -> None:
        self.pressed.append("edit")

    def action_random(self) -> None:
        self.pressed.append("random")


async def footer_cells(lean: bool, theme: str, width: int) -> list[tuple[str, Any, Any, bool, bool]]:
    app = FooterApp(lean)
    async with app.run_test(size=(width, 10)) as pilot:
        app.theme = theme
        await pilot.pause()
        await pilot.pause()
        line = app.screen._compositor.render_strips()[-1]
        cells = []
        for segment in line:
            style = segment.style
            for char in segment.text:
                cells.append((char, style.color.get_truecolor() if style and style.color else None,
                              style.bgcolor.get_truecolor() if style and style.bgcolor else None,
                              bool(style and style.bold), bool(style and style.dim)))
        return cells


async def mounted(app: App[None], pilot: Any) -> tuple[LeanFooter, dict[str, tuple[int, int]]]:
    """The footer once drawn, and where each key is on its line, by its description."""
    footer = app.query_one(LeanFooter)
    await pilot.pause()
    return footer, {entry.description: (start, end) for start, end, entry in footer._spans}


@pytest.mark.parametrize("theme", THEMES)
@pytest.mark.parametrize("width", [80])
async def test_the_line_is_textuals_footer_cell_for_cell(theme: str, width: int) -> None:
    # Where every key fits. Narrower, Footer cuts the line wherever it ends; this one keeps Quit
    # and Help (test_a_narrow_footer_keeps_quit_help_and_the_palette).
    assert await footer_cells(True, theme, width) == await footer_cells(False, theme, width)


@pytest.mark.parametrize("size", [(60, 18), (64, 20)])
async def test_a_narrow_footer_keeps_quit_help_and_the_palette(data_dir: Path, size: tuple[int, int]) -> None:
    """Issue 24, 8: at 60x18 Textual's way cut "f1 He" and the palette's key was gone."""
    app = make_app(data_dir)
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        line = "".join(segment.text for segment in app.screen._compositor.render_strips()[-1])
        assert "^q Quit" in line and "f1/? Help" in line and line.rstrip().endswith("^p palette"), line
        assert len(line) == size[0]


async def test_a_click_presses_the_key_and_a_disabled_one_rings() -> None:
    app = FooterApp(lean=True)
    async with app.run_test(size=(80, 10)) as pilot:
        _footer, spans = await mounted(app, pilot)
        await pilot.click(LeanFooter, offset=(spans["Write"][0] + 1, 0))
        await pilot.click(LeanFooter, offset=(spans["Random"][1] - 1, 0))
        await pilot.pause()
        assert app.pressed == ["edit", "random"]
        rang: list[bool] = []
        app.bell = lambda: rang.append(True)  # type: ignore[method-assign]
        await pilot.click(LeanFooter, offset=(spans["Save"][0], 0))
        await pilot.pause()
        assert rang == [True] and app.pressed == ["edit", "random"]


async def test_the_key_under_the_mouse_lights_up_and_says_what_it_does() -> None:
    app = FooterApp(lean=True)
    async with app.run_test(size=(80, 10)) as pilot:
        footer, spans = await mounted(app, pilot)
        plain = list(footer.render_line(0))
        await pilot.hover(LeanFooter, offset=(spans["Write"][0], 0))
        await pilot.pause()
        assert footer.tooltip == "Write about this card"
        lit = footer.render_line(0)
        start, end = spans["Write"]
        hover = footer.get_component_rich_style("lean-footer--hover").bgcolor
        assert {segment.style.bgcolor for segment in lit.crop(start, end)} == {hover}
        assert lit.crop(end + 1, 80) == footer.render_line(0).crop(end + 1, 80)
        await pilot.hover(Static)
        await pilot.pause()
        assert footer.tooltip is None and list(footer.render_line(0)) == plain


async def test_the_deck_footer_follows_the_keys_of_the_moment_and_the_width(data_dir: Path) -> None:
    app = make_app(data_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        footer = deck_screen(app).query_one(LeanFooter)

        def shown() -> list[str]:
            return [entry.description for entry in footer.entries]

        assert {"Capability", "Card", "Write", "Random", "Log", "Quit", "Help"} <= set(shown())
        assert shown()[-1] == "palette"
        await pilot.press("enter")
        await pilot.pause(0.3)
        assert {"Save", "Done"} <= set(shown()) and "Random" not in shown()
        await pilot.press("escape")
        await pilot.pause()
        await pilot.resize_terminal(70, 24)
        await pilot.pause(0.2)
        assert shown()[-1] == "palette" and {"Quit", "Help"} <= set(shown())  # other keys give way
        await pilot.resize_terminal(120, 40)
        await pilot.pause(0.2)
        assert shown()[-1] == "palette"


async def test_keys_cut_off_by_the_palette_key_are_not_under_it() -> None:
    # At 50 columns the keys run under the palette's key, which Footer docks over them: a click
    # there is the palette's, never a hidden key's.
    app = FooterApp(lean=True)
    async with app.run_test(size=(50, 10)) as pilot:
        footer = app.query_one(LeanFooter)
        await pilot.pause()
        pressed: list[str] = []
        app.simulate_key = pressed.append  # type: ignore[method-assign,assignment]
        palette_start = next(start for start, _end, entry in footer._spans if entry.palette)
        assert all(end <= palette_start for _start, end, entry in footer._spans if not entry.palette)
        await pilot.click(LeanFooter, offset=(palette_start + 2, 0))
        await pilot.hover(LeanFooter, offset=(palette_start + 2, 0))
        await pilot.pause()
        assert pressed == [app.COMMAND_PALETTE_BINDING]
        lit = footer.render_line(0)
        hover = footer.get_component_rich_style("lean-footer--hover").bgcolor
        assert {segment.style.bgcolor for segment in lit.crop(palette_start, 49)} == {hover}
