"""The App: the deck and the log's store, theme, the command palette, and the actions the
screens share. Its other parts: held_keys.py (the too-small message and the keys held under it),
app_exits.py (typed text on every way out), shown_deck.py (the deck made visible)."""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

from rich.text import Text
from textual import on
from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Input

from powerdeck.core.errors import PowerdeckError
from powerdeck.core.text import visible_line
from powerdeck.deck.model import Deck
from powerdeck.store import FirstFrame, Log, LogWorker, SummaryKeeper, take_notices
from powerdeck.tui.app_exits import KeptOnExit
from powerdeck.tui.commands import DeckCommands
from powerdeck.tui.first_paint import FirstPaintHold
from powerdeck.tui.held_keys import HeldKeys
from powerdeck.tui.log_watch import LogWatcher
from powerdeck.tui.options import AppOptions
from powerdeck.tui.private_api import private
from powerdeck.tui.problem_notice import ProblemNotice, problem_line
from powerdeck.tui.readable import ReadableText
from powerdeck.tui.screens.deck.deck_screen import DeckScreen
from powerdeck.tui.shown_deck import shown_deck
from powerdeck.tui.styles_cache_fix import keep_no_widget_caches
from powerdeck.tui.text_holders import RefusedText

__all__ = ["DEFAULT_THEME", "PowerDeckApp", "StoreDone", "problem_line", "shown_deck"]

DEFAULT_THEME = "textual-dark"


@dataclass
class StoreDone(Message):
    """A queued write finished; run its callback on the UI thread."""

    callback: Callable[[Any], None]
    value: Any


class PowerDeckApp(HeldKeys, KeptOnExit, FirstPaintHold):
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

    def on_unmount(self) -> None:
        self.store.close()
