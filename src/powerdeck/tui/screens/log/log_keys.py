"""The review log's keys: one list, so the footer, the help and a keymap read the same.

Every binding is a priority binding (the deck screen's rule, screens/deck/deck_keys.py); the
screen's `check_action` switches the list's letters off while a text field has focus."""

from __future__ import annotations

from textual.binding import Binding, BindingType

LIST_ACTIONS = {
    "open_entry", "search", "capabilities", "card", "open_only", "period", "clear_filters",
    "overview", "export", "delete", "undo", "move", "page", "toggle_private", "due_only", "tag",
}
ENTRY_ACTIONS = {"save", "focus_field"}
"""The actions that act on the list, and on the open entry (LogScreen.check_action)."""

LOG_BINDINGS: list[BindingType] = [
    Binding("enter,e", "open_entry", "Open", id="log-open", tooltip="Open the entry to read or edit it",
            priority=True),
    Binding("slash", "search", "Search", id="log-search", key_display="/",
            tooltip="Search action, outcome and learning", show=False, priority=True),
    Binding("c", "capabilities", "Capability", id="log-capabilities",
            tooltip="Show one or several capabilities", show=False, priority=True),
    Binding("a", "card", "Card", id="log-card", tooltip="Show one card", show=False, priority=True),
    Binding("o", "open_only", "Open only", id="log-open-only",
            tooltip="Show only entries whose outcome or learning is still to write", show=False, priority=True),
    Binding("p", "period", "Period", id="log-period",
            tooltip="Show a period: last 30 days, this year, or dates", show=False, priority=True),
    Binding("f", "due_only", "Due", id="log-due",
            tooltip="Show only open entries whose follow-up date has come", show=False, priority=True),
    Binding("t", "tag", "Tag", id="log-tag", tooltip="Show entries with one tag", show=False, priority=True),
    Binding("m", "toggle_private", "Private", id="log-private",
            tooltip="Mark the entry private: kept out of review packs (m again: shared)", show=False,
            priority=True),
    Binding("x", "clear_filters", "Clear", id="log-clear-filters", tooltip="Clear every filter", priority=True),
    Binding("v", "overview", "Overview", id="log-overview",
            tooltip="Entries per capability as a chart; cards not used yet", priority=True),
    Binding("w", "export", "Export", id="log-export", tooltip="Write the log (or what is shown) to a file",
            priority=True),
    Binding("d,delete", "delete", "Delete", id="log-delete", tooltip="Delete the entry (asks first; u undoes)",
            priority=True),
    Binding("u", "undo", "Undo", id="log-undo", tooltip="Undo the last delete", priority=True),
    Binding("ctrl+s", "save", "Save", id="log-save", tooltip="Save the entry", priority=True),
    Binding("escape", "back", "Back", id="log-back", tooltip="Back (to the list, then to the cards)",
            priority=True),
    Binding("tab", "focus_field(1)", "Next field", id="log-next-field", show=False, priority=True),
    Binding("shift+tab", "focus_field(-1)", "Previous field", id="log-previous-field", show=False, priority=True),
    Binding("down,j", "move(1)", "Down", id="log-down", show=False, priority=True),
    Binding("up,k", "move(-1)", "Up", id="log-up", show=False, priority=True),
    Binding("pagedown,space", "page(1)", "Page down", id="log-page-down", show=False, priority=True),
    Binding("pageup", "page(-1)", "Page up", id="log-page-up", show=False, priority=True),
]
