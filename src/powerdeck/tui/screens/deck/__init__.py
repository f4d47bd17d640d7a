"""tui/screens/deck/: the main screen: the sidebar, the card, the editor beside it; its keys,
its reading and writing modes, and its drafts."""

__all__ = [
    "deck_drafts",
    "deck_keys",
    "deck_mode",
    "deck_screen",
]
