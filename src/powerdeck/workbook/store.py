"""How worksheets are kept in the review log file: a `worksheets` table, one record per card.

They go through the same locked, atomic writes as entries (the methods at the end of `Log`).
Schema 2 added the table; a schema 1 log is read as it is and marked 2 on its first open where
it can be written (nothing else in it changes).
"""

from __future__ import annotations

from typing import Any

from powerdeck.workbook.model import Worksheet

WORKSHEETS = "worksheets"


def validate_worksheets(table: dict[str, Any]) -> dict[str, Worksheet]:
    """The worksheets by card; ValueError naming the first damaged record."""
    sheets: dict[str, Worksheet] = {}
    for doc_id, doc in table.items():
        try:
            sheet = Worksheet.from_dict(doc)
        except (KeyError, TypeError, ValueError) as exc:
            raise ValueError(f"worksheet {doc_id} is not valid ({type(exc).__name__}: {exc})") from None
        sheets[sheet.card] = sheet
    return sheets
