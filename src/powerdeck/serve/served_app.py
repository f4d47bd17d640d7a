"""The app as a served session runs it: the same app, minus whatever touches the server's files.

Textual's palette offers "Screenshot" (an SVG in the server's Downloads folder); `open_url` may
start a browser on the server; `deliver_*` save files there; the export dialog writes a file on
the server; ctrl+z would stop a process nobody can resume. In a served session each of these is
either hidden or answered with a one-line note, and exporting is done from the person's own
computer with `ssh ... export`.

In a browser tab (`powerdeck web`) the export dialog is back, without its file field: the export
is written into the tab's own download folder on the server (`downloads`, made by the web
server), which hands it to that tab's browser as a one-time download and deletes it.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from pathlib import Path, PurePath
from typing import TYPE_CHECKING, Any, ClassVar

from textual.app import SystemCommand
from textual.screen import Screen

import powerdeck.tui.app
from powerdeck.core.errors import PowerdeckError
from powerdeck.serve.start_gate import say_painted
from powerdeck.store import write_private
from powerdeck.tui.app import PowerDeckApp

if TYPE_CHECKING:
    from powerdeck.tui.screens.dialogs.quit_dialog import QuitDialog

SERVER_ONLY = frozenset({"Screenshot"})
EXPORT_HINT = (
    "Export from your own computer: ssh -T -p PORT HOST export --format docx > review.docx "
    "(or markdown, csv, json)"
)


OWN_FOLDER_ONLY = ("on this server your text can be saved only in your own folder: type a folder name "
                   "such as rescued, or leave the field empty")


def inside_home(folder: str, home: Path) -> Path:
    """The folder a person typed, as a folder inside `home` (their own folder on the server), or
    a one-line refusal that says nothing about what exists outside it."""
    text = folder.strip()
    if text in ("", "~", "~/"):
        return home
    if text.startswith("~/"):
        text = text[2:]
    elif text.startswith("~"):
        raise PowerdeckError(OWN_FOLDER_ONLY)  # ~other: someone else's home
    wanted = Path(text) if os.path.isabs(text) else home / text
    try:
        real_home = os.path.realpath(home)
        real = os.path.realpath(wanted)
    except (ValueError, OSError):  # a NUL byte, a loop of links
        raise PowerdeckError(OWN_FOLDER_ONLY) from None
    if real != real_home and not real.startswith(real_home + os.sep):
        raise PowerdeckError(OWN_FOLDER_ONLY)
    return Path(real)


def hide_home(text: str, home: Path) -> str:
    """`text` with the person's folder written as ~ (the server's paths are not theirs to know)."""
    for form in {str(home), os.path.realpath(home)}:
        text = text.replace(form, "~")
    return text


class ServedApp(PowerDeckApp):
    """One person's app in a served session."""

    # Textual finds a relative CSS_PATH beside the subclass: point at the app's own files.
    CSS_PATH: ClassVar[list[str | PurePath]] = [
        Path(powerdeck.tui.app.__file__).parent / str(name) for name in PowerDeckApp.CSS_PATH or ()
    ]
    painted_fd: int | None = None
    """Where to say the first frame is out (start_gate.py), once."""
    downloads: Path | None = None
    """A browser tab's download folder (web/terminal.py); None over SSH."""

    def collect_after_first_paint(self) -> None:
        fd, self.painted_fd = self.painted_fd, None
        if fd is not None:
            say_painted(fd)
        super().collect_after_first_paint()

    def get_system_commands(self, screen: Screen[Any]) -> Iterable[SystemCommand]:
        for command in super().get_system_commands(screen):
            if command.title not in SERVER_ONLY:
                yield command

    def action_export_log(self) -> None:
        if self.downloads is not None:
            super().action_export_log()
        else:
            self.notify(EXPORT_HINT, title="Export", timeout=15, markup=False)

    def export_delivery(self) -> Callable[[str, bytes], str] | None:
        return self._to_browser if self.downloads is not None else None

    def _to_browser(self, name: str, data: bytes) -> str:
        """Put an export where the web server picks it up for this tab's browser (a new file, 0600,
        written whole under a hidden name and then linked into place: never seen half written)."""
        folder = self.downloads
        assert folder is not None
        stem, dot, suffix = name.rpartition(".")
        for number in range(1, 100):
            path = folder / (name if number == 1 else f"{stem}-{number}{dot}{suffix}")
            try:
                write_private(path, data, replace=False)
            except FileExistsError:
                continue
            return path.name
        raise FileExistsError(name)

    def action_screenshot(self, filename: str | None = None, path: str | None = None) -> None:
        return None

    def deliver_screenshot(self, *args: Any, **kwargs: Any) -> str | None:
        return None

    def save_screenshot(self, *args: Any, **kwargs: Any) -> str:
        raise PermissionError("screenshots are not saved on a served deck")

    def deliver_text(self, *args: Any, **kwargs: Any) -> str | None:
        self.action_export_log()
        return None

    def deliver_binary(self, *args: Any, **kwargs: Any) -> str | None:
        self.action_export_log()
        return None

    def open_url(self, url: str, *, new_tab: bool = True) -> None:
        self.notify("Links open on your own computer: copy it from the screen.", markup=False)

    def action_suspend_process(self) -> None:
        return None

    def notify(self, message: Any, *args: Any, **kwargs: Any) -> None:
        """Every note names the person's folder as ~, never by its place on the server."""
        if isinstance(message, str):
            message = hide_home(message, Path.home())
        super().notify(message, *args, **kwargs)

    def save_unsaved_to(self, folder: str) -> Path:
        """The quit dialog's "save elsewhere", inside the person's own folder only; what it says
        names no server path."""
        home = Path.home()
        target = inside_home(folder, home)
        try:
            path = super().save_unsaved_to(str(target))
        except PowerdeckError as error:
            raise PowerdeckError(hide_home(str(error), home)) from None
        return Path(hide_home(str(path), home))

    def quit_dialog(self, reason: str) -> QuitDialog:
        from powerdeck.tui.screens.dialogs.quit_dialog import QuitDialog

        return QuitDialog(hide_home(reason, Path.home()), self.save_unsaved_to, default_folder="~")
