"""One review log entry opened beside its card, to read or edit: save, escape that asks, drafts.

The log screen mounts this pane the first time an entry is opened, not with the list: its three
TextAreas and the card view cost more to build than the whole list, and most visits to the log
only read it. The pane then stays, hidden while the list shows, for the next entry.

The screen keeps the keys (priority bindings, see log_screen.py) and the list; the pane does what
an open entry needs and tells its host (the screen) at once, by a method call rather than a
message, when the list must show again: a key right behind escape ("escape c" in one burst over
SSH) must already find the list, not the fields.

Nothing typed is dropped: escape with unsaved changes asks; leaving the screen any other way (a
palette command, quitting, a hang-up) keeps the text as the card's draft.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Protocol

from textual import on
from textual.app import ComposeResult
from textual.containers import Container
from textual.content import Content
from textual.widgets import Static

from powerdeck.entry import FIELDS, Draft, Entry, EntryFilter, now_iso
from powerdeck.errors import PowerdeckError
from powerdeck.key_bursts import settle_keys
from powerdeck.log import Log
from powerdeck.messages import DraftKept
from powerdeck.screens.confirm_dialog import Choice, ChoiceDialog
from powerdeck.widgets.card_view import CardView
from powerdeck.widgets.entry_editor import EntryEditor
from powerdeck.write_watch import watch_unexpected

if TYPE_CHECKING:
    from powerdeck.app import PowerDeckApp

Unsaved = tuple[Entry, dict[str, str]]


def keep_job(draft: Draft) -> Callable[[Log], None]:
    """A write that keeps changes made to entry `draft.entry_id` in the review log: as the card's
    draft, or, when the card already holds another draft, in the entry itself (saving beats
    losing either text), or as a new entry when that one was deleted meanwhile."""
    texts = {name: getattr(draft, name) for name in FIELDS}

    def keep(log: Log) -> None:
        existing = log.draft(draft.card)
        if existing is None or existing.is_blank or existing.entry_id == draft.entry_id:
            log.save_draft(draft.card, entry_id=draft.entry_id, **texts)
        elif draft.entry_id is not None and log.get(draft.entry_id) is not None:
            log.update(draft.entry_id, **texts)
        else:
            log.add(draft.card, **texts)

    return keep


class EntryHost(Protocol):
    """What the pane needs from the screen it sits in."""

    def set_status(self, text: str) -> None: ...

    def entry_saved(self, entry: Entry) -> None:
        """The entry was saved (perhaps as a new one): show it in the list."""

    def entry_closed(self, entry_id: str | None) -> None:
        """The entry was closed: show the list again, on this entry."""


class EntryPane(Container):
    """The card (beside the fields from 100 columns, above them below that) and the three fields."""

    def __init__(self, host: EntryHost, *, cursor_blink: bool, id: str | None = None) -> None:
        super().__init__(id=id)
        self.host = host
        self._cursor_blink = cursor_blink
        self.editing: Entry | None = None
        self._snapshot: Unsaved | None = None
        self._kept = False

    @property
    def power_app(self) -> PowerDeckApp:
        return self.app  # type: ignore[return-value]  # Widget.app is App[Any]; this widget runs only in PowerDeckApp

    def compose(self) -> ComposeResult:
        yield Static("", id="entry-heading", markup=False)
        with Container(id="entry-panes"):
            yield CardView(id="entry-card")
            yield EntryEditor(cursor_blink=self._cursor_blink, show_entries=False, id="log-editor")

    @property
    def editor(self) -> EntryEditor:
        return self.query_one("#log-editor", EntryEditor)

    # -- opening ---------------------------------------------------------------------------

    def show(self, entry: Entry) -> None:
        """Put the entry (as stored now) in the fields and its card beside them."""
        self.editing = entry
        self.editor.load({name: getattr(entry, name) for name in FIELDS}, entry_id=entry.id)
        deck = self.power_app.deck
        card = deck.find_card(entry.card)
        card_view = self.query_one("#entry-card", CardView)
        card_view.display = card is not None
        if card is not None:
            count = self.power_app.store.read(lambda log: len(log.entries(EntryFilter(card=card.id))))
            card_view.show(card, deck.capability(card.capability), entries=count)
        self._show_heading(entry)

    def focus_first_empty(self) -> None:
        """An open entry is usually opened to write what came of it: start at the first empty field."""
        entry = self.editing
        if entry is None:
            return
        first_empty = next((name for name in FIELDS if not getattr(entry, name).strip()), "action")
        area = self.editor.field(first_empty)
        area.move_cursor(area.document.end)
        # Screen.set_focus acts at once; Widget.focus() waits its turn in the queue, so the
        # letters typed right after enter (a burst over SSH) would miss the field.
        self.screen.set_focus(area)
        # The pane was hidden until now: scroll the field into view once it is laid out.
        self.call_after_refresh(area.scroll_visible, animate=False)

    def opening_status(self) -> str:
        entry = self.editing
        if entry is None:
            return ""
        draft = self.power_app.store.read(lambda log: log.draft(entry.card))
        if draft is not None and draft.entry_id == entry.id:
            return f"Card {entry.card} also has a draft of changes to this entry, on the cards screen."
        return "ctrl+s saves · escape goes back to the list · tab: next field"

    def _show_heading(self, entry: Entry) -> None:
        created = entry.created[:16].replace("T", " ")
        updated = entry.updated[:16].replace("T", " ")
        text = f"Entry for card {entry.card} · written {created}"
        if self.power_app.deck.find_card(entry.card) is None:
            text += " · not in this deck"
        if updated != created:
            text += f" · updated {updated}"
        self.query_one("#entry-heading", Static).update(Content(text))

    # -- saving and leaving ----------------------------------------------------------------

    async def settle(self) -> None:
        """Let letters sent just before ctrl+s or escape land in the field before it is read: in a
        burst ("text" + escape) escape would find nothing unsaved and close, and the letters would
        land in a hidden field and be lost (see key_bursts.settle_keys)."""
        await settle_keys(self.screen.focused, self)

    def save(self, then_close: bool = False) -> None:
        entry = self.editing
        if entry is None:
            return
        values = self.editor.values()

        def save(log: Log) -> tuple[Entry, bool]:
            # Deleted elsewhere while being edited: save_entry keeps the text as a new entry.
            new = log.save_entry(entry.card, entry_id=entry.id, clear_draft=False, **values)
            return new, new.id != entry.id

        def saved(result: tuple[Entry, bool]) -> None:
            new, added = result
            held = self.power_app.log_unsaved.get(entry.id)
            if held is not None and {name: getattr(held, name) for name in FIELDS} == values:
                del self.power_app.log_unsaved[entry.id]  # the refused text is in the log now
            if self.editing is not None and self.editing.id == entry.id:
                self.editing = new
                now = self.editor.values()
                self.editor.load(now, entry_id=new.id, baseline=values)
                self._show_heading(new)
                self._snapshot = self._unsaved()
            if then_close and self.editing is not None and not self.editor.is_dirty:
                self.close()
            self.host.entry_saved(new)
            self.host.set_status(
                "Saved as a new entry: the old one had been deleted in another session." if added
                else f"Saved the entry for card {new.card}"
            )

        self.host.set_status("Saving…")
        future = self.power_app.store.write(save, on_done=saved, on_error=self._save_failed)
        watch_unexpected(future, self.power_app, self._save_failed)

    def _save_failed(self, error: PowerdeckError) -> None:
        self.host.set_status("Not saved: your text is still here. Fix the problem, then press ctrl+s again.")
        self.power_app.report_error(error)

    def leave(self) -> None:
        """Escape: back to the list at once, or ask first when there are unsaved changes."""
        if not self.editor.is_dirty:
            self.close()
            return
        choices = (
            Choice("s", "Save", "save", "primary"),
            Choice("d", "Discard", "discard", "error"),
            Choice("k", "Keep editing", "keep"),
        )

        def answered(answer: str | None) -> None:
            if answer == "save":
                self.save(then_close=True)
            elif answer == "discard":
                self.close()
            else:
                self.screen.set_focus(self.editor.field("action"))

        self.app.push_screen(
            ChoiceDialog(
                "Unsaved changes",
                "This entry has changes that are not saved yet. Save them, or discard them?",
                choices,
            ),
            answered,
        )

    def close(self) -> None:
        keep = self.editing.id if self.editing else None
        self.editing = None
        self._snapshot = None
        self.host.entry_closed(keep)

    # -- drafts ----------------------------------------------------------------------------

    def _unsaved(self) -> Unsaved | None:
        if self.editing is None or not self.is_mounted or not self.editor.is_dirty:
            return None
        return self.editing, self.editor.values()

    def _as_draft(self, unsaved: Unsaved) -> Draft:
        entry, values = unsaved
        return Draft(card=entry.card, entry_id=entry.id, updated=now_iso(), **values)

    def _refused(self, unsaved: Unsaved, error: PowerdeckError) -> PowerdeckError:
        """The changes could not be written: the app holds them for the quit dialog (and retries)."""
        self.power_app.log_unsaved[unsaved[0].id] = self._as_draft(unsaved)
        return error

    def keep_drafts_now(self) -> PowerdeckError | None:
        """On quit or hang-up: keep unsaved changes, on this thread, after any queued writes; say
        why not (the text is then in `app.log_unsaved`, which the quit dialog offers)."""
        unsaved = self._unsaved()
        if unsaved is None:
            return None
        try:
            self.power_app.store.write_now(keep_job(self._as_draft(unsaved)))
        except PowerdeckError as error:
            return self._refused(unsaved, error)
        self._kept = True
        self.power_app.log_unsaved.pop(unsaved[0].id, None)
        return None

    def keep_unsaved(self) -> None:
        """The screen is being left without escape (a palette command such as "Go to card")."""
        self._keep_on_leaving(self._unsaved())

    @on(EntryEditor.Changed)
    def _typed(self) -> None:
        # Kept up to date while typing: by the time the pane is unmounted its fields are gone.
        self._snapshot = self._unsaved()

    def on_unmount(self) -> None:
        self._keep_on_leaving(self._snapshot)

    def _keep_on_leaving(self, unsaved: Unsaved | None) -> None:
        self._snapshot = None
        if unsaved is None or self._kept:
            return
        self._kept = True
        entry, _ = unsaved
        app = self.power_app

        def kept(_: None) -> None:
            app.log_unsaved.pop(entry.id, None)
            for screen in app.screen_stack:
                screen.post_message(DraftKept(entry.card))

        def refused(error: PowerdeckError) -> None:
            self._refused(unsaved, error)
            app.report_error(error)

        future = app.store.write(keep_job(self._as_draft(unsaved)), on_done=kept, on_error=refused)
        watch_unexpected(future, app, refused)
        app.notify(f"Unsaved changes to the entry for card {entry.card} were kept as its draft.", markup=False)
