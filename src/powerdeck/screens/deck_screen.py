"""The main screen: capability sidebar, the card, and the editor beside it.

It owns the "never lose what was typed" rule: text in the editor is kept per card as a draft in
the log file (a moment after typing stops, on moving away, on leaving and on quitting), and a
card with a draft says so.
"""

from __future__ import annotations

import asyncio
import random
from typing import TYPE_CHECKING

from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Container, Horizontal
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import Footer, Static

from powerdeck.deck import Card
from powerdeck.entry import FIELDS, Draft, Entry, now_iso
from powerdeck.errors import PowerdeckError
from powerdeck.log import Log
from powerdeck.widgets.card_view import CardView
from powerdeck.widgets.entry_editor import EntryEditor
from powerdeck.widgets.entry_pane import DraftKept
from powerdeck.widgets.sidebar import CapabilitySidebar

if TYPE_CHECKING:
    from powerdeck.app import PowerDeckApp

DRAFT_DELAY = 1.0
"""Seconds after typing stops before the draft is written to disk."""
STATE_DELAY = 3.0
"""Seconds a card must stay showing before it is remembered as the one to reopen."""
POLL_SECONDS = 2.0
"""How often to look whether another session changed the log (a stat call; draws nothing)."""
LAST_CARD = "last_card"

NAVIGATION = {
    "previous_capability",
    "next_capability",
    "capability",
    "previous_card",
    "next_card",
    "random_card",
    "edit",
    "open_log",
    "scroll_card",
}


