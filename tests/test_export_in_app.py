"""Export from the app: the dialog, the file (0600, parses), no clobbering, the filtered scope."""

from __future__ import annotations

import stat
from datetime import date
from pathlib import Path

import docx
from textual.widgets import Input, Static

from contrast import screen_lines
from log_helpers import SAMPLE, seed
from powerdeck.core.entry import EntryFilter
from powerdeck.export import NAME_KEY, ROLE_KEY, parse_json_export
from powerdeck.tui.screens.dialogs.confirm_dialog import ChoiceDialog
from powerdeck.tui.screens.dialogs.export_dialog import ExportDialog
from powerdeck.tui.screens.dialogs.exported_dialog import ExportedDialog
from powerdeck.tui.screens.log.log_screen import LogScreen
from powerdeck.tui.widgets.choice_list import ChoiceList
from ui_helpers import make_app, palette_offers, settle


async def test_export_word_from_the_palette_action(data_dir: Path, private_data_home: Path) -> None:
    seed(data_dir)
    app = make_app(data_dir)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await pilot.press("ctrl+p")
        await pilot.press(*"Export log")
        await palette_offers(pilot, "export")
        await pilot.press("enter")
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, ExportDialog)
        assert dialog.fmt == "docx"  # Word is the default
        path = Path(dialog.query_one("#export-path", Input).value)
        assert path.parent == private_data_home and path.suffix == ".docx"
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert not isinstance(app.screen, ExportDialog)
        assert path.exists()
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
        texts = [p.text for p in docx.Document(str(path)).paragraphs]
        assert texts[0].startswith("Review log book: all entries, ")
        assert "Walk the estate with a community worker" in texts
        assert isinstance(app.screen, ExportedDialog)
        assert app.screen.text.startswith(f"Exported 7 entries to\n{path}\n")


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
        await pilot.press("down", "down", "down")  # format: JSON (moving is choosing)
        assert dialog.fmt == "json"
        await pilot.press("enter")  # on to the period
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
        await pilot.press("down", "down")  # CSV
        assert dialog.query_one("#export-path", Input).value.endswith(".csv")
        await pilot.press("tab", "home")  # period: everything
        assert not dialog.filtered
        await pilot.press("enter")
        assert isinstance(app.screen.focused, Input)
        field = dialog.query_one("#export-path", Input)
        field.value = ""
        await pilot.press(*"~/pdr.csv", "enter")
        await settle(app, pilot)
        path = private_data_home / "pdr.csv"
        assert path.exists() and stat.S_IMODE(path.stat().st_mode) == 0o600
        rows = path.read_text(encoding="utf-8-sig").splitlines()
        assert rows[1].startswith("id,date,capability")
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


