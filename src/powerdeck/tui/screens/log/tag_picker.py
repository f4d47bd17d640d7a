"""The review log's tag filter: one tag (or any), the organisation's own tags first.

The organisation's list comes from the deck's `tags:` and `tags.txt` in the data folder, or on a
team server the state folder (store/org_files.py); then every other tag the log's entries carry.
Each line shows how many entries carry the tag.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import replace
from typing import Any

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import Screen
from textual.widgets import Label, OptionList, Static
from textual.widgets.option_list import Option

from powerdeck.core.entry import EntryFilter
from powerdeck.core.errors import PowerdeckError
from powerdeck.core.text import visible_line
from powerdeck.store import Log, organisation_tags, shared_folders
from powerdeck.tui.app_services import AppServices, services
from powerdeck.tui.cells import shorten
from powerdeck.tui.screens.dialogs.dialog import Dialog

ANY_TAG = ""


def tags_offered(app: AppServices) -> tuple[tuple[str, ...], str]:
    """The organisation's tags (deck first, then tags.txt), and a problem with tags.txt to say."""
    deck_tags = tuple(getattr(app.deck, "tags", ()))
    try:
        return app.store.read(lambda log: organisation_tags(deck_tags, shared_folders(log.path.parent))), ""
    except PowerdeckError as error:
        return deck_tags, str(error)


class TagPicker(Dialog["str | None"]):
    """One tag, or any; enter picks, escape changes nothing."""

    DEFAULT_CSS = "TagPicker OptionList { max-height: 14; text-wrap: nowrap; text-overflow: ellipsis; }"
    BINDINGS = [Binding("escape", "cancel", "Cancel", id="tag-cancel", priority=True)]

    def __init__(self, offered: tuple[str, ...], counts: dict[str, int], current: str | None) -> None:
        super().__init__()
        names = {tag.casefold(): tag for tag in offered}
        for tag in sorted(counts, key=str.casefold):
            names.setdefault(tag.casefold(), tag)
        self._tags = list(names.values())
        self._counts = {tag.casefold(): count for tag, count in counts.items()}
        self._current = current

    def compose(self) -> ComposeResult:
        options = [Option("Any tag", id="any")]
        for index, tag in enumerate(self._tags):
            count = self._counts.get(tag.casefold(), 0)
            options.append(Option(f"{shorten(visible_line(tag), 50):<50} {count:>5}", id=f"tag-{index}"))
        with Vertical():
            yield Label("Show entries with one tag", classes="dialog-title")
            yield OptionList(*options, id="tag-choices", markup=False)
            hint = "up/down chooses · enter picks · escape cancels"
            if not self._tags:
                hint = "No tags yet: add them under an entry's texts (Tags). " + hint
            yield Static(hint, classes="dialog-hint", markup=False)

    def on_mount(self) -> None:
        options = self.query_one(OptionList)
        folded = [tag.casefold() for tag in self._tags]
        current = (self._current or "").casefold()
        options.highlighted = folded.index(current) + 1 if current in folded else 0
        self.set_focus(options)

    @on(OptionList.OptionSelected)
    def _picked(self, event: OptionList.OptionSelected) -> None:
        option_id = event.option.id or "any"
        self.dismiss(ANY_TAG if option_id == "any" else self._tags[int(option_id.removeprefix("tag-"))])

    def action_cancel(self) -> None:
        self.dismiss(None)


def ask_tag(screen: Screen[Any], current: EntryFilter, apply: Callable[[EntryFilter], None]) -> str:
    """Open the picker; returns a problem with the organisation's tags file to show (or "")."""
    app = services(screen)
    offered, problem = tags_offered(app)

    def count(log: Log) -> dict[str, int]:
        return dict(Counter(tag for entry in log.entries() for tag in entry.tags))

    def chosen(tag: str | None) -> None:
        if tag is not None:
            apply(replace(current, tag=tag or None))

    screen.app.push_screen(TagPicker(offered, app.store.read(count), current.tag), chosen)
    return problem
