"""The relationship map (card 1.2; card 7.1 looks back at its breadth).

The drawing on the left, the list on the right: add (a), rename (e or enter), closer ([) and
further (]), quality (q), sector (s), "seen too little" (m), delete (d) and undo (u). What is
typed in the name box is kept with the map as a draft, so a dropped connection keeps it.
"""

from __future__ import annotations

import textwrap
from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.widgets import DataTable, Input, Static

from powerdeck.core.text import visible_line
from powerdeck.deck.model import Card
from powerdeck.tui.screens.workbook.worksheet_base import WorksheetScreen
from powerdeck.tui.widgets.inert_input import InertInput
from powerdeck.tui.widgets.lean_footer import LeanFooter
from powerdeck.tui.widgets.map_view import MapView
from powerdeck.tui.widgets.problem_line import ProblemLine
from powerdeck.workbook import relmap
from powerdeck.workbook.model import Person, Worksheet

WIDE_COLUMNS = ("Who", "Ring", "Quality", "Sector")
TALL_COLUMNS = ("Who", "Ring · quality / sector")
"""Two columns, each person on two lines: the facts ("close · strong" over "statutory")."""
LIST_ACTIONS = {"add", "rename", "move", "cycle", "toggle_missing", "delete", "undo"}


def list_fits(rows: list[tuple[str, str, str, str]], width: int) -> bool:
    """Whether the four columns fit `width` cells whole (each cell has a space either side)."""
    widest = [max([len(heading), *(len(row[n]) for row in rows)]) for n, heading in enumerate(WIDE_COLUMNS)]
    return sum(widest) + 2 * len(widest) <= width


