"""The review log's filter, made fast enough to run on every key typed into the search.

`EntryFilter.apply` casefolds three fields of every entry on every call: at 10,000 entries that
was most of a keystroke's cost. `SearchIndex` casefolds each entry's texts once per version of
the log, and remembers the last few filters' results, so:

- a character appended to the search narrows the previous result (every entry that contains
  "serv" contains "ser") instead of scanning the whole log again;
- a backspace finds the shorter search's result among those remembered.

Plain data, no I/O: `Log.entries` keeps one index per version of the log it has read.
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import replace

from powerdeck.core.entry import Entry, EntryFilter
from powerdeck.core.text import folded

REMEMBERED = 16
"""Filters whose results are kept (a search typed and taken back a key at a time)."""

SEPARATOR = "\x00"
"""Joins an entry's casefolded texts; a search containing it is checked field by field."""


def search_text(entry: Entry) -> str:
    """The entry's searchable texts, folded (case and accents ignored), joined so that a search
    never spans two."""
    # One fold of the joined texts: folding maps each character on its own, and the separator
    # folds to itself, so this equals joining the folded fields.
    return folded(SEPARATOR.join([entry.action, entry.outcome, entry.learning]))


class SearchIndex:
    """Entries newest first, each with its search text casefolded once; answers filters."""

    def __init__(self, newest_first: list[Entry]) -> None:
        self._entries = newest_first
        self._texts: dict[int, str] | None = None  # by id(entry): built on the first text search
        self._results: OrderedDict[EntryFilter, list[Entry]] = OrderedDict()

    def apply(self, entry_filter: EntryFilter) -> list[Entry]:
        """The entries that match, newest first (a new list the caller may keep or change)."""
        if entry_filter.is_empty:
            return list(self._entries)
        found = self._results.get(entry_filter)
        if found is None:
            found = self._match(entry_filter)
            self._results[entry_filter] = found
            while len(self._results) > REMEMBERED:
                self._results.popitem(last=False)
        else:
            self._results.move_to_end(entry_filter)
        return list(found)

    def _match(self, entry_filter: EntryFilter) -> list[Entry]:
        needle = folded(entry_filter.text)
        rest = replace(entry_filter, text="")
        if not needle:
            return [entry for entry in self._entries if rest.matches(entry)]
        candidates = self._narrowest(entry_filter, needle)
        if candidates is None:
            candidates = self._entries if rest.is_empty else self._remembered(rest)
        if SEPARATOR in needle:
            return [entry for entry in candidates if entry_filter.matches(entry)]
        texts = self._search_texts()
        return [entry for entry in candidates if needle in texts[id(entry)]]

    def _remembered(self, rest: EntryFilter) -> list[Entry]:
        """The result of the filter without its text (computed once, then remembered)."""
        found = self._results.get(rest)
        if found is None:
            found = [entry for entry in self._entries if rest.matches(entry)]
            self._results[rest] = found
        return found

    def _narrowest(self, entry_filter: EntryFilter, needle: str) -> list[Entry] | None:
        """The smallest remembered result this filter's result lies within: same filter but for
        a shorter search that the new one contains."""
        best: list[Entry] | None = None
        for known, found in self._results.items():
            if not known.text or known == entry_filter:
                continue
            if replace(known, text=entry_filter.text) != entry_filter:
                continue
            if folded(known.text) in needle and (best is None or len(found) < len(best)):
                best = found
        return best

    def _search_texts(self) -> dict[int, str]:
        if self._texts is None:
            # Keyed by id(): the entries live in self._entries as long as this index does.
            self._texts = {id(entry): search_text(entry) for entry in self._entries}
        return self._texts
