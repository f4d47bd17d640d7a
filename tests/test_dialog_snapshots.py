"""Snapshots of the dialogs built on `screens/dialog.Dialog`, at 80x24 (the export dialog's is in
test_export_in_app.py): the shared frame, title, hints, lists and each dialog's own rules."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from textual.screen import Screen

from log_helpers import seed
from powerdeck.tui.screens.dialogs.confirm_dialog import ChoiceDialog
from powerdeck.tui.screens.dialogs.quit_dialog import QuitDialog
from powerdeck.tui.screens.log.filter_dialogs import CapabilityPicker, CardPicker, PeriodPicker
from ui_helpers import DECK, make_app

DIALOGS: dict[str, Callable[[], Screen[Any]]] = {
    "choice": lambda: ChoiceDialog("Delete this entry?", "Card 4.2: the action you wrote first."),
    "quit": lambda: QuitDialog("the disk is full", lambda folder: Path(folder) / "rescue.json", "/home/sam"),
    "capabilities": lambda: CapabilityPicker(DECK, frozenset({2, 4}), {n: n for n in range(1, 11)}),
    "cards": lambda: CardPicker(DECK, "4.2", {"4.2": 3, "1.1": 1}),
    "period": lambda: PeriodPicker(None, None, today=date(2026, 12, 1)),
}


@pytest.mark.parametrize("name", sorted(DIALOGS))
def test_dialog(snap_compare, data_dir: Path, name: str) -> None:
    seed(data_dir)

    async def open_it(pilot) -> None:
        await pilot.app.push_screen(DIALOGS[name]())
        await pilot.pause()

    assert snap_compare(make_app(data_dir, over_ssh=True), terminal_size=(80, 24), run_before=open_it)