class MapScreen(WorksheetScreen):
    CSS_PATH = "map_screen.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "back", "Back", id="map-back",
                tooltip="Back to the list, then to the card (kept as you go)", priority=True),
        Binding("a", "add", "Add", id="map-add", tooltip="Add a person or group", priority=True),
        Binding("e,enter", "rename", "Rename", id="map-rename", tooltip="Change the name", priority=True),
        Binding("left_square_bracket", "move(-1)", "Closer", id="map-closer", key_display="[",
                tooltip="Move to a closer ring", priority=True),
        Binding("right_square_bracket", "move(1)", "Further", id="map-further", key_display="]",
                tooltip="Move to a further ring", priority=True),
        Binding("q", "cycle('quality')", "Quality", id="map-quality", tooltip="Strong, stressed or distant",
                priority=True),
        Binding("s", "cycle('sector')", "Sector", id="map-sector",
                tooltip="Statutory, voluntary, community, faith, social enterprise, housing, other", priority=True),
        Binding("m", "toggle_missing", "Seen too little", id="map-missing",
                tooltip="Mark as missing or seen too little", show=False, priority=True),
        Binding("d,delete", "delete", "Delete", id="map-delete", tooltip="Delete (u undoes)", priority=True),
        Binding("u", "undo", "Undo", id="map-undo", tooltip="Undo the last change", priority=True),
    ]

    def __init__(self, card: Card, *, breadth: bool = False) -> None:
        super().__init__(card, "map")
        self.show_breadth = breadth
        self.editing: str | None = None  # the id being renamed; None: adding
        self.history: list[tuple[Person, ...]] = []
        self._wide_list: bool | None = None
        self._list_shape: tuple[bool, int, int] | None = None

    def compose(self) -> ComposeResult:
        yield Static(Text(visible_line(f"{self.card.id} {self.card.title} · relationship map")), id="ws-title")
        with Horizontal(id="map-main"):
            yield MapView(id="map-drawing")
            with Vertical(id="map-side"):
                table: DataTable[Text] = DataTable(id="map-list", cursor_type="row", zebra_stripes=False)
                yield table
                yield Static("", id="map-missing", markup=False)
                yield Static("", id="map-breadth", markup=False)
                yield Static("", id="map-nudge", markup=False)
                yield InertInput(self.sheet.draft, placeholder="Name: initials or a role", id="map-name",
                                 select_on_focus=False)
        yield ProblemLine(id="problem-line")
        yield Static("", id="ws-status", markup=False)
        yield LeanFooter()

    def on_mount(self) -> None:
        self._redraw()
        self.call_after_refresh(self._fit_list)
        if self.sheet.draft:
            self.set_focus(self.query_one("#map-name", Input))
            self.set_status("Your unfinished name was kept: press enter to add it.")
        else:
            self.set_focus(self.query_one("#map-list", DataTable))

    @property
    def people(self) -> tuple[Person, ...]:
        return self.sheet.people

    def _change(self, people: tuple[Person, ...], status: str = "") -> None:
        self.history.append(self.sheet.people)
        self.sheet = self.sheet.with_changes(people=people)
        self._redraw()
        self.queue_write()
        if status:
            self.set_status(status)

    def _redraw(self, select: str | None = None) -> None:
        table = self.query_one("#map-list", DataTable)
        row = table.cursor_row
        rows = [(person.name + (" ?" if person.missing else ""), person.ring, person.quality, person.sector)
                for person in self.people]
        # Four columns where they fit; else two, each person on two lines, so what q and s change
        # is in view on the person's own row at 80 columns too (a column off screen showed nothing).
        wide = list_fits(rows, table.size.width or 40)
        facts = max([len(TALL_COLUMNS[1]) - 9, *(max(len(f"{r[1]} · {r[2]}"), len(r[3])) for r in rows)])
        who = max(8, (table.size.width or 40) - facts - 4)
        shape = (wide, who, facts)
        if shape != self._list_shape or not table.columns:
            self._list_shape = shape
            self._wide_list = wide
            table.clear(columns=True)
            if wide:
                table.add_columns(*WIDE_COLUMNS)
            else:
                table.add_column(TALL_COLUMNS[0], width=who)
                table.add_column(TALL_COLUMNS[1], width=facts)
        else:
            table.clear()
        for person, values in zip(self.people, rows, strict=True):
            name, ring, quality, sector = (visible_line(v) for v in values)
            if wide:
                table.add_row(*(Text(v) for v in (name, ring, quality, sector)), key=person.id)
            else:
                # A long name over the row's two lines, so the facts beside it keep their room.
                lines = textwrap.wrap(name, who) or [""]
                rest = textwrap.shorten(" ".join(lines[1:]), who, placeholder="…") if lines[1:] else ""
                shown = lines[0] + ("\n" + rest if rest else "")
                table.add_row(Text(shown), Text(f"{ring} · {quality}\n{sector}"), key=person.id, height=2)
        if self.people:
            index = next((i for i, p in enumerate(self.people) if p.id == select), min(row, len(self.people) - 1))
            table.move_cursor(row=index)
        self.query_one(MapView).show(self.people)
        missing = relmap.missing(self.people)
        self.query_one("#map-missing", Static).update(Text(visible_line(
            "Missing or seen too little: " + (", ".join(p.name for p in missing) or "none yet (m marks one)"))))
        breadth = self.query_one("#map-breadth", Static)
        breadth.display = self.show_breadth
        if self.show_breadth:
            b = relmap.breadth(self.people)
            lines = [f"Breadth (card 7.1): {b.summary()}"]
            lines += [f"  {sector}: {', '.join(names) or '-'}" for sector, names in b.reached.items()]
            breadth.update(Text("\n".join(visible_line(line) for line in lines)))

    def _selected(self) -> Person | None:
        table = self.query_one("#map-list", DataTable)
        if not self.people or table.cursor_row < 0:
            return None
        return self.people[min(table.cursor_row, len(self.people) - 1)]

    def _name_box(self) -> Input:
        return self.query_one("#map-name", Input)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # Typing a name: these letters are text.
        if action not in LIST_ACTIONS:
            return True
        boxes = self.query("#map-name")  # the footer may ask while the screen is still being built
        return not (boxes and self.focused is boxes.first())

    def current(self) -> Worksheet:
        return self.sheet.with_changes(draft=self._name_box().value if self.is_mounted else self.sheet.draft)

    @on(Input.Changed, "#map-name")
    def _typed(self, event: Input.Changed) -> None:
        nudge = relmap.NAME_NUDGE if relmap.looks_like_full_name(event.value) else ""
        self.query_one("#map-nudge", Static).update(nudge)
        self.changed()

    @on(Input.Submitted, "#map-name")
    def _submitted(self, event: Input.Submitted) -> None:
        name = event.value.strip()
        if not name:
            self.set_status("Type a name first: initials or a role.")
            return
        box = self._name_box()
        box.value = ""
        if self.editing is not None:
            person_id, self.editing = self.editing, None
            self._change(relmap.edit(self.people, person_id, name=name), f"Renamed to {name}")
            self._redraw(select=person_id)
        else:
            person = relmap.new_person(name)
            self._change(relmap.add(self.people, person), f"Added {name}: [ and ] move it, q quality, s sector")
            self._redraw(select=person.id)
        self.set_focus(self.query_one("#map-list", DataTable))

    def action_add(self) -> None:
        self.editing = None
        self.set_focus(self._name_box())  # at once: the letters typed next are the name

    def action_rename(self) -> None:
        person = self._selected()
        if person is None:
            self.action_add()
            return
        self.editing = person.id
        box = self._name_box()
        box.value = person.name
        box.cursor_position = len(person.name)
        self.set_focus(box)

    def action_move(self, step: int) -> None:
        if person := self._selected():
            self._change(relmap.move(self.people, person.id, step))

    def action_cycle(self, field: str) -> None:
        if person := self._selected():
            people = relmap.cycle(self.people, person.id, field)
            now = next(p for p in people if p.id == person.id)
            self._change(people, f"{person.name}: {field} {getattr(now, field)}")

    def on_resize(self) -> None:
        # The list's width is known once laid out: four columns or two, for the width it has.
        self.call_after_refresh(self._fit_list)

    def _fit_list(self) -> None:
        table = self.query_one("#map-list", DataTable)
        rows = [(p.name + (" ?" if p.missing else ""), p.ring, p.quality, p.sector) for p in self.people]
        if list_fits(rows, table.size.width or 40) != self._wide_list or self._list_shape is None:
            self._redraw(select=(person.id if (person := self._selected()) else None))

    def action_toggle_missing(self) -> None:
        if person := self._selected():
            self._change(relmap.edit(self.people, person.id, missing=not person.missing))

    def action_delete(self) -> None:
        if person := self._selected():
            self._change(relmap.delete(self.people, person.id), f"Deleted {person.name} (u undoes)")

    def action_undo(self) -> None:
        if not self.history:
            self.set_status("Nothing to undo.")
            return
        self.sheet = self.sheet.with_changes(people=self.history.pop())
        self._redraw()
        self.queue_write()
        self.set_status("Undone")

    def action_back(self) -> None:
        if self.focused is self._name_box():
            self.editing = None
            self.queue_write()  # the half-typed name stays as the map's draft
            self.set_focus(self.query_one("#map-list", DataTable))
            return
        super().action_back()
