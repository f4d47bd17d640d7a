"""The main screen: capability sidebar, the card, and the editor beside it; its keys and moves.

"Never lose what was typed" (drafts per card, autosave, ctrl+s) is the DraftKeeper's job
(deck_drafts.py); the screen tells it when to keep a draft: on moving away, leaving and quitting.
"""

from __future__ import annotations

from typing import ClassVar

from textual import events, on
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Container, Horizontal
from textual.content import Content
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import Static

from powerdeck.core.entry import Entry
from powerdeck.core.errors import PowerdeckError
from powerdeck.core.text import visible_line
from powerdeck.deck.model import Card
from powerdeck.store import Log, UnsavedText
from powerdeck.tui.app_services import AppServices, services
from powerdeck.tui.log_watch import LogFollower
from powerdeck.tui.private_api import gone
from powerdeck.tui.screens.deck.card_drawing import CardDrawer, ShownCard
from powerdeck.tui.screens.deck.card_moves import CardMoves
from powerdeck.tui.screens.deck.deck_drafts import DraftKeeper
from powerdeck.tui.screens.deck.deck_keys import DECK_BINDINGS, TypingGate
from powerdeck.tui.screens.deck.deck_mode import TYPING_HINT, DeckMode
from powerdeck.tui.screens.deck.entry_writing import EntryWriting
from powerdeck.tui.screens.workbook.workbook_open import WORKBOOK_BINDINGS
from powerdeck.tui.widgets.card_notes import CardNotes
from powerdeck.tui.widgets.card_view import CardView
from powerdeck.tui.widgets.entry_editor import EntryEditor
from powerdeck.tui.widgets.lean_footer import LeanFooter
from powerdeck.tui.widgets.problem_line import ProblemLine
from powerdeck.tui.widgets.sidebar import CapabilitySidebar

DRAFT_DELAY = 1.0
"""Seconds after typing stops before the draft is written to disk (handed to the DraftKeeper)."""
STATE_DELAY = 3.0
"""Seconds a card must stay showing before it is remembered as the one to reopen."""
LAST_CARD = "last_card"
STATUS_SECONDS = 5.0
"""A status line ("Draft kept for 9.2") clears after this long, or at the next move."""
ROOMY = 120
"""From this width the sidebar shows every capability's title whole."""


def breakpoint_classes(width: int, breakpoints: list[tuple[int, str]]) -> list[str]:
    """The class Textual gives a screen `width` cells wide: the last breakpoint it reaches."""
    reached = [(limit, name) for limit, name in breakpoints if width >= limit]
    return [max(reached)[1]] if reached else []


