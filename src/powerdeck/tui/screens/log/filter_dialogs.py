"""The review log's filter pickers: capabilities, one card, and a period of dates.

Each is a small modal that returns its answer with `dismiss`, or None when escape cancels.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.widgets import Input, Label, OptionList, SelectionList, Static
from textual.widgets.option_list import Option
from textual.widgets.selection_list import Selection

from powerdeck.core.dates import (
    Period,
    appraisal_year,
    appraisal_year_of,
    calendar_year,
    parse_optional_date,
    uk_date,
)
from powerdeck.core.text import visible_line
from powerdeck.deck.model import Deck
from powerdeck.tui.cells import shorten
from powerdeck.tui.screens.dialogs.dialog import Dialog
from powerdeck.tui.widgets.inert_input import InertInput
from powerdeck.tui.widgets.tick_list import TickList

ANY_CARD = ""
"""What the card picker returns for "any card" (None means: cancelled, change nothing)."""


class CapabilityPicker(Dialog["frozenset[int] | None"]):
    """Tick one or several capabilities (space, or their number); enter applies."""

    DEFAULT_CSS = "CapabilityPicker SelectionList { max-height: 14; }"
    BINDINGS = [
        Binding("enter", "apply", "Apply", id="capabilities-apply", priority=True),
        Binding("escape", "cancel", "Cancel", id="capabilities-cancel", priority=True),
        Binding("x", "none", "Clear", id="capabilities-clear", priority=True),
        *(
            Binding(str(number % 10), f"toggle_capability({number})", f"Capability {number}", show=False,
                    id=f"capabilities-toggle-{number}", priority=True)
            for number in range(1, 11)
        ),
    ]

    def __init__(self, deck: Deck, chosen: frozenset[int], counts: dict[int, int]) -> None:
        super().__init__()
        self._deck = deck
        self._chosen = chosen
        self._counts = counts

    def compose(self) -> ComposeResult:
        selections = []
        for capability in self._deck.capabilities:
            count = self._counts.get(capability.number, 0)
            label = f"{capability.number:>2} {shorten(capability.title, 56):<56} {count:>5}"
            selections.append(Selection(label, capability.number, capability.number in self._chosen))
        with Vertical():
            yield Label("Show entries of these capabilities", classes="dialog-title")
            yield TickList[int](*selections, id="capability-choices")
            yield Static(
                "space or 1…9, 0 ticks · enter applies · x clears · escape cancels. "
                "Nothing ticked shows every capability.",
                classes="dialog-hint",
                markup=False,
            )

    def on_mount(self) -> None:
        self.set_focus(self.query_one(SelectionList))

    @property
    def choices(self) -> SelectionList[int]:
        return self.query_one("#capability-choices", SelectionList)

    # Not action_toggle: that is DOMNode's (toggle a boolean attribute by name).
    def action_toggle_capability(self, number: int) -> None:
        if any(capability.number == number for capability in self._deck.capabilities):
            self.choices.toggle(number)
            self.choices.highlighted = [c.number for c in self._deck.capabilities].index(number)

    def action_none(self) -> None:
        self.choices.deselect_all()

    def action_apply(self) -> None:
        self.dismiss(frozenset(self.choices.selected))

    def action_cancel(self) -> None:
        self.dismiss(None)


class CardPicker(Dialog["str | None"]):
    """One card (or any card); enter picks."""

    DEFAULT_CSS = """
    CardPicker OptionList { max-height: 16; text-wrap: nowrap; text-overflow: ellipsis; }
    """
    BINDINGS = [
        Binding("escape", "cancel", "Cancel", id="card-cancel", priority=True),
    ]

    def __init__(self, deck: Deck, current: str | None, counts: dict[str, int]) -> None:
        super().__init__()
        self._deck = deck
        self._current = current
        self._counts = counts

    def card_label(self, card_id: str, title: str, width: int) -> str:
        """One line per card: id, title cut to fit, and its count at the right edge."""
        count = self._counts.get(card_id, 0)
        room = max(8, width - 5 - 1 - 1 - 5)
        return f"{card_id:<5} {shorten(visible_line(title), room):<{room}} {count:>5}"

    def compose(self) -> ComposeResult:
        options = [Option("Any card", id="any")]
        for card in self._deck.cards:
            options.append(Option(self.card_label(card.id, card.title, 58 + 12), id=f"card-{card.id}"))
        with Vertical():
            yield Label("Show entries of one card", classes="dialog-title")
            yield OptionList(*options, id="card-choices", markup=False)
            yield Static("up/down chooses · enter picks · escape cancels", classes="dialog-hint", markup=False)

    def on_resize(self) -> None:
        self.call_after_refresh(self._fit_labels)

    def _fit_labels(self) -> None:
        """Labels as wide as the list really is (less its scrollbar), so no count wraps."""
        options = self.query_one(OptionList)
        width = options.scrollable_content_region.width - options.styles.scrollbar_size_vertical
        if width <= 0:
            return
        for index, card in enumerate(self._deck.cards, start=1):
            label = self.card_label(card.id, card.title, width)
            if str(options.get_option_at_index(index).prompt) != label:
                options.replace_option_prompt_at_index(index, label)

    def on_mount(self) -> None:
        options = self.query_one(OptionList)
        if self._current is not None:
            ids = [card.id for card in self._deck.cards]
            if self._current in ids:
                options.highlighted = ids.index(self._current) + 1
        else:
            options.highlighted = 0
        self.set_focus(options)

    @on(OptionList.OptionSelected)
    def _picked(self, event: OptionList.OptionSelected) -> None:
        option_id = event.option.id or "any"
        self.dismiss(ANY_CARD if option_id == "any" else option_id.removeprefix("card-"))

    def action_cancel(self) -> None:
        self.dismiss(None)


def parse_day(text: str, which: str) -> date | None:
    """A typed date (ISO or day/month/year), None if empty, or DateError (a ValueError) saying why."""
    return parse_optional_date(text, f"{which} date")


class PeriodPicker(Dialog["Period | None"]):
    """Any date, the last 30 days, an appraisal or calendar year, or from/to dates typed as
    2026-04-01 or 1/4/2026."""

    DEFAULT_CSS = """
    PeriodPicker Horizontal {
        height: auto;
        margin-top: 1;
    }
    PeriodPicker Horizontal Label {
        width: 6;
        padding: 1 0 0 0;
    }
    PeriodPicker Input {
        width: 16;
    }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="period-cancel", priority=True),
        Binding("tab", "app.focus_next", "Next", show=False, id="period-next", priority=True),
        Binding("shift+tab", "app.focus_previous", "Previous", show=False, id="period-previous", priority=True),
    ]

    def __init__(self, since: date | None, until: date | None, today: date | None = None) -> None:
        super().__init__()
        self._since = since
        self._until = until
        self._today = today or date.today()

    def _appraisal(self, shift: int) -> str:
        year = appraisal_year_of(self._today) + shift
        return f"April {year} to March {year + 1}"

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label("Show entries from a period", classes="dialog-title")
            yield OptionList(
                Option("Any date", id="any"),
                Option("Last 30 days", id="last-30"),
                Option(f"This appraisal year ({self._appraisal(0)})", id="appraisal-this"),
                Option(f"Last appraisal year ({self._appraisal(-1)})", id="appraisal-last"),
                Option(f"This calendar year ({self._today.year})", id="this-year"),
                Option("The dates typed below", id="typed"),
                id="period-choices",
                markup=False,
            )
            with Horizontal():
                yield Label("From")
                yield InertInput(uk_date(self._since) if self._since else "", placeholder="1/4/2026",
                                 id="period-from", max_length=10)
                yield Label("  To")
                yield InertInput(uk_date(self._until) if self._until else "", placeholder="31/3/2027",
                                 id="period-to", max_length=10)
            yield Static("", id="period-error", classes="dialog-error", markup=False)
            yield Static(
                "enter picks · tab goes to the dates, e.g. 1/4/2026 (either may be empty) · escape cancels",
                classes="dialog-hint",
                markup=False,
            )

    def on_mount(self) -> None:
        options = self.query_one(OptionList)
        options.highlighted = 0
        self.set_focus(options)

    @on(OptionList.OptionSelected)
    def _picked(self, event: OptionList.OptionSelected) -> None:
        today = self._today
        if event.option.id == "any":
            self.dismiss(Period(None, None))
        elif event.option.id == "last-30":
            self.dismiss(Period(today - timedelta(days=29), None))
        elif event.option.id == "this-year":
            self.dismiss(calendar_year(today.year))
        elif event.option.id in ("appraisal-this", "appraisal-last"):
            shift = 0 if event.option.id == "appraisal-this" else -1
            self.dismiss(appraisal_year(appraisal_year_of(today) + shift))
        else:
            self._apply_typed()

    @on(Input.Submitted)
    def _submitted(self) -> None:
        self._apply_typed()

    def _apply_typed(self) -> None:
        error = self.query_one("#period-error", Static)
        try:
            since = parse_day(self.query_one("#period-from", Input).value, "From")
            until = parse_day(self.query_one("#period-to", Input).value, "To")
        except ValueError as problem:
            error.update(str(problem))
            return
        if since is not None and until is not None and since > until:
            error.update(f"From {uk_date(since)} is after To {uk_date(until)}: nothing could match.")
            return
        self.dismiss(Period(since, until))

    def action_cancel(self) -> None:
        self.dismiss(None)