async def test_arrows_choose_and_the_choice_is_marked_without_colour(data_dir: Path, private_data_home: Path) -> None:
    seed(data_dir)
    app = make_app(data_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        app.action_export_log()
        await pilot.pause()
        dialog = app.screen
        formats = dialog.query_one("#export-format", ChoiceList)
        prompts = lambda: [str(option.prompt) for option in formats.options]  # noqa: E731
        assert prompts()[0].startswith("(•) Word") and prompts()[1].startswith("( ) Markdown")
        await pilot.press("down")
        assert dialog.fmt == "markdown"
        assert prompts()[0].startswith("( ) Word") and prompts()[1].startswith("(•) Markdown")
        assert dialog.query_one("#export-path", Input).value.endswith(".md")
        await pilot.press("up")
        assert dialog.fmt == "docx" and dialog.query_one("#export-path", Input).value.endswith(".docx")


async def test_appraisal_year_name_and_role_remembered(data_dir: Path, private_data_home: Path) -> None:
    seed(data_dir)
    app = make_app(data_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        app.action_export_log()
        await pilot.pause()
        dialog = app.screen
        dialog.query_one("#export-name", Input).value = "Sam Jones"
        dialog.query_one("#export-role", Input).value = "Team leader"
        dialog.query_one("#export-period", ChoiceList).choose("appraisal-last")
        target = private_data_home / "pdr.docx"
        dialog.query_one("#export-path", Input).value = str(target)
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert not isinstance(app.screen, ExportDialog)
        texts = [p.text for p in docx.Document(str(target)).paragraphs]
        assert "Name: Sam Jones" in texts and "Role: Team leader" in texts
        assert texts[0].startswith("Review log book: 1 April ") and " to 31 March " in texts[0]
        app.store.wait_for_writes()
        assert app.store.read(lambda log: (log.get_state(NAME_KEY), log.get_state(ROLE_KEY))) == (
            "Sam Jones", "Team leader")
        app.action_export_log()  # asked once: the next export has them already
        await pilot.pause()
        assert app.screen.query_one("#export-name", Input).value == "Sam Jones"
        assert app.screen.query_one("#export-role", Input).value == "Team leader"


async def test_the_log_itself_is_refused_as_a_target(data_dir: Path, private_data_home: Path) -> None:
    seed(data_dir)
    app = make_app(data_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        log_file = data_dir / "log.json"
        before = log_file.read_bytes()
        app.action_export_log()
        await pilot.pause()
        app.screen.query_one("#export-path", Input).value = str(log_file)
        await pilot.press("ctrl+s", "y")  # even when told to replace it
        await settle(app, pilot)
        assert isinstance(app.screen, ExportDialog)
        assert "your review log" in str(app.screen.query_one("#export-message", Static).render())
        assert log_file.read_bytes() == before


async def test_over_ssh_the_result_says_how_to_copy_it_to_a_laptop(data_dir: Path, private_data_home: Path) -> None:
    seed(data_dir)
    app = make_app(data_dir, over_ssh=True)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        app.action_export_log()
        await pilot.pause()
        app.screen.query_one("#export-path", Input).value = str(private_data_home / "review-2026.docx")
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert isinstance(app.screen, ExportedDialog)
        # The path and the command each whole on a line of its own, ready to copy (issue 24, 7).
        await pilot.pause()
        lines = [line.strip(" █") for line in screen_lines(app)]  # inside the dialog's border
        path = str(private_data_home / "review-2026.docx")
        assert path in lines, "\n".join(lines)
        command = next(line for line in lines if line.startswith("scp "))
        assert command.endswith(":review-2026.docx .") and "@" in command
        await pilot.press("enter")
        assert not isinstance(app.screen, ExportedDialog)


def test_export_dialog_snapshot(snap_compare, data_dir: Path, private_data_home: Path) -> None:
    seed(data_dir)

    async def open_it(pilot) -> None:
        # A fixed day, so the appraisal years and the file name do not change with the calendar.
        await pilot.app.push_screen(ExportDialog(EntryFilter(), 7, 7, name="Sam Jones", role="Team leader",
                                                 today=date(2026, 12, 1)))
        await pilot.pause()
        pilot.app.screen.query_one("#export-path", Input).value = "~/powerdeck-log-2026-12-01.docx"
        await pilot.press("tab", "down")  # the period: this appraisal year
        await pilot.pause()

    assert snap_compare(make_app(data_dir), terminal_size=(80, 24), run_before=open_it)


async def test_period_dialog_takes_uk_dates_and_the_appraisal_year(data_dir: Path, private_data_home: Path) -> None:
    from powerdeck.tui.screens.log.filter_dialogs import PeriodPicker

    seed(data_dir)
    app = make_app(data_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("L", "p")
        assert isinstance(app.screen, PeriodPicker)
        app.screen.query_one("#period-from", Input).value = "05/03/2025"
        app.screen.query_one("#period-to", Input).value = "7/3/2025"
        await pilot.press("tab", "enter")
        log = app.screen
        assert isinstance(log, LogScreen)
        assert (str(log.entry_filter.since), str(log.entry_filter.until)) == ("2025-03-05", "2025-03-07")
        await pilot.press("p")
        app.screen.query_one("#period-from", Input).value = "31/02/2026"
        await pilot.press("tab", "enter")
        assert "February 2026 has no day 31" in str(app.screen.query_one("#period-error", Static).render())
        app.screen.query_one("#period-from", Input).value = ""
        app.screen.query_one("#period-to", Input).value = ""
        await pilot.press("shift+tab", "home", "down", "down", "enter")  # this appraisal year
        since, until = log.entry_filter.since, log.entry_filter.until
        assert since is not None and until is not None
        assert (since.month, since.day, until.month, until.day) == (4, 1, 3, 31)
        assert until.year == since.year + 1
