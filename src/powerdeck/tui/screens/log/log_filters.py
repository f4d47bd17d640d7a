"""Asking for a review log filter: the capability, card and period pickers, with their counts.

Each function opens its picker on the filter in force and hands `apply` the new filter when one
is chosen (escape changes nothing).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from powerdeck.core.dates import Period
from powerdeck.core.entry import EntryFilter
from powerdeck.tui.app_services import services
from powerdeck.tui.screens.log.filter_dialogs import ANY_CARD, CapabilityPicker, CardPicker, PeriodPicker

if TYPE_CHECKING:
    from textual.screen import Screen

Apply = Callable[[EntryFilter], None]


def ask_capabilities(screen: Screen[Any], current: EntryFilter, apply: Apply) -> None:
    app = services(screen)
    counts = app.store.read(lambda log: log.count_by_capability())

    def chosen(numbers: frozenset[int] | None) -> None:
        if numbers is not None:
            apply(replace(current, capabilities=numbers))

    screen.app.push_screen(CapabilityPicker(app.deck, current.capabilities, counts), chosen)


def ask_card(screen: Screen[Any], current: EntryFilter, apply: Apply) -> None:
    app = services(screen)
    counts = app.store.read(lambda log: log.count_by_card())

    def chosen(card: str | None) -> None:
        if card is not None:
            apply(replace(current, card=None if card == ANY_CARD else card))

    screen.app.push_screen(CardPicker(app.deck, current.card, counts), chosen)


def ask_period(screen: Screen[Any], current: EntryFilter, apply: Apply) -> None:
    def chosen(period: Period | None) -> None:
        if period is not None:
            apply(replace(current, since=period.since, until=period.until))

    screen.app.push_screen(PeriodPicker(current.since, current.until), chosen)
