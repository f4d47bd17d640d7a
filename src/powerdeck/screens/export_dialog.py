"""Export the review log from the app: format, which entries, and the file to write.

The file is written by the same function as `powerdeck export` (atomic, mode 0600, never over
an existing file unless the user says so), in a thread so the screen never waits on the disk.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, RadioButton, RadioSet, Static

from powerdeck.cli_transfer import render, write_private_file
from powerdeck.entry import Entry, EntryFilter
from powerdeck.errors import PowerdeckError
from powerdeck.export import default_export_path
from powerdeck.screens.confirm_dialog import Choice, ChoiceDialog
from powerdeck.screens.dialog_style import dialog_css, plain_list_css

if TYPE_CHECKING:
    from powerdeck.app import PowerDeckApp

FORMATS = (
    ("markdown", "Markdown: a review log book for your PDR (.md)"),
    ("csv", "CSV: for a spreadsheet (.csv)"),
    ("json", "JSON: the exact copy, to move or back up (.json)"),
)


def plural(count: int) -> str:
    return f"{count:,} {'entry' if count == 1 else 'entries'}"


def export_entries(deck: object, fmt: str, entries: list[Entry], entry_filter: EntryFilter,
                   path: Path, *, overwrite: bool) -> int:
    """Render and write one export file; raises PowerdeckError with a one-line message."""
    text = render(fmt, entries, deck, entry_filter)
    # utf-8-sig for CSV, as the command line writes it: Excel needs the mark to read UTF-8.
    encoding = "utf-8-sig" if fmt == "csv" else "utf-8"
    write_private_file(path, text.encode(encoding), overwrite=overwrite)
    return len(entries)


class ExportDialog(ModalScreen["Path | None"]):
    """Choose format, scope and file; dismissed with the path written (None if cancelled)."""

    DEFAULT_CSS = dialog_css("ExportDialog") + plain_list_css("ExportDialog", "RadioSet") + """
    ExportDialog RadioSet {
        width: 1fr;
        background: $panel;
    }
    ExportDialog .field-title {
        text-style: bold;
    }
    ExportDialog #export-path {
        width: 1fr;
    }
    ExportDialog Horizontal {
        height: auto;
        align-horizontal: right;
    }
    ExportDialog Button {
        margin-left: 2;
    }
    """

    BINDINGS = [
        Binding("escape", "cancel", "Cancel", id="export-cancel", priority=True),
        Binding("ctrl+s", "export", "Export", id="export-run", priority=True),
        Binding("tab", "app.focus_next", "Next", show=False, id="export-next", priority=True),
        Binding("shift+tab", "app.focus_previous", "Previous", show=False, id="export-previous", priority=True),
    ]

    def __init__(self, entry_filter: EntryFilter, shown: int, total: int, filter_text: str = "") -> None:
        super().__init__()
        self._filter = entry_filter
        self._shown = shown
        self._total = total
        self._filter_text = filter_text
        self._path_edited = False
        self._busy = False

    @property
    def power_app(self) -> PowerDeckApp:
        return self.app  # type: ignore[return-value]

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label("Export the review log", classes="dialog-title")
            yield Label("Format", classes="field-title")
            with RadioSet(id="export-format"):
                for n, (fmt, label) in enumerate(FORMATS):
                    yield RadioButton(label, value=n == 0, id=f"format-{fmt}")
            if not self._filter.is_empty:
                yield Label("Entries", classes="field-title")
                with RadioSet(id="export-scope"):
                    yield RadioButton(f"Everything: {plural(self._total)}", value=False, id="scope-all")
                    yield RadioButton(
                        Content(f"As filtered in the log: {plural(self._shown)} ({self._filter_text})"),
                        value=True,
                        id="scope-filtered",
                    )
            yield Label("File", classes="field-title")
            yield Input(str(default_export_path("markdown")), id="export-path", select_on_focus=False)
            yield Static("", id="export-message", classes="dialog-error", markup=False)
            with Horizontal():
                yield Button("Export (ctrl+s)", variant="primary", id="export-button")
                yield Button("Cancel (escape)", id="cancel-button")

    def on_mount(self) -> None:
        for radio_set in self.query(RadioSet):
            # Start the arrow keys from the button that is on (Textual starts from none).
            radio_set._selected = radio_set.pressed_index
        self.set_focus(self.query_one("#export-format", RadioSet))

    # -- choices ---------------------------------------------------------------------------

    @property
    def fmt(self) -> str:
        pressed = self.query_one("#export-format", RadioSet).pressed_button
        return (pressed.id or "format-markdown").removeprefix("format-") if pressed else "markdown"

    @property
    def filtered(self) -> bool:
        if self._filter.is_empty:
            return False
        pressed = self.query_one("#export-scope", RadioSet).pressed_button
        return pressed is not None and pressed.id == "scope-filtered"

    @on(RadioSet.Changed, "#export-format")
    def _format_changed(self) -> None:
        if not self._path_edited:
            path_input = self.query_one("#export-path", Input)
            path_input.value = str(default_export_path(self.fmt))
            self._path_edited = False

    @on(Input.Changed, "#export-path")
    def _path_changed(self, event: Input.Changed) -> None:
        if self.focused is event.input:
            self._path_edited = True

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
        raw = self.query_one("#export-path", Input).value.strip()
        if not raw:
            self.say("Type the file to write, e.g. ~/powerdeck-log.md")
            return
        path = Path(raw).expanduser()
        if not path.is_absolute():
            path = Path.home() / path
        if path.is_dir():
            self.say(f"{path} is a folder: add a file name, e.g. {path / default_export_path(self.fmt).name}")
            return
        if not path.parent.is_dir():
            self.say(f"The folder {path.parent} does not exist.")
            return
        if path.exists() or path.is_symlink():

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

    def _start(self, path: Path, *, overwrite: bool) -> None:
        entry_filter = self._filter if self.filtered else EntryFilter()
        entries = self.power_app.store.read(lambda log: log.entries(entry_filter))
        self._busy = True
        self.say("")
        self.query_one("#export-message", Static).update(Content.styled("Exporting…", "$text-muted"))
        self._write(self.power_app.deck, self.fmt, entries, entry_filter, path, overwrite)

    @work(thread=True, exclusive=True, group="export", exit_on_error=False)
    def _write(self, deck: object, fmt: str, entries: list[Entry], entry_filter: EntryFilter,
               path: Path, overwrite: bool) -> None:
        try:
            count = export_entries(deck, fmt, entries, entry_filter, path, overwrite=overwrite)
        except PowerdeckError as error:
            self.app.call_from_thread(self._failed, str(error))
        except Exception as error:  # never leave the dialog stuck on "Exporting…"
            self.app.call_from_thread(self._failed, f"cannot write {path}: {error}")
        else:
            self.app.call_from_thread(self._done, path, count)

    def _failed(self, message: str) -> None:
        self._busy = False
        self.say(f"Not exported: {message}")

    def _done(self, path: Path, count: int) -> None:
        self._busy = False
        self.app.notify(f"Exported {plural(count)} to {path}", title="Exported", timeout=12, markup=False)
        self.dismiss(path)


def open_export_dialog(app: PowerDeckApp) -> None:
    """Open the export dialog; from the review log it offers the log's current filter too."""
    from powerdeck.screens.log_screen import LogScreen, describe_filter

    if isinstance(app.screen, ExportDialog):
        return
    log_screen = next((s for s in reversed(app.screen_stack) if isinstance(s, LogScreen)), None)
    entry_filter = log_screen.entry_filter if log_screen is not None else EntryFilter()
    total = app.store.read(lambda log: len(log.entries()))
    shown = len(log_screen.shown) if log_screen is not None else total
    app.push_screen(ExportDialog(entry_filter, shown, total, " · ".join(describe_filter(entry_filter))))
