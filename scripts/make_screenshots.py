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
from collections.abc import Awaitable, Callable
from pathlib import Path

from textual.pilot import Pilot

OUT = Path(__file__).resolve().parent.parent / "screenshots"
sys.path.insert(0, str(OUT.parent / "tests"))  # the example entries, shared with the snapshot tests

from example_log import YOUTH_GROUP, example_app, example_log  # noqa: E402
from powerdeck.core.entry import Entry  # noqa: E402

EXAMPLES = [
    YOUTH_GROUP,
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
    await pilot.press("enter")
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
    await pilot.pause(0.6)  # a command letter waits a moment (LETTER_SETTLE) to see if more follow
    await pilot.pause()


async def shoot(name: str, size: tuple[int, int], steps: Steps) -> None:
    with tempfile.TemporaryDirectory() as folder:
        log = example_log(folder, EXAMPLES, card="4.2")
        app = example_app(log, over_ssh=True)
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
    await shoot("editor-80x24", (80, 24), writing)
    await shoot("help", (100, 40), help_screen)
    if importlib.util.find_spec("powerdeck.tui.screens.log.log_screen") is not None:
        await shoot("review-log", (120, 40), review_log)
    return 0


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
