"""Make screenshots/*.svg by running the real app (run_test + save_screenshot).

    .venv/bin/python scripts/make_screenshots.py

Uses a temporary data folder with a few example entries (fixed dates, no real names), animations
off and the default theme, so the pictures change only when the UI does. Run it after a UI change.
"""

from __future__ import annotations

import asyncio
import importlib.util
import sys
import tempfile
from pathlib import Path
from typing import Awaitable, Callable

from textual.pilot import Pilot

from powerdeck.app import PowerDeckApp
from powerdeck.deck import load_deck
from powerdeck.entry import Entry
from powerdeck.log import Log
from powerdeck.options import AppOptions

OUT = Path(__file__).resolve().parent.parent / "screenshots"

EXAMPLES = [
    Entry(
        "ex-1", "4.2", 4,
        "Invite the youth group to plan the summer health day with us",
        "Six young people came and chose the venue",
        "Ask earlier, and let them run the first meeting",
        "2026-02-10T10:00:00+00:00", "2026-03-02T16:30:00+00:00",
    ),
    Entry(
        "ex-2", "4.2", 4, "Ask the tenants' association what health means to them", "", "",
        "2026-03-05T09:15:00+00:00", "2026-03-05T09:15:00+00:00",
    ),
    Entry(
        "ex-3", "1.1", 1, "Walk the estate with a community connector",
        "We saw the places people meet that we never use", "Hold the next drop-in at the launderette",
        "2026-01-20T11:00:00+00:00", "2026-01-28T15:00:00+00:00",
    ),
    Entry(
        "ex-4", "9.2", 9, "Ask people at the café what a good day looks like for them", "", "",
        "2026-03-12T13:40:00+00:00", "2026-03-12T13:40:00+00:00",
    ),
]

Steps = Callable[[Pilot[None]], Awaitable[None]]


async def nothing(pilot: Pilot[None]) -> None:
    await pilot.pause()


async def writing(pilot: Pilot[None]) -> None:
    await pilot.press("e")
    for field, text in (("action", "Ask the GP practice to host a listening session"), ("outcome", "Booked for May")):
        area = pilot.app.screen.query_one(f"#field-{field}")
        area.insert(text)  # type: ignore[attr-defined]
        await pilot.press("tab")
    await pilot.pause()


async def help_screen(pilot: Pilot[None]) -> None:
    await pilot.press("f1")
    await pilot.pause()


async def review_log(pilot: Pilot[None]) -> None:
    await pilot.press("L")
    await pilot.pause()
    await pilot.pause()


async def shoot(name: str, size: tuple[int, int], steps: Steps) -> None:
    with tempfile.TemporaryDirectory() as folder:
        log = Log.open(folder)
        log.import_entries(EXAMPLES)
        log.set_state("last_card", "4.2")
        # over_ssh: no blinking cursor, so a picture does not depend on the moment it is taken.
        app = PowerDeckApp(load_deck(), log, AppOptions(animation="none", theme="textual-dark", over_ssh=True))
        async with app.run_test(size=size) as pilot:
            await pilot.pause()
            await steps(pilot)
            app.save_screenshot(f"{name}.svg", path=str(OUT))
            await pilot.press("ctrl+q")
        log.close()
    print(OUT / f"{name}.svg")


async def main() -> int:
    OUT.mkdir(exist_ok=True)
    await shoot("main-80x24", (80, 24), nothing)
    await shoot("main-120x40", (120, 40), nothing)
    await shoot("editor", (120, 40), writing)
    await shoot("help", (100, 40), help_screen)
    if importlib.util.find_spec("powerdeck.screens.log_screen") is not None:
        await shoot("review-log", (120, 40), review_log)
    return 0


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
