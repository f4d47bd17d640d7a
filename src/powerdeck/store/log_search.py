"""The review log's filter, made fast enough to run on every key typed into the search.

`EntryFilter.apply` casefolds three fields of every entry on every call: at 10,000 entries that
was most of a keystroke's cost. `SearchIndex` casefolds each entry's texts once per version of
the log, and remembers the last few filters' results, so:

- a character appended to the search narrows the previous result (every entry that contains
  "serv" contains "ser") instead of scanning the whole log again;
- a backspace finds the shorter search's result among those remembered.

Plain data, no I/O: `Log.entries` keeps one index per version of the log it has read.

The casefolded texts themselves outlive a version: `SearchTexts` keeps each entry's by its id and
is handed from one index to the next, so a new entry (ours or another session's) costs one
casefold, not the whole log's. The review log screen fills it on a thread as it opens
(`texts_for`, then `SearchTexts.adopt`), so the first key typed into the search finds it ready.
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
    return folded(SEPARATOR.join(entry.texts()))


def texts_for(entries: list[Entry]) -> dict[str, tuple[Entry, str]]:
    """Each entry's search text by its id (pure: run it on any thread, then `SearchTexts.adopt`)."""
    return {entry.id: (entry, search_text(entry)) for entry in entries}


class SearchTexts:
    """Search texts by entry id, each with the very Entry it was made from (an edited entry is
    another object, so its old text is never used for it)."""

    def __init__(self) -> None:
        self._by_id: dict[str, tuple[Entry, str]] = {}

    def __len__(self) -> int:
        return len(self._by_id)

    def text(self, entry: Entry) -> str:
        found = self._by_id.get(entry.id)
        if found is not None and found[0] is entry:
            return found[1]
        text = search_text(entry)
        self._by_id[entry.id] = (entry, text)
        return text

    def adopt(self, texts: dict[str, tuple[Entry, str]]) -> None:
        """Take texts made elsewhere (a thread); any of an entry changed since is made again on use."""
        self._by_id.update(texts)

    def keep_only(self, entries: list[Entry]) -> None:
        """Forget the texts of entries no longer in the log."""
        if len(self._by_id) > len(entries):
            ids = {entry.id for entry in entries}
            self._by_id = {entry_id: found for entry_id, found in self._by_id.items() if entry_id in ids}

    def missing(self, entries: list[Entry]) -> list[Entry]:
        """The entries whose text is not made yet."""
        by_id = self._by_id
        return [entry for entry in entries if (found := by_id.get(entry.id)) is None or found[0] is not entry]

    def made(self, entry: Entry) -> str | None:
        """The entry's text if it is made (reads only: safe from another thread)."""
        found = self._by_id.get(entry.id)
        return found[1] if found is not None and found[0] is entry else None


class SearchWork:
    """What a thread makes for one version of the log, off its lock: the texts not made yet, and
    the index's map from each entry to its text (gathering it took ~10 ms at 10,000 entries)."""

    def __init__(self, newest_first: list[Entry], texts: SearchTexts) -> None:
        self.newest_first = newest_first
        self._texts = texts
        self.new: dict[str, tuple[Entry, str]] = {}
        self.by_object: dict[int, str] = {}

    def run(self) -> None:
        made = self._texts.made
        for entry in self.newest_first:
            text = made(entry)
            if text is None:
                text = search_text(entry)
                self.new[entry.id] = (entry, text)
            self.by_object[id(entry)] = text


class SearchIndex:
    """Entries newest first, each with its search text casefolded once; answers filters."""

    def __init__(self, newest_first: list[Entry], texts: SearchTexts | None = None) -> None:
        self._entries = newest_first
        self._made = texts if texts is not None else SearchTexts()
        self._texts: dict[int, str] | None = None  # by id(entry): gathered on the first text search
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

    def adopt(self, work: SearchWork) -> bool:
        """Take the map a SearchWork made for these very entries; False if it was for others."""
        if work.newest_first is not self._entries:
            return False
        if self._texts is None:
            self._texts = work.by_object
        return True

    def _search_texts(self) -> dict[int, str]:
        if self._texts is None:
            # Keyed by id(): the entries live in self._entries as long as this index does.
            text = self._made.text
            self._texts = {id(entry): text(entry) for entry in self._entries}
        return self._texts
