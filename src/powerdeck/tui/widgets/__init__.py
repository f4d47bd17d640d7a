"""tui/widgets/: what the screens draw with. A widget draws and posts messages; it never
talks to the store."""

__all__ = [
    "card_notes",
    "card_view",
    "choice_list",
    "cloud_view",
    "entry_editor",
    "entry_list",
    "entry_pane",
    "filter_bar",
    "inert_input",
    "lean_footer",
    "lean_text_area",
    "log_list",
    "map_view",
    "problem_line",
    "quiet_footer",
    "sidebar",
    "terse",
    "tick_list",
    "worksheet_peek",
]
