"""The App: global keys, theme, the command palette, and the screens' shared access to the log."""

from __future__ import annotations

import asyncio
import gc
from collections.abc import Callable, Coroutine, Iterable
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual import events, on
from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.geometry import Size
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Input

from powerdeck.core.errors import PowerdeckError
from powerdeck.core.text import visible, visible_line
from powerdeck.deck.model import Deck, Section
from powerdeck.store import (
    FirstFrame,
    Log,
    LogDamagedError,
    LogWorker,
    SummaryKeeper,
    UnsavedText,
    report_fault,
    take_notices,
    write_rescue,
)
from powerdeck.tui.commands import DeckCommands
from powerdeck.tui.first_paint import FirstPaintHold
from powerdeck.tui.log_watch import LogWatcher
from powerdeck.tui.options import AppOptions
from powerdeck.tui.private_api import gone, private
from powerdeck.tui.problem_notice import ProblemNotice
from powerdeck.tui.readable import ReadableText
from powerdeck.tui.screens.deck.deck_screen import DeckScreen
from powerdeck.tui.screens.dialogs.min_size import MIN_HEIGHT, MIN_WIDTH
from powerdeck.tui.styles_cache_fix import keep_no_widget_caches
from powerdeck.tui.text_holders import RefusedText, UnsavedTextHolder, all_unsaved, rescue_line, write_all_and_wait
from powerdeck.tui.typed_runs import insert_typed_run

if TYPE_CHECKING:
    from powerdeck.tui.screens.dialogs.quit_dialog import QuitDialog
    from powerdeck.tui.screens.dialogs.too_small import TooSmallScreen

DEFAULT_THEME = "textual-dark"
INPUT_EVENTS = (events.Key, events.MouseEvent, events.Paste)
"""What `hold_input_until` holds back."""


@dataclass
class StoreDone(Message):
    """A queued write finished; run its callback on the UI thread."""

    callback: Callable[[Any], None]
    value: Any


