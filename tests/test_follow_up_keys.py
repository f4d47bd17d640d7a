"""The follow-up, tags, hours and private in the app at 80x24, driven by keys: the editor's
details saved (and refused in one line), kept in a draft; on start the one line of what is due
and D to go to it; the log's f (due), t (tag) and m (private); the overview's line; the export
dialog's calendar and the period it remembers."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

from textual.widgets import Input, OptionList

from disk_helpers import drafts_on_disk
from log_helpers import entries_by_id, log_screen, open_log
from powerdeck.core.dates import uk_date
from powerdeck.store.log import Log
from powerdeck.tui.screens.dialogs.export_dialog import ExportDialog
from powerdeck.tui.screens.log.log_screen import LogScreen
from powerdeck.tui.screens.log.overview_screen import OverviewScreen
from powerdeck.tui.screens.log.tag_picker import TagPicker
from ui_helpers import deck_screen, field, make_app, settle, status, type_text

SIZE = (80, 24)
TODAY = date.today()


def seed_follow_ups(data_dir: Path) -> dict[str, str]:
    """Three open entries: one overdue, one due today, one later; and a closed one."""
    with Log.open(data_dir) as log:
        overdue = log.add("9.2", "Counted what matters", extras={"follow_up": (TODAY - timedelta(days=3)).isoformat()})
        today = log.add("4.2", "Met the PCN lead", extras={"follow_up": TODAY.isoformat(), "tags": ("Compassion",)})
        later = log.add("6.1", "Summer visit", extras={"follow_up": (TODAY + timedelta(days=40)).isoformat()})
        done = log.add("1.1", "Walked", "Saw", "Ask first", extras={"tags": ("Respect",)})
    return {"overdue": overdue.id, "today": today.id, "later": later.id, "done": done.id}


def detail(app, name: str) -> Input:
    return deck_screen(app).editor.detail_field(name)


async def test_the_details_are_saved_with_the_entry(data_dir: Path) -> None:
    app = make_app(data_dir)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("4", "right", "e")
        await type_text(pilot, "Met the PCN lead")
        await pilot.press("tab", "tab", "tab")
        assert app.screen.focused is detail(app, "follow_up")
        await type_text(pilot, "+3w")
        await pilot.press("tab")
        await type_text(pilot, "Compassion, CPD")
        await pilot.press("tab")
        await type_text(pilot, "1,5")
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        [stored] = entries_by_id(data_dir).values()
        assert stored["follow_up"] == (TODAY + timedelta(weeks=3)).isoformat()
        assert stored["tags"] == ["Compassion", "CPD"] and stored["hours"] == 1.5
        # "+3w" is shown as the date it was saved as, and nothing is left unsaved.
        assert detail(app, "follow_up").value == uk_date(TODAY + timedelta(weeks=3))
        assert not deck_screen(app).editor.is_dirty


async def test_a_follow_up_that_is_not_a_date_is_refused_in_one_line(data_dir: Path) -> None:
    app = make_app(data_dir)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("e")
        await type_text(pilot, "An action")
        await pilot.press("tab", "tab", "tab")
        await type_text(pilot, "31/2/2027")
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert "Not saved" in status(app) and "February 2027 has no day 31" in status(app)
        assert entries_by_id(data_dir) == {}
        assert field(app, "action").text == "An action"  # the text stays to be mended


async def test_details_typed_are_kept_in_the_draft(data_dir: Path) -> None:
    app = make_app(data_dir)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("4", "right", "e")
        await type_text(pilot, "half a thought")
        await pilot.press("tab", "tab", "tab")
        await type_text(pilot, "+2m")
        await pilot.press("escape", "right")
        await settle(app, pilot)
        assert drafts_on_disk(data_dir)["4.2"]["follow_up"] == "+2m"
        await pilot.press("left")
        assert detail(app, "follow_up").value == "+2m"


async def test_on_start_one_line_says_what_is_due_and_d_goes_to_it(data_dir: Path) -> None:
    ids = seed_follow_ups(data_dir)
    app = make_app(data_dir)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        line = status(app)
        assert line.startswith("D: 2 actions are due for an outcome: 9.2 (overdue since ")
        assert not any(screen.__class__.__name__.endswith("Dialog") for screen in app.screen_stack)
        await pilot.press("D")
        await settle(app, pilot)
        screen = log_screen(app)
        assert screen.entry_filter.due_on == TODAY
        assert [entry.id for entry in screen.shown] == sorted([ids["overdue"], ids["today"]],
                                                                key=[e.id for e in screen.shown].index)
        assert screen.in_entry and screen.entry_pane.editing is not None
        assert screen.entry_pane.editing.id == ids["overdue"]  # the first named: the oldest date


async def test_the_overview_says_what_is_due(data_dir: Path) -> None:
    seed_follow_ups(data_dir)
    app = make_app(data_dir)
    async with app.run_test(size=SIZE) as pilot:
        await open_log(app, pilot)
        await pilot.press("v")
        await pilot.pause()
        assert isinstance(app.screen, OverviewScreen)
        chart = str(app.screen.query_one("#overview-chart").render())
        assert chart.splitlines()[0].startswith("2 actions are due for an outcome: 9.2 (overdue since")
        await pilot.press("D")
        await settle(app, pilot)
        assert isinstance(app.screen, LogScreen) and app.screen.in_entry


async def test_the_log_filters_by_due_and_tag_and_marks_private(data_dir: Path) -> None:
    ids = seed_follow_ups(data_dir)
    app = make_app(data_dir)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_log(app, pilot)
        await pilot.press("f")
        assert {entry.id for entry in screen.shown} == {ids["overdue"], ids["today"]}
        await pilot.press("f")
        assert len(screen.shown) == 4
        await pilot.press("t")
        await pilot.pause()
        assert isinstance(app.screen, TagPicker)
        options = app.screen.query_one(OptionList)
        prompts = [str(options.get_option_at_index(i).prompt).split()[0] for i in range(options.option_count)]
        assert prompts == ["Any", "Compassion", "Respect"]
        await pilot.press("down", "enter")
        await pilot.pause()
        assert [entry.id for entry in screen.shown] == [ids["today"]]
        await pilot.press("x")
        # m on the entry under the cursor: private, shown in words, and m again shares it.
        current = screen.entry_list.current
        assert current is not None
        await pilot.press("m")
        await settle(app, pilot)
        assert entries_by_id(data_dir)[current.id]["private"] is True
        assert "private" in status_line(app)
        row = "".join(segment.text for segment in screen.entry_list.render_line(screen.entry_list.cursor))
        assert "private · " in row
        await pilot.press("m")
        await settle(app, pilot)
        assert "private" not in entries_by_id(data_dir)[current.id]


def status_line(app) -> str:
    return str(app.screen.query_one("#log-status").render())


async def test_export_dialog_writes_the_calendar_and_remembers_the_period(data_dir: Path, tmp_path: Path,
                                                                          monkeypatch) -> None:
    seed_follow_ups(data_dir)
    monkeypatch.setenv("HOME", str(tmp_path))
    app = make_app(data_dir)
    async with app.run_test(size=SIZE) as pilot:
        await open_log(app, pilot)
        await pilot.press("w")
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, ExportDialog)
        await pilot.press("down", "down", "down", "down", "enter")  # Calendar; enter goes on to Period
        assert dialog.fmt == "ics"
        await pilot.press("down", "enter")  # This appraisal year
        assert dialog.period == "appraisal-this"
        path = Path(dialog.query_one("#export-path", Input).value)
        assert path.name.startswith("powerdeck-follow-ups-") and path.suffix == ".ics"
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert path.read_bytes().count(b"BEGIN:VEVENT") >= 2
        assert "appraisal-this" in (data_dir / "state.json").read_text()  # the period is remembered ...
        await pilot.press("enter")  # closes what the export wrote (the file's path, whole)
        await pilot.press("w")
        await pilot.pause()
        again = app.screen
        assert isinstance(again, ExportDialog) and again.period == "appraisal-this"  # ... and offered first
        name = Path(again.query_one("#export-path", Input).value).name
        start = TODAY.year if TODAY.month >= 4 else TODAY.year - 1
        assert name == f"review-{start}-{(start + 1) % 100:02d}.docx"


async def test_the_organisations_tags_are_offered_first(data_dir: Path) -> None:
    seed_follow_ups(data_dir)  # the log's own tags: Compassion, Respect
    (data_dir / "tags.txt").write_text("# our values\nWorking together\ncompassion\n")
    app = make_app(data_dir)
    async with app.run_test(size=SIZE) as pilot:
        await open_log(app, pilot)
        await pilot.press("t")
        await pilot.pause()
        options = app.screen.query_one(OptionList)
        prompts = [" ".join(str(options.get_option_at_index(i).prompt).split()[:-1] or ["Any"])
                   for i in range(options.option_count)]
        assert prompts == ["Any", "Working together", "compassion", "Respect"]


def test_tags_txt_is_checked_line_by_line(tmp_path: Path) -> None:
    import pytest

    from powerdeck.core.errors import PowerdeckError
    from powerdeck.store.org_files import organisation_tags, shared_folders

    (tmp_path / "tags.txt").write_text("Compassion\n\nBad, with a comma\n")
    with pytest.raises(PowerdeckError, match=r"tags\.txt, line 3"):
        organisation_tags((), [tmp_path])
    # On a team server the administrator's state folder comes first, then the person's folder.
    person = tmp_path / "state" / "people" / "sam"
    person.mkdir(parents=True)
    (tmp_path / "state" / "tags.txt").write_text("Our value\n")
    (person / "tags.txt").write_text("Mine\n")
    assert shared_folders(person) == [tmp_path / "state", person]
    assert organisation_tags(("Deck tag",), shared_folders(person)) == ("Deck tag", "Our value", "Mine")