class DeckScreen(CardMoves, EntryWriting, Screen[None]):
    """Pick a card, read it, write what you will do about it, beside it.

    Its moves are in card_moves.py, its writing in entry_writing.py (mixins), what it reads and draws
    of a card in card_drawing.py, its drafts in deck_drafts.py, its keys in deck_keys.py."""

    AUTO_FOCUS = ""  # nothing: letters are keys here until the user chooses to write
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (70, "-stacked"), (100, "-wide")]
    # All priority bindings: why, in deck_keys.
    BINDINGS: ClassVar[list[BindingType]] = DECK_BINDINGS + WORKBOOK_BINDINGS

    def __init__(self) -> None:
        super().__init__()
        self.card_id = ""
        self.draft_keeper = DraftKeeper(self, delay=DRAFT_DELAY)
        self.drawer = CardDrawer(self)
        self._state_timer: Timer | None = None
        self._status_timer: Timer | None = None
        self.log_follower = LogFollower(self, self.follow_log)
        self.gate = TypingGate(self, self._typing_while_reading)
        self.mode = DeckMode(self)
        self._resumed_before = False

    @property
    def power_app(self) -> AppServices:
        return services(self)

    def compose(self) -> ComposeResult:
        deck = self.power_app.deck
        # Set the layout classes for this terminal now, before the first frame: Textual sets them
        # on the first resize, which restyled and redrew the whole screen a second time.
        width = self.app.size.width
        for _, name in self.HORIZONTAL_BREAKPOINTS:
            self.set_class(False, name)
        self.set_class(True, *breakpoint_classes(width, self.HORIZONTAL_BREAKPOINTS))
        self.set_class(width >= ROOMY, "-roomy")
        sidebar = CapabilitySidebar(deck.capabilities, id="sidebar")
        sidebar.wrap = width >= ROOMY
        with Horizontal(id="deck-main"):
            yield sidebar
            with Container(id="work"):
                card_view = CardView(id="card-view", one_line_heading=True)
                card_view.deck_title = deck.title  # what this is, on the first line a newcomer reads
                yield card_view
                yield CardNotes(id="card-notes")
                # The form's fields are built when writing first starts (start_writing): they were
                # most of this screen's start-up cost, and a reader may never write.
                editor = EntryEditor(cursor_blink=not self.power_app.options.over_ssh, lazy=True, id="editor")
                editor.display = False  # reading first: the form shows only when writing
                yield editor
        yield ProblemLine(id="problem-line")
        with Horizontal(id="status-bar"):
            yield Static(self.mode.badge(), id="mode", markup=False)
            yield Static("", id="status", markup=False)
        yield LeanFooter()

    def _compositor_refresh(self) -> None:
        # Textual renders every stage of the first screen (its layout, the sidebar's rows); the
        # app's first-paint hold then drops all but the last (first_paint.py). Rendering
        # them cost ~20 ms of CPU at start (8 renders for 1 frame written): skip it. What is dirty
        # stays dirty, and the hold's release repaints the whole screen.
        if self.power_app.first_paint_held and not gone("_compositor_refresh"):
            return
        super()._compositor_refresh()

    def on_mount(self) -> None:
        deck = self.power_app.deck
        self.power_app.problems.follow(self.query_one(ProblemLine))
        self.draft_keeper.read()
        first = self.power_app.first_frame
        last = first.get_state(LAST_CARD) if first else self.power_app.store.read(lambda log: log.get_state(LAST_CARD))
        start = deck.find_card(last) if isinstance(last, str) else None
        self._show(start or deck.cards[0], direction=0)
        self.refresh_counts()
        self.log_follower.follow(self.power_app.log_watcher)
        if self.draft_keeper.drafts:
            # A draft of a card this deck lacks (another --deck) is listed last, never a KeyError.
            order = {card.id: n for n, card in enumerate(deck.cards)}
            kept = sorted(self.draft_keeper.drafts, key=lambda card_id: (order.get(card_id, len(order)), card_id))
            self.set_status(f"Drafts kept from last time: {', '.join(visible_line(card_id) for card_id in kept)}")
        else:
            due = self.power_app.due_line()
            if due:  # one line, no dialog: the key that goes to the first (first: a narrow line cuts the end)
                self.set_status(f"D: {due}")

    # -- what is showing -------------------------------------------------------------------

    @property
    def card(self) -> Card:
        return self.power_app.deck.card(self.card_id)

    @property
    def editor(self) -> EntryEditor:
        return self.query_one(EntryEditor)

    @property
    def writing(self) -> bool:
        return self.mode.writing

    def set_status(self, text: str) -> None:
        """A message for a moment: it clears after STATUS_SECONDS or at the next move of card."""
        status = self.query_one("#status", Static)
        text = visible_line(text)  # it may hold a date or an id read from the log file
        if str(status.content) != text:
            status.update(Content(text), layout=False)  # one line of fixed size: no layout pass
        if self._status_timer is not None:
            self._status_timer.stop()
            self._status_timer = None
        if text:
            self._status_timer = self.set_timer(STATUS_SECONDS, lambda: self.set_status(""))

    def _typing_while_reading(self) -> None:
        self.set_status(TYPING_HINT)

    def on_key(self, event: events.Key) -> None:
        # Keys no binding took reach the screen only while nothing has focus: reading. A printable
        # one is someone typing a sentence: tell them how to write, and keep letters inert a while.
        if not self.mode.writing and event.is_printable:
            event.stop()
            self.gate.typed()

    def _show(self, card: Card, *, direction: int) -> None:
        """Move to a card: keep the old card's text as a draft, then load the new card's."""
        # The UI never waits on the disk. A read waits while a write is under way (the writer holds
        # the store's lock through its fsync), so the new card's entries are read before the old
        # card's draft is queued; and if a write is under way already (escape, then a move, in one
        # burst), the card and its draft are drawn from memory now and its entries once the write
        # has landed. A draft changes no entries and no counts (the sidebar's marks come from memory).
        store = self.power_app.store
        draft = self.draft_keeper.drafts.get(card.id)
        # Only a draft of an earlier entry needs that entry's stored text to load the editor.
        wait = draft is not None and draft.entry_id is not None
        from_summary = self.power_app.first_frame is not None and not wait
        shown = self._read_card(card) if from_summary or wait or not store.busy else None
        if self.card_id and card.id != self.card_id:
            self.queue_draft_write()
        self.card_id = card.id
        self.query_one(CapabilitySidebar).select_card(card.capability, card.id)
        self.draft_keeper.load_editor(shown.entries if shown is not None else [])
        self._draw_card(shown or ShownCard([], "", 0), direction=direction)
        if shown is None:
            store.after_writes(self._draw_entries_now)
        self.set_status("")
        self.mode.show_badge()
        if self._state_timer is not None:
            self._state_timer.stop()
        self._state_timer = self.set_timer(STATE_DELAY, self._remember_card)

    # -- what the card shows from the log (card_drawing.py) --------------------------------

    def refresh_card(self, *, direction: int = 0) -> None:
        self.drawer.redraw_card(direction=direction)

    def _read_card(self, card: Card) -> ShownCard:
        return self.drawer.read(card)

    def _draw_card(self, shown: ShownCard, *, direction: int) -> None:
        self.drawer.draw(shown, direction=direction)

    def _draw_entries_now(self) -> None:
        self.drawer.draw_entries_now()

    def show_notes(self, entries: list[Entry] | None = None) -> None:
        """The notes under or beside the card: its draft, its entries, its workbook line."""
        self.drawer.show_notes(entries)

    def refresh_counts(self) -> None:
        self.drawer.redraw_counts()

    # -- what the widgets say --------------------------------------------------------------

    @on(CardNotes.WriteRequested)
    def _notes_clicked(self) -> None:
        self.action_edit()

    @on(CapabilitySidebar.Chosen)
    async def _sidebar_clicked(self, message: CapabilitySidebar.Chosen) -> None:
        if self._editing():
            await self.action_leave_editor()  # the text stays with its card as a draft
        deck = self.power_app.deck
        self._go(deck.card(message.card) if message.card else deck.capability(message.capability).cards[0])

    @on(EntryEditor.Changed)
    def _typed(self) -> None:
        self.draft_keeper.typed()

    @on(EntryEditor.EntryChosen)
    def _entry_chosen(self, event: EntryEditor.EntryChosen) -> None:
        self.open_chosen_entry(event.entry_id)

    def on_resize(self, event: events.Resize) -> None:
        roomy = event.size.width >= ROOMY
        self.set_class(roomy, "-roomy")
        sidebar = self.query_one(CapabilitySidebar)
        if sidebar.wrap != roomy:
            sidebar.wrap = roomy
            sidebar.call_after_refresh(sidebar.refresh_labels)
        if self.card_id:
            self.call_after_refresh(self._fit_notes)

    def _fit_notes(self) -> None:
        """The notes are one line on a narrow screen and a panel on a wide one: redrawn when the
        width crosses over, from what they show (no read of the log)."""
        self.query_one(CardNotes).set_compact(not self.has_class("-wide"))

    def on_screen_suspend(self) -> None:
        # Help, the palette, the log or the too-small message covers the deck: keep the text now.
        self.gate.reset()
        self.queue_draft_write()

    # -- drafts and saving (the DraftKeeper does the work; the keys stay here) ------------

    def queue_draft_write(self) -> None:
        """Store the editor's unsaved text as this card's draft (or drop a draft no longer needed)."""
        self.draft_keeper.queue_draft_write()

    # -- a text holder (text_holders.py): every way out of the app asks these ------------

    async def settle_typing(self) -> None:
        await self.settle_editor()

    def unsaved_text(self) -> UnsavedText:
        """The drafts whose writes were refused (or have not landed)."""
        return UnsavedText(tuple(self.draft_keeper.unwritten.values()))

    def write_unsaved_and_wait(self) -> PowerdeckError | None:
        """On quit or hang-up: write the draft and the card to reopen, on this thread, after any
        queued writes (the timer that remembers the card may not have fired yet); say why not."""
        if not self.card_id:
            return None
        if self._state_timer is not None:
            self._state_timer.stop()
        card_id = self.card_id

        def remember_card(log: Log) -> None:
            if log.get_state(LAST_CARD) != card_id:
                log.set_state(LAST_CARD, card_id)

        return self.draft_keeper.write_drafts_and_wait(also=remember_card)

    # -- housekeeping ----------------------------------------------------------------------

    def _remember_card(self) -> None:
        card_id = self.card_id
        self.power_app.store.queue_write(lambda log: log.set_state(LAST_CARD, card_id), by=self)

    def refresh_from_log(self) -> None:
        """Read counts and the card's entries again."""
        if self.card_id and self.is_attached:
            self.refresh_counts()
            self.refresh_card()

    def follow_log(self) -> None:
        """The log changed (app.log_watcher's signal: another session, or another screen of this
        one, such as a draft the review log kept or a worksheet's write): read the drafts, the
        counts and the card's entries again."""
        if not self.card_id or not self.is_attached:
            return
        self.draft_keeper.read()
        if self.card_id in self.draft_keeper.drafts and not self.editor.is_dirty and not self._editing():
            self.draft_keeper.load_editor()
        self.refresh_from_log()

    def _on_screen_resume(self, event: events.ScreenResume) -> None:
        # Private Textual handler name (docs/architecture.md; tests/test_private_textual_api.py): it
        # runs before Screen's own. The first time, every widget was styled a moment ago as it
        # mounted, and nothing has changed since: restyling them all again cost ~9 ms of the first
        # paint. Later resumes restyle as Textual does (a theme may have changed). Were Textual to
        # rename it, this would not run: the first paint restyles once more, nothing else changes.
        if not self._resumed_before and not gone("_on_screen_resume"):
            self._resumed_before = True
            event.refresh_styles = False

    @on(events.ScreenResume)
    def _follow_on_resume(self) -> None:
        # Decorated, not on_screen_resume: Textual calls one conventional handler per class, and
        # this class has the private one above.
        self.log_follower.resumed()  # what changed while covered (the review log's edits, a worksheet)
