"""Snapshots of the deck screen: what a user sees at 80x24, 120x40, narrow, in help, too small.

Animations off, no cursor blink, entries with fixed dates, no clocks on screen. Regenerate with
`pytest tests/test_snapshots.py --snapshot-update`, then look at the SVGs before committing.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from example_log import YOUTH_GROUP, example_app, example_log
from powerdeck.core.entry import Entry
from powerdeck.tui.app import PowerDeckApp
from powerdeck.tui.screens.deck import deck_screen as deck_screen_module

EXAMPLES = [
    YOUTH_GROUP,
    Entry(
        "ex-2", "4.2", 4, "Ask the tenants' association what [health] means to them", "", "",
        "2026-03-05T09:15:00+00:00", "2026-03-05T09:15:00+00:00",
    ),
    Entry(
        "ex-3", "1.1", 1, "Walk the estate with a community connector", "", "",
        "2026-01-20T11:00:00+00:00", "2026-01-20T11:00:00+00:00",
    ),
]


def make(tmp_path: Path, *, entries: bool = True, card: str = "4.2", over_ssh: bool = False) -> PowerDeckApp:
    log = example_log(tmp_path / "data", EXAMPLES if entries else [], card=card)
    return example_app(log, over_ssh=over_ssh)


SIZES = [(80, 24), (120, 40), (60, 18)]
WRITING = ["enter", *"Ask", "space", *"the", "space", *"GP", "tab", *"Not", "space", *"yet"]


@pytest.mark.parametrize("size", SIZES)
def test_main_screen(snap_compare, tmp_path: Path, size: tuple[int, int]) -> None:
    """Reading: the card, its notes (draft, entries, the way in), the sidebar with the suit's cards."""
    assert snap_compare(make(tmp_path), terminal_size=size)


def test_main_screen_first_run(snap_compare, tmp_path: Path) -> None:
    assert snap_compare(make(tmp_path, entries=False, card="1.1"), terminal_size=(80, 24))


def test_narrow_layout(snap_compare, tmp_path: Path) -> None:
    assert snap_compare(make(tmp_path), terminal_size=(64, 24))


@pytest.mark.parametrize("size", SIZES)
def test_writing_an_entry(snap_compare, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, size: tuple[int, int]) -> None:
    """Writing: the card keeps its first lines, the field taking the typing is named."""
    # No autosave while the keys are typed: on a busy machine it landed before the picture or not.
    monkeypatch.setattr(deck_screen_module, "DRAFT_DELAY", 600.0)
    app = make(tmp_path, over_ssh=True)  # the cursor does not blink: the same picture every time
    assert snap_compare(app, terminal_size=size, press=WRITING)


def test_typing_while_reading_shows_the_hint(snap_compare, tmp_path: Path) -> None:
    assert snap_compare(make(tmp_path), terminal_size=(80, 24), press=[*"Talk", "space", *"to"])


@pytest.mark.parametrize("state", ["reading", "writing"])
def test_no_color(snap_compare, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, state: str) -> None:
    """Without colour the state and the field taking the typing still read, in words and reverse."""
    monkeypatch.setenv("NO_COLOR", "1")
    monkeypatch.setattr(deck_screen_module, "DRAFT_DELAY", 600.0)
    app = make(tmp_path, over_ssh=True)
    assert snap_compare(app, terminal_size=(80, 24), press=WRITING if state == "writing" else [])


def test_help_screen(snap_compare, tmp_path: Path) -> None:
    assert snap_compare(make(tmp_path), terminal_size=(80, 24), press=["f1"])


def test_too_small(snap_compare, tmp_path: Path) -> None:
    assert snap_compare(make(tmp_path), terminal_size=(50, 15))


def test_a_strip_merges_alike_whatever_colour_system_drew_its_styles_first() -> None:
    """Rich keeps the codes of the first colour system a style was rendered for: a 16-colour render
    of the same style objects (another app, a test) changed which segments terse_strip merged, and
    the full run's narrow snapshots with it."""
    from rich.color import ColorSystem
    from rich.segment import Segment
    from rich.style import Style
    from textual.strip import Strip

    from powerdeck.tui.widgets.terse import terse_strip

    dark, darker = Style(bgcolor="rgb(10,10,10)"), Style(bgcolor="rgb(20,20,20)")
    dark.render(" ", color_system=ColorSystem.STANDARD)  # both round to black in 16 colours
    darker.render(" ", color_system=ColorSystem.STANDARD)
    strip = Strip([Segment(" 1 ", dark), Segment("      ", darker)])
    assert len(list(terse_strip(strip))) == 2, "two colours a truecolor terminal tells apart"
