"""The deck screen's keys: what each does, its footer text and id (the help screen lists them too),
and the gate that keeps a sentence typed on the reading screen from acting as commands.

Reading and writing are two states. While reading, only a few printable keys are commands
(r, e, L, ?, the digits, space); h/j/k/l were dropped because every sentence is full of them.
Even those few wait a moment (LETTER_SETTLE) before acting: if another printable key follows at
once, the person is typing, not choosing, and nothing happens but a hint saying how to write.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from textual.binding import Binding, BindingType
from textual.timer import Timer
from textual.widget import Widget

# Why every key is a priority binding (the one place this is explained; the review log's screen
# follows the same rule): Textual hands a key to the focused widget as soon as it reads it, but
# runs ordinary bindings only after the key has bubbled back up, so in a burst of keys (a slow
# link delivers them together) "enter" + text or "4" + right + enter would act out of order and
# letters meant for a field would be lost. Priority bindings act at once, in order; check_action
# turns the reading keys off while the editor has focus, so there they type text as usual. The
# two helpers this needs, moving focus at once and letting a field take the letters queued for
# it before an action reads it, are in key_bursts.py.
DECK_BINDINGS: list[BindingType] = [
    Binding("up", "previous_capability", "Capability", id="previous-capability", key_display="↑↓", priority=True),
    Binding("down", "next_capability", "Next capability", id="next-capability", show=False, priority=True),
    Binding("left", "previous_card", "Card", id="previous-card", key_display="←→", priority=True),
    Binding("right", "next_card", "Next card", id="next-card", show=False, priority=True),
    Binding("enter", "edit", "Write", id="edit", key_display="⏎/e",
            tooltip="Write about this card (focus goes to Action)", priority=True),
    Binding("e", "letter('edit')", "Write", id="edit-e", show=False, tooltip="Write about this card", priority=True),
    Binding("r", "letter('random_card')", "Random", id="random-card",
            tooltip="Draw a random card (never the one showing)", priority=True),
    Binding("L", "letter('open_log')", "Log", id="open-log", tooltip="The review log", priority=True),
    Binding("D", "letter('open_due')", "Due", id="open-due", show=False,
            tooltip="The first action due for an outcome (its follow-up date has come)", priority=True),
    Binding("question_mark", "letter('help')", "Help", id="help-letter", show=False, tooltip="Help", priority=True),
    Binding("ctrl+s", "save", "Save", id="save", tooltip="Save the entry", priority=True),
    Binding("escape", "leave_editor", "Done", id="leave-editor",
            tooltip="Stop writing; the text is kept as a draft", priority=True),
    Binding("f4", "continue_open", "Open entry", id="continue-open",
            tooltip="Carry on with this card's open entry (the form says which)", priority=True),
    Binding("tab", "focus_field(1)", "Next field", id="next-field", key_display="tab", priority=True),
    Binding("shift+tab", "focus_field(-1)", "Previous field", id="previous-field", show=False, priority=True),
    Binding("ctrl+up,f2", "scroll_card_lines(-1)", "Card", id="card-up", key_display="^↑↓",
            tooltip="Scroll the card up while writing (ctrl+up or f2)", priority=True),
    Binding("ctrl+down,f3", "scroll_card_lines(1)", "Card down", id="card-down", show=False,
            tooltip="Scroll the card down while writing (ctrl+down or f3)", priority=True),
    Binding("pagedown", "scroll_card(1)", "Scroll card", id="scroll-down", show=False,
            tooltip="Scroll a long card down", priority=True),
    Binding("space", "letter('scroll_card_down')", "Scroll card", id="scroll-down-space", show=False,
            tooltip="Scroll a long card down", priority=True),
    Binding("pageup", "scroll_card(-1)", "Scroll card up", id="scroll-up", show=False,
            tooltip="Scroll a long card up", priority=True),
    *(
        Binding(
            str(number % 10),
            f"letter('capability_{number}')",
            f"Capability {number}",
            show=False,
            id=f"capability-{number}",
            priority=True,
        )
        for number in range(1, 11)
    ),
]

# The actions that belong to reading: off while the editor has focus (their keys type text there).
READING = {
    "previous_capability",
    "next_capability",
    "previous_card",
    "next_card",
    "edit",
    "letter",
    "scroll_card",
}
# The actions that belong to writing: off while reading (the footer shows only what works).
WRITING = {"leave_editor", "focus_field", "scroll_card_lines", "save", "continue_open"}

LETTER_SETTLE = 0.4
"""Seconds a command letter or digit waits to see whether more printable keys follow (typing)."""
TYPING_GUARD = 2.0
"""Seconds after a key that was typing (not a command) during which letters stay inert."""


class TypingGate:
    """Decides whether a printable key pressed while reading is a command or part of a sentence.

    `command(key, run)`: a command letter. It waits LETTER_SETTLE; the same key again runs the
    first and waits again (r r r draws three cards); any other printable key meanwhile means the
    person is typing: the command is dropped and `on_typing` tells them how to write. For
    TYPING_GUARD seconds after typing, command letters are typing too. `flush()` runs a waiting
    command at once (an arrow key after "4" acts after it, in order).
    """

    def __init__(self, owner: Widget, on_typing: Callable[[], None]) -> None:
        self._owner = owner
        self._on_typing = on_typing
        self._pending: tuple[str, Callable[[], None]] | None = None
        self._timer: Timer | None = None
        self._guard_until = 0.0

    @property
    def guarding(self) -> bool:
        return time.monotonic() < self._guard_until

    def command(self, key: str, run: Callable[[], None]) -> None:
        if self.guarding:
            self.typed()
            return
        if self._pending is not None:
            if self._pending[0] != key:
                self.typed()
                return
            self.flush()
        if LETTER_SETTLE <= 0:
            run()
            return
        self._pending = (key, run)
        self._timer = self._owner.set_timer(LETTER_SETTLE, self.flush)

    def typed(self) -> None:
        """A printable key that is not a command (or came too close to another): typing."""
        self._drop()
        self._guard_until = time.monotonic() + TYPING_GUARD
        self._on_typing()

    def flush(self) -> None:
        pending = self._pending
        self._drop()
        if pending is not None:
            pending[1]()

    def reset(self) -> None:
        """Writing starts (or the screen is left): forget a waiting letter and the guard."""
        self._drop()
        self._guard_until = 0.0

    def _drop(self) -> None:
        if self._timer is not None:
            self._timer.stop()
            self._timer = None
        self._pending = None
