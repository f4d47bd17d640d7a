"""tui/screens/workbook/: the worksheets the cards ask for: voices and the word cloud, the
relationship map, lists, notes and memos, and the cards that look back at them."""

__all__ = [
    "look_back_dialog",
    "map_screen",
    "notes_screen",
    "voices_screen",
    "workbook_open",
    "worksheet_base",
]
