"""User text is shown literally: markup-like text, emoji, CJK, right-to-left, very long text."""

from __future__ import annotations

from pathlib import Path

import pytest

from powerdeck.core.entry import Entry
from powerdeck.store.log import Log
from ui_helpers import deck_screen, entries_list, entries_on_disk, field, make_app, settle, status

CASES = {
    "markup": "[/b] [link=x]y[/link] [bold] [red]x[/] $accent [@click=app.quit]q[/]",
    "emoji": "Tea with the 👩🏽‍⚕️ team 🫖 — ✔︎ done",
    "cjk": "社区的人们 健康 ｗｉｄｅ 한국어",
    "rtl": "مرحبا بالعالم שלום עולם",
    "long": ("Many words in a long reflection. " * 310)[:10_000],
    "one_line": "x" * 5_000,
}


def seeded(data_dir: Path, text: str) -> None:
    log = Log.open(data_dir)
    log.import_entries(
        [Entry("e-1", "4.2", 4, text, text, text, "2026-03-01T09:00:00+00:00", "2026-03-01T09:00:00+00:00")]
    )
    log.close()


@pytest.mark.parametrize("name", list(CASES))
@pytest.mark.parametrize("size", [(80, 24), (120, 40)])
async def test_a_stored_entry_shows_as_typed_in_the_list_and_the_editor(data_dir: Path, name: str, size) -> None:
    text = CASES[name]
    seeded(data_dir, text)
    app = make_app(data_dir)
    async with app.run_test(size=size) as pilot:
        await pilot.press("4", "right")
        await pilot.pause()
        entries = await entries_list(app, pilot)
        label = str(entries.get_option_at_index(1).prompt)
        assert label.startswith("01/03/2026")
        assert text.splitlines()[0][:40] in label
        entries.highlighted = 1
        entries.action_select()
        await pilot.pause()
        for name_ in ("action", "outcome", "learning"):
            assert field(app, name_).text == text
        # draw the whole screen (every widget renders its lines) without an error
        app.screen._refresh_layout()
        await pilot.pause()
        app.save_screenshot(path=str(data_dir.parent))
        await pilot.press("ctrl+s")  # unchanged: saves the same text back
        await settle(app, pilot)
        assert status(app) == "Saved entry for 4.2"
        assert entries_on_disk(data_dir)[0]["action"] == text


@pytest.mark.parametrize("name", ["markup", "emoji", "cjk", "rtl"])
async def test_typed_text_is_stored_and_reloaded_exactly(data_dir: Path, name: str) -> None:
    text = CASES[name]
    app = make_app(data_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("e")
        field(app, "action").insert(text)  # as a paste would put it
        await pilot.press("escape", "right", "left")
        await settle(app, pilot)
        assert field(app, "action").text == text
        await pilot.press("e", "ctrl+s")
        await settle(app, pilot)
        assert entries_on_disk(data_dir)[0]["action"] == text
        # On screen as typed: markup not applied, nothing dropped (the field's first line, drawn).
        area = field(app, "action")
        drawn = "".join(segment.text for segment in area.render_line(0))
        assert text.split("\n")[0][:12] in drawn, (drawn, text)


async def test_markup_in_a_theme_name_or_status_never_raises(data_dir: Path) -> None:
    app = make_app(data_dir, theme="[/b]")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        deck_screen(app).set_status("[/b] [link=x]y")
        await pilot.pause()
        assert status(app) == "[/b] [link=x]y"


@pytest.mark.parametrize("name", ["long", "one_line"])
async def test_a_long_entry_takes_one_line_in_the_entries_list(data_dir: Path, name: str) -> None:
    # Regression: a 5,000-character line wrapped into a wall of text filling the list.
    seeded(data_dir, CASES[name])
    app = make_app(data_dir)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("4", "right", "enter")
        await pilot.pause()
        entries = await entries_list(app, pilot)
        assert entries.option_count == 2
        assert entries.virtual_size.height == 2
        assert entries.region.height == 2
