"""The deck screen's rule "never lose what was typed": per-card drafts, autosave, save.

Text in the editor is kept per card as a draft in the log file: a moment after typing stops, on
moving to another card, on leaving the screen and on quitting. The keeper holds every card's draft
in memory too (the card view and the sidebar mark the cards that have one) and runs ctrl+s.

The screen keeps the keys and what is showing; the keeper reads the editor through it and asks it
to redraw when a draft comes or goes.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Callable

from textual.timer import Timer

from powerdeck.entry import FIELDS, Draft, Entry, now_iso
from powerdeck.errors import PowerdeckError
from powerdeck.log import Log

if TYPE_CHECKING:
    from powerdeck.screens.deck_screen import DeckScreen


def _same_text(one: Draft, other: Draft) -> bool:
    return (one.action, one.outcome, one.learning, one.entry_id) == (other.action, other.outcome, other.learning, other.entry_id)


class DraftKeeper:
    """Every card's draft, in memory and on disk, for one deck screen."""

    def __init__(self, screen: DeckScreen, *, delay: float) -> None:
        self._screen = screen
        self._delay = delay
        self._timer: Timer | None = None
        self.drafts: dict[str, Draft] = {}

    def read(self) -> None:
        """Read every draft from the log again (at start, or after another screen kept one)."""
        self.drafts = self._screen.power_app.store.read(lambda log: log.drafts())

    def _stop_timer(self) -> None:
        if self._timer is not None:
            self._timer.stop()
            self._timer = None

    def load_editor(self) -> None:
        """Fill the editor from the showing card's draft, or empty for a new entry."""
        screen = self._screen
        editor = screen.editor
        draft = self.drafts.get(screen.card_id)
        if draft is None:
            editor.load(dict.fromkeys(FIELDS, ""), entry_id=None)
            return
        entry = None
        if draft.entry_id is not None:
            entry = screen.power_app.store.read(lambda log: log.get(draft.entry_id))
        # A draft of an earlier entry counts as unsaved against that entry's stored text.
        baseline = {name: getattr(entry, name) if entry else "" for name in FIELDS}
        values = {name: getattr(draft, name) for name in FIELDS}
        editor.load(values, entry_id=entry.id if entry else None, baseline=baseline)

    def typed(self) -> None:
        """The editor changed: keep the draft once typing has stopped for `delay` seconds."""
        self._stop_timer()
        self._timer = self._screen.set_timer(self._delay, self.keep)

    # -- drafts ----------------------------------------------------------------------------

    def keep(self) -> None:
        """Store the editor's unsaved text as this card's draft (or drop a draft no longer needed)."""
        self._stop_timer()
        screen = self._screen
        card_id = screen.card_id
        if not card_id:
            return
        editor = screen.editor
        store = screen.power_app.store
        if editor.is_dirty:
            draft = Draft(card=card_id, entry_id=editor.entry_id, updated=now_iso(), **editor.values())
            kept = self.drafts.get(card_id)
            if kept is not None and _same_text(kept, draft):
                return  # already on disk as it is (only the time would differ): no write
            self.drafts[card_id] = draft
            store.write(
                lambda log: log.save_draft(card_id, draft.action, draft.outcome, draft.learning, entry_id=draft.entry_id),
                on_done=lambda _: screen.set_status(f"Draft kept for {card_id}"),
                on_error=self._draft_failed,
            )
        elif card_id in self.drafts:
            del self.drafts[card_id]
            store.write(lambda log: log.clear_draft(card_id), on_error=self._draft_failed)
        else:
            return
        screen.refresh_counts()
        if screen.is_mounted:
            screen.refresh_card()

    def _draft_failed(self, error: PowerdeckError) -> None:
        self._screen.set_status("Could not write the draft to disk; your text is still in the editor.")
        self._screen.power_app.report_error(error)

    def keep_now(self, also: Callable[[Log], None]) -> None:
        """On quit or hang-up: write the draft, and `also`, on this thread after any queued writes."""
        editor = self._screen.editor
        card_id, values, entry_id, dirty = self._screen.card_id, editor.values(), editor.entry_id, editor.is_dirty

        def keep(log: Log) -> None:
            if dirty:
                log.save_draft(card_id, entry_id=entry_id, **values)
            also(log)

        try:
            self._screen.power_app.store.write_now(keep)
        except PowerdeckError:
            pass  # Nothing more can be done while quitting; the queued draft write may have landed.

    # -- saving ----------------------------------------------------------------------------

    def save(self) -> None:
        """ctrl+s: save the editor as an entry (new, or the earlier one it holds) and drop the draft."""
        screen = self._screen
        editor = screen.editor
        if editor.is_blank:
            screen.set_status("Nothing to save yet: write an action, an outcome or a learning first.")
            return
        self._stop_timer()
        card_id, values, entry_id = screen.card_id, editor.values(), editor.entry_id

        def save(log: Log) -> Entry:
            if entry_id is not None and log.get(entry_id) is not None:
                entry = log.update(entry_id, **values)
            else:
                entry = log.add(card_id, **values)
            log.clear_draft(card_id)
            return entry

        screen.set_status(f"Saving entry for {card_id}…")
        draft_before = self.drafts.get(card_id)
        screen.power_app.store.write(
            save, on_done=lambda entry: self._saved(entry, values, draft_before), on_error=self._save_failed
        )

    def _saved(self, entry: Entry, values: dict[str, str], draft_before: Draft | None = None) -> None:
        screen = self._screen
        if self.drafts.get(entry.card) is draft_before:
            # The save cleared this draft on disk; a draft kept after the save began (more text
            # typed meanwhile) was written after it, so it stays.
            self.drafts.pop(entry.card, None)
        if entry.card == screen.card_id:
            editor = screen.editor
            if editor.values() == values:
                editor.load(values, entry_id=entry.id)
            else:
                # More was typed while saving: keep it, measured against what was saved.
                editor.load(editor.values(), entry_id=entry.id, baseline=values)
            screen.refresh_card()
        screen.refresh_counts()
        screen.set_status(f"Saved entry for {entry.card}")

    def _save_failed(self, error: PowerdeckError) -> None:
        self._screen.set_status("Not saved: your text is still here. Fix the problem, then press ctrl+s again.")
        self._screen.power_app.report_error(error)
