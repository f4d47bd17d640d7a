"""tui/screens/log/: the review log: the list, its filters, an entry opened beside its card,
deleting with undo, and the overview."""

__all__ = [
    "delete_entry",
    "entry_writes",
    "filter_dialogs",
    "filter_keys",
    "log_filters",
    "log_keys",
    "log_screen",
    "open_entry",
    "overview_screen",
    "tag_picker",
]
