"""CSS parsed once per process and theme (serve/parsed_css.py): reused, never another theme's colours,
never one app's rules list in another's."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import textual.css.stylesheet
from textual.color import Color
from textual.css.stylesheet import Stylesheet

from powerdeck.deck.model import Deck
from powerdeck.serve import parsed_css
from powerdeck.serve.served_app import ServedApp
from powerdeck.store.log import Log
from powerdeck.tui.options import AppOptions


@pytest.fixture
def parses(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """The store switched on for this test only; each CSS text Textual really parses is recorded."""
    monkeypatch.setattr(Stylesheet, "_parse_rules", Stylesheet._parse_rules)  # put back afterwards
    monkeypatch.setattr(parsed_css, "_store", {})
    monkeypatch.setattr(parsed_css, "_pinned", set())
    seen: list[str] = []
    real_parse = textual.css.stylesheet.parse

    def counting_parse(scope: str, css: str, *args: Any, **kwargs: Any) -> Any:
        seen.append(css)
        return real_parse(scope, css, *args, **kwargs)

    monkeypatch.setattr(textual.css.stylesheet, "parse", counting_parse)
    assert parsed_css.share_parsed_css()
    yield seen


def theme_background(app: ServedApp, name: str) -> Color:
    """What the theme itself says its background is (worked out by Textual, not from the stylesheet)."""
    return Color.parse(app.available_themes[name].to_color_system().generate()["background"])


async def first_screen(deck: Deck, folder: Path, theme: str | None = None) -> tuple[ServedApp, Color]:
    """A served app run to its first screen; the deck screen's background colour."""
    log = Log.open(folder)
    if theme:
        log.set_state("theme", theme)  # the person's own choice, as the palette stores it
    app = ServedApp(deck, log, AppOptions(animation="none"))
    try:
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.pause()
            background = app.screen.styles.background
    finally:
        log.close()
    return app, background


async def test_a_second_session_parses_no_css_and_looks_the_same(deck: Deck, tmp_path: Path,
                                                                 parses: list[str]) -> None:
    first, first_background = await first_screen(deck, tmp_path / "alice")
    assert parses, "the first app parsed its CSS"
    parsed_by_first = len(parses)
    second, second_background = await first_screen(deck, tmp_path / "bob")
    assert len(parses) == parsed_by_first, "the second app parsed nothing again"
    assert second_background == first_background == theme_background(first, "textual-dark")
    assert [(rule.selectors, rule.styles.get_rules()) for rule in second.stylesheet.rules] == \
        [(rule.selectors, rule.styles.get_rules()) for rule in first.stylesheet.rules]


async def test_a_session_whose_theme_differs_gets_its_own_colours(deck: Deck, tmp_path: Path,
                                                                  parses: list[str]) -> None:
    _dark, dark_background = await first_screen(deck, tmp_path / "alice")
    parsed_by_dark = len(parses)
    nord, nord_background = await first_screen(deck, tmp_path / "bob", theme="nord")
    assert nord.theme == "nord"
    assert len(parses) > parsed_by_dark, "another theme's variables mean another parse"
    assert nord_background == theme_background(nord, "nord")
    assert nord_background != dark_background
    # and the theme the rehearsal parsed is still right after another one was parsed
    _, again = await first_screen(deck, tmp_path / "carol")
    assert again == dark_background
    assert parsed_css.parsed_css_themes() == 2


async def test_a_reused_stylesheet_is_not_shared_mutably(deck: Deck, tmp_path: Path, parses: list[str]) -> None:
    first, _ = await first_screen(deck, tmp_path / "alice")
    second, _ = await first_screen(deck, tmp_path / "bob")
    assert first.stylesheet is not second.stylesheet
    assert first.stylesheet.rules is not second.stylesheet.rules
    rules_before = list(first.stylesheet.rules)
    # One app adding a rule of its own, or emptying a list it was handed, leaves the other as it was.
    second.stylesheet.add_source("Screen { background: red; }", read_from=("a test", "extra"))
    second.stylesheet.parse()
    assert len(second.stylesheet.rules) == len(rules_before) + 1
    assert first.stylesheet.rules == rules_before
    source, (css, is_default, tie_breaker, scope) = next(iter(first.stylesheet.source.items()))
    handed = first.stylesheet._parse_rules(css, source, is_default, tie_breaker, scope)
    handed.clear()
    assert first.stylesheet._parse_rules(css, source, is_default, tie_breaker, scope), \
        "the store keeps its own list"


def test_the_store_keeps_the_rehearsals_theme_and_a_few_others(parses: list[str]) -> None:
    def parse_with(background: str) -> None:
        sheet = Stylesheet(variables={"background": background})
        sheet.add_source("Screen { background: $background; }", read_from=("a test", "screen"))
        sheet.parse()
        assert sheet.rules[0].styles.background == Color.parse(background)

    parse_with("#000001")
    parsed_css.keep_parsed_css()
    for number in range(2, 2 + 2 * parsed_css.VARIABLE_SETS_KEPT):
        parse_with(f"#0000{number:02x}")
    assert parsed_css.parsed_css_themes() == parsed_css.VARIABLE_SETS_KEPT
    parsed = len(parses)
    parse_with("#000001")
    assert len(parses) == parsed, "the rehearsal's theme was kept"
