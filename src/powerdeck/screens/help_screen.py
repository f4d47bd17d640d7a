"""Help: every key, the deck's own "Using the card deck" guidance, and the credit to its author.

The key table is built from the bindings themselves, so it cannot drift from what the keys do.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Footer, Markdown

from powerdeck.deck import Deck, Section

if TYPE_CHECKING:
    from powerdeck.app import PowerDeckApp

EXTRA_KEYS: tuple[tuple[str, str], ...] = (
    ("1 … 9, 0", "Jump to capability 1 … 10"),
    ("up / down, k / j", "Previous / next capability"),
    ("left / right, h / l", "Previous / next card (crossing into the next capability)"),
    ("tab / shift+tab", "Next / previous field in the editor"),
    ("pagedown, space / pageup", "Scroll a long card"),
    ("ctrl+p", "Command palette: go to a card by id or title, random card, review log, export, theme"),
)


KEY_NAMES = {"question_mark": "?"}
"""Keys are shown as their names ("ctrl+s", "escape"), the way the guide and the footer hint read."""


def _md_escape(text: str) -> str:
    """Deck text is data (a team may write its own deck): keep Markdown from reading it as syntax."""
    for char in "\\`*_[]<>#|":
        text = text.replace(char, "\\" + char)
    return text


def _section(section: Section) -> str:
    body = "\n\n".join(_md_escape(paragraph) for paragraph in section.paragraphs)
    return f"## {_md_escape(section.heading)}\n\n{body}"


def help_markdown(deck: Deck, bindings: list[tuple[str, str]], over_ssh_note: str) -> str:
    rows = "\n".join(f"| {_md_escape(key)} | {_md_escape(text)} |" for key, text in bindings)
    parts = [
        f"# {_md_escape(deck.title)}: help",
        "Press **escape** or **q** to go back.",
        "## Keys\n\n| key | does |\n|---|---|\n" + rows,
        "Escape never throws text away: what you typed is kept as a draft for its card, "
        "and the card shows *draft kept*. Drafts are stored in your log file, so they survive "
        "a dropped connection.",
    ]
    if over_ssh_note:
        parts.append(over_ssh_note)
    parts.extend(_section(section) for section in deck.guidance)
    parts.append(_section(deck.credit))
    parts.append(f"The card texts are by {_md_escape(deck.author)}.")
    return "\n\n".join(parts)


class HelpScreen(Screen[None]):
    BINDINGS = [
        Binding("escape,q,question_mark,f1", "app.pop_screen", "Back", id="close-help"),
        Binding("down,j", "scroll(1)", "Scroll", show=False),
        Binding("up,k", "scroll(-1)", "Scroll", show=False),
    ]

    def compose(self) -> ComposeResult:
        app: PowerDeckApp = self.app  # type: ignore[assignment]
        with VerticalScroll(id="help-scroll"):
            yield Markdown(help_markdown(app.deck, self._key_rows(app), self._ssh_note(app)), id="help-text")
        yield Footer()

    def _key_rows(self, app: PowerDeckApp) -> list[tuple[str, str]]:
        from powerdeck.screens.deck_screen import DeckScreen

        # Keys EXTRA_KEYS already describes in pairs; every other action gets one row, all its keys.
        seen = {"up", "down", "k", "j", "left", "right", "h", "l", "tab", "shift+tab", "pagedown", "space", "pageup", "ctrl+p"}
        by_action: dict[str, tuple[list[str], str]] = {}
        for binding in [*DeckScreen.BINDINGS, *app.BINDINGS]:
            assert isinstance(binding, Binding)
            keys = [key for key in binding.key.split(",") if key not in seen]
            if binding.action.startswith("capability(") or not keys:
                continue
            seen.update(keys)
            known, text = by_action.setdefault(binding.action, ([], binding.tooltip or binding.description))
            known.extend(keys)
        rows = list(EXTRA_KEYS)
        rows.extend((" / ".join(KEY_NAMES.get(key, key) for key in keys), text) for keys, text in by_action.values())
        return rows

    @staticmethod
    def _ssh_note(app: PowerDeckApp) -> str:
        options = app.options
        if not options.over_ssh:
            return ""
        note = (
            "**Over SSH:** powerdeck sends as little as it can over the link: the cursor does not "
            "blink and nothing on screen ticks."
        )
        if not options.animation_chosen:
            note += " Card animations are off; start with `powerdeck --animation full` to have them."
        return note

    def action_scroll(self, lines: int) -> None:
        self.query_one("#help-scroll", VerticalScroll).scroll_relative(y=lines, animate=False)
