"""tui/screens/: one module per screen, grouped by what a person is doing: reading and
writing about a card (deck/), the review log (log/), the workbook's worksheets (workbook/),
and the modal dialogs (dialogs/)."""

__all__ = [
    "deck",
    "dialogs",
    "log",
    "workbook",
]