class PowerDeckApp(FirstPaintHold):
    """The power shifting cards beside a private review log book."""

    CSS_PATH = ["app.tcss", "log_screen.tcss"]
    TITLE = "powerdeck"
    COMMANDS = App.COMMANDS | {DeckCommands}
    ENABLE_COMMAND_PALETTE = True
    BINDINGS = [
        Binding("ctrl+q", "quit", "Quit", id="quit", priority=True, tooltip="Quit (drafts are kept)"),
        Binding("f1", "help", "Help", id="help", key_display="f1/?",
                tooltip="Keys, how to use the cards, about the deck"),
        Binding("question_mark", "help", "Help", id="help-question", show=False),
        # f7 selects all of a text box as it does in a writing field (TextArea's own key); an
        # Input has no such key of its own, so it reaches here.
        Binding("f7", "select_all_field", "Select all", id="select-all", show=False),
    ]

    def __init__(self, deck: Deck, log: Log, options: AppOptions | None = None,
                 first_frame: FirstFrame | None = None) -> None:
        super().__init__()
        self.deck = shown_deck(deck)
        self.options = options or AppOptions()
        self._first_frame = first_frame
        self._log_read_started = False
        keeper = SummaryKeeper(log.path, first_frame.summary.signature if first_frame else None)
        self.store = LogWorker(log, self._deliver_store_result, report=self.report_error, summary=keeper)
        self.log_watcher = LogWatcher(self, self.store, deferred=first_frame is not None)
        """The one signal of every change to the log, this process's (the store announces each
        write) and another session's (the watcher looks); screens follow `changed` (log_watch.py)."""
        self.store.on_change = self.log_watcher.announce
        self.animation_level = self.options.animation
        self._too_small: TooSmallScreen | None = None
        self._input_holds: set[asyncio.Task[None]] = set()
        self._handed_back = 0
        """Keys held under the too-small message, posted again and not yet read: keys the terminal
        sends meanwhile wait behind them."""
        self.readable = ReadableText(self.console.color_system, enabled=not self.no_color)
        """Keeps text readable in every theme and colour system (readable.py)."""
        keep_no_widget_caches()  # widgets taken down are let go (styles_cache_fix.py)
        filters = private(self, "_filters")  # private (docs/architecture.md): without it, the theme's colours
        if isinstance(filters, list):
            filters.append(self.readable)
        self._theme_warning = ""
        self.refused = RefusedText(self.store)
        """Typed text whose write was refused after its screen had gone: offered by the quit
        dialog with the screens' own, and tried again on quit (text_holders.py)."""
        self.problems = ProblemNotice(self)
        """Why writes are refused, said once and kept in view until one lands (problem_notice.py)."""
        self._asking_to_quit = False
        self.rescue_path: Path | None = None
        """The rescue file a signal or a fault wrote the unsaved text to (None: none written)."""
        # The theme is set before the first frame: changing it after mount restyles and redraws
        # the whole screen, a second full frame over the link.
        remembered = (first_frame.get_state("theme") if first_frame is not None
                      else self.store.read(lambda log: log.get_state("theme")))
        theme = self.options.theme or remembered or DEFAULT_THEME
        self._apply_theme(theme, remember=bool(self.options.theme))

    def _deliver_store_result(self, callback: Callable[[Any], None], value: Any) -> None:
        """Hand a finished write's result to the UI thread without waiting (post_message is thread-safe)."""
        self.post_message(StoreDone(callback, value))

    def deliver_from_thread(self, callback: Callable[[Any], None], value: Any) -> None:
        """`callback(value)` on the UI thread, from any thread; nothing if the app has stopped."""
        try:
            self._deliver_store_result(callback, value)
        except RuntimeError:
            pass

    @on(StoreDone)
    def _store_done(self, message: StoreDone) -> None:
        message.callback(message.value)

    def on_mount(self) -> None:
        if self.is_headless and not self.readable.chosen:
            # No terminal (tests, screenshots): the picture is truecolor, whatever TERM says.
            self.readable.set_color_system("truecolor", chosen=False)
        if self._theme_warning:
            self.notify(self._theme_warning, severity="warning", markup=False)
        for line in take_notices():  # a hang-up's rescue file, named once (launch.py)
            self.notify(visible_line(line), title="Unsaved text", severity="warning", timeout=60, markup=False)
        self.push_screen(DeckScreen())
        self.call_after_refresh(self._check_size)
        self.log_watcher.start()

    def collect_after_first_paint(self) -> None:
        super().collect_after_first_paint()
        self.read_whole_log()

    @property
    def first_frame(self) -> FirstFrame | None:
        """What the first frame shows instead of reading the log (its summary, log_summary.py),
        until the log is read in on the writer's thread after that frame; then None. None from the
        moment the writer has read it, not only once its callback has run: a screen opened in
        between (the review log, waiting on the writer) keeps a draft that the summary lacks."""
        return None if self.store.read_in else self._first_frame

    def read_whole_log(self) -> None:
        """Once the first frame is out: read the log on the writer's thread (a start drawn from
        the summary; otherwise it is read already, and the summary is written if it was stale)."""
        if self._log_read_started:
            return
        self._log_read_started = True
        self.store.load(self._log_read_in, self._log_unreadable)

    def _log_read_in(self, version: int) -> None:
        if self._first_frame is None:
            return
        self._first_frame = None
        # What start-up and the log made lives as long as the app: kept out of every collection.
        gc.freeze()
        self.log_watcher.log_read_in(version)

    def _log_unreadable(self, error: PowerdeckError) -> None:
        # The log was replaced by a damaged one between the summary's check and its reading (the
        # summary vouched for the file it describes): said in one line, as a start would say it.
        self.exit(return_code=2, message=Text(visible_line(f"powerdeck: {error}")))

    def _apply_theme(self, name: str, *, remember: bool) -> None:
        if name not in self.available_themes:
            self._theme_warning = f'No theme called "{name}"; using {DEFAULT_THEME}. Pick one with ctrl+p, "Theme".'
            name = DEFAULT_THEME
            remember = False
        self.theme = name
        if remember:
            self.store.queue_write(lambda log: log.set_state("theme", name), by=self)

    def watch_theme(self, old: str, new: str) -> None:
        self.readable.set_dark(self.current_theme.dark)
        # A theme chosen in the palette is remembered for next time.
        if self.is_running and old != new:  # App.is_mounted is a method (always truthy)
            self.store.queue_write(lambda log: log.set_state("theme", new), by=self)

    def on_resize(self, event: events.Resize) -> None:
        if event.size == private(self, "_size") and private(self, "_resize_event", True) is None:
            # The driver reports the size once it has started, after App's own first Resize: the
            # same size again. Textual would pass it to every screen, each laying itself out again
            # before the first frame (~5 ms of a start's CPU), for nothing.
            event.prevent_default()
            return
        # This runs before App._on_resize stores the new size, so self.size is still the old one.
        self._check_size(event.size)

    def _check_size(self, size: Size | None = None) -> None:
        if not any(isinstance(screen, DeckScreen) for screen in self.screen_stack):
            # The first Resize comes before on_mount's push lands: a message pushed now would end
            # up under the deck. on_mount checks again once the deck is there.
            return
        width, height = size or self.size
        too_small = width < MIN_WIDTH or height < MIN_HEIGHT
        if too_small and self._too_small is None:
            from powerdeck.tui.screens.dialogs.too_small import TooSmallScreen

            self._too_small = TooSmallScreen((width, height))
            self.push_screen(self._too_small)
        elif too_small and self._too_small is not None:
            self._too_small.show_size(width, height)
        elif not too_small and self._too_small is not None:
            held = self._too_small.held_keys
            if self.screen is self._too_small:
                self.pop_screen()
            self._too_small = None
            self._hand_back_keys(held)

    def hold_input_until(self, work: Coroutine[Any, Any, None]) -> None:
        """Run `work` (the deck's form being built on the first enter) and hold every key, click
        and paste until it is done: handled sooner, the letters typed right after enter, in one
        burst over SSH, would find no field to land in. They wait in the app's queue, in order."""
        task = asyncio.get_running_loop().create_task(work)
        self._input_holds.add(task)
        task.add_done_callback(self._input_holds.discard)

    async def on_event(self, event: events.Event) -> None:
        if self._input_holds and isinstance(event, INPUT_EVENTS):
            for task in list(self._input_holds):
                await task
            if not self.screen_stack:
                return  # the app closed while the key waited (a quit, a hang-up): nobody to take it
        if isinstance(event, events.Key) and self._handed_back:
            if getattr(event, "handed_back", False):
                self._handed_back -= 1
            else:
                # Read from the terminal before the held keys were handed back, or since: it goes
                # behind them, so the letters land in the order they were typed.
                self.post_message(events.Key(event.key, event.character))
                return
        if isinstance(event, events.Key) and self._too_small is not None and self._too_small_showing():
            # Held here, at once: forwarded, the key would wait in the message's screen queue, and
            # a resize back to a usable size can pop that screen before it ever reads it (letters
            # typed while a window is dragged about were lost).
            self._too_small.hold_key(event)
            return
        # A paste arriving as typed keys (no bracketed paste) goes in as one insert: typed_runs.
        if isinstance(event, events.Key) and not event.is_forwarded and await insert_typed_run(self, event):
            return
        await super().on_event(event)

    def _hand_back_keys(self, keys: list[events.Key]) -> None:
        """Keys typed under the too-small message go to the field that was focused (else nowhere:
        with no field focused they would have been commands nobody saw the screen for)."""
        from textual.widgets import TextArea

        focused = self.screen.focused
        if not keys or focused is None or not isinstance(focused, (TextArea, Input)):
            return
        for key in keys:
            again = events.Key(key.key, key.character)
            again.handed_back = True  # type: ignore[attr-defined]  # a mark typed_runs and on_event read; Key has no field for it
            self._handed_back += 1
            self.post_message(again)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # Nothing may open over the too-small message: it would hide it and stay behind it.
        return not (action == "command_palette" and self._too_small_showing())

    def _too_small_showing(self) -> bool:
        # `_too_small` is the one TooSmallScreen there is (_check_size makes and pushes it), so no
        # isinstance: the screen's module loads only once a terminal is too small.
        return self._too_small is not None and self.screen is self._too_small

    def action_help(self) -> None:
        from powerdeck.tui.screens.dialogs.help_screen import HelpScreen

        if not isinstance(self.screen, HelpScreen) and not self._too_small_showing():
            self.push_screen(HelpScreen())

    def action_open_log(self) -> None:
        from powerdeck.tui.screens.log.log_screen import LogScreen

        if not isinstance(self.screen, LogScreen):
            self.push_screen(LogScreen())

    def due_line(self) -> str:
        """ "2 actions are due for an outcome: 4.2 (due 12/01/2027), ..." or "" (core/follow_up.py)."""
        from powerdeck.core.follow_up import due_line

        first = self.first_frame
        if first is not None:  # the start's line, from the log's summary
            return due_line(first.summary.follow_ups, date.today())
        return self.store.read(lambda log: due_line(log.entries(), date.today()))

    def action_open_due(self) -> None:
        """The review log, showing what is due, with the first due entry open; or say none is."""
        from powerdeck.core.entry import EntryFilter
        from powerdeck.core.follow_up import first_due
        from powerdeck.tui.screens.log.log_screen import LogScreen

        today = date.today()
        first = self.store.read(lambda log: first_due(log.entries(), today))
        if first is None:
            self.notify("Nothing is due: no open entry has a follow-up date that has come.", markup=False)
            return
        if isinstance(self.screen, LogScreen):
            self.pop_screen()
        self.push_screen(LogScreen(EntryFilter(due_on=today), open_id=first.id))

    def action_open_overview(self) -> None:
        from powerdeck.tui.screens.log.overview_screen import OverviewScreen

        if not isinstance(self.screen, OverviewScreen):
            self.push_screen(OverviewScreen())

    def action_select_all_field(self) -> None:
        if isinstance(self.focused, Input):
            self.focused.select_all()

    def action_export_log(self) -> None:
        from powerdeck.tui.screens.dialogs.export_dialog import open_export_dialog

        open_export_dialog(self)

    def export_delivery(self) -> Callable[[str, bytes], str] | None:
        """Where exports go instead of a file the person names: (file name, bytes) -> the name it
        was given. None here; a browser tab's app hands them to the browser (serve/served_app.py)."""
        return None

    def report_error(self, error: PowerdeckError) -> None:
        """Tell the user about a failed read or write in one line, without markup or control characters."""
        if self._asking_to_quit:
            return  # the quit dialog is saying why the text is not saved (a write it caused, refused)
        self.problems.report(visible_line(problem_line(error)))

    def get_system_commands(self, screen: Screen[Any]) -> Iterable[SystemCommand]:
        # Only powerdeck's own commands and the theme. Textual's others do not belong here:
        # "Keys" squashes the layout and does not close on escape, "Screenshot" writes files on
        # the server when served over SSH, "Maximize" and "Quit as soon as possible" surprise.
        # The review log and the cards come from DeckCommands (commands.py).
        for command in super().get_system_commands(screen):
            if command.title == "Theme":
                yield command
        yield SystemCommand("Help", "Keys, how to use the cards, about the deck", self.action_help)
        yield SystemCommand("Review overview", "Entries per capability as a chart; cards not used yet",
                            self.action_open_overview)
        yield SystemCommand("Quit", "Quit (drafts are kept) · ctrl+q", self.action_quit)

    # -- typed text on every way out (text_holders.py) --------------------------------------

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

    def _deck_screen(self) -> DeckScreen:
        return next(screen for screen in self.screen_stack if isinstance(screen, DeckScreen))

    def _back_to_deck(self) -> DeckScreen:
        deck_screen = self._deck_screen()
        while self.screen is not deck_screen and len(self.screen_stack) > 1:
            self.pop_screen()
        return deck_screen

    def action_go_to_card(self, card_id: str) -> None:
        self._back_to_deck().go_to_card(card_id)

    def action_random_card(self) -> None:
        self._back_to_deck().action_random_card()

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

    def on_unmount(self) -> None:
        self.store.close()


