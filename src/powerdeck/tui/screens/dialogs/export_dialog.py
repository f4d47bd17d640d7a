"""Export the review log from the app: who, the format, the period, and the file to write.

The file is made by the same `export_bytes` and written by the same function as `powerdeck
export` (atomic, mode 0600, never over an existing file unless the user says so, never over the
log), in a thread so the screen never waits on the disk. The name and role are asked here once
and remembered in the log's state for the next export (and for the command line).
"""

from __future__ import annotations

import getpass
import os
import socket
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.widgets import Button, Input, Label, Static

from powerdeck.core.dates import appraisal_year, appraisal_year_of, calendar_year, long_date
from powerdeck.core.entry import Entry, EntryFilter
from powerdeck.core.errors import PowerdeckError
from powerdeck.core.text import plural
from powerdeck.export import (
    NAME_KEY,
    ROLE_KEY,
    ExportOptions,
    default_export_path,
    export_bytes,
)
from powerdeck.store import store_files, write_private_file
from powerdeck.tui.app_services import AppServices, services
from powerdeck.tui.screens.dialogs.confirm_dialog import Choice, ChoiceDialog
from powerdeck.tui.screens.dialogs.dialog import Dialog
from powerdeck.tui.widgets.choice_list import ChoiceList
from powerdeck.tui.widgets.inert_input import InertInput
from powerdeck.workbook.model import Worksheet

if TYPE_CHECKING:
    from powerdeck.tui.app import PowerDeckApp

FORMATS = (
    ("docx", "Word: a review pack for your PDR (.docx)"),
    ("markdown", "Markdown (.md)"),
    ("csv", "CSV: for a spreadsheet (.csv)"),
    ("json", "JSON: the exact copy, to move or back up (.json)"),
    ("ics", "Calendar: your follow-up dates, with reminders (.ics)"),
)
PERIOD_KEY = "export_period"
"""`log.get_state` key: the period chosen last ("appraisal-this", ...), offered first next time,
as the name and role are."""
REMEMBERED_PERIODS = ("all", "appraisal-this", "appraisal-last", "calendar-this")


def period_choices(today: date, total: int, filtered: tuple[int, str] | None) -> list[tuple[str, str]]:
    """The period dialog's lines: everything, this and last appraisal year, the calendar year,
    and the log's own filter when there is one."""
    this = appraisal_year_of(today)
    choices = [("all", f"Everything: {plural(total)}")]
    for key, label, year in (("appraisal-this", "This appraisal year", this),
                             ("appraisal-last", "Last appraisal year", this - 1)):
        period = appraisal_year(year)
        assert period.since is not None and period.until is not None
        choices.append((key, f"{label}: {long_date(period.since)} to {long_date(period.until)}"))
    choices.append(("calendar-this", f"This calendar year: {today.year}"))
    if filtered is not None:
        shown, text = filtered
        choices.append(("filtered", f"As filtered in the log: {plural(shown)} ({text})"))
    return choices


def copy_command(path: Path) -> str:
    """The command that copies `path` from this server to the laptop the person is sitting at."""
    home = Path.home()
    shown = str(path.relative_to(home)) if path.is_relative_to(home) else str(path)
    where = f"{getpass.getuser()}@{socket.gethostname()}"
    return f"scp {where}:{shown} ."


