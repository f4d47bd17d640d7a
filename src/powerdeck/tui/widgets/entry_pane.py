"""One review log entry opened beside its card, to read or edit.

The log screen mounts this pane the first time an entry is opened, not with the list: its three
TextAreas and the card view cost more to build than the whole list, and most visits to the log
only read it. The pane then stays, hidden while the list shows, for the next entry.

The pane draws and holds what is typed; it never talks to the log. The screen gives it the entry
(`show`), and ctrl+s makes it post `SaveRequested`: the screen writes, then hands the stored entry
back (`saved`). The screen also keeps the keys, asks before escape drops changes, and writes
unsaved changes as a draft when it is left another way (`unsaved()` and `snapshot` say what they
are; screens/entry_writes.py).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from textual import on
from textual.app import ComposeResult
from textual.containers import Container
from textual.content import Content
from textual.message import Message
from textual.widgets import Static

from powerdeck.core.dates import uk_date_of
from powerdeck.core.entry import FIELDS, Entry
from powerdeck.core.follow_up import entry_details
from powerdeck.deck.model import Deck
from powerdeck.tui.key_bursts import settle_keys
from powerdeck.tui.widgets.card_view import CardView
from powerdeck.tui.widgets.entry_editor import EntryEditor

Unsaved = tuple[Entry, dict[str, str]]
"""An entry as stored and the fields' texts that differ from it (the three texts and the details,
core/follow_up.py's DETAILS, by name)."""


class EntryPane(Container):
    """The card (beside the fields from 100 columns, above them below that) and the three fields."""

    @dataclass
    class SaveRequested(Message):
        """Save `values` as entry `entry` (as it was opened); `then_close` when leaving after."""

        entry: Entry
        values: dict[str, str]
        then_close: bool = False
        details: dict[str, str] = field(default_factory=dict)
        """The follow-up, tags and hours as typed (core/follow_up.py checks them)."""

    def __init__(self, deck: Deck, *, cursor_blink: bool, id: str | None = None) -> None:
        super().__init__(id=id)
        self._deck = deck
        self._cursor_blink = cursor_blink
        self.editing: Entry | None = None
        self._asked_details: dict[str, str] = {}
        self.snapshot: Unsaved | None = None
        """`unsaved()` as of the last keystroke: still there once the fields are unmounted."""

    def compose(self) -> ComposeResult:
        yield Static("", id="entry-heading", markup=False)
        with Container(id="entry-panes"):
            yield CardView(id="entry-card")
            yield EntryEditor(cursor_blink=self._cursor_blink, show_entries=False, id="log-editor")

    @property
    def editor(self) -> EntryEditor:
        return self.query_one("#log-editor", EntryEditor)

    @property
    def is_dirty(self) -> bool:
        return self.editor.is_dirty

    # -- opening ---------------------------------------------------------------------------

    def show(self, entry: Entry, *, card_entries: int) -> None:
        """Put the entry (as stored now) in the fields and its card beside them, with how many
        entries the card has."""
        self.editing = entry
        self.editor.load({name: getattr(entry, name) for name in FIELDS}, entry_id=entry.id,
                         details=entry_details(entry))
        card = self._deck.find_card(entry.card)
        card_view = self.query_one("#entry-card", CardView)
        card_view.display = card is not None
        if card is not None:
            card_view.show(card, self._deck.capability(card.capability), entries=card_entries)
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

    def _show_heading(self, entry: Entry) -> None:
        created = f"{uk_date_of(entry.created)} {entry.created[11:16]}"
        updated = f"{uk_date_of(entry.updated)} {entry.updated[11:16]}"
        text = f"Entry for card {entry.card} · written {created}"
        if self._deck.find_card(entry.card) is None:
            text += " · not in this deck"
        if updated != created:
            text += f" · updated {updated}"
        self.query_one("#entry-heading", Static).update(Content(text))

    # -- saving and closing ----------------------------------------------------------------

    async def settle(self) -> None:
        """Let letters sent just before ctrl+s or escape land in the field before it is read: in a
        burst ("text" + escape) escape would find nothing unsaved and close, and the letters would
        land in a hidden field and be lost (see key_bursts.settle_keys)."""
        await settle_keys(self.screen.focused, self)

    def request_save(self, *, then_close: bool = False) -> None:
        """ctrl+s: ask the screen to save the fields (it posts back through `saved`)."""
        if self.editing is not None:
            self._asked_details = self.editor.details()
            self.post_message(self.SaveRequested(self.editing, self.editor.values(), then_close,
                                                 self.editor.details()))

    def saved(self, asked: Entry, stored: Entry, values: dict[str, str]) -> None:
        """`values`, asked to be saved as entry `asked`, are stored as `stored` (a new entry if
        `asked` had been deleted meanwhile). Text typed since stays unsaved against them."""
        if self.editing is None or self.editing.id != asked.id:
            return
        self.editing = stored
        typed = self.editor.details()
        saved = entry_details(stored)
        # A detail typed as "+3w" is saved as its date: show the date, unless more was typed since.
        self.editor.load(self.editor.values(), entry_id=stored.id, baseline=values,
                         details=saved if typed == self._asked_details else typed, details_baseline=saved)
        self._show_heading(stored)
        self.snapshot = self.unsaved()

    def close(self) -> str | None:
        """Forget the entry (its unsaved text too: the screen asked first); return its id."""
        closed = self.editing.id if self.editing else None
        self.editing = None
        self.snapshot = None
        return closed

    # -- what is not saved -----------------------------------------------------------------

    def unsaved(self) -> Unsaved | None:
        """The open entry and the fields' texts (its details as typed with them), when they differ
        from it; else None."""
        if self.editing is None or not self.is_mounted or not self.editor.is_dirty:
            return None
        return self.editing, {**self.editor.values(), **self.editor.details()}

    @on(EntryEditor.Changed)
    def _typed(self) -> None:
        # Kept up to date while typing: by the time the pane is unmounted its fields are gone.
        self.snapshot = self.unsaved()
