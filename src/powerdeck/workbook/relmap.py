"""The relationship map of card 1.2: people and groups in rings around "me", and its breadth.

People are named as the person chooses; the app nudges toward initials or roles, so that a map
shown in a meeting names nobody who did not agree to it. Every change returns a new tuple of
people, so an undo is the tuple from before.
"""

from __future__ import annotations

import math
import re
import secrets
from dataclasses import dataclass, replace

from powerdeck.workbook.model import QUALITIES, RINGS, SECTORS, Person

BREADTH_SECTORS = ("voluntary", "community", "faith", "social enterprise", "housing")
"""The sectors card 7.1 asks the map to reach."""
QUALITY_MARKS = {"strong": "+", "stressed": "!", "distant": "~"}
MISSING_MARK = "?"
_FULL_NAME = re.compile(r"^[A-Z][a-z'’-]+(?: [A-Z][a-z'’-]+)+$")
_ROLE_WORDS = {"lead", "manager", "team", "group", "service", "council", "church", "mosque",
               "school", "gp", "nurse", "worker", "officer", "forum", "trust", "network", "centre",
               "association", "housing", "pharmacy", "practice", "board", "partnership", "club"}


def new_person(name: str, ring: str = "around", quality: str = "strong", sector: str = "other",
               missing: bool = False) -> Person:
    return Person(secrets.token_hex(4), name.strip(), ring, quality, sector, missing)


def looks_like_full_name(name: str) -> bool:
    """"Jane Smith" yes; "JS", "housing lead", "St Mark's Church" no."""
    text = name.strip()
    if not _FULL_NAME.match(text):
        return False
    return not any(word.casefold().strip("'’") in _ROLE_WORDS for word in text.split())


NAME_NUDGE = ("Tip: initials or a role (\"JS\", \"housing lead\") keep your map private if you "
              "show it to others.")


def add(people: tuple[Person, ...], person: Person) -> tuple[Person, ...]:
    return (*people, person)


def edit(people: tuple[Person, ...], person_id: str, **changes: object) -> tuple[Person, ...]:
    return tuple(replace(p, **changes) if p.id == person_id else p  # type: ignore[arg-type]  # dataclasses.replace cannot check **changes: callers pass Person's field names
                 for p in people)


def delete(people: tuple[Person, ...], person_id: str) -> tuple[Person, ...]:
    return tuple(p for p in people if p.id != person_id)


def move(people: tuple[Person, ...], person_id: str, step: int) -> tuple[Person, ...]:
    """Closer (step -1) or further (step +1), stopping at the inner and outer rings."""
    def moved(person: Person) -> Person:
        index = max(0, min(len(RINGS) - 1, RINGS.index(person.ring) + step))
        return replace(person, ring=RINGS[index])
    return tuple(moved(p) if p.id == person_id else p for p in people)


def cycle(people: tuple[Person, ...], person_id: str, field: str) -> tuple[Person, ...]:
    """The next quality or sector in its list."""
    choices = {"quality": QUALITIES, "sector": SECTORS}[field]

    def cycled(person: Person) -> Person:
        value: str = getattr(person, field)
        changes: dict[str, object] = {field: choices[(choices.index(value) + 1) % len(choices)]}
        return replace(person, **changes)  # type: ignore[arg-type]  # dataclasses.replace cannot check **changes: callers pass Person's field names
    return tuple(cycled(p) if p.id == person_id else p for p in people)


def missing(people: tuple[Person, ...]) -> list[Person]:
    """Who is missing or seen too little."""
    return [p for p in people if p.missing]


@dataclass(frozen=True)
class Breadth:
    reached: dict[str, list[str]]
    """Each of card 7.1's sectors and the names on the map in it (possibly none)."""

    @property
    def missing_sectors(self) -> list[str]:
        return [sector for sector, names in self.reached.items() if not names]

    def summary(self) -> str:
        have = [sector for sector, names in self.reached.items() if names]
        if not have:
            return f"reaches none of the {len(BREADTH_SECTORS)} sectors of card 7.1 yet"
        text = f"reaches {len(have)} of {len(BREADTH_SECTORS)} sectors"
        return text + (f"; missing: {', '.join(self.missing_sectors)}" if self.missing_sectors else "")


def breadth(people: tuple[Person, ...]) -> Breadth:
    reached: dict[str, list[str]] = {sector: [] for sector in BREADTH_SECTORS}
    for person in people:
        if person.sector in reached:
            reached[person.sector].append(person.name)
    return Breadth(reached)