class ExportDialog(Dialog["Path | None"]):
    """Choose who, format, period and file; dismissed with the path written (None if cancelled)."""

    DEFAULT_CSS = """
    ExportDialog ChoiceList {
        width: 1fr;
        background: $panel;
        border-left: blank;
    }
    ExportDialog ChoiceList:focus {
        border: none;
        border-left: tall $accent;
    }
    ExportDialog .field-title {
        text-style: bold;
    }
    ExportDialog Input {
        width: 1fr;
    }
    ExportDialog #export-who Label {
        width: auto;
        padding-right: 1;
    }
    ExportDialog #export-who Input {
        margin-right: 1;
    }
    ExportDialog Horizontal {
        height: auto;
    }
    ExportDialog #export-buttons {
        align-horizontal: right;
    }
    ExportDialog Button {
        margin-left: 2;
    }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="export-cancel", priority=True),
        Binding("ctrl+s", "export", "Export", id="export-run", priority=True),
        Binding("tab", "app.focus_next", "Next", show=False, id="export-next", priority=True),
        Binding("shift+tab", "app.focus_previous", "Previous", show=False, id="export-previous", priority=True),
    ]

    def __init__(self, entry_filter: EntryFilter, shown: int, total: int, filter_text: str = "",
                 *, name: str = "", role: str = "", today: date | None = None,
                 deliver: Callable[[str, bytes], str] | None = None, period: str = "") -> None:
        super().__init__()
        self._deliver = deliver
        """Set in a browser tab: no file to choose, the export goes to the browser's downloads."""
        self._remembered_period = period if period in REMEMBERED_PERIODS else ""
        self._filter = entry_filter
        self._shown = shown
        self._total = total
        self._filter_text = filter_text
        self._person = name
        self._role = role
        self._today = today or date.today()
        self._path_edited = False
        self._default_shown = ""
        self._busy = False

    @property
    def power_app(self) -> AppServices:
        return services(self)

    def compose(self) -> ComposeResult:
        filtered = None if self._filter.is_empty else (self._shown, self._filter_text)
        with Vertical():
            yield Label("Export the review log", classes="dialog-title")
            with Horizontal(id="export-who"):
                yield Label("Name")
                yield InertInput(self._person, placeholder="your name", id="export-name", compact=True)
                yield Label("Role")
                yield InertInput(self._role, placeholder="e.g. Team leader", id="export-role", compact=True)
            yield Label("Format", classes="field-title")
            yield ChoiceList(FORMATS, "docx", id="export-format")
            yield Label("Period", classes="field-title")
            yield ChoiceList(period_choices(self._today, self._total, filtered),
                             "filtered" if filtered else self._remembered_period or "all", id="export-period")
            if self._deliver is None:
                yield Label("File", classes="field-title")
                yield InertInput("", id="export-path", select_on_focus=False, compact=True)
            yield Static("", id="export-message", classes="dialog-error", markup=False)
            with Horizontal(id="export-buttons"):
                yield Button("Export (ctrl+s)", variant="primary", id="export-button", compact=True)
                yield Button("Cancel (escape)", id="cancel-button", compact=True)

    def on_mount(self) -> None:
        if self._deliver is None:
            self._default_shown = str(self.default_path())
            self.query_one("#export-path", Input).value = self._default_shown
        self.set_focus(self.query_one("#export-format", ChoiceList))

    def default_path(self) -> Path:
        """A new file in the home folder whose name says the format and the period."""
        chosen = self.chosen_filter()
        return default_export_path(self.fmt, today=self._today, since=chosen.since, until=chosen.until)

    # -- choices ---------------------------------------------------------------------------

    @property
    def fmt(self) -> str:
        return self.query_one("#export-format", ChoiceList).value

    @property
    def period(self) -> str:
        return self.query_one("#export-period", ChoiceList).value

    @property
    def filtered(self) -> bool:
        return self.period == "filtered"

    def chosen_filter(self) -> EntryFilter:
        """The entries the chosen period stands for."""
        period = self.period
        if period == "filtered":
            return self._filter
        if period == "all":
            return EntryFilter()
        if period == "calendar-this":
            dates = calendar_year(self._today.year)
        else:
            this = appraisal_year_of(self._today)
            dates = appraisal_year(this if period == "appraisal-this" else this - 1)
        return EntryFilter(since=dates.since, until=dates.until)

    @on(ChoiceList.Chosen, "#export-format, #export-period")
    def _format_changed(self) -> None:
        if self._deliver is not None:
            return  # a browser tab: no file to name
        path = self.query_one("#export-path", Input)
        # Only a name we suggested follows the choices: a file typed (or set) is the person's.
        if not self._path_edited and path.value == self._default_shown:
            self._default_shown = path.value = str(self.default_path())

    @on(ChoiceList.Submitted)
    def _choice_submitted(self) -> None:
        self.focus_next()

    @on(Input.Changed, "#export-path")
    def _path_changed(self, event: Input.Changed) -> None:
        if self.focused is event.input:
            self._path_edited = True

    @on(Input.Submitted, "#export-name, #export-role")
    def _who_submitted(self) -> None:
        self.focus_next()

    @on(Input.Submitted, "#export-path")
    def _path_submitted(self) -> None:
        self.action_export()

    @on(Button.Pressed, "#export-button")
    def _export_pressed(self) -> None:
        self.action_export()

    @on(Button.Pressed, "#cancel-button")
    def _cancel_pressed(self) -> None:
        self.action_cancel()

    def action_cancel(self) -> None:
        if not self._busy:
            self.dismiss(None)

    def say(self, text: str) -> None:
        self.query_one("#export-message", Static).update(Content(text))

    # -- export ----------------------------------------------------------------------------

    def action_export(self) -> None:
        if self._busy:
            return
        if self._deliver is not None:
            self._start(None, overwrite=False)
            return
        raw = self.query_one("#export-path", Input).value.strip()
        if not raw:
            self.say(f"Type the file to write, e.g. ~/{self.default_path().name}")
            return
        path = Path(raw).expanduser()
        if not path.is_absolute():
            path = Path.home() / path
        if path.is_dir():
            self.say(f"{path} is a folder: add a file name, e.g. {path / self.default_path().name}")
            return
        if not path.parent.is_dir():
            self.say(f"The folder {path.parent} does not exist.")
            return
        if os.path.lexists(path):

            def answered(answer: str | None) -> None:
                if answer == "yes":
                    self._start(path, overwrite=True)
                else:
                    self.say("Not exported: choose another file name, or export again to replace it.")

            self.app.push_screen(
                ChoiceDialog(
                    "Replace the file?",
                    f"{path} already exists. Replace it with this export?",
                    (Choice("y", "Replace", "yes", "error"), Choice("n", "Keep it", "no")),
                ),
                answered,
            )
            return
        self._start(path, overwrite=False)

    def _remember_who(self, name: str, role: str) -> None:
        def store(log: Any) -> None:
            for key, value in ((NAME_KEY, name), (ROLE_KEY, role)):
                if log.get_state(key) != value:  # a value that did not change is not written
                    log.set_state(key, value)

        if (name, role) != (self._person, self._role):
            self.power_app.store.queue_write(store, by=self)
            self._person, self._role = name, role

    def _remember_period(self, period: str) -> None:
        if period in REMEMBERED_PERIODS and period != self._remembered_period:
            self.power_app.store.queue_write(lambda log: log.set_state(PERIOD_KEY, period), by=self)
            self._remembered_period = period

    def _start(self, path: Path | None, *, overwrite: bool) -> None:
        entry_filter = self.chosen_filter()
        name = self.query_one("#export-name", Input).value.strip()
        role = self.query_one("#export-role", Input).value.strip()
        self._remember_who(name, role)
        self._remember_period(self.period)
        options = ExportOptions(
            fmt=self.fmt, since=entry_filter.since, until=entry_filter.until,
            capabilities=entry_filter.capabilities, card=entry_filter.card, text=entry_filter.text,
            open_only=entry_filter.open_only, name=name, role=role,
        )  # fmt: skip
        # export_bytes keeps the period's workbook (none for entries narrowed another way).
        narrowed = entry_filter.due_on is not None or entry_filter.tag is not None
        entries, worksheets = self.power_app.store.read(lambda log: (
            log.entries(entry_filter), [] if narrowed else list(log.worksheets().values()),
        ))
        log_path = Path(self.power_app.store.log.path)
        self._busy = True
        self.query_one("#export-message", Static).update(Content.styled("Exporting…", "$text-muted"))
        self._write(self.power_app.deck, options, entries, worksheets, path, overwrite, log_path)

    @work(thread=True, exclusive=True, group="export", exit_on_error=False)
    def _write(self, deck: Any, options: ExportOptions, entries: list[Entry], worksheets: list[Worksheet],
               path: Path | None, overwrite: bool, log_path: Path) -> None:
        try:
            data = export_bytes(entries, deck, options, worksheets)
            if path is None:
                assert self._deliver is not None
                sent = self._deliver(default_export_path(options.fmt, home=Path("/nonexistent"), since=options.since,
                                                         until=options.until).name, data)
                self.app.call_from_thread(self._sent, sent, len(entries))
                return
            write_private_file(path, data, overwrite=overwrite, protected=store_files(log_path))
        except PowerdeckError as error:
            self.app.call_from_thread(self._failed, str(error))
        except Exception as error:  # never leave the dialog stuck on "Exporting…"
            self.app.call_from_thread(self._failed, f"cannot write {path or 'the export'}: {error}")
        else:
            self.app.call_from_thread(self._done, path, len(entries))

    def _failed(self, message: str) -> None:
        self._busy = False
        self.say(f"Not exported: {message}")

    def _sent(self, name: str, count: int) -> None:
        self._busy = False
        self.app.notify(f"Exported {plural(count)}: {name} is on its way to your browser's downloads.",
                        title="Exported", timeout=30, markup=False)
        self.dismiss(None)

    def _done(self, path: Path, count: int) -> None:
        from powerdeck.tui.screens.dialogs.exported_dialog import ExportedDialog

        self._busy = False
        app = self.app
        command = copy_command(path) if self.power_app.options.over_ssh else None
        self.dismiss(path)
        app.push_screen(ExportedDialog(count, path, command))


def open_export_dialog(app: PowerDeckApp) -> None:
    """Open the export dialog; from the review log it offers the log's current filter too."""
    from powerdeck.tui.screens.log.log_screen import LogScreen, describe_filter

    if isinstance(app.screen, ExportDialog):
        return
    log_screen = next((s for s in reversed(app.screen_stack) if isinstance(s, LogScreen)), None)
    entry_filter = log_screen.entry_filter if log_screen is not None else EntryFilter()
    total = app.store.read(lambda log: len(log.entries()))
    shown = len(log_screen.shown) if log_screen is not None else total
    name, role, period = app.store.read(
        lambda log: (log.get_state(NAME_KEY), log.get_state(ROLE_KEY), log.get_state(PERIOD_KEY)))
    app.push_screen(ExportDialog(
        entry_filter, shown, total, " · ".join(describe_filter(entry_filter)),
        name=name if isinstance(name, str) else "", role=role if isinstance(role, str) else "",
        deliver=app.export_delivery(),
        period=period if isinstance(period, str) else "",
    ))  # fmt: skip
