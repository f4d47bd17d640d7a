"""Example entries and the app on them, for pictures: the snapshot tests and scripts/make_screenshots.py.

Fixed dates and no real names, animations off and the default theme, so a picture changes only
when the UI does.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from powerdeck.core.entry import Entry
from powerdeck.deck.model import load_deck
from powerdeck.store.log import Log
from powerdeck.tui.app import PowerDeckApp
from powerdeck.tui.options import AppOptions

YOUTH_GROUP = Entry(
    "ex-1", "4.2", 4,
    "Invite the youth group to plan the summer health day with us",
    "Six young people came and chose the venue",
    "Ask earlier, and let them run the first meeting",
    "2026-02-10T10:00:00+00:00", "2026-03-02T16:30:00+00:00",
)
"""A finished entry on card 4.2, in every picture that shows entries."""


def example_log(folder: Path | str, entries: Sequence[Entry], *, card: str = "4.2") -> Log:
    """A log in `folder` holding `entries`, set to reopen on `card`."""
    log = Log.open(folder)
    if entries:
        log.import_entries(entries)
    log.set_state("last_card", card)
    return log


def example_app(log: Log, *, over_ssh: bool = False) -> PowerDeckApp:
    """The real app on `log`. over_ssh: no blinking cursor, so a picture does not depend on the
    moment it is taken."""
    return PowerDeckApp(load_deck(), log, AppOptions(animation="none", theme="textual-dark", over_ssh=over_ssh))
