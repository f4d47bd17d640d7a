"""Snapshots of the workbook: the cloud at 80x24 and 120x40, in 16 colours and with NO_COLOR; the map."""

from __future__ import annotations

from pathlib import Path

import pytest
from rich.color import ColorSystem
from rich.segment import Segment
from rich.style import Style
from textual.filter import LineFilter

from example_log import example_app, example_log
from powerdeck.tui.app import PowerDeckApp
from powerdeck.workbook.model import Person, Worksheet

VOICES = "\n".join(
    ["safe parks | resident"] * 6 + ["no GP"] * 4 + ["lonely"] * 3 + ["buses", "buses"]
    + ["kind neighbours | carer"] * 2 + ["[b]music[/b]", "somewhere to sit | young person"]
)
PEOPLE = (
    Person("p1", "JS", "close", "strong", "statutory"),
    Person("p2", "housing lead", "around", "stressed", "housing"),
    Person("p3", "St M", "far", "distant", "faith", True),
    Person("p4", "PCN mgr", "close", "stressed", "statutory"),
    Person("p5", "youth club", "around", "strong", "voluntary"),
)


class Sixteen(LineFilter):
    """What a 16-colour terminal (PuTTY's TERM=xterm) makes of every colour."""

    def apply(self, segments: list[Segment], background: object) -> list[Segment]:
        def down(style: Style | None) -> Style | None:
            if style is None:
                return None
            return style + Style(
                color=style.color.downgrade(ColorSystem.STANDARD) if style.color else None,
                bgcolor=style.bgcolor.downgrade(ColorSystem.STANDARD) if style.bgcolor else None)
        return [Segment(text, down(style), control) for text, style, control in segments]


def make(tmp_path: Path, card: str) -> PowerDeckApp:
    log = example_log(tmp_path / "data", [], card=card)
    log.save_worksheet(Worksheet("1.3", "voices", text=VOICES))
    log.save_worksheet(Worksheet("1.2", "map", people=PEOPLE))
    return example_app(log, over_ssh=True)


@pytest.mark.parametrize("size", [(80, 24), (120, 40)])
def test_the_cloud(snap_compare, tmp_path: Path, size: tuple[int, int]) -> None:
    assert snap_compare(make(tmp_path, "1.3"), terminal_size=size, press=["w"])


def test_the_cloud_in_16_colours(snap_compare, tmp_path: Path) -> None:
    app = make(tmp_path, "1.3")
    app.readable.set_color_system("standard")  # as the app judges contrast in such a terminal
    app._filters.append(Sixteen())
    assert snap_compare(app, terminal_size=(80, 24), press=["w"])


def test_the_cloud_with_no_color(snap_compare, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NO_COLOR", "1")
    assert snap_compare(make(tmp_path, "1.3"), terminal_size=(80, 24), press=["w"])


def test_small_voices_apart(snap_compare, tmp_path: Path) -> None:
    assert snap_compare(make(tmp_path, "1.3"), terminal_size=(80, 24), press=["w", "f2"])


@pytest.mark.parametrize("size", [(80, 24), (120, 40)])
def test_the_map(snap_compare, tmp_path: Path, size: tuple[int, int]) -> None:
    assert snap_compare(make(tmp_path, "1.2"), terminal_size=size, press=["w"])


def test_the_breadth_view_from_7_1(snap_compare, tmp_path: Path) -> None:
    assert snap_compare(make(tmp_path, "7.1"), terminal_size=(120, 40), press=["w"])


def test_card_2_3_looks_back(snap_compare, tmp_path: Path) -> None:
    assert snap_compare(make(tmp_path, "2.3"), terminal_size=(80, 24))
