"""The deck screen's rule "never lose what was typed": per-card drafts, autosave, save.

Text in the editor is kept per card as a draft in the log file: a moment after typing stops, on
moving to another card, on leaving the screen and on quitting. The keeper holds every card's draft
in memory too, and runs ctrl+s. A draft whose write has not landed (queued, or refused: disk full,
read-only folder, log damaged by another program) stays in memory in `unwritten`; only a draft on
disk earns the "draft kept" marks, and quitting with unwritten drafts asks where to put them
(app.py, screens/quit_dialog.py).

The screen keeps the keys and what is showing; the keeper reads the editor through it and asks it
to redraw when a draft comes or goes.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import TYPE_CHECKING

from textual.timer import Timer

from powerdeck.core.entry import FIELDS, Draft, Entry, now_iso
from powerdeck.core.errors import PowerdeckError
from powerdeck.core.follow_up import DetailsError, details_to_extras, entry_details
from powerdeck.store import Log
from powerdeck.tui.widgets.card_notes import CardNotes
from powerdeck.tui.widgets.sidebar import CapabilitySidebar

if TYPE_CHECKING:
    from powerdeck.tui.screens.deck.deck_screen import DeckScreen


def _same_text(one: Draft, other: Draft) -> bool:
    return ((one.action, one.outcome, one.learning, one.entry_id, one.details)
            == (other.action, other.outcome, other.learning, other.entry_id, other.details))


class DraftKeeper:
    """Every card's draft, in memory and on disk, for one deck screen."""

    def __init__(self, screen: DeckScreen, *, delay: float) -> None:
        self._screen = screen
        self._delay = delay
        self._timer: Timer | None = None
        self.drafts: dict[str, Draft] = {}
        """Every card's draft as the editor last left it: on disk, or in `unwritten`."""
        self.unwritten: dict[str, Draft] = {}
        """Drafts not (yet) on disk: a write queued, or refused. Never dropped until written or saved."""
        self.problem: PowerdeckError | None = None
        """Why the last draft write was refused (None once one lands)."""

    def read(self) -> None:
        """Read every draft from the log again (at start, or after another screen kept one)."""
        first = self._screen.power_app.first_frame
        on_disk = first.drafts if first is not None else self._screen.power_app.store.read(lambda log: log.drafts())
        self.drafts = {**on_disk, **self.unwritten}  # what failed to write beats the disk's older copy

    def is_kept(self, card_id: str) -> bool:
        """True when `card_id`'s draft is on disk: only then may a mark say "draft kept"."""
        return card_id in self.drafts and card_id not in self.unwritten

    def kept_cards(self) -> list[str]:
        return [card_id for card_id in self.drafts if card_id not in self.unwritten]

    def _stop_timer(self) -> None:
        if self._timer is not None:
            self._timer.stop()
            self._timer = None

    def load_editor(self, entries: list[Entry] | None = None) -> None:
        """Fill the editor from the showing card's draft, or empty for a new entry.

        `entries`, the card's entries as just read, spare a read of the log (see DeckScreen._show)."""
        screen = self._screen
        editor = screen.editor
        draft = self.drafts.get(screen.card_id)
        if draft is None:
            editor.load(dict.fromkeys(FIELDS, ""), entry_id=None)
            return
        entry = None
        entry_id = draft.entry_id
        if entry_id is not None and entries is not None:
            entry = next((found for found in entries if found.id == entry_id), None)
        elif entry_id is not None:
            entry = screen.power_app.store.read(lambda log: log.get(entry_id))
        # A draft of an earlier entry counts as unsaved against that entry's stored text.
        baseline = {name: getattr(entry, name) if entry else "" for name in FIELDS}
        values = {name: getattr(draft, name) for name in FIELDS}
        editor.load(values, entry_id=entry.id if entry else None, baseline=baseline, details=draft.details,
                    details_baseline=entry_details(entry))

    def typed(self) -> None:
        """The editor changed: keep the draft once typing has stopped for `delay` seconds."""
        self._stop_timer()
        self._timer = self._screen.set_timer(self._delay, self.queue_draft_write)

    # -- drafts ----------------------------------------------------------------------------

    def queue_draft_write(self) -> None:
        """Queue the editor's unsaved text as this card's draft (or the drop of a draft no longer
        needed); returns at once, and the "draft kept" mark follows when the write lands."""
        self._stop_timer()
        screen = self._screen
        card_id = screen.card_id
        if not card_id:
            return
        editor = screen.editor
        store = screen.power_app.store
        if editor.is_dirty:
            draft = Draft(card=card_id, entry_id=editor.entry_id, updated=now_iso(), **editor.values(),
                          **editor.details())
            kept = self.drafts.get(card_id)
            if kept is not None and _same_text(kept, draft):
                return  # already on disk as it is (only the time would differ): no write
            was_kept = self.is_kept(card_id)
            self.drafts[card_id] = draft
            self.unwritten[card_id] = draft
            # By the screen: the keeper holds the draft already, so its own screen skips the change.
            store.queue_write(
                lambda log: log.save_draft(card_id, draft.action, draft.outcome, draft.learning,
                                           entry_id=draft.entry_id, details=draft.details),
                on_done=lambda _: self._draft_written(draft),
                on_error=lambda error: self._draft_failed(error),
                by=screen,
            )
            if was_kept:
                # An autosave of a draft already on disk: its marks stay until the write lands or
                # fails. Taking them down and up again redrew the sidebar twice per autosave, and a
                # key typed meanwhile waited for those frames (bench/echo_during_autosave.py).
                return
        elif card_id in self.drafts:
            del self.drafts[card_id]
            self.unwritten.pop(card_id, None)
            store.queue_write(lambda log: log.clear_draft(card_id), on_error=self._draft_failed, by=screen)
        else:
            return
        self._refresh_marks()

    def _draft_written(self, draft: Draft) -> None:
        if self.unwritten.get(draft.card) is draft:
            del self.unwritten[draft.card]
        self.problem = None
        self._screen.set_status(f"Draft kept for {draft.card}")
        self._refresh_marks()

    def _draft_failed(self, error: PowerdeckError) -> None:
        self.problem = error
        self._screen.set_status(
            "Draft NOT written to disk: your text is kept in memory until it can be (see the message).")
        self._screen.power_app.report_error(error)
        self._refresh_marks()

    def _refresh_marks(self) -> None:
        """Redraw the "draft kept" marks from memory alone.

        A draft changes no counts, and reading them would wait on the store's lock, which the
        writer holds through its fsync: the UI never waits on the disk for a draft."""
        screen = self._screen
        deck = screen.power_app.deck
        drafted = {deck.card(card_id).capability for card_id in self.kept_cards() if deck.find_card(card_id)}
        screen.query_one(CapabilitySidebar).set_drafts(drafted)
        if screen.query_one(CardNotes).display:  # hidden while writing: drawn when shown (draw_notes)
            self.draw_notes()

    def draw_notes(self) -> None:
        """The showing card's draft in the notes, from memory."""
        screen = self._screen
        if screen.is_mounted and screen.card_id:
            card_id = screen.card_id
            screen.query_one(CardNotes).show_draft(self.drafts.get(card_id), kept=self.is_kept(card_id))

    def write_drafts_and_wait(self, also: Callable[[Log], None]) -> PowerdeckError | None:
        """On quit or hang-up: write the draft, and `also`, on this thread after any queued writes,
        and wait until they are on disk.

        Returns why it could not be written (the text then stays in `unwritten`), or None."""
        editor = self._screen.editor
        card_id, values, entry_id, dirty = self._screen.card_id, editor.values(), editor.entry_id, editor.is_dirty
        if dirty and card_id:
            draft = Draft(card=card_id, entry_id=entry_id, updated=now_iso(), **values, **editor.details())
            self.drafts[card_id] = draft
            self.unwritten[card_id] = draft

        def write_all(log: Log) -> None:
            # Every draft still unwritten (an earlier card's refused write too), then `also`.
            for draft in list(self.unwritten.values()):
                log.save_draft(draft.card, draft.action, draft.outcome, draft.learning, entry_id=draft.entry_id,
                               details=draft.details)
            also(log)

        try:
            self._screen.power_app.store.write_and_wait(write_all)
        except PowerdeckError as error:
            self.problem = error
            return error
        except OSError as error:  # the store should have made it a PowerdeckError; never lose the text
            self.problem = PowerdeckError(f"Could not write the drafts: {error}")
            return self.problem
        self.unwritten.clear()
        self.problem = None
        return None

    # -- saving ----------------------------------------------------------------------------

    def save(self) -> None:
        """ctrl+s: save the editor as an entry (new, or the earlier one it holds) and drop the draft."""
        screen = self._screen
        editor = screen.editor
        if editor.is_blank:
            screen.set_status("Nothing to save yet: write an action, an outcome or a learning first.")
            return
        card_id, values, entry_id, details = screen.card_id, editor.values(), editor.entry_id, editor.details()
        try:
            extras = details_to_extras(details, date.today())
        except DetailsError as error:
            screen.set_status(f"Not saved: {error}")
            return
        self._stop_timer()

        def save(log: Log) -> Entry:
            # The entry and the draft's removal are one write: a crash keeps one or the other.
            return log.save_entry(card_id, values["action"], values["outcome"], values["learning"],
                                  entry_id=entry_id, extras=extras)

        screen.set_status(f"Saving entry for {card_id}…")
        draft_before = self.drafts.get(card_id)
        # Announced to every screen, this one too: its counts and the card's entries follow the
        # store's signal (LogFollower) once the writes queued meanwhile have landed.
        screen.power_app.store.queue_write(
            save, on_done=lambda entry: self._saved(entry, values, draft_before, details), on_error=self._save_failed
        )

    def _saved(self, entry: Entry, values: dict[str, str], draft_before: Draft | None = None,
               details: dict[str, str] | None = None) -> None:
        screen = self._screen
        if self.drafts.get(entry.card) is draft_before:
            # The save cleared this draft on disk; a draft kept after the save began (more text
            # typed meanwhile) was written after it, so it stays.
            self.drafts.pop(entry.card, None)
            self.unwritten.pop(entry.card, None)
        if entry.card == screen.card_id:
            editor = screen.editor
            saved = entry_details(entry)  # "+3w" as typed is saved as its date
            if editor.values() == values and editor.details() == (details or editor.details()):
                editor.load(values, entry_id=entry.id, details=saved)
            else:
                # More was typed while saving: keep it, measured against what was saved.
                editor.load(editor.values(), entry_id=entry.id, baseline=values, details=editor.details(),
                            details_baseline=saved)
        screen.set_status(f"Saved entry for {entry.card}")

    def _save_failed(self, error: PowerdeckError) -> None:
        self._screen.set_status("Not saved: your text is still here. Fix the problem, then press ctrl+s again.")
        self._screen.power_app.report_error(error)
