"""The review log's open entry: opening it beside the list (the pane is built on first use),
moving between its fields, saving, and leaving it (asking first when it has unsaved changes).

A part of LogScreen (a Screen class it inherits from): the bindings name these actions on the
screen. EntryPane draws the entry; entry_writes.py does its writes."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual import on
from textual.screen import Screen

from powerdeck.core.entry import Draft, Entry, EntryFilter
from powerdeck.store import Log
from powerdeck.tui.key_bursts import focus_field
from powerdeck.tui.screens.dialogs.confirm_dialog import Choice, ChoiceDialog
from powerdeck.tui.widgets.entry_list import EntryList
from powerdeck.tui.widgets.entry_pane import EntryPane

if TYPE_CHECKING:
    from powerdeck.tui.app_services import AppServices
    from powerdeck.tui.screens.log.entry_writes import EntryWrites


class OpenEntry(Screen[None]):
    """One entry open beside the list (LogScreen's entry keys)."""

    if TYPE_CHECKING:  # what LogScreen gives its parts
        _pane: EntryPane | None
        entry_writes: EntryWrites

        @property
        def power_app(self) -> AppServices: ...
        @property
        def entry_list(self) -> EntryList: ...
        @property
        def entry_pane(self) -> EntryPane: ...
        def set_status(self, text: str) -> None: ...
        def refresh_list(self, keep: str | None = None) -> None: ...
        async def settle_editor(self) -> None: ...

    @on(EntryList.Selected)
    async def _selected(self, event: EntryList.Selected) -> None:
        await self.open_entry(event.entry)

    async def action_open_entry(self) -> None:
        entry = self.entry_list.current
        if entry is not None:
            await self.open_entry(entry)

    async def open_entry(self, entry: Entry) -> None:
        def read(log: Log) -> tuple[Entry | None, int, Draft | None]:
            fresh = log.get(entry.id)
            return fresh, len(log.entries(EntryFilter(card=entry.card))), log.draft(entry.card)

        fresh, card_entries, draft = self.power_app.store.read(read)
        if fresh is None:
            self.set_status("That entry is no longer in the log (deleted in another session?).")
            self.refresh_list()
            return
        if self._pane is None:
            # Built on first use. Awaited inside the key's action, so the keys typed after enter
            # wait for the fields to exist rather than landing on the list (or nowhere).
            pane = EntryPane(self.power_app.deck, cursor_blink=not self.power_app.options.over_ssh, id="log-entry")
            await self.mount(pane, before="#problem-line")
            self._pane = pane
        pane = self._pane
        pane.show(fresh, card_entries=card_entries)
        self.add_class("-editing")
        pane.focus_first_empty()
        self.refresh_bindings()
        if draft is not None and draft.entry_id == fresh.id:
            self.set_status(f"Card {fresh.card} also has a draft of changes to this entry, on the cards screen.")
        else:
            self.set_status("ctrl+s saves · escape goes back to the list · tab: next field")

    def action_focus_field(self, step: int) -> None:
        focus_field(self, step)

    async def action_save(self) -> None:
        if self._pane is not None:
            await self.settle_editor()
            self._pane.request_save()

    @on(EntryPane.SaveRequested)
    def _save_requested(self, event: EntryPane.SaveRequested) -> None:
        event.stop()
        self.entry_writes.queue_save(self.entry_pane, event)

    def _leave_entry(self) -> None:
        """Escape in the entry: back to the list at once, or ask first when there are unsaved changes."""
        pane = self.entry_pane
        if not pane.is_dirty:
            self.close_entry()
            return
        choices = (
            Choice("s", "Save", "save", "primary"),
            Choice("d", "Discard", "discard", "error"),
            Choice("k", "Keep editing", "keep"),
        )

        def answered(answer: str | None) -> None:
            if answer == "save":
                pane.request_save(then_close=True)
            elif answer == "discard":
                self.close_entry()
            else:
                self.set_focus(pane.editor.field("action"))

        self.app.push_screen(
            ChoiceDialog(
                "Unsaved changes",
                "This entry has changes that are not saved yet. Save them, or discard them?",
                choices,
            ),
            answered,
        )

    def close_entry(self) -> None:
        """Show the list again, on the entry that was open. At once, not by a message: a key right
        behind escape ("escape c" in one burst over SSH) must already find the list."""
        closed = self.entry_pane.close()
        self.remove_class("-editing")
        self.set_focus(self.entry_list)
        self.refresh_list(keep=closed)
        self.set_status("")
