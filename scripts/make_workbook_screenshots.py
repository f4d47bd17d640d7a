"""Make screenshots/workbook-*.svg: the word cloud of card 1.3 and the map of card 1.2, from the
real app with example worksheets (no real names).

    .venv/bin/python scripts/make_workbook_screenshots.py
"""

from __future__ import annotations

import asyncio
import sys
import tempfile
from pathlib import Path

OUT = Path(__file__).resolve().parent.parent / "screenshots"
sys.path.insert(0, str(OUT.parent / "tests"))

from example_log import example_app, example_log  # noqa: E402
from powerdeck.workbook.model import Worksheet  # noqa: E402
from test_workbook_snapshots import PEOPLE, VOICES  # noqa: E402


async def shoot(card: str, name: str) -> None:
    with tempfile.TemporaryDirectory() as folder:
        log = example_log(Path(folder) / "data", [], card=card)
        log.save_worksheet(Worksheet("1.3", "voices", text=VOICES))
        log.save_worksheet(Worksheet("1.2", "map", people=PEOPLE))
        app = example_app(log, over_ssh=True)
        async with app.run_test(size=(100, 30)) as pilot:
            await pilot.press("w")
            await pilot.pause(0.6)  # a command letter waits a moment (LETTER_SETTLE) to see if more follow
            await pilot.pause()
            app.save_screenshot(str(OUT / name))


asyncio.run(shoot("1.3", "workbook-cloud.svg"))
asyncio.run(shoot("1.2", "workbook-map.svg"))