def shown_deck(deck: Deck) -> Deck:
    """The deck as the app shows it: every title and paragraph passed through visible(), so a
    deck file's control characters are shown, never obeyed, wherever a screen draws deck text
    (card view, sidebar, help, palette, review log). Card ids stay as they are (they are keys)."""

    def section(s: Section) -> Section:
        return replace(s, heading=visible_line(s.heading), paragraphs=tuple(visible(p) for p in s.paragraphs))

    capabilities = tuple(
        replace(
            capability,
            title=visible_line(capability.title),
            cards=tuple(
                replace(card, title=visible_line(card.title), paragraphs=tuple(visible(p) for p in card.paragraphs))
                for card in capability.cards
            ),
        )
        for capability in deck.capabilities
    )
    return replace(
        deck,
        title=visible_line(deck.title),
        author=visible_line(deck.author),
        guidance=tuple(section(s) for s in deck.guidance),
        credit=section(deck.credit),
        capabilities=capabilities,
    )


def problem_line(error: PowerdeckError) -> str:
    """One line for a failed read or write mid-session, saying where the text can still go."""
    if isinstance(error, LogDamagedError):
        return (
            f"Your log file was changed by another program: {error} "
            "Or quit and start with --data DIR; your text is kept until then."
        )
    return str(error)
