"""Voices (cards 1.3, 5.3, 6.3): what people said, typed fast, the word cloud beside it.

One phrase a line; "| role" after it says who said it (a role, never a name). The cloud and the
patterns (repeats counted, most repeated first) follow the typing. From the patterns the person
picks a large word (b) and a small voice (s) and puts both into the card's entry Action (a), as
card 1.3 asks; f3 saves the cloud as an SVG picture.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import OptionList, Static, TextArea
from textual.widgets.option_list import Option

from powerdeck.core.errors import PowerdeckError
from powerdeck.core.text import visible_line
from powerdeck.deck.model import Card
from powerdeck.store import Log, free_path, write_new_private
from powerdeck.tui.screens.workbook.worksheet_base import WorksheetScreen
from powerdeck.tui.widgets.cloud_view import CloudView
from powerdeck.tui.widgets.lean_footer import LeanFooter
from powerdeck.tui.widgets.lean_text_area import LeanTextArea
from powerdeck.tui.widgets.problem_line import ProblemLine
from powerdeck.workbook.cloud_svg import to_svg
from powerdeck.workbook.model import Worksheet
from powerdeck.workbook.voices import Phrase, small_voices, weights

HINT = "One a line, in their words. Add | and a role for who said it: safer streets | young carer"
# Letter keys act only in the patterns list; in the text box they type (check_action).
PATTERN_ACTIONS = {"pick_large", "pick_small", "to_action"}


def action_text(large: str, small: str) -> str:
    parts = [f"A large word: {large}." if large else "", f"A small voice: {small}." if small else ""]
    return " ".join(part for part in parts if part) + " My action: "


class VoicesScreen(WorksheetScreen):
    CSS_PATH = "voices_screen.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "back", "Back", id="voices-back", tooltip="Back to the card (kept as you type)",
                priority=True),
        Binding("f2", "toggle_apart", "Small voices apart", id="voices-apart",
                tooltip="Show the small voices apart from the cloud", priority=True),
        Binding("f3", "export_svg", "SVG", id="voices-svg",
                tooltip="Save the cloud as an SVG picture in your home folder", priority=True),
        Binding("pagedown", "scroll_cloud(1)", "Scroll cloud", id="voices-scroll-down", show=False, priority=True),
        Binding("pageup", "scroll_cloud(-1)", "Scroll cloud up", id="voices-scroll-up", show=False, priority=True),
        Binding("b", "pick_large", "Large word", id="voices-large", tooltip="Pick this phrase as the large word",
                priority=True),
        Binding("s", "pick_small", "Small voice", id="voices-small", tooltip="Pick this phrase as the small voice",
                priority=True),
        Binding("a", "to_action", "To Action", id="voices-action",
                tooltip="Put the picked words into this card's entry Action", priority=True),
    ]

    def __init__(self, card: Card) -> None:
        super().__init__(card, "voices")
        self.small_apart = False
        self.large = ""
        self.small = ""
        self.phrases: list[Phrase] = weights(self.sheet.text)

    def compose(self) -> ComposeResult:
        yield Static(Text(visible_line(f"{self.card.id} {self.card.title} · voices")), id="ws-title")
        with Horizontal(id="voices-main"):
            with Vertical(id="voices-left"):
                yield Static(HINT, id="voices-hint", markup=False)
                yield LeanTextArea(self.sheet.text, id="voices-input", soft_wrap=True, tab_behavior="focus")
            with Vertical(id="voices-right"):
                with VerticalScroll(id="voices-cloud-box"):
                    yield CloudView(id="voices-cloud")
                yield Static("", id="voices-picks", markup=False)
                yield OptionList(id="voices-patterns")
        yield ProblemLine(id="problem-line")
        yield Static("", id="ws-status", markup=False)
        yield LeanFooter()

    def on_mount(self) -> None:
        # Tab goes between the text and the patterns; page keys scroll the cloud from either.
        self.query_one("#voices-cloud-box").can_focus = False
        self._redraw()
        area = self.query_one("#voices-input", TextArea)
        area.move_cursor(area.document.end)  # the next voice goes after the last
        self.set_focus(area)

    def current(self) -> Worksheet:
        # The field itself, not the last Changed message: a hang-up can come before it is handled.
        if not self.is_mounted:
            return self.sheet
        return self.sheet.with_changes(text=self.query_one("#voices-input", TextArea).text)

    @on(TextArea.Changed, "#voices-input")
    def _typed(self, event: TextArea.Changed) -> None:
        self.sheet = self.sheet.with_changes(text=event.text_area.text)
        self.phrases = weights(self.sheet.text)
        self._redraw()
        self.changed()

    def _redraw(self) -> None:
        self.query_one(CloudView).show(self.phrases, small_apart=self.small_apart)
        patterns = self.query_one("#voices-patterns", OptionList)
        highlighted = patterns.highlighted
        small = {p.text for p in small_voices(self.phrases)}
        options = []
        for phrase in self.phrases:
            roles = f"  ({', '.join(phrase.roles)})" if phrase.roles else ""
            mark = "  small voice" if phrase.text in small else ""
            picked = {self.large: "  ◀ your large word", self.small: "  ◀ your small voice"}.get(phrase.text, "")
            options.append(Option(Text(visible_line(f"{phrase.count:>3}×  {phrase.text}{roles}{mark}{picked}")),
                                  id=None))
        patterns.set_options(options)
        if options:
            patterns.highlighted = min(highlighted or 0, len(options) - 1)
        total = sum(p.count for p in self.phrases)
        # Each pick on a line of its own: on one line, at 80 columns the small voice was cut off.
        lines = [f"{total} said, {len(self.phrases)} different",
                 f"Large word: {self.large or '- (b picks the highlighted one)'}",
                 f"Small voice: {self.small or '- (s picks the highlighted one)'}"]
        self.query_one("#voices-picks", Static).update(Text("\n".join(visible_line(line) for line in lines)))

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action not in PATTERN_ACTIONS:
            return True
        patterns = self.query("#voices-patterns")  # the footer may ask while the screen is still being built
        return bool(patterns) and self.focused is patterns.first()

    def _highlighted(self) -> Phrase | None:
        index = self.query_one("#voices-patterns", OptionList).highlighted
        return self.phrases[index] if index is not None and index < len(self.phrases) else None

    def action_pick_large(self) -> None:
        phrase = self._highlighted()
        if phrase:
            self.large = phrase.text
            self._redraw()

    def action_pick_small(self) -> None:
        phrase = self._highlighted()
        if phrase:
            self.small = phrase.text
            self._redraw()

    def action_to_action(self) -> None:
        if not (self.large or self.small):
            self.set_status("Pick a large word (b) and a small voice (s) first.")
            return
        card_id, line = self.card.id, action_text(self.large, self.small)

        def add_to_draft(log: Log) -> None:
            draft = log.draft(card_id)
            before = draft.action if draft else ""
            log.save_draft(card_id, (before.rstrip() + "\n" if before.strip() else "") + line,
                           draft.outcome if draft else "", draft.learning if draft else "",
                           entry_id=draft.entry_id if draft else None)

        def done(_: None) -> None:
            # The deck screen underneath reads the draft when shown again (it follows the store's signal).
            self.set_status(f"Put into the Action of card {card_id} (a draft: finish it on the card)")

        self.power_app.store.queue_write(add_to_draft, on_done=done, on_error=self.power_app.report_error, by=self)

    def action_scroll_cloud(self, pages: int) -> None:
        box = self.query_one("#voices-cloud-box", VerticalScroll)
        if pages > 0:
            box.scroll_page_down(animate=False)
        else:
            box.scroll_page_up(animate=False)

    def action_toggle_apart(self) -> None:
        self.small_apart = not self.small_apart
        self._redraw()

    def action_export_svg(self) -> None:
        svg = to_svg(self.phrases, f"{self.card.id} {self.card.title}")
        stem = f"powerdeck-cloud-{self.card.id}-{date.today().isoformat()}"
        if self.power_app.export_delivery() is not None:  # a browser tab: to its Downloads
            self._send_svg(svg, stem)
        else:
            self._write_svg(svg, Path.home(), stem)

    @work(thread=True, exclusive=True, group="svg")
    def _send_svg(self, svg: str, stem: str) -> None:
        deliver = self.power_app.export_delivery()
        assert deliver is not None
        try:
            name = deliver(f"{stem}.svg", svg.encode("utf-8"))
        except OSError as error:
            self.app.call_from_thread(self.power_app.report_error,
                                      PowerdeckError(f"The cloud was not sent: {error.strerror or error}"))
            return
        self.app.call_from_thread(self.set_status, f"{visible_line(name)} is on its way to your browser's downloads")

    @work(thread=True, exclusive=True, group="svg")
    def _write_svg(self, svg: str, folder: Path, stem: str) -> None:
        try:
            path = free_path(folder, stem, ".svg")
            write_new_private(path, svg.encode("utf-8"))
        except PowerdeckError as error:
            self.app.call_from_thread(self.power_app.report_error, error)
            return
        self.app.call_from_thread(self.set_status, f"Saved the cloud as {visible_line(str(path))}")
