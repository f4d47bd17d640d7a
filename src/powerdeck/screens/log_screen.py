"""The review log: every entry newest first, filters, and an entry opened beside its card.

Keys follow the deck screen's rule: every binding is a priority binding (so a burst of keys
over a slow SSH link acts in the order it was typed) and focus moves with `Screen.set_focus`
(at once, not queued). `check_action` switches the list's letter keys off while a text field
has focus, so there they type text.

All reads and writes of the log go through `app.store`. Nothing typed is dropped: escape with
unsaved changes asks; leaving the screen any other way (a palette command, quitting, a hang-up)
keeps the text as the card's draft.
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Container, Vertical
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Footer, Input, Static

from powerdeck.entry import FIELDS, Entry, EntryFilter
from powerdeck.errors import PowerdeckError
from powerdeck.log import Log
from powerdeck.screens.confirm_dialog import Choice, ChoiceDialog
from powerdeck.screens.filter_dialogs import ANY_CARD, CapabilityPicker, CardPicker, Period, PeriodPicker
from powerdeck.widgets.card_view import CardView
from powerdeck.widgets.entry_editor import EntryEditor
from powerdeck.widgets.entry_list import EntryList, one_line, title_width

if TYPE_CHECKING:
    from powerdeck.app import PowerDeckApp

POLL_SECONDS = 2.0
"""How often to look whether another session changed the log (a stat call; draws nothing)."""

LIST_ACTIONS = {
    "open_entry", "search", "capabilities", "card", "open_only", "period", "clear_filters",
    "overview", "export", "delete", "undo", "move", "page",
}
ENTRY_ACTIONS = {"save", "focus_field"}


def plural(count: int, word: str = "entry", words: str = "entries") -> str:
    return f"{count:,} {word if count == 1 else words}"


def describe_filter(entry_filter: EntryFilter) -> list[str]:
    """The active filters in words, in the order of their keys."""
    parts = []
    if entry_filter.capabilities:
        numbers = ", ".join(str(n) for n in sorted(entry_filter.capabilities))
        parts.append(f"capability {numbers}")
    if entry_filter.card is not None:
        parts.append(f"card {entry_filter.card}")
    if entry_filter.text:
        parts.append(f"“{one_line(entry_filter.text)}”")
    if entry_filter.open_only:
        parts.append("open only")
    if entry_filter.since and entry_filter.until:
        parts.append(f"{entry_filter.since} to {entry_filter.until}")
    elif entry_filter.since:
        parts.append(f"from {entry_filter.since}")
    elif entry_filter.until:
        parts.append(f"up to {entry_filter.until}")
    return parts


def filter_line(entry_filter: EntryFilter) -> Content:
    """Each filter with its key: dim while unset, its value in bold once set."""
    f = entry_filter
    if f.since and f.until:
        period = f"{f.since} to {f.until}"
    elif f.since:
        period = f"from {f.since}"
    elif f.until:
        period = f"to {f.until}"
    else:
        period = ""
    items = [
        ("c", "capability", ", ".join(str(n) for n in sorted(f.capabilities))),
        ("a", "card", f.card or ""),
        ("/", "search", f"“{one_line(f.text)}”" if f.text else ""),
        ("o", "open only", "✓" if f.open_only else ""),
        ("p", "dates", period),
    ]
    parts: list[str | tuple[str, str]] = []
    for key, label, value in items:
        if parts:
            parts.append("  ")
        parts.append((key, "bold $accent"))
        if value:
            parts += [(f" {label} ", ""), (value, "bold")]
        else:
            parts.append((f" {label}", "$text-muted"))
    if not f.is_empty:
        parts += ["  ", ("x", "bold $accent"), (" clear", "$text-muted")]
    return Content.assemble(*parts)


class LogScreen(Screen[None]):
    """Browse, filter, open, edit and delete review log entries."""

    AUTO_FOCUS = ""
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (100, "-wide")]
    BINDINGS = [
        Binding("enter,e", "open_entry", "Open", id="log-open", tooltip="Open the entry to read or edit it", priority=True),
        Binding("slash", "search", "Search", id="log-search", key_display="/", tooltip="Search action, outcome and learning", show=False, priority=True),
        Binding("c", "capabilities", "Capability", id="log-capabilities", tooltip="Show one or several capabilities", show=False, priority=True),
        Binding("a", "card", "Card", id="log-card", tooltip="Show one card", show=False, priority=True),
        Binding("o", "open_only", "Open only", id="log-open-only", tooltip="Show only entries whose outcome or learning is still to write", show=False, priority=True),
        Binding("p", "period", "Period", id="log-period", tooltip="Show a period: last 30 days, this year, or dates", show=False, priority=True),
        Binding("x", "clear_filters", "Clear", id="log-clear-filters", tooltip="Clear every filter", priority=True),
        Binding("v", "overview", "Overview", id="log-overview", tooltip="Entries per capability as a chart; cards not used yet", priority=True),
        Binding("w", "export", "Export", id="log-export", tooltip="Write the log (or what is shown) to a file", priority=True),
        Binding("d,delete", "delete", "Delete", id="log-delete", tooltip="Delete the entry (asks first; u undoes)", priority=True),
        Binding("u", "undo", "Undo", id="log-undo", tooltip="Undo the last delete", priority=True),
        Binding("ctrl+s", "save", "Save", id="log-save", tooltip="Save the entry", priority=True),
        Binding("escape", "back", "Back", id="log-back", tooltip="Back (to the list, then to the cards)", priority=True),
        Binding("tab", "focus_field(1)", "Next field", id="log-next-field", show=False, priority=True),
        Binding("shift+tab", "focus_field(-1)", "Previous field", id="log-previous-field", show=False, priority=True),
        Binding("down,j", "move(1)", "Down", id="log-down", show=False, priority=True),
        Binding("up,k", "move(-1)", "Up", id="log-up", show=False, priority=True),
        Binding("pagedown,space", "page(1)", "Page down", id="log-page-down", show=False, priority=True),
        Binding("pageup", "page(-1)", "Page up", id="log-page-up", show=False, priority=True),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.entry_filter = EntryFilter()
        self.total = 0
        self.deleted: list[Entry] = []
        self.editing: Entry | None = None
        self._card_titles: dict[str, str] = {}
        self._snapshot: tuple[Entry, dict[str, str]] | None = None
        self._kept = False

    @property
    def power_app(self) -> PowerDeckApp:
        return self.app  # type: ignore[return-value]

    # -- layout ----------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        self._card_titles = {card.id: card.title for card in self.power_app.deck.cards}
        with Vertical(id="log-list"):
            yield Static("", id="log-title", markup=False)
            yield Static("", id="log-filters", markup=False)
            yield Input(placeholder="Search action, outcome and learning · enter: done", id="log-search-input")
            yield Static("", id="log-header", markup=False)
            with Container(id="log-body"):
                yield EntryList(card_title=lambda card: self._card_titles.get(card, ""), id="log-entries")
                yield Static("", id="log-empty", markup=False)
        with Container(id="log-entry"):
            yield Static("", id="entry-heading", markup=False)
            with Container(id="entry-panes"):
                yield CardView(id="entry-card")
                yield EntryEditor(
                    cursor_blink=not self.power_app.options.over_ssh, show_entries=False, id="log-editor"
                )
        yield Static("", id="log-status", markup=False)
        yield Footer(compact=True, show_command_palette=False)

    def on_mount(self) -> None:
        self.query_one("#log-search-input").display = False
        self.refresh_list()
        self.set_focus(self.entry_list)
        self.set_interval(POLL_SECONDS, self._poll_log)

    @property
    def entry_list(self) -> EntryList:
        return self.query_one("#log-entries", EntryList)

    @property
    def editor(self) -> EntryEditor:
        return self.query_one("#log-editor", EntryEditor)

    @property
    def search_input(self) -> Input:
        return self.query_one("#log-search-input", Input)

    def set_status(self, text: str) -> None:
        self.query_one("#log-status", Static).update(Content(text))

    # -- the list --------------------------------------------------------------------------

    @property
    def shown(self) -> list[Entry]:
        return self.entry_list.entries

    def refresh_list(self, keep: str | None = None) -> None:
        """Read the entries that match the filter and show them (the cursor stays on `keep`)."""
        entry_filter = self.entry_filter
        if keep is None and self.entry_list.current is not None:
            keep = self.entry_list.current.id

        def query(log: Log) -> tuple[list[Entry], int]:
            everything = log.entries()
            shown = everything if entry_filter.is_empty else entry_filter.apply(everything)
            return shown, len(everything)

        shown, self.total = self.power_app.store.read(query)
        self.entry_list.set_entries(shown, keep=keep)
        self._show_counts()
        self.refresh_bindings()

    def _show_counts(self) -> None:
        shown = len(self.shown)
        title = f"Review log · {shown:,} of {plural(self.total)}"
        open_count = sum(1 for entry in self.shown if entry.is_open) if shown <= 20000 else 0
        if open_count:
            title += f" · {open_count:,} open ○"
        self.query_one("#log-title", Static).update(Content(title))
        self.query_one("#log-filters", Static).update(filter_line(self.entry_filter))
        width = self.entry_list.scrollable_content_region.width or self.size.width
        titles = title_width(width)
        header = f"   {'Date':<10} {'Card':<5}" + (f"{'Title':<{titles}} " if titles else "") + "Action"
        self.query_one("#log-header", Static).update(Content(header))
        empty = self.query_one("#log-empty", Static)
        empty.display = shown == 0
        if shown == 0:
            if self.total == 0:
                empty.update(
                    "Your review log is empty.\n\nPress escape to go back to the cards, choose one, "
                    "and press e to write what you will do about it."
                )
            else:
                empty.update(f"No entries match these filters (the log has {plural(self.total)}).\n\nPress x to clear them.")

    def on_resize(self) -> None:
        self._show_counts()

    def _set_filter(self, entry_filter: EntryFilter) -> None:
        if entry_filter != self.entry_filter:
            self.entry_filter = entry_filter
            self.refresh_list()

    def _poll_log(self) -> None:
        """Another session (a second SSH login) may have written: show its entries."""
        if self.power_app.store.read(lambda log: log.changed_on_disk()):
            self.refresh_list()

    # -- modes and keys --------------------------------------------------------------------

    @property
    def in_entry(self) -> bool:
        return self.has_class("-editing")

    @property
    def searching(self) -> bool:
        return self.focused is self.search_input

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in LIST_ACTIONS:
            if self.in_entry or self.searching:
                return False
            if action == "undo" and not self.deleted:
                return False
            if action in {"open_entry", "delete"} and not self.shown:
                return None
            return True
        if action in ENTRY_ACTIONS:
            return self.in_entry
        return True

    def action_move(self, rows: int) -> None:
        self.entry_list.move(rows)

    def action_page(self, pages: int) -> None:
        self.entry_list.page(pages)

    def action_back(self) -> None:
        if self.searching:
            self._end_search()
        elif self.in_entry:
            self._leave_entry()
        else:
            self.app.pop_screen()

    # -- filters ---------------------------------------------------------------------------

    def action_search(self) -> None:
        search = self.search_input
        search.display = True
        if search.value != self.entry_filter.text:
            search.value = self.entry_filter.text
        self.set_focus(search)
        self.refresh_bindings()

    @on(Input.Changed, "#log-search-input")
    def _search_changed(self, event: Input.Changed) -> None:
        event.stop()
        self._set_filter(replace(self.entry_filter, text=event.value))

    @on(Input.Submitted, "#log-search-input")
    def _search_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self._end_search()

    def _end_search(self) -> None:
        self.search_input.display = False
        self.set_focus(self.entry_list)
        self.refresh_bindings()

    def action_capabilities(self) -> None:
        counts = self.power_app.store.read(lambda log: log.count_by_capability())

        def chosen(numbers: frozenset[int] | None) -> None:
            if numbers is not None:
                self._set_filter(replace(self.entry_filter, capabilities=numbers))

        self.app.push_screen(CapabilityPicker(self.power_app.deck, self.entry_filter.capabilities, counts), chosen)

    def action_card(self) -> None:
        counts = self.power_app.store.read(lambda log: log.count_by_card())

        def chosen(card: str | None) -> None:
            if card is not None:
                self._set_filter(replace(self.entry_filter, card=None if card == ANY_CARD else card))

        self.app.push_screen(CardPicker(self.power_app.deck, self.entry_filter.card, counts), chosen)

    def action_open_only(self) -> None:
        self._set_filter(replace(self.entry_filter, open_only=not self.entry_filter.open_only))

    def action_period(self) -> None:
        def chosen(period: Period | None) -> None:
            if period is not None:
                self._set_filter(replace(self.entry_filter, since=period.since, until=period.until))

        self.app.push_screen(PeriodPicker(self.entry_filter.since, self.entry_filter.until), chosen)

    def action_clear_filters(self) -> None:
        self.search_input.value = ""
        self._set_filter(EntryFilter())

    def action_overview(self) -> None:
        self.power_app.action_open_overview()

    def action_export(self) -> None:
        self.power_app.action_export_log()

    # -- delete and undo -------------------------------------------------------------------

    def action_delete(self) -> None:
        entry = self.entry_list.current
        if entry is None:
            return
        title = self._card_titles.get(entry.card, "")
        question = (
            f"{entry.created[:10]} · card {entry.card} {title}\n"
            f"{entry.first_line() or '(no action written)'}\n\n"
            "u undoes this until you leave the review log."
        )
        choices = (Choice("y", "Delete", "yes", "error"), Choice("n", "Keep it", "no"))

        def answered(answer: str | None) -> None:
            if answer == "yes":
                self._delete(entry)

        self.app.push_screen(ChoiceDialog("Delete this entry?", question, choices), answered)

    def _delete(self, entry: Entry) -> None:
        entry_id = entry.id

        def delete(log: Log) -> Entry | None:
            return log.delete(entry_id) if log.get(entry_id) is not None else None

        def deleted(old: Entry | None) -> None:
            if old is not None:
                self.deleted.append(old)
                self.set_status(f"Deleted the entry of {old.created[:10]} for card {old.card} · u undoes")
            self.refresh_list()

        self.power_app.store.write(delete, on_done=deleted, on_error=self._write_failed)

    def action_undo(self) -> None:
        if not self.deleted:
            return
        entry = self.deleted.pop()

        def restored(old: Entry) -> None:
            self.refresh_list(keep=old.id)
            self.set_status(f"Restored the entry of {old.created[:10]} for card {old.card}")

        def failed(error: PowerdeckError) -> None:
            self.deleted.append(entry)
            self._write_failed(error)

        self.power_app.store.write(lambda log: log.restore(entry), on_done=restored, on_error=failed)

    def _write_failed(self, error: PowerdeckError) -> None:
        self.set_status("Not saved: " + str(error))
        self.power_app.report_error(error)

    # -- one entry -------------------------------------------------------------------------

    @on(EntryList.Selected)
    def _selected(self, event: EntryList.Selected) -> None:
        self.open_entry(event.entry)

    def action_open_entry(self) -> None:
        entry = self.entry_list.current
        if entry is not None:
            self.open_entry(entry)

    def open_entry(self, entry: Entry) -> None:
        fresh = self.power_app.store.read(lambda log: log.get(entry.id))
        if fresh is None:
            self.set_status("That entry is no longer in the log (deleted in another session?).")
            self.refresh_list()
            return
        self.editing = fresh
        self.editor.load({name: getattr(fresh, name) for name in FIELDS}, entry_id=fresh.id)
        deck = self.power_app.deck
        card = deck.find_card(fresh.card)
        card_view = self.query_one("#entry-card", CardView)
        card_view.display = card is not None
        if card is not None:
            count = self.power_app.store.read(lambda log: len(log.entries(EntryFilter(card=card.id))))
            card_view.show(card, deck.capability(card.capability), entries=count)
        self._show_heading(fresh)
        self.add_class("-editing")
        # An open entry is usually opened to write what came of it: start at the first empty field.
        first_empty = next((name for name in FIELDS if not getattr(fresh, name).strip()), "action")
        area = self.editor.field(first_empty)
        area.move_cursor(area.document.end)
        self.set_focus(area)
        # The panes were hidden until now: scroll the field into view once they are laid out.
        self.call_after_refresh(area.scroll_visible, animate=False)
        self.refresh_bindings()
        draft = self.power_app.store.read(lambda log: log.draft(fresh.card))
        if draft is not None and draft.entry_id == fresh.id:
            self.set_status(f"Card {fresh.card} also has a draft of changes to this entry, on the cards screen.")
        else:
            self.set_status("ctrl+s saves · escape goes back to the list · tab: next field")

    def _show_heading(self, entry: Entry) -> None:
        created = entry.created[:16].replace("T", " ")
        updated = entry.updated[:16].replace("T", " ")
        text = f"Entry for card {entry.card} · written {created}"
        if updated != created:
            text += f" · updated {updated}"
        self.query_one("#entry-heading", Static).update(Content(text))

    def action_focus_field(self, step: int) -> None:
        if step > 0:
            self.focus_next()
        else:
            self.focus_previous()

    def action_save(self, then_close: bool = False) -> None:
        entry = self.editing
        if entry is None:
            return
        values = self.editor.values()

        def save(log: Log) -> tuple[Entry, bool]:
            if log.get(entry.id) is None:
                # Deleted elsewhere while being edited: keep the text as a new entry.
                return log.add(entry.card, **values), True
            return log.update(entry.id, **values), False

        def saved(result: tuple[Entry, bool]) -> None:
            new, added = result
            if self.editing is not None and self.editing.id == entry.id:
                self.editing = new
                now = self.editor.values()
                self.editor.load(now, entry_id=new.id, baseline=values)
                self._show_heading(new)
                self._snapshot = self._unsaved()
            if then_close and self.in_entry and not self.editor.is_dirty:
                self._close_entry()
            self.refresh_list(keep=new.id)
            self.set_status(
                "Saved as a new entry: the old one had been deleted in another session." if added
                else f"Saved the entry for card {new.card}"
            )

        self.set_status("Saving…")
        self.power_app.store.write(save, on_done=saved, on_error=self._save_failed)

    def _save_failed(self, error: PowerdeckError) -> None:
        self.set_status("Not saved: your text is still here. Fix the problem, then press ctrl+s again.")
        self.power_app.report_error(error)

    def _leave_entry(self) -> None:
        if not self.editor.is_dirty:
            self._close_entry()
            return
        choices = (
            Choice("s", "Save", "save", "primary"),
            Choice("d", "Discard", "discard", "error"),
            Choice("k", "Keep editing", "keep"),
        )

        def answered(answer: str | None) -> None:
            if answer == "save":
                self.action_save(then_close=True)
            elif answer == "discard":
                self._close_entry()
            else:
                self.set_focus(self.editor.field("action"))

        self.app.push_screen(
            ChoiceDialog(
                "Unsaved changes",
                "This entry has changes that are not saved yet. Save them, or discard them?",
                choices,
            ),
            answered,
        )

    def _close_entry(self) -> None:
        keep = self.editing.id if self.editing else None
        self.editing = None
        self._snapshot = None
        self.remove_class("-editing")
        self.set_focus(self.entry_list)
        self.refresh_list(keep=keep)
        self.set_status("")

    def _unsaved(self) -> tuple[Entry, dict[str, str]] | None:
        if self.editing is None or not self.in_entry or not self.is_mounted or not self.editor.is_dirty:
            return None
        return self.editing, self.editor.values()

    @staticmethod
    def _keep_job(entry: Entry, values: dict[str, str]):
        def keep(log: Log) -> None:
            existing = log.draft(entry.card)
            if existing is None or existing.is_blank or existing.entry_id == entry.id:
                log.save_draft(entry.card, entry_id=entry.id, **values)
            elif log.get(entry.id) is not None:
                # The card already holds another draft: saving beats losing either text.
                log.update(entry.id, **values)
            else:
                log.add(entry.card, **values)

        return keep

    def keep_drafts_now(self) -> None:
        """On quit or hang-up: keep unsaved changes, on this thread, after any queued writes."""
        unsaved = self._unsaved()
        if unsaved is None:
            return
        try:
            self.power_app.store.write_now(self._keep_job(*unsaved))
            self._kept = True
        except PowerdeckError:
            pass

    @on(EntryEditor.Changed)
    def _typed(self) -> None:
        self._snapshot = self._unsaved()

    def on_screen_suspend(self) -> None:
        # Popped without escape (a palette command such as "Go to card"): keep what was typed.
        if self not in self.app.screen_stack:
            self._keep_on_leaving(self._unsaved())

    def on_unmount(self) -> None:
        self._keep_on_leaving(self._snapshot)

    def _keep_on_leaving(self, unsaved: tuple[Entry, dict[str, str]] | None) -> None:
        self._snapshot = None
        if unsaved is None or self._kept:
            return
        self._kept = True
        entry, _ = unsaved
        self.power_app.store.write(self._keep_job(*unsaved), on_error=self.power_app.report_error)
        self.power_app.notify(
            f"Unsaved changes to the entry for card {entry.card} were kept as its draft.",
            markup=False,
        )