class DeckScreen(Screen[None]):
    """Pick a card, read it, write what you will do about it, beside it."""

    AUTO_FOCUS = ""  # nothing: letters are keys here until the user chooses to write
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (70, "-stacked"), (100, "-wide")]
    # Every key here is a priority binding: Textual hands a key to the focused widget as soon as
    # it reads it, but runs ordinary bindings only after the key has bubbled back up, so in a
    # burst of keys (a slow link delivers them together) "e" + text or "4" + "l" + "e" would act
    # out of order and letters meant for a field would be lost. Priority bindings act at once,
    # in order; check_action turns the navigation keys off while the editor has focus, so there
    # they type text as usual.
    BINDINGS = [
        Binding("up,k", "previous_capability", "Capability", id="previous-capability", key_display="↑↓", priority=True),
        Binding("down,j", "next_capability", "Next capability", id="next-capability", show=False, priority=True),
        Binding("left,h", "previous_card", "Card", id="previous-card", key_display="←→", priority=True),
        Binding("right,l", "next_card", "Next card", id="next-card", show=False, priority=True),
        Binding("r", "random_card", "Random", id="random-card", tooltip="Draw a random card (never the one showing)", priority=True),
        Binding("e,enter", "edit", "Write", id="edit", tooltip="Write an entry for this card", priority=True),
        Binding("ctrl+s", "save", "Save", id="save", tooltip="Save the entry", priority=True),
        Binding("escape", "leave_editor", "Done", id="leave-editor", tooltip="Leave the editor; text is kept", priority=True),
        Binding("tab", "focus_field(1)", "Next field", id="next-field", show=False, priority=True),
        Binding("shift+tab", "focus_field(-1)", "Previous field", id="previous-field", show=False, priority=True),
        Binding("L", "open_log", "Log", id="open-log", tooltip="The review log", priority=True),
        Binding("pagedown,space", "scroll_card(1)", "Scroll card", id="scroll-down", show=False, priority=True),
        Binding("pageup", "scroll_card(-1)", "Scroll card up", id="scroll-up", show=False, priority=True),
        *(
            Binding(
                str(number % 10),
                f"capability({number})",
                f"Capability {number}",
                show=False,
                id=f"capability-{number}",
                priority=True,
            )
            for number in range(1, 11)
        ),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.card_id = ""
        self._drafts: dict[str, Draft] = {}
        self._draft_timer: Timer | None = None
        self._state_timer: Timer | None = None
        self._reported_problem = ""

    @property
    def power_app(self) -> PowerDeckApp:
        return self.app  # type: ignore[return-value]

    def compose(self) -> ComposeResult:
        deck = self.power_app.deck
        # Set the layout classes for this terminal now, before the first frame: Textual sets them
        # on the first resize, which restyled and redrew the whole screen a second time.
        width = self.app.size.width
        for _, name in self.HORIZONTAL_BREAKPOINTS:
            self.set_class(False, name)
        for name in self._get_breakpoint_classes(width, self.HORIZONTAL_BREAKPOINTS):
            self.set_class(True, name)
        with Horizontal(id="deck-main"):
            yield CapabilitySidebar(deck.capabilities, id="sidebar")
            with Container(id="work"):
                yield CardView(id="card-view")
                yield EntryEditor(cursor_blink=not self.power_app.options.over_ssh, id="editor")
        yield Static("", id="status", markup=False)
        yield Footer(compact=True)

    def on_mount(self) -> None:
        deck = self.power_app.deck
        self._drafts = self.power_app.store.read(lambda log: log.drafts())
        last = self.power_app.store.read(lambda log: log.get_state(LAST_CARD))
        start = deck.find_card(last) if isinstance(last, str) else None
        self._show(start or deck.cards[0], direction=0)
        self.set_interval(POLL_SECONDS, self._poll_log)
        if self._drafts:
            self.set_status(f"Drafts kept from last time: {', '.join(sorted(self._drafts, key=deck.card_index))}")

    # -- what is showing -------------------------------------------------------------------

    @property
    def card(self) -> Card:
        return self.power_app.deck.card(self.card_id)

    @property
    def editor(self) -> EntryEditor:
        return self.query_one(EntryEditor)

    def set_status(self, text: str) -> None:
        self.query_one("#status", Static).update(text)

    def _show(self, card: Card, *, direction: int) -> None:
        """Move to a card: keep the old card's text as a draft, then load the new card's."""
        if self.card_id and card.id != self.card_id:
            self.keep_draft()
        self.card_id = card.id
        self.query_one(CapabilitySidebar).select_capability(card.capability)
        self._load_editor()
        self._refresh_card(direction=direction)
        self._refresh_counts()
        if self._state_timer is not None:
            self._state_timer.stop()
        self._state_timer = self.set_timer(STATE_DELAY, self._remember_card)

    def _refresh_card(self, *, direction: int = 0) -> None:
        deck = self.power_app.deck
        card = self.card
        entries = self._card_entries()
        self.query_one(CardView).show(
            card,
            deck.capability(card.capability),
            direction=direction,
            entries=len(entries),
            has_draft=card.id in self._drafts,
        )
        self.editor.set_entries(entries)

    def _card_entries(self) -> list[Entry]:
        from powerdeck.entry import EntryFilter

        card_filter = EntryFilter(card=self.card_id)
        return self.power_app.store.read(lambda log: log.entries(card_filter))

    def _refresh_counts(self) -> None:
        counts = self.power_app.store.read(lambda log: log.count_by_capability())
        deck = self.power_app.deck
        drafted = {deck.card(card_id).capability for card_id in self._drafts if deck.find_card(card_id)}
        self.query_one(CapabilitySidebar).set_counts(counts, drafted)

    def _load_editor(self) -> None:
        """Fill the editor from this card's draft, or empty for a new entry."""
        draft = self._drafts.get(self.card_id)
        if draft is None:
            self.editor.load(dict.fromkeys(FIELDS, ""), entry_id=None)
            return
        entry = None
        if draft.entry_id is not None:
            entry = self.power_app.store.read(lambda log: log.get(draft.entry_id))
        # A draft of an earlier entry counts as unsaved against that entry's stored text.
        baseline = {name: getattr(entry, name) if entry else "" for name in FIELDS}
        values = {name: getattr(draft, name) for name in FIELDS}
        self.editor.load(values, entry_id=entry.id if entry else None, baseline=baseline)

    # -- navigation ------------------------------------------------------------------------

    def _go(self, card: Card, direction: int) -> None:
        if card.id != self.card_id:
            self._show(card, direction=direction)

    def action_previous_card(self) -> None:
        self._go(self.power_app.deck.step(self.card_id, -1), -1)

    def action_next_card(self) -> None:
        self._go(self.power_app.deck.step(self.card_id, 1), 1)

    def action_capability(self, number: int) -> None:
        deck = self.power_app.deck
        target = deck.capability(number).cards[0]
        current = self.card.capability
        if number != current:
            self._go(target, 1 if number > current else -1)

    def _step_capability(self, delta: int) -> None:
        deck = self.power_app.deck
        numbers = [capability.number for capability in deck.capabilities]
        index = (numbers.index(self.card.capability) + delta) % len(numbers)
        self._go(deck.capability(numbers[index]).cards[0], delta)

    def action_previous_capability(self) -> None:
        self._step_capability(-1)

    def action_next_capability(self) -> None:
        self._step_capability(1)

    def action_random_card(self) -> None:
        deck = self.power_app.deck
        others = [card for card in deck.cards if card.id != self.card_id]
        if not others:
            return
        card = random.choice(others)
        direction = 1 if deck.card_index(card.id) > deck.card_index(self.card_id) else -1
        self._go(card, direction)
        self.set_status(f"Drew card {card.id} at random")

    def go_to_card(self, card_id: str) -> None:
        deck = self.power_app.deck
        card = deck.card(card_id)
        direction = 1 if deck.card_index(card.id) >= deck.card_index(self.card_id) else -1
        self._go(card, direction)

    def action_scroll_card(self, pages: int) -> None:
        view = self.query_one(CardView)
        if pages > 0:
            view.scroll_page_down(animate=False)
        else:
            view.scroll_page_up(animate=False)

    def action_open_log(self) -> None:
        self.keep_draft()
        self.power_app.action_open_log()

    # -- the editor ------------------------------------------------------------------------

    def _editing(self) -> bool:
        focused = self.focused
        return focused is not None and self.editor in focused.ancestors_with_self

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in NAVIGATION and self._editing():
            # Inside the editor these keys type text; keep the footer to the editor's keys.
            return False
        if action == "leave_editor" and not self._editing():
            return False
        return True

    def on_descendant_focus(self, event: object) -> None:
        self.query_one("#work").set_class(self._editing(), "-editing")
        self.refresh_bindings()

    def on_descendant_blur(self, event: object) -> None:
        self.call_after_refresh(self._after_blur)

    def _after_blur(self) -> None:
        self.query_one("#work").set_class(self._editing(), "-editing")
        self.refresh_bindings()

    def action_edit(self) -> None:
        # Screen.set_focus acts at once; Widget.focus() waits its turn in the queue, so the
        # letters typed right after "e" (a burst over SSH) would be taken as keys, not text.
        self.set_focus(self.editor.field("action"))

    def action_focus_field(self, step: int) -> None:
        # Screen.focus_next moves focus at once (see BINDINGS), unlike a queued app action.
        if step > 0:
            self.focus_next()
        else:
            self.focus_previous()

    async def settle_editor(self) -> None:
        """Let the focused field take the keys already sent to it before its text is read.

        A priority binding runs as soon as the app reads its key, but the letters before it were
        only queued for the field; in a burst ("text" + ctrl+s, or + escape + "l") the action
        would read the field without them. Waiting here also holds back the keys after it.
        """
        focused = self.focused
        if focused is None or not self._editing():
            return
        typed = asyncio.Event()
        if focused.call_later(typed.set):
            await typed.wait()

    async def action_leave_editor(self) -> None:
        await self.settle_editor()
        self.keep_draft()
        self.set_focus(None)

    def on_resize(self, event: events.Resize) -> None:
        # Under 80 columns the palette hint would push Quit and Help off the footer (help lists ctrl+p).
        footer = self.query_one(Footer)
        wide = event.size.width >= 80
        if footer.show_command_palette != wide:
            footer.show_command_palette = wide
            footer.refresh(recompose=True)

    def on_screen_suspend(self) -> None:
        # Help, the palette, the log or the too-small message covers the deck: keep the text now.
        self.keep_draft()

    @on(EntryEditor.Changed)
    def _typed(self) -> None:
        if self._draft_timer is not None:
            self._draft_timer.stop()
        self._draft_timer = self.set_timer(DRAFT_DELAY, self.keep_draft)

    @on(EntryEditor.EntryChosen)
    def _entry_chosen(self, event: EntryEditor.EntryChosen) -> None:
        editor = self.editor
        if editor.is_dirty:
            self.set_status("This entry has unsaved text: save it with ctrl+s before opening another.")
            return
        if event.entry_id is None:
            editor.load(dict.fromkeys(FIELDS, ""), entry_id=None)
        else:
            entry = self.power_app.store.read(lambda log: log.get(event.entry_id))
            if entry is None:
                self.set_status("That entry is no longer in the log.")
                return
            editor.load({name: getattr(entry, name) for name in FIELDS}, entry_id=entry.id)
            self.set_status(f"Editing the entry of {entry.created[:10]} for {entry.card}")
        self.set_focus(editor.field("action"))

    def keep_draft(self) -> None:
        """Store the editor's unsaved text as this card's draft (or drop a draft no longer needed)."""
        if self._draft_timer is not None:
            self._draft_timer.stop()
            self._draft_timer = None
        if not self.card_id:
            return
        editor = self.editor
        card_id = self.card_id
        if editor.is_dirty:
            draft = Draft(card=card_id, entry_id=editor.entry_id, updated=now_iso(), **editor.values())
            if self._drafts.get(card_id) == draft:
                return
            self._drafts[card_id] = draft
            self.power_app.store.write(
                lambda log: log.save_draft(card_id, draft.action, draft.outcome, draft.learning, entry_id=draft.entry_id),
                on_done=lambda _: self.set_status(f"Draft kept for {card_id}"),
                on_error=self._draft_failed,
            )
        elif card_id in self._drafts:
            del self._drafts[card_id]
            self.power_app.store.write(lambda log: log.clear_draft(card_id), on_error=self._draft_failed)
        else:
            return
        self._refresh_counts()
        if self.is_mounted:
            self._refresh_card()

    def _draft_failed(self, error: PowerdeckError) -> None:
        self.set_status("Could not write the draft to disk; your text is still in the editor.")
        self.power_app.report_error(error)

    def keep_drafts_now(self) -> None:
        """On quit or hang-up: write the draft and the card to reopen, on this thread, after any
        queued writes (the timer that remembers the card may not have fired yet)."""
        if not self.card_id:
            return
        if self._state_timer is not None:
            self._state_timer.stop()
        editor = self.editor
        card_id, values, entry_id, dirty = self.card_id, editor.values(), editor.entry_id, editor.is_dirty

        def keep(log: Log) -> None:
            if dirty:
                log.save_draft(card_id, entry_id=entry_id, **values)
            if log.get_state(LAST_CARD) != card_id:
                log.set_state(LAST_CARD, card_id)

        try:
            self.power_app.store.write_now(keep)
        except PowerdeckError:
            pass  # Nothing more can be done while quitting; the queued draft write may have landed.

    async def action_save(self) -> None:
        await self.settle_editor()
        editor = self.editor
        if editor.is_blank:
            self.set_status("Nothing to save yet: write an action, an outcome or a learning first.")
            return
        if self._draft_timer is not None:
            self._draft_timer.stop()
            self._draft_timer = None
        card_id, values, entry_id = self.card_id, editor.values(), editor.entry_id

        def save(log: Log) -> Entry:
            if entry_id is not None and log.get(entry_id) is not None:
                entry = log.update(entry_id, **values)
            else:
                entry = log.add(card_id, **values)
            log.clear_draft(card_id)
            return entry

        self.set_status(f"Saving entry for {card_id}…")
        draft_before = self._drafts.get(card_id)
        self.power_app.store.write(
            save, on_done=lambda entry: self._saved(entry, values, draft_before), on_error=self._save_failed
        )

    def _saved(self, entry: Entry, values: dict[str, str], draft_before: Draft | None = None) -> None:
        if self._drafts.get(entry.card) is draft_before:
            # The save cleared this draft on disk; a draft kept after the save began (more text
            # typed meanwhile) was written after it, so it stays.
            self._drafts.pop(entry.card, None)
        if entry.card == self.card_id:
            editor = self.editor
            if editor.values() == values:
                editor.load(values, entry_id=entry.id)
            else:
                # More was typed while saving: keep it, measured against what was saved.
                editor.load(editor.values(), entry_id=entry.id, baseline=values)
            self._refresh_card()
        self._refresh_counts()
        self.set_status(f"Saved entry for {entry.card}")

    def _save_failed(self, error: PowerdeckError) -> None:
        self.set_status("Not saved: your text is still here. Fix the problem, then press ctrl+s again.")
        self.power_app.report_error(error)

    # -- housekeeping ----------------------------------------------------------------------

    def _remember_card(self) -> None:
        card_id = self.card_id
        self.power_app.store.write(lambda log: log.set_state(LAST_CARD, card_id))

    def _poll_log(self) -> None:
        """Another session (a second SSH login) may have written: show its entries."""
        store = self.power_app.store
        if store.read(lambda log: log.changed_on_disk()):
            self.refresh_from_log()
            # Damaged by another program: say so once; reads keep showing the last good data.
            problem = store.read(lambda log: log.problem)
            if problem is not None and str(problem) != self._reported_problem:
                self._reported_problem = str(problem)
                self.power_app.report_error(problem)

    def refresh_from_log(self) -> None:
        self._refresh_counts()
        self._refresh_card()

    def on_screen_resume(self) -> None:
        if self.card_id:
            self.refresh_from_log()

    @on(DraftKept)
    def _draft_kept(self, message: DraftKept) -> None:
        """The review log kept a draft (an edited entry left without saving): read drafts again."""
        if not self.card_id:
            return
        self._drafts = self.power_app.store.read(lambda log: log.drafts())
        if self.card_id in self._drafts and not self.editor.is_dirty and not self._editing():
            self._load_editor()
        self.refresh_from_log()
