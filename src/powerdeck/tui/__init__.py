"""tui/: the Textual app: the app and its start, the screens (deck, log, workbook, dialogs)
and the widgets they draw with. Screens own their data and talk to the store's face; widgets
draw and post messages."""

__all__ = [
    "app",
    "app_services",
    "commands",
    "first_paint",
    "key_bursts",
    "launch",
    "log_watch",
    "options",
    "private_api",
    "quit_signals",
    "readable",
    "screens",
    "text_holders",
    "typed_runs",
    "widgets",
]
