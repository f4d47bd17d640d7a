"""The deck screen's keys: what each does, its footer text and id (the help screen lists them too)."""

from __future__ import annotations

from textual.binding import Binding

# Every key of the deck screen is a priority binding: Textual hands a key to the focused widget
# as soon as it reads it, but runs ordinary bindings only after the key has bubbled back up, so in
# a burst of keys (a slow link delivers them together) "e" + text or "4" + "l" + "e" would act out
# of order and letters meant for a field would be lost. Priority bindings act at once, in order;
# check_action turns the navigation keys off while the editor has focus, so there they type text
# as usual.
DECK_BINDINGS: list[Binding] = [
    Binding("up,k", "previous_capability", "Capability", id="previous-capability", key_display="↑↓", priority=True),
    Binding("down,j", "next_capability", "Next capability", id="next-capability", show=False, priority=True),
    Binding("left,h", "previous_card", "Card", id="previous-card", key_display="←→", priority=True),
    Binding("right,l", "next_card", "Next card", id="next-card", show=False, priority=True),
    Binding("r", "random_card", "Random", id="random-card", tooltip="Draw a random card (never the one showing)", priority=True),
    Binding("e,enter", "edit", "Write", id="edit", tooltip="Write an entry for this card", priority=True),
    Binding("ctrl+s", "save", "Save", id="save", tooltip="Save the entry", priority=True),
    Binding("escape", "leave_editor", "Done", id="leave-editor", tooltip="Leave the editor; text is kept", priority=True),
    Binding("tab", "focus_field(1)", "Next field", id="next-field", show=False, priority=True),
    Binding("shift+tab", "focus_field(-1)", "Previous field", id="previous-field", show=False, priority=True),
    Binding("L", "open_log", "Log", id="open-log", tooltip="The review log", priority=True),
    Binding("pagedown,space", "scroll_card(1)", "Scroll card", id="scroll-down", show=False, priority=True),
    Binding("pageup", "scroll_card(-1)", "Scroll card up", id="scroll-up", show=False, priority=True),
    *(
        Binding(
            str(number % 10),
            f"capability({number})",
            f"Capability {number}",
            show=False,
            id=f"capability-{number}",
            priority=True,
        )
        for number in range(1, 11)
    ),
]

# The actions whose keys type text instead while the editor has focus (DeckScreen.check_action).
NAVIGATION = {
    "previous_capability",
    "next_capability",
    "capability",
    "previous_card",
    "next_card",
    "random_card",
    "edit",
    "open_log",
    "scroll_card",
}
