"""Export from the app: the dialog, the file (0600, parses), no clobbering, the filtered scope."""

from __future__ import annotations

import json
import stat
from pathlib import Path

from textual.widgets import Input, RadioSet

from log_helpers import SAMPLE, seed
from ui_helpers import make_app, settle

from powerdeck.export import parse_json_export
from powerdeck.screens.confirm_dialog import ChoiceDialog
from powerdeck.screens.export_dialog import ExportDialog
from powerdeck.screens.log_screen import LogScreen


async def test_export_markdown_from_the_palette_action(data_dir: Path, private_data_home: Path) -> None:
    seed(data_dir)
    app = make_app(data_dir)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await pilot.press("ctrl+p")
        await pilot.press(*"Export log")
        await pilot.pause(0.3)
        await pilot.press("enter")
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, ExportDialog)
        path = Path(dialog.query_one("#export-path", Input).value)
        assert path.parent == private_data_home and path.suffix == ".md"
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert not isinstance(app.screen, ExportDialog)
        assert path.exists()
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
        text = path.read_text(encoding="utf-8")
        assert text.startswith("# Review log: all entries")
        assert "Walk the estate with a community worker" in text
        messages = [n.message for n in app._notifications]
        assert f"Exported 7 entries to {path}" in messages


async def test_export_json_of_the_filtered_log_and_no_clobber(data_dir: Path, private_data_home: Path) -> None:
    seed(data_dir)
    app = make_app(data_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("L", "o")  # open entries only: four
        assert isinstance(app.screen, LogScreen)
        await pilot.press("w")
        dialog = app.screen
        assert isinstance(dialog, ExportDialog)
        assert dialog.filtered  # from the log with a filter, the filter is the default scope
        await pilot.press("down", "down", "enter")  # format: JSON
        assert dialog.fmt == "json"
        target = private_data_home / "review.json"
        target.write_text("precious", encoding="utf-8")
        dialog.query_one("#export-path", Input).value = str(target)
        await pilot.press("ctrl+s")
        assert isinstance(app.screen, ChoiceDialog)  # asks before replacing
        await pilot.press("n")
        await settle(app, pilot)
        assert target.read_text(encoding="utf-8") == "precious"
        assert isinstance(app.screen, ExportDialog)
        await pilot.press("ctrl+s", "y")
        await settle(app, pilot)
        assert not isinstance(app.screen, ExportDialog)
        entries = parse_json_export(target.read_text(encoding="utf-8"))
        assert sorted(e.id for e in entries) == ["entry-002", "entry-003", "entry-005", "entry-007"]
        assert {e.id: e for e in entries}["entry-007"] == SAMPLE[6]
        assert stat.S_IMODE(target.stat().st_mode) == 0o600


async def test_export_everything_as_csv_with_a_typed_path(data_dir: Path, private_data_home: Path) -> None:
    seed(data_dir)
    app = make_app(data_dir)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("L", "c", "4", "enter", "w")
        dialog = app.screen
        assert isinstance(dialog, ExportDialog)
        await pilot.press("down", "enter")  # CSV
        assert dialog.query_one("#export-path", Input).value.endswith(".csv")
        await pilot.press("tab", "up", "enter")  # scope: everything
        assert not dialog.filtered
        await pilot.press("tab")
        assert isinstance(app.screen.focused, Input)
        field = dialog.query_one("#export-path", Input)
        field.value = ""
        await pilot.press(*"~/pdr.csv", "enter")
        await settle(app, pilot)
        path = private_data_home / "pdr.csv"
        assert path.exists() and stat.S_IMODE(path.stat().st_mode) == 0o600
        rows = path.read_text(encoding="utf-8-sig").splitlines()
        assert rows[0].startswith("id,date,capability")
        assert len([r for r in rows[1:] if r.startswith("entry-")]) == 7


async def test_missing_folder_is_a_clear_message(data_dir: Path, private_data_home: Path) -> None:
    seed(data_dir)
    app = make_app(data_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        app.action_export_log()
        await pilot.pause()
        dialog = app.screen
        dialog.query_one("#export-path", Input).value = str(private_data_home / "nope" / "x.md")
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert isinstance(app.screen, ExportDialog)
        assert "does not exist" in str(dialog.query_one("#export-message").render())
        await pilot.press("escape")
        assert not isinstance(app.screen, ExportDialog)
