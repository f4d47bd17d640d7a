"""Small messages that cross from one screen to another.

Kept apart from the widgets that post them so that a screen can handle one without importing the
widget (and all it pulls in: dialogs, the card view): the deck screen is on the start-up path.
"""

from __future__ import annotations

from dataclasses import dataclass

from textual.message import Message


@dataclass
class DraftKept(Message):
    """Unsaved changes to an entry were kept for `card` as the review log was left.

    Posted to every screen still on the stack once the write has landed: the deck screen reads
    drafts into memory, and without this it would not see the new one until it is restarted.
    """

    bubble = False
    card: str
