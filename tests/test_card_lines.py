"""A card change sends only the card's lines that differ from the last card's, each only up to its
last changed cell and as few style runs as it can, and the sidebar only the rows that look
different: what the terminal shows afterwards must be exactly what the app paints when it starts
on that card (every cell, text and colours), in a real pty. The same after the animated change
(drawn in steps, each sending only the lines that step changes)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from powerdeck.store.log import Log
from powerdeck.tui.screens.deck.deck_screen import LAST_CARD
from pty_harness import PtyApp, base_env, powerdeck_command

FIRST = "1.1  Changing your perspective"
Cells = list[list[tuple[str, str, str, bool]]]
"""Every cell of the terminal: character, colours, bold."""
ENV = base_env("xterm-256color", SSH_CONNECTION="127.0.0.1 50000 127.0.0.1 22")  # no animation


def cells(app: PtyApp) -> Cells:
    """Every cell of the terminal: character, colours, bold."""
    with app._lock:
        buffer = app.screen.buffer
        return [[(buffer[y][x].data, buffer[y][x].fg, buffer[y][x].bg, buffer[y][x].bold)
                 for x in range(app.cols)] for y in range(app.rows)]


def painted_at_start(folder: Path, card: str) -> Cells:
    """The screen of an app that starts on `card` (the card it remembers): a whole first paint."""
    with Log.open(folder) as log:
        log.set_state(LAST_CARD, card)
    with PtyApp([*powerdeck_command(), "--data", str(folder)], ENV, cols=80, rows=24) as app:
        app.wait_for(f"{card}  ", timeout=30)
        app.wait_quiet(0.3)
        return cells(app)


@pytest.fixture(scope="module")
def first_paint(tmp_path_factory: pytest.TempPathFactory) -> Callable[[str], Cells]:
    """The first paint of an app started on a card, made once per card for the whole module: both
    animations, and every visit to a card, compare against the same start (an empty log)."""
    made: dict[str, Cells] = {}

    def of(card: str) -> Cells:
        if card not in made:
            made[card] = painted_at_start(tmp_path_factory.mktemp(f"reference-{card}"), card)
        return made[card]

    return of


# Next cards, back, into the next capability (the heading and the sidebar's open list change),
# back across it, a jump, and back into the capability before (its last card).
MOVES = [("right", "1.2"), ("right", "1.3"), ("left", "1.2"), ("right", "1.3"), ("right", "2.1"),
         ("left", "1.3"), ("down", "2.1"), ("5", "5.1"), ("left", "4.3"), ("up", "3.1")]


@pytest.mark.parametrize("animation", ["none", "full"])
def test_after_card_changes_the_terminal_shows_what_a_first_paint_shows(
        tmp_path: Path, animation: str, first_paint: Callable[[str], Cells]) -> None:
    argv = [*powerdeck_command(), "--data", str(tmp_path / "data"), "--animation", animation]
    with PtyApp(argv, ENV, cols=80, rows=24) as app:
        app.wait_for(FIRST, timeout=30)
        app.wait_quiet(0.3)
        for key, card in MOVES:
            app.send(key)
            app.wait_for(f"card {card}", timeout=15)
            app.wait_quiet(0.4)  # past the slide's last step
            shown = cells(app)
            reference = first_paint(card)
            differ = [y for y in range(app.rows) if shown[y] != reference[y]]
            assert not differ, (key, card, differ, app.text())
        app.send("ctrl+q")
        app.wait_exit(timeout=15)
