"""Help: every key, the deck's own "Using the card deck" guidance, and the credit to its author.

The key tables are built from the screens' bindings, so they cannot drift from what the keys do.
Everything is plain text in Rich tables and Content: deck text is data (a team may write its own
deck), so nothing in it is ever read as markup.
"""

from __future__ import annotations

from collections.abc import Iterable

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Footer, Static

from powerdeck.deck.model import Section
from powerdeck.tui.app_services import AppServices, services

KeyRows = list[tuple[str, str]]

DECK_PAIRS: KeyRows = [
    ("1 … 9, 0", "Jump to capability 1 … 10"),
    ("up / down", "Previous / next capability"),
    ("left / right", "Previous / next card (crossing into the next capability)"),
    ("enter / e", "Start writing about this card (a click on the notes beside it works too)"),
    ("tab / shift+tab", "Next / previous field while writing (the field taking your typing is named at the bottom)"),
    ("ctrl+up / ctrl+down, f2 / f3", "Scroll the card while writing, without leaving the field"),
    ("pagedown, space / pageup", "Scroll a long card while reading"),
    ("ctrl+p", "Command palette: go to a card by id or title, random card, review log, export, theme"),
]
WELCOME = (
    "{title} are {cards} prompts in {capabilities} capabilities, to help you reflect and act on "
    "shifting power to the people and communities you work with. Beside them is your own review "
    "log book: for each card, what you will do (Action), what happened (Outcome) and what you "
    "learnt (Learning). It is private to you, and nothing you type is ever thrown away."
)
GETTING_STARTED = [
    ("Read", "Pick a capability with up / down (or its number, 1 … 9, 0 for 10), a card with left / right."),
    ("Write", "Press enter on a card and type what you will do; tab moves to the next field; ctrl+s saves."),
    ("Come back", "An entry with only an action is open: later, enter on its card offers it (f4) to add "
                  "what happened. L opens the review log, to find, filter and export your entries."),
    ("Workbook", "Some cards ask you to make something (voices, a map, a list): w opens it."),
]
READING_NOTE = (
    "Reading and writing are two states, named at the bottom left (READING or WRITING). While "
    "reading, letters are keys (listed below) and a letter waits a moment to see whether you are "
    "typing: a sentence typed while reading does nothing but remind you to press enter to write."
)
EDITING_PAIRS: KeyRows = [
    ("ctrl+z", "Undo"),
    ("ctrl+y", "Redo"),
    ("f7", "Select all the text of the field"),
    ("f6", "Select the line"),
    ("ctrl+a / home", "Start of the line (home may not arrive over SSH; ctrl+a does)"),
    ("ctrl+e / end", "End of the line (end may not arrive over SSH; ctrl+e does)"),
    ("ctrl+left / ctrl+right", "A word left / right"),
    ("ctrl+w", "Delete the word before the cursor"),
    ("ctrl+u / ctrl+k", "Delete to the start / end of the line"),
    ("ctrl+x / ctrl+c / ctrl+v", "Cut / copy / paste (within powerdeck; your terminal's paste works too)"),
]
LOG_PAIRS: KeyRows = [
    ("up / down, k / j", "Move through the entries"),
    ("pagedown, space / pageup", "A page at a time"),
    ("tab / shift+tab", "Next / previous field of an open entry"),
]
KEY_NAMES = {"question_mark": "?", "slash": "/"}
"""Keys are shown by name ("ctrl+s", "escape"), the way the guide and the footer read."""


def key_rows(bindings: Iterable[BindingType], pairs: KeyRows) -> KeyRows:
    """`pairs` first, then one row per remaining action with all its keys, each key listed once."""
    seen = {key.strip() for keys, _ in pairs for part in keys.split(",") for key in part.split("/")}
    by_action: dict[str, tuple[list[str], str]] = {}
    for binding in bindings:
        assert isinstance(binding, Binding)
        keys = [KEY_NAMES.get(key, key) for key in binding.key.split(",")]
        keys = [key for key in keys if key not in seen]
        if binding.action.startswith("capability(") or not keys:
            continue
        seen.update(keys)
        known, _ = by_action.setdefault(binding.action, ([], binding.tooltip or binding.description))
        known.extend(keys)
    return [*pairs, *((" / ".join(keys), text) for keys, text in by_action.values())]


def key_table(rows: KeyRows) -> Table:
    table = Table(box=None, show_header=False, padding=(0, 2, 0, 0), expand=True)
    table.add_column(style="bold", no_wrap=True, min_width=12, max_width=26)
    table.add_column(ratio=1)
    for keys, text in rows:
        table.add_row(Text(keys), Text(text))
    return table


