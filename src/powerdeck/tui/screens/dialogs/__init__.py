"""tui/screens/dialogs/: the modal dialogs (confirm, quit, export, help) and the screen shown
while the terminal is too small."""

__all__ = [
    "confirm_dialog",
    "dialog",
    "export_dialog",
    "exported_dialog",
    "help_screen",
    "min_size",
    "quit_dialog",
    "too_small",
]
