"""tui/screens/deck/: the main screen: the sidebar, the card, the editor beside it; its keys,
its reading and writing modes, and its drafts."""

__all__ = [
    "card_drawing",
    "card_moves",
    "deck_drafts",
    "deck_keys",
    "deck_mode",
    "deck_screen",
    "entry_writing",
]
