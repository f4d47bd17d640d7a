"""Typed text on every way out of the app: ctrl+q (asking where to put text the log refuses),
SIGTERM and SIGHUP (launch.py installs the handlers), and a fault in powerdeck itself.

A part of PowerDeckApp (an App class it inherits from). Every screen that holds typed text says
so through one protocol (text_holders.py); what its screen could not write is kept in `refused`."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from rich.text import Text
from textual.app import App

from powerdeck.core.errors import PowerdeckError
from powerdeck.core.text import visible_line
from powerdeck.store import UnsavedText, report_fault, write_rescue
from powerdeck.tui.private_api import gone, private
from powerdeck.tui.problem_notice import problem_line
from powerdeck.tui.text_holders import RefusedText, UnsavedTextHolder, all_unsaved, rescue_line, write_all_and_wait

if TYPE_CHECKING:
    from powerdeck.store import LogWorker
    from powerdeck.tui.screens.dialogs.quit_dialog import QuitDialog


class KeptOnExit(App[None]):
    """Every way out writes the typed text first, or says where it went."""

    if TYPE_CHECKING:  # what PowerDeckApp gives its parts
        store: LogWorker
        refused: RefusedText

    def __init__(self) -> None:
        super().__init__()
        self._asking_to_quit = False
        self.rescue_path: Path | None = None
        """The rescue file a signal or a fault wrote the unsaved text to (None: none written)."""

    def text_holders(self) -> list[UnsavedTextHolder]:
        """Every screen on the stack that holds typed text, then the text whose screen is gone."""
        holders: list[UnsavedTextHolder] = [s for s in self.screen_stack if isinstance(s, UnsavedTextHolder)]
        return [*holders, self.refused]

    def write_unsaved_and_wait(self) -> PowerdeckError | None:
        """Every holder writes its text, on this thread, and waits until it is on disk (quitting,
        a hang-up, a signal, a fault). Returns why some could not be written (its text is then
        in `unsaved_text()`)."""
        return write_all_and_wait(self.text_holders())

    def unsaved_text(self) -> UnsavedText:
        """Text held only in memory: its writes were refused (or have not landed)."""
        return all_unsaved(self.text_holders())

    def save_unsaved_to(self, folder: str) -> Path:
        """Write the unsaved text as a private file in `folder` (the quit dialog's "save elsewhere")."""
        return write_rescue(folder, self.unsaved_text())

    def keep_text_for_exit(self) -> str | None:
        """No one to ask (a signal, a fault): write every holder's text; what the log refuses goes
        to a rescue file in the home folder. None when it is all on disk, else the line to show."""
        if self.write_unsaved_and_wait() is None:
            return None
        unsaved = self.unsaved_text()
        if not unsaved:
            return None
        self.rescue_path, line = rescue_line(unsaved)
        return line

    async def _settle_typing(self) -> None:
        # Letters sent just before ctrl+q (or a signal) may still be queued for a field: let them land first.
        screen = self.screen
        if isinstance(screen, UnsavedTextHolder):
            await screen.settle_typing()

    async def action_quit(self) -> None:
        from powerdeck.tui.screens.dialogs.quit_dialog import QuitDialog

        if isinstance(self.screen, QuitDialog):
            return  # the dialog asks; a second ctrl+q must not drop the text it is about
        await self._settle_typing()
        problem = self.write_unsaved_and_wait()
        if problem is None and not self.unsaved_text():
            self.exit()
            return
        # Never "quit, text dropped" in silence: say why and let the user put it somewhere.
        reason = problem_line(problem) if problem is not None else "a write did not finish."
        # The dialog says why; toasts of the same refusal would cover half of it at 80x24.
        self.clear_notifications()
        self._asking_to_quit = True
        dialog = self.quit_dialog(reason)
        self.push_screen(dialog, callback=lambda answer: self._quit_answer(dialog, answer))

    def quit_dialog(self, reason: str) -> QuitDialog:
        """The dialog that offers to save unsaved text elsewhere (a served session narrows it)."""
        from powerdeck.tui.screens.dialogs.quit_dialog import QuitDialog

        return QuitDialog(reason, self.save_unsaved_to)

    def _quit_answer(self, dialog: QuitDialog, answer: str | None) -> None:
        self._asking_to_quit = False
        if answer == "saved":
            # A toast would leave with the screen: the line is said on the terminal after it.
            self.exit(message=Text(f"powerdeck: {dialog.saved_line}") if dialog.saved_line else None)
        elif answer == "quit":
            self.exit()

    # -- signals (launch.py installs the handlers) ------------------------------------------

    def quit_on_signal(self, signum: int) -> None:
        """SIGTERM (kill, logind, a reboot): keep the text as ctrl+q does, then exit 128+signum.

        Called from a signal handler on the event loop's thread: only schedules the work, so the
        keys already read land in their field first, and Textual restores the terminal as it stops."""
        loop = private(self, "_loop")  # private (docs/architecture.md): quit_signals.py falls back
        if loop is None:
            raise RuntimeError("the app is not running")
        loop.call_soon_threadsafe(self.call_later, self._quit_for_signal, signum)

    async def _quit_for_signal(self, signum: int) -> None:
        await self._settle_typing()
        line = self.keep_text_for_exit()
        message = Text(visible_line(f"powerdeck: {line}")) if line else None
        self.exit(return_code=128 + signum, message=message)


    def _fatal_error(self) -> None:
        # Private Textual hook: App._handle_exception calls it for an exception nobody expected,
        # and Textual's own version prints a traceback with local variables. See crash_report.py;
        # tests/test_private_textual_api.py fails if Textual stops calling it or moves what it uses.
        error: BaseException | None = private(self, "_exception")
        if error is None or gone("_fatal_error"):
            super()._fatal_error()
            return
        line = report_fault(self.store.log.path.parent, error, self.keep_text_for_exit)
        self.bell()
        renderables = private(self, "_exit_renderables")
        close_now = private(self, "_close_messages_no_wait")
        if isinstance(renderables, list) and callable(close_now):
            renderables.append(Text(line))  # as Textual's own _fatal_error does, minus the locals
            close_now()
        else:  # a Textual that moved them: the public way out, a little later
            self.exit(return_code=1, message=Text(line))

