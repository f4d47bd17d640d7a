"""How worksheets are kept in the review log file: a `worksheets` table, one record per card.

They go through the same locked, atomic writes as entries: `WorksheetTable` holds the `Log`
methods that read and write them (`Log` inherits it; log.py keeps the entries and the file).
Schema 2 added the table; a schema 1 log is read as it is and marked 2 by its first worksheet's
write (`Log._bump_schema`; nothing else in it changes).
"""

from __future__ import annotations

from collections.abc import Iterable
from contextlib import AbstractContextManager
from typing import TYPE_CHECKING, Any

from powerdeck.core.entry import now_iso

if TYPE_CHECKING:
    from tinydb import TinyDB

    from powerdeck.workbook.model import Worksheet

WORKSHEETS = "worksheets"


def validate_worksheets(table: dict[str, Any]) -> dict[str, Worksheet]:
    """The worksheets by card; ValueError naming the first damaged record."""
    if not table:
        return {}
    # The model loads with the first worksheet: every start checks this table, most logs have none.
    from powerdeck.workbook.model import Worksheet

    sheets: dict[str, Worksheet] = {}
    for doc_id, doc in table.items():
        try:
            sheet = Worksheet.from_dict(doc)
        except (KeyError, TypeError, ValueError) as exc:
            raise ValueError(f"worksheet {doc_id} is not valid ({type(exc).__name__}: {exc})") from None
        sheets[sheet.card] = sheet
    return sheets


class WorksheetTable:
    """The worksheets part of `Log`: read, save, delete and import a card's worksheet."""

    if TYPE_CHECKING:  # provided by Log (log.py), which inherits this
        _db: TinyDB

        def _raw(self, table: str) -> dict[str, Any]: ...
        def _changing(self) -> AbstractContextManager[object]: ...
        def _insert(self, table: str, docs: list[dict[str, Any]]) -> int: ...
        def _patch(self) -> None: ...
        def _bump_schema(self) -> None: ...

    def _put(self, table: str, key: str, value: str, doc: dict[str, Any]) -> None:
        """Insert or replace the one document whose `key` field equals `value` (the worksheets
        table); nothing is written when the one stored is already equal."""
        raw = self._raw(table)
        matches = [int(i) for i, d in raw.items() if d.get(key) == value]
        if len(matches) == 1 and raw[str(matches[0])] == doc:
            return
        if matches:
            if matches[1:]:  # duplicates: keep one (TinyDB writes even for an empty list)
                self._db.table(table).remove(doc_ids=matches[1:])
            self._db.table(table).update(doc, doc_ids=matches[:1])
        else:
            self._insert(table, [doc])

    def _drop(self, table: str, key: str, value: str) -> None:
        matches = [int(i) for i, d in self._raw(table).items() if d.get(key) == value]
        if matches:
            self._db.table(table).remove(doc_ids=matches)

    def worksheets(self) -> dict[str, Worksheet]:
        """Every worksheet, by card."""
        return validate_worksheets(self._raw(WORKSHEETS))

    def worksheet(self, card: str) -> Worksheet | None:
        return self.worksheets().get(card)

    def save_worksheet(self, sheet: Worksheet) -> Worksheet:
        """Keep a card's worksheet (replacing the one before); `updated` is set now."""
        saved = sheet.with_changes(updated=now_iso())
        with self._changing():
            self._bump_schema()
            self._put(WORKSHEETS, "card", sheet.card, saved.to_dict())
            self._patch()
        return saved

    def delete_worksheet(self, card: str) -> None:
        with self._changing():
            self._drop(WORKSHEETS, "card", card)
            self._patch()

    def import_worksheets(self, sheets: Iterable[Worksheet]) -> list[Worksheet]:
        """Add the worksheets of cards that have none yet (a card's own work is never replaced)."""
        with self._changing():
            have = {doc.get("card") for doc in self._raw(WORKSHEETS).values()}
            new = []
            for sheet in sheets:
                if sheet.card not in have:
                    have.add(sheet.card)
                    new.append(sheet)
            if new:
                self._bump_schema()
                self._insert(WORKSHEETS, [sheet.to_dict() for sheet in new])
                self._patch()
        return new
