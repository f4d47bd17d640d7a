"""The deck screen's writing: the form built on the first enter, focus and the reading/writing
modes, picking an entry of the card, carrying on with an open one, leaving the form, saving.

A part of DeckScreen (a Screen class it inherits from): the bindings name these actions on the screen.
What happens to the text (drafts, autosave, ctrl+s) is the DraftKeeper's (deck_drafts.py)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.screen import Screen

from powerdeck.core.dates import uk_date_of
from powerdeck.core.entry import FIELD_LABELS, FIELDS
from powerdeck.core.follow_up import entry_details
from powerdeck.tui.key_bursts import focus_field, settle_keys
from powerdeck.tui.screens.deck.deck_keys import READING, WRITING
from powerdeck.tui.widgets.entry_editor import EntryEditor

if TYPE_CHECKING:
    from powerdeck.tui.app_services import AppServices
    from powerdeck.tui.screens.deck.deck_drafts import DraftKeeper
    from powerdeck.tui.screens.deck.deck_keys import TypingGate
    from powerdeck.tui.screens.deck.deck_mode import DeckMode


class EntryWriting(Screen[None]):
    """Writing about the showing card (DeckScreen's editor keys)."""

    if TYPE_CHECKING:  # what DeckScreen gives its parts
        gate: TypingGate
        mode: DeckMode
        draft_keeper: DraftKeeper

        @property
        def power_app(self) -> AppServices: ...
        @property
        def editor(self) -> EntryEditor: ...
        def set_status(self, text: str) -> None: ...
        def queue_draft_write(self) -> None: ...

    def _editing(self) -> bool:
        focused = self.focused
        return focused is not None and self.editor in focused.ancestors_with_self

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in READING and self._editing():
            # Inside the editor these keys type text; keep the footer to the editor's keys.
            return False
        if action == "continue_open":
            editors = self.query(EntryEditor)  # the footer may ask while the screen is being built
            if not editors or editors.first().offered_entry() is None:
                return False
        return not (action in WRITING and not self._editing())

    def on_descendant_focus(self, event: object) -> None:
        self.mode.switch(self._editing())
        self.call_after_refresh(self.mode.show_badge)  # the editor marks its field after this

    def on_descendant_blur(self, event: object) -> None:
        self.call_after_refresh(self._after_blur)

    def _after_blur(self) -> None:
        self.mode.switch(self._editing())

    def action_edit(self) -> None:
        self.gate.reset()
        if self.editor.built:
            self._focus_form()
        else:
            # The first time: the keys typed after enter wait until the field has focus.
            self.power_app.hold_input_until(self.start_writing())

    async def start_writing(self) -> None:
        """Build the form (once; it holds the card's draft already) and put the cursor in it."""
        if not self.editor.built:
            from powerdeck.tui.screens.log.tag_picker import tags_offered

            self.editor.offered_tags = tags_offered(self.power_app)[0]  # the tags field's hint names them
        await self.editor.build()
        if self.is_attached and self.editor.built:
            self._focus_form()

    def _focus_form(self) -> None:
        self.mode.switch(True)  # shown first: a hidden field cannot take focus
        # Screen.set_focus, not Widget.focus(): at once, so the letters typed right after enter
        # land in the field (see key_bursts).
        self.set_focus(self.editor.field("action"))

    def action_focus_field(self, step: int) -> None:
        focus_field(self, step)

    async def settle_editor(self) -> None:
        """Let letters sent just before ctrl+s, escape or ctrl+q land in the field before it is
        read (key_bursts.settle_keys; App.action_quit calls this too)."""
        await settle_keys(self.focused, self.editor)

    async def action_leave_editor(self) -> None:
        await self.settle_editor()
        self.queue_draft_write()
        self.set_focus(None)

    def open_chosen_entry(self, chosen: str | None) -> None:
        """An entry picked from the card's list (None: a new one) goes into the form."""
        editor = self.editor
        if editor.is_dirty:
            self.set_status("This entry has unsaved text: save it with ctrl+s before opening another.")
            return
        if chosen is None:
            editor.load(dict.fromkeys(FIELDS, ""), entry_id=None)
        else:
            entry_id = chosen
            entry = self.power_app.store.read(lambda log: log.get(entry_id))
            if entry is None:
                self.set_status("That entry is no longer in the log.")
                return
            editor.load({name: getattr(entry, name) for name in FIELDS}, entry_id=entry.id,
                        details=entry_details(entry))
            self.set_status(f"Editing the entry of {uk_date_of(entry.created)} for {entry.card}")
        self.set_focus(editor.field("action"))

    def action_continue_open(self) -> None:
        """f4 while writing a new entry: carry on with the card's open entry instead, at its
        first empty field (the new one, if it has text, must be saved or cleared first)."""
        editor = self.editor
        entry = editor.offered_entry()
        if entry is None:
            return
        if not editor.is_blank:
            self.set_status("This new entry has text: save it with ctrl+s (or clear it) before carrying on "
                            "with another.")
            return
        editor.load({name: getattr(entry, name) for name in FIELDS}, entry_id=entry.id,
                    details=entry_details(entry))
        self.queue_draft_write()
        first_empty = next((name for name in FIELDS if not getattr(entry, name).strip()), "action")
        self.set_status(f"Carrying on with your entry of {uk_date_of(entry.created)}: {FIELD_LABELS[first_empty]} next")
        area = editor.field(first_empty)
        area.move_cursor(area.document.end)
        self.set_focus(area)

    async def action_save(self) -> None:
        await self.settle_editor()
        self.draft_keeper.save()