# -- drawing ---------------------------------------------------------------------------------

@dataclass(frozen=True)
class Label:
    row: int
    column: int
    text: str
    quality: str  # "" for the rings and "me"
    missing: bool = False


@dataclass(frozen=True)
class MapDrawing:
    width: int
    height: int
    rings: list[tuple[int, int]]
    """Cells of the ring lines (row, column)."""
    labels: list[Label]
    hidden: int
    """People with no room on the drawing (the list beside shows everyone)."""


def draw(people: tuple[Person, ...], width: int, height: int, label_width: int = 12) -> MapDrawing:
    """Rings around "me" in a `width` x `height` grid of cells, each person labelled on their ring.

    Terminal cells are about twice as tall as wide, so the rings are ellipses twice as wide.
    """
    width, height = max(width, 20), max(height, 7)
    cy, cx = (height - 1) / 2, (width - 1) / 2
    ry_max = (height - 1) / 2
    rx_max = min((width - 1) / 2, ry_max * 2.2)
    rings: set[tuple[int, int]] = set()
    for k in range(1, len(RINGS) + 1):
        ry, rx = ry_max * k / len(RINGS), rx_max * k / len(RINGS)
        steps = max(24, int(2 * math.pi * rx))
        for s in range(steps):
            angle = 2 * math.pi * s / steps
            rings.add((round(cy + ry * math.sin(angle)), round(cx + rx * math.cos(angle))))
    taken = [[False] * width for _ in range(height)]
    labels: list[Label] = []

    def place(row: int, column: int, text: str, quality: str, is_missing: bool = False) -> bool:
        column = max(0, min(width - len(text), column))
        if not 0 <= row < height or any(taken[row][c] for c in range(column, column + len(text))):
            return False
        for c in range(max(0, column - 1), min(width, column + len(text) + 1)):
            taken[row][c] = True
        labels.append(Label(row, column, text, quality, is_missing))
        return True

    place(round(cy), round(cx) - 1, "me", "")
    hidden = 0
    for k, ring in enumerate(RINGS, start=1):
        on_ring = [p for p in people if p.ring == ring]
        ry, rx = ry_max * (k - 0.5) / len(RINGS), rx_max * (k - 0.5) / len(RINGS)
        for i, person in enumerate(on_ring):
            mark = QUALITY_MARKS[person.quality] + (MISSING_MARK if person.missing else "")
            # The whole name where it finds room; shortened only where it does not.
            names = [person.name]
            if len(person.name) > label_width:
                names.append(person.name[: label_width - 1] + "…")
            base = 2 * math.pi * i / max(1, len(on_ring)) + k * 0.7
            placed = False
            for name in names:
                text = f"{mark}{name}"
                for nudge in (0, 0.25, -0.25, 0.5, -0.5, 0.8, -0.8, 1.2, -1.2):
                    for scale in (1.0, 0.8, 1.2):
                        angle = base + nudge
                        row = round(cy + ry * scale * math.sin(angle))
                        column = round(cx + rx * scale * math.cos(angle) - len(text) / 2)
                        if len(text) <= width and place(row, column, text, person.quality, person.missing):
                            placed = True
                            break
                    if placed:
                        break
                if placed:
                    break
            hidden += not placed
    return MapDrawing(width, height, sorted(rings), labels, hidden)


def drawing_rows(drawing: MapDrawing) -> list[list[tuple[str, str]]]:
    """Each row as (text, style-name) runs: "ring", "me", a quality, or "" for blank."""
    grid: list[list[tuple[str, str]]] = [[(" ", "")] * drawing.width for _ in range(drawing.height)]
    for row, column in drawing.rings:
        if 0 <= row < drawing.height and 0 <= column < drawing.width:
            grid[row][column] = ("·", "ring")
    for label in drawing.labels:
        style = label.quality or "me"
        for offset, char in enumerate(label.text):
            if label.column + offset < drawing.width:
                grid[label.row][label.column + offset] = (char, style)
    rows = []
    for cells in grid:
        runs: list[tuple[str, str]] = []
        for char, style in cells:
            if runs and runs[-1][1] == style:
                runs[-1] = (runs[-1][0] + char, style)
            else:
                runs.append((char, style))
        rows.append(runs)
    return rows
