"""What you have written about the card showing, while reading: its draft, its entries, and the
one way in to writing ("enter or e: write about this card"; a click works too).

It is deliberately not a form: nothing here looks like a place to type, so a person reading a
card does not start typing into the screen and have their letters taken as keys.
"""

from __future__ import annotations

from datetime import date

from textual import events
from textual.content import Content
from textual.message import Message
from textual.widgets import Static

from powerdeck.core.dates import uk_date_of
from powerdeck.core.entry import Draft, Entry
from powerdeck.core.text import visible_line
from powerdeck.tui.widgets.entry_list import row_marks

WAY_IN = "enter or e: write about this card"
SHORT_WAY_IN = "enter: write"
LOOKS_BACK = "Looks back · "
SHOWN_ENTRIES = 8


def _first_line(text: str) -> str:
    stripped = text.strip()
    return visible_line(stripped.splitlines()[0]) if stripped else ""


def render_notes(
    entries: list[Entry], draft: Draft | None, *, compact: bool, kept: bool = True, peek: str = "",
    total: int | None = None,
) -> Content:
    """One line when compact (under the card on a small screen), else the draft and the entries.

    `kept` is False for a draft whose write was refused: it is held in memory only, and saying
    "draft kept" then would be a lie the person relies on. `total`: how many entries the card has,
    when `entries` holds only the newest (from the log's summary, before the log is read)."""
    total = len(entries) if total is None else total
    summary = []
    draft_label = "✎ draft kept" if kept else "✎ draft NOT saved to disk"
    if draft is not None:
        summary.append(draft_label)
    if total:
        summary.append(f"{total} {'entry' if total == 1 else 'entries'}")
    if compact:
        if peek and not peek.startswith(LOOKS_BACK):
            # The card's own worksheet (w opens it): one line, the way in shorter so that what it
            # holds, in brief, fits beside it (the line's ellipsis cuts the rest).
            summary.append("w: " + visible_line(peek.removesuffix("  (w opens)")))
            tail = f" · {' · '.join(summary)}"
            return Content.from_markup("[b reverse] ▶ [/] [b]$way[/][dim]$tail[/]", way=SHORT_WAY_IN, tail=tail)
        tail = f" · {' · '.join(summary)}" if summary else ""
        line = Content.from_markup("[b reverse] ▶ [/] [b]$way[/][dim]$tail[/]", way=WAY_IN, tail=tail)
        if not peek:
            return line
        # What the workbook holds, whole, on the lines below (a card that looks back is about it:
        # 7.1's breadth, 2.3's voices), as 120 columns shows it beside the card.
        return Content("").join([line, Content("\n"),
                                 Content.from_markup("[b]Workbook[/] · $peek", peek=visible_line(peek))])
    parts = [Content.from_markup("[b reverse] ▶ [/] [b]$way[/]", way=WAY_IN),
             Content.from_markup("\n[dim]   (a click here works too)[/]")]
    if draft is not None:
        words = next((_first_line(text) for text in (draft.action, draft.outcome, draft.learning) if text.strip()), "")
        parts.append(Content("\n\n"))
        parts.append(Content.from_markup("[b]$label[/] $words", label=draft_label, words=f"· {words}" if words else ""))
    if peek:
        parts.append(Content("\n\n"))
        parts.append(Content.from_markup("[b]Workbook[/] · $peek", peek=visible_line(peek)))
    parts.append(Content("\n\n"))
    if not total:
        parts.append(Content.from_markup("[dim]No entries yet for this card.[/]"))
    else:
        count = f"{total} {'entry' if total == 1 else 'entries'}"
        parts.append(Content.from_markup("[b]$count for this card[/]", count=count))
        for entry in entries[:SHOWN_ENTRIES]:
            mark = "○" if entry.is_open else "●"
            words = _first_line(entry.action) or "(no action written)"
            # Private, and the follow-up date of an open entry, in words (as in the review log).
            words = "".join(row_marks(entry, date.today())) + words
            parts.append(Content("\n"))
            parts.append(Content.from_markup("$date $mark $words", date=uk_date_of(entry.created), mark=mark,
                                             words=words))
        if total > SHOWN_ENTRIES:
            parts.append(Content.from_markup("\n[dim]… and $more more: L, the review log[/]",
                                             more=str(total - SHOWN_ENTRIES)))
        parts.append(Content.from_markup("\n\n[dim]To change one: enter, then pick it under the fields.[/]"))
    return Content("").join(parts)


class CardNotes(Static, can_focus=False):
    """The card's draft and entries, and how to start writing; a click starts writing."""

    class WriteRequested(Message):
        """The notes were clicked: start writing about this card."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__("", id=id, markup=False)
        self._shown: tuple[object, ...] | None = None
        # What `show` was last given: entries, draft, kept, compact, peek, total.
        self._last: tuple[list[Entry], Draft | None, bool, bool, str, int | None] | None = None

    def show(
        self, entries: list[Entry], draft: Draft | None, *, compact: bool, kept: bool = True, peek: str = "",
        total: int | None = None,
    ) -> None:
        self._last = (entries, draft, kept, compact, peek, total)
        content = render_notes(entries, draft, compact=compact, kept=kept, peek=peek, total=total)
        # Compared by what it draws, not by the entries: the log read in after a first frame drawn
        # from its summary gives other Entry objects that draw the very same notes.
        key = (content.plain, tuple(content.spans))
        if key == self._shown:
            return  # the same again would lay out and repaint: bytes over a slow link
        self._shown = key
        self.set_class(compact and peek.startswith(LOOKS_BACK), "-looks-back")
        self.update(content)

    def show_draft(self, draft: Draft | None, *, kept: bool) -> None:
        """The draft changed (kept, or refused): redraw with the entries shown last, without
        reading the log (a draft changes no entries; a read would wait on the writer)."""
        if self._last is not None:
            entries, _, _, compact, peek, total = self._last
            self.show(entries, draft, compact=compact, kept=kept, peek=peek, total=total)

    def set_compact(self, compact: bool) -> None:
        """One line or a panel, for the screen's new width: what is shown, redrawn to fit."""
        if self._last is not None:
            entries, draft, kept, _, peek, total = self._last
            self.show(entries, draft, compact=compact, kept=kept, peek=peek, total=total)

    @property
    def text(self) -> str:
        return str(self.content)

    def on_click(self, event: events.Click) -> None:
        event.stop()
        self.post_message(self.WriteRequested())