def section_widgets(section: Section, id: str | None = None) -> Iterable[Static]:
    yield Static(Content(section.heading), classes="help-heading", id=id)
    for paragraph in section.paragraphs:
        yield Static(Content(paragraph), classes="help-paragraph")


class HelpScreen(Screen[None]):
    DEFAULT_CSS = """
    HelpScreen #help-scroll { padding: 0 2; }
    HelpScreen .help-heading { margin-top: 1; text-style: bold; color: $accent; }
    HelpScreen .help-paragraph { margin-top: 1; }
    HelpScreen .help-table { margin-top: 1; }
    HelpScreen .help-jump { text-style: bold; }
    """
    BINDINGS = [
        Binding("escape,q,question_mark,f1", "app.pop_screen", "Back", id="close-help"),
        Binding("g", "guidance", "The deck's guidance", id="help-guidance",
                tooltip="Using the card deck and workbook, in the deck's own words"),
        Binding("down,j", "scroll(1)", "Scroll", show=False),
        Binding("up,k", "scroll(-1)", "Scroll", show=False),
        Binding("pagedown,space", "page(1)", "Page down", show=False),
        Binding("pageup", "page(-1)", "Page up", show=False),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.sections: dict[str, KeyRows] = {}
        """The key tables shown, by heading (tests read them)."""

    def compose(self) -> ComposeResult:
        from powerdeck.tui.screens.deck.deck_screen import DeckScreen
        from powerdeck.tui.screens.log.log_screen import LogScreen

        app = services(self)
        deck = app.deck
        self.sections = {
            "Cards and writing": key_rows([*DeckScreen.BINDINGS, *self.app.BINDINGS], DECK_PAIRS),
            "The review log (L)": key_rows(LogScreen.BINDINGS, LOG_PAIRS),
            "Editing text in a field": EDITING_PAIRS,
        }
        guidance = deck.guidance[0].heading if deck.guidance else "the deck's guidance"
        with VerticalScroll(id="help-scroll"):
            yield Static(Content(f"{deck.title}: help"), classes="help-heading")
            yield Static(Content(WELCOME.format(title=deck.title, cards=len(deck.cards),
                                                capabilities=len(deck.capabilities))), classes="help-paragraph")
            yield Static(Content(f"g: “{guidance}”, the deck's own guidance · escape or q: back to the cards"),
                         classes="help-paragraph help-jump")
            yield Static(Content("Getting started"), classes="help-heading")
            yield Static(key_table(GETTING_STARTED), classes="help-table")
            yield Static(READING_NOTE, classes="help-paragraph", markup=False)
            for heading, rows in self.sections.items():
                yield Static(Content(heading), classes="help-heading")
                yield Static(key_table(rows), classes="help-table")
            yield Static(
                "Escape never throws text away: what you typed is kept as a draft for its card, and "
                "the card shows “draft kept”. Drafts are stored in your log file, so they survive a "
                "dropped connection.",
                classes="help-paragraph",
                markup=False,
            )
            note = self._ssh_note(app)
            if note:
                yield Static(note, classes="help-paragraph", markup=False, id="help-ssh")
            for n, section in enumerate(deck.guidance):
                yield from section_widgets(section, id="help-guidance" if n == 0 else None)
            yield from section_widgets(deck.credit)
            yield Static(Content(f"The card texts are by {deck.author}."), classes="help-paragraph")
        yield Footer()

    @staticmethod
    def _ssh_note(app: AppServices) -> str:
        options = app.options
        if not options.over_ssh:
            return ""
        note = (
            "Over SSH: powerdeck sends as little as it can over the link: the cursor does not "
            "blink and nothing on screen ticks."
        )
        if not options.animation_chosen:
            note += " Card animations are off; start with powerdeck --animation full to have them."
        return note

    @property
    def text(self) -> str:
        """Everything the screen says, as plain text (for tests and a quick look)."""
        parts = [str(static.content) for static in self.query(Static) if not isinstance(static.content, Table)]
        for rows in self.sections.values():
            parts.extend(f"{keys} {text}" for keys, text in rows)
        return "\n".join(parts)

    def action_scroll(self, lines: int) -> None:
        self.query_one("#help-scroll", VerticalScroll).scroll_relative(y=lines, animate=False)

    def action_page(self, pages: int) -> None:
        scroll = self.query_one("#help-scroll", VerticalScroll)
        (scroll.scroll_page_down if pages > 0 else scroll.scroll_page_up)(animate=False)

    def action_guidance(self) -> None:
        """Jump to the deck's own guidance ("Using the card deck and workbook")."""
        for heading in self.query("#help-guidance"):
            self.query_one("#help-scroll", VerticalScroll).scroll_to_widget(heading, top=True, animate=False)
