"""The editor pane: Action, Outcome and Learning for the card showing, and its earlier entries.

The widget only holds text; it posts messages and the deck screen decides what to store.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from typing import TYPE_CHECKING

from textual import events, on
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.content import Content
from textual.message import Message
from textual.widgets import Label, OptionList, Static
from textual.widgets.option_list import Option

from powerdeck.core.dates import uk_date_of
from powerdeck.core.entry import FIELD_LABELS, FIELDS, Entry
from powerdeck.core.follow_up import BLANK_DETAILS, DETAIL_LABELS, DETAILS

if TYPE_CHECKING:
    from textual.widgets import Input, TextArea

FIELD_HINTS: dict[str, str] = {
    "action": "what will you do?",
    "outcome": "what happened?",
    "learning": "what did you learn?",
}
"""Each field's hint beside its label (`entry.FIELD_LABELS`), after the review log book's questions."""

PRIVACY_REMINDER = (
    "Reflective notes can be disclosed (as the GMC and NMC warn): write what you did and "
    "learnt, without details that identify people."
)
NEW_ENTRY_ID = "new-entry"
LABEL_CHARS = 200


def entry_option_label(entry: Entry) -> str:
    """One line for an entry: date, open mark, and the start of its action."""
    mark = "○" if entry.is_open else "●"
    # One line each: the list cuts it to its width (text-overflow in app.tcss); a 5,000-character
    # line would otherwise wrap into a wall of text and push the other entries out of view.
    first = entry.first_line()[:LABEL_CHARS] or "(no action written)"
    return f"{uk_date_of(entry.created)} {mark} {first}"


def field_label(name: str, *, active: bool) -> Content:
    """A field's label; the one taking the typing says so in words (it must show without colour).
    The words come before the hint: in a narrow column the line is cut, and the hint can go."""
    label, hint = FIELD_LABELS[name], FIELD_HINTS[name]
    if active:
        return Content.from_markup("[b reverse] ▶ $label ◀ typing here [/] [b]· $hint[/]", label=label, hint=hint)
    return Content.from_markup("   $label [dim]· $hint[/]", label=label, hint=hint)


def _set_label(label: Label, text: str) -> None:
    """Update only on a change: every update lays out and redraws, bytes over a slow link."""
    if str(label.content) != text:
        label.update(text)


class EntryEditor(VerticalScroll, can_focus=False):
    """Three multi-line fields and the list of this card's entries, newest first.

    With `lazy`, the fields are built by `build()`, not composed: three TextAreas and an entry
    list were most of a served session's first-screen CPU and part of every cold start
    (docs/benchmarks.md), and a reader may never write. Until then the editor keeps what it is
    given in memory and answers from it (`values`, `is_dirty`, `set_entries`), so the screen
    treats it the same either way.
    """

    DEFAULT_CSS = """
    EntryEditor .detail-row {
        height: 1;
    }
    EntryEditor #detail-follow_up {
        margin-top: 1;
    }
    EntryEditor .detail-label {
        width: 16;
    }
    EntryEditor .detail-row Input {
        width: 1fr;
        background: $boost;
    }
    EntryEditor .detail-row Input:focus {
        background: $accent 30%;
    }
    """

    @dataclass
    class Changed(Message):
        """The text in a field changed (the screen autosaves a draft a moment later)."""

        editor: EntryEditor

    @dataclass
    class EntryChosen(Message):
        """The user picked an earlier entry to edit, or None for a new one."""

        entry_id: str | None

    def __init__(self, *, cursor_blink: bool = True, show_entries: bool = True, lazy: bool = False,
                 id: str | None = None) -> None:
        super().__init__(id=id)
        self._cursor_blink = cursor_blink
        self._show_entries = show_entries
        self.entry_id: str | None = None
        self._baseline: dict[str, str] = dict.fromkeys(FIELDS, "")
        self.built = not lazy
        self._building: asyncio.Event | None = None
        self._held_values: dict[str, str] = dict.fromkeys(FIELDS, "")
        self._held_entries: list[Entry] = []
        self._held_details: dict[str, str] = dict(BLANK_DETAILS)
        self._details_baseline: dict[str, str] = dict(BLANK_DETAILS)
        self.offered_tags: tuple[str, ...] = ()
        """The organisation's tags, offered first in the tags field's hint (store/org_files.py)."""
        self._entries: list[Entry] = []
        """The card's entries, newest first (what the offer of an open entry is taken from)."""

    def compose(self) -> ComposeResult:
        if self.built:
            yield from self._form()

    async def build(self) -> None:
        """Build the fields (once) and put in them what the editor holds; returns when they exist."""
        if self.built:
            return
        if self._building is not None:  # already under way (from another task): wait for it
            await self._building.wait()
            return
        self._building = asyncio.Event()
        try:
            await self.mount_all(list(self._form()))
            if not self.query(f"#field-{FIELDS[0]}"):
                return  # the app is closing (a start-up timer firing on the way out): nothing mounted
            self.built = True
            values, baseline, entries = self._held_values, self._baseline, self._held_entries
            details, details_baseline = self._held_details, self._details_baseline
            self.load(values, entry_id=self.entry_id, baseline=baseline, details=details,
                      details_baseline=details_baseline)
            self.set_entries(entries)
        finally:
            self._building.set()

    def _form(self) -> ComposeResult:
        # TextArea's modules load here, with the first form built: about 30M instructions
        # (3 % of a start) that a reader who never writes does not pay for.
        from powerdeck.tui.widgets.lean_text_area import LeanTextArea

        yield Label("New entry", id="editor-title")
        for name in FIELDS:
            yield Label(field_label(name, active=False), classes="field-label", id=f"label-{name}")
            area = LeanTextArea(id=f"field-{name}", soft_wrap=True, tab_behavior="focus", compact=True)
            # A blinking cursor writes to the terminal forever (about 330 bytes a second over SSH).
            area.cursor_blink = self._cursor_blink
            yield area
        yield from self._detail_fields()
        yield Static(PRIVACY_REMINDER, id="privacy-reminder", markup=False)
        if self._show_entries:
            yield Label("Entries for this card", id="entries-title")
            yield OptionList(id="card-entries", markup=False)

    def _detail_fields(self) -> ComposeResult:
        """Follow up by, tags, hours: one line each, a label and an input (typed text is checked on save)."""
        from textual.containers import Horizontal

        from powerdeck.tui.widgets.inert_input import InertInput

        hints = {"follow_up": "14/1/2027, 2027-01-14, +3w or +2m", "tags": self._tags_hint(),
                 "hours": "time spent, e.g. 1.5"}
        for name in DETAILS:
            # Built whole, not with `with`: build() mounts this form outside compose.
            field = InertInput(placeholder=hints[name], id=f"field-{name}", compact=True, select_on_focus=False)
            field.cursor_blink = self._cursor_blink
            yield Horizontal(Label(DETAIL_LABELS[name], classes="detail-label"), field,
                             classes="detail-row", id=f"detail-{name}")

    def _tags_hint(self) -> str:
        if self.offered_tags:
            return "e.g. " + ", ".join(self.offered_tags[:4])
        return "words, separated by commas"

    @property
    def active_detail(self) -> str | None:
        """The label of the detail (follow-up, tags, hours) that takes the typing, if one has focus."""
        focused = self.screen.focused if self.is_attached and self.built else None
        for name in DETAILS:
            if focused is not None and focused.id == f"field-{name}":
                return DETAIL_LABELS[name]
        return None

    def detail_field(self, name: str) -> Input:
        from textual.widgets import Input

        return self.query_one(f"#field-{name}", Input)

    def details(self) -> dict[str, str]:
        """The follow-up, tags and hours as typed."""
        if not self.built:
            return dict(self._held_details)
        return {name: self.detail_field(name).value for name in DETAILS}

    @property
    def active_field(self) -> str | None:
        """The name of the field that takes the typing, if one has focus."""
        if not self.built:
            return None
        focused = self.screen.focused if self.is_attached else None
        if focused is None or self not in focused.ancestors:
            return None
        # By id, not by looking the fields up: a blur's late callback may run while the editor is
        # being taken down (its screen popped), its fields already gone.
        return next((name for name in FIELDS if focused.id == f"field-{name}"), None)

    def on_descendant_focus(self, event: events.DescendantFocus) -> None:
        self._mark_active()

    def on_descendant_blur(self, event: events.DescendantBlur) -> None:
        self.call_after_refresh(self._mark_active)

    def _mark_active(self) -> None:
        if not self.is_attached or not self.built:
            return
        active = self.active_field
        for name in FIELDS:
            # After a blur this runs a refresh later, when the editor may be being taken down
            # (its screen popped): then there is no label left to mark.
            label = next(iter(self.query(f"#label-{name}").results(Label)), None)
            if label is None:
                return
            on = name == active
            if label.has_class("-active") != on:
                label.set_class(on, "-active")
                label.update(field_label(name, active=on))
        focused = self.screen.focused
        for name in DETAILS:
            detail = next(iter(self.query(f"#detail-{name} .detail-label").results(Label)), None)
            if detail is None:
                return
            on = focused is not None and focused.id == f"field-{name}"
            if detail.has_class("-active") != on:
                detail.set_class(on, "-active")
                # Said in words and in reverse, as the texts' labels are: it must show without colour.
                detail.update(Content.from_markup("[b reverse]▶ $label[/]", label=DETAIL_LABELS[name]) if on
                              else Content(DETAIL_LABELS[name]))

    def field(self, name: str) -> TextArea:
        from textual.widgets import TextArea

        return self.query_one(f"#field-{name}", TextArea)

    def values(self) -> dict[str, str]:
        if not self.built:
            return dict(self._held_values)
        return {name: self.field(name).text for name in FIELDS}

    @property
    def is_dirty(self) -> bool:
        """True when the fields hold text that differs from what was loaded (saved or stored)."""
        return self.values() != self._baseline or self.details() != self._details_baseline

    @property
    def is_blank(self) -> bool:
        return not any(text.strip() for text in self.values().values())

    def load(
        self,
        values: dict[str, str],
        *,
        entry_id: str | None,
        baseline: dict[str, str] | None = None,
        details: dict[str, str] | None = None,
        details_baseline: dict[str, str] | None = None,
    ) -> None:
        """Show texts in the fields; `baseline` is what counts as already saved (default: these).
        `details` (follow-up, tags, hours as typed; none by default) and `details_baseline` likewise."""
        self.entry_id = entry_id
        typed = {name: (details or {}).get(name, "") for name in DETAILS}
        self._details_baseline = dict(details_baseline if details_baseline is not None else typed)
        if not self.built:
            self._held_values = {name: values.get(name, "") for name in FIELDS}
            self._baseline = dict(baseline if baseline is not None else self._held_values)
            self._held_details = typed
            return
        for name in FIELDS:
            area = self.field(name)
            if area.text != values.get(name, ""):
                area.load_text(values.get(name, ""))
                # Text put in for the person to carry on: what they type next goes after it.
                area.move_cursor(area.document.end)
        for name in DETAILS:
            field = self.detail_field(name)
            if field.value != typed[name]:
                field.value = typed[name]
                field.cursor_position = len(field.value)
        self._baseline = dict(baseline if baseline is not None else values)
        self._show_title()

    def mark_saved(self) -> None:
        self._baseline = self.values()
        self._details_baseline = self.details()

    def offered_entry(self) -> Entry | None:
        """The card's newest open entry, offered while the form holds a new one (f4 carries on
        with it: the deck screen's `continue_open`)."""
        if self.entry_id is not None:
            return None
        return next((entry for entry in self._entries if entry.is_open), None)

    def _show_title(self) -> None:
        if not self.built:
            return
        offered = self.offered_entry()
        if self.entry_id:
            title = "Editing an earlier entry"
        elif offered is not None:
            first = offered.first_line()[:40] or "(no action written)"
            title = f"New entry · or f4: carry on with your open entry of {uk_date_of(offered.created)}: {first}"
        else:
            title = "New entry"
        _set_label(self.query_one("#editor-title", Label), title)

    def set_entries(self, entries: list[Entry]) -> None:
        if not self._show_entries:
            return
        self._entries = sorted(entries, key=lambda entry: entry.created, reverse=True)
        self._show_title()
        if not self.built:
            self._held_entries = list(entries)
            return
        options = [Option(entry_option_label(entry), id=entry.id) for entry in entries]
        if entries:
            options.insert(0, Option("+ new entry for this card", id=NEW_ENTRY_ID))
        entry_list = self.query_one("#card-entries", OptionList)
        entry_list.set_options(options)
        entry_list.display = bool(entries)
        title = self.query_one("#entries-title", Label)
        _set_label(title, f"Entries for this card ({len(entries)})" if entries else "No entries yet for this card")

    def on_text_area_changed(self, event: TextArea.Changed) -> None:
        event.stop()
        self.post_message(self.Changed(self))

    def on_input_changed(self, event: Input.Changed) -> None:
        event.stop()
        self.post_message(self.Changed(self))

    @on(OptionList.OptionSelected, "#card-entries")
    def _entry_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        option_id = event.option.id
        self.post_message(self.EntryChosen(None if option_id == NEW_ENTRY_ID else option_id))
