"""The overview: entries and open entries per capability as a bar chart, the cards not used yet,
and the worksheets that hold something (each in brief, as the deck screen's workbook line has it).

Plain block characters, so it reads the same in any terminal and over SSH; the chart is rebuilt
to the terminal's width (80 columns and up).
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Footer, Static

from powerdeck.core.text import visible_line
from powerdeck.deck.model import Deck
from powerdeck.tui.app_services import AppServices, services
from powerdeck.tui.cells import shorten
from powerdeck.tui.log_watch import LogFollower
from powerdeck.tui.widgets.worksheet_peek import describe
from powerdeck.workbook.model import Worksheet

DONE_BLOCK = "█"
OPEN_BLOCK = "▒"


def bar(done: int, open_: int, most: int, width: int) -> tuple[str, str]:
    """The two parts of one bar (closed entries, open entries), scaled so `most` fills `width`."""
    if most <= 0 or width <= 0:
        return "", ""
    total_cells = round((done + open_) * width / most)
    if done + open_ and total_cells == 0:
        total_cells = 1
    open_cells = round(open_ * width / most)
    if open_ and open_cells == 0:
        open_cells = 1
    open_cells = min(open_cells, total_cells)
    return DONE_BLOCK * (total_cells - open_cells), OPEN_BLOCK * open_cells


def overview_content(
    deck: Deck,
    counts: dict[int, int],
    open_counts: dict[int, int],
    card_counts: dict[str, int],
    width: int,
) -> Content:
    """The chart: a bar line and a card line for each capability."""
    width = max(width, 40)
    total = sum(counts.values())
    total_open = sum(open_counts.values())
    used = sum(1 for card in deck.cards if card_counts.get(card.id))
    lines: list[Content] = [
        Content.assemble(
            ("Overview", "bold"),
            f" · {total:,} {'entry' if total == 1 else 'entries'} · {total_open:,} open · "
            f"{used} of {len(deck.cards)} cards used",
        ),
        Content.assemble(
            (DONE_BLOCK, "$accent"), " written up  ", (OPEN_BLOCK, "$warning"), " open  ",
            ("grey ids", "$text-disabled"), (": no entries yet", "$text-muted"),
        ),
    ]
    title_room = 24 if width < 100 else 40
    numbers_room = 14  # " 1234  123 open"
    bar_room = max(width - 3 - title_room - 1 - numbers_room - 1, 5)
    most = max(counts.values(), default=0)
    for capability in deck.capabilities:
        count = counts.get(capability.number, 0)
        open_count = open_counts.get(capability.number, 0)
        done_part, open_part = bar(count - open_count, open_count, most, bar_room)
        padding = " " * (bar_room - len(done_part) - len(open_part))
        title = f"{shorten(capability.title, title_room):<{title_room}}"
        numbers = f"{count:>5} {open_count:>4} open" if count else "  not started"
        style = "" if count else "$text-muted"
        lines.append(
            Content.assemble(
                (f"{capability.number:>2} ", "bold"),
                (title, style),
                " ",
                (done_part, "$accent"),
                (open_part, "$warning"),
                padding,
                (f" {numbers}", style),
            )
        )
        cards: list[str | tuple[str, str]] = ["   "]
        for card in capability.cards:
            card_count = card_counts.get(card.id, 0)
            if card_count:
                cards += [(card.id, "bold"), (f" {card_count}   ", "$text-muted")]
            else:
                cards += [(card.id, "$text-disabled"), ("     ", "")]
        lines.append(Content.assemble(*cards))
    return Content("\n").join(lines)


def workbook_lines(deck: Deck, sheets: dict[str, Worksheet], width: int) -> list[Content]:
    """ "Workbook" and one line per worksheet with content, in deck order: "1.2 map: 5 on the
    map, 1 stressed, ..." (empty when nothing is in the workbook)."""
    order = {card.id: index for index, card in enumerate(deck.cards)}
    kept = sorted((sheet for sheet in sheets.values() if not sheet.is_empty),
                  key=lambda sheet: (order.get(sheet.card, len(order)), sheet.card))
    if not kept:
        return []
    lines = [Content(""), Content.styled("Workbook", "bold")]
    for sheet in kept:
        card_id = visible_line(sheet.card)
        brief = shorten(visible_line(f"{sheet.kind}: {describe(sheet, sheet.kind)}"),
                        max(width - max(4, len(card_id)) - 1, 10))
        lines.append(Content.assemble((f"{card_id:>4}", "bold"), " ", brief))
    return lines


class OverviewScreen(Screen[None]):
    """How much of the deck the log covers, at a glance."""

    AUTO_FOCUS = ""
    BINDINGS = [
        Binding("escape,v,q", "app.pop_screen", "Back", id="overview-back", priority=True),
        Binding("D", "app.open_due", "Go to what is due", id="overview-due", priority=True,
                tooltip="The first action due for an outcome, open in the review log"),
        Binding("down,j", "scroll(1)", "Scroll", id="overview-down", show=False, priority=True),
        Binding("up,k", "scroll(-1)", "Scroll up", id="overview-up", show=False, priority=True),
        # Nothing has focus here (AUTO_FOCUS), so the scroll box's own page keys never got them.
        Binding("pagedown,space", "page(1)", "Page down", id="overview-page-down", show=False, priority=True),
        Binding("pageup", "page(-1)", "Page up", id="overview-page-up", show=False, priority=True),
    ]

    @property
    def power_app(self) -> AppServices:
        return services(self)

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="overview-scroll"):
            yield Static("", id="overview-chart")
        yield Footer(compact=True)

    def __init__(self) -> None:
        super().__init__()
        self.log_follower = LogFollower(self, self.show_chart)

    def on_mount(self) -> None:
        self.show_chart()
        self.log_follower.follow(self.power_app.log_watcher)  # another session's entries count

    def on_screen_resume(self) -> None:
        self.log_follower.resumed()

    def on_unmount(self) -> None:
        self.log_follower.stop()

    def on_resize(self) -> None:
        self.show_chart()

    def numbers(self) -> tuple[dict[int, int], dict[int, int], dict[str, int], dict[str, Worksheet]]:
        return self.power_app.store.read(
            lambda log: (log.count_by_capability(), log.open_by_capability(), log.count_by_card(),
                         log.worksheets())
        )

    def show_chart(self) -> None:
        width = self.query_one("#overview-scroll").scrollable_content_region.width or self.size.width
        counts, opens, by_card, sheets = self.numbers()
        deck = self.power_app.deck
        chart = overview_content(deck, counts, opens, by_card, width=width - 1)
        due = self.power_app.due_line()
        due_lines = [Content(visible_line(due)), Content("")] if due else []
        content = Content("\n").join([*due_lines, chart, *workbook_lines(deck, sheets, width - 1)])
        self.query_one("#overview-chart", Static).update(content)

    def action_scroll(self, lines: int) -> None:
        self.query_one("#overview-scroll", VerticalScroll).scroll_relative(y=lines, animate=False)

    def action_page(self, pages: int) -> None:
        scroll = self.query_one("#overview-scroll", VerticalScroll)
        (scroll.scroll_page_down if pages > 0 else scroll.scroll_page_up)(animate=False)
