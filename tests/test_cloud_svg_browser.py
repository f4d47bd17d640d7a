"""The word cloud's SVG drawn by a real browser (Chromium through Playwright), each phrase's box
read with getBBox (issue 24, 2): for short, long, repeated, non-Latin and very many phrases, every
phrase and the title are inside the picture and no two overlap. Before, the layout counted 11 px
a character while the large phrases were 40 px bold: "the bus stopped coming" ran past the right
edge and over "we never see the same GP twice".

Skipped, saying why, where Chromium or Playwright is missing (.ci/install-system-deps.sh installs
Chromium; the test extra, Playwright)."""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator
from itertools import combinations
from typing import Any

import pytest

from powerdeck.workbook.cloud_svg import to_svg
from powerdeck.workbook.voices import weights

pytestmark = pytest.mark.slow
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")

ISSUE = ["the bus stopped coming"] * 5 + ["we never see the same GP twice"] * 4 + ["safer streets"] * 2 + [
    "nowhere for the kids to play", "damp flats | tenant", "the café closed | older person"]
CASES = {
    "the issue's": ISSUE,
    "short": ["a", "b", "b", "ok"],
    "long": ["walk the estate with the community connector and listen to what people say about "
             "the bus, the surgery, the pharmacy that closed and the benches that were taken away " * 3,
             "x" * 300, "short one", "short one"],
    "repeated": ["safe parks"] * 40 + ["no GP"] * 12 + ["lonely"] * 3 + ["buses"],
    "non-Latin": ["私たちの声を聞いてください"] * 3 + ["Наши голоса важны"] * 2
                 + ["أصواتنا مهمة", "Ελληνικά λόγια", "emoji 🚌🚌🚌", "e\u0301te\u0301 cafe\u0301"],
    "very many": [f"voice number {n} {'said again ' * (n % 4)}" for n in range(240) for _ in range(1 + n % 5)],
    "hostile": ["<script>alert(1)</script> & \x1b]0;pwned\x07 done", "[b]music[/b]", "&amp; done"],
}


@pytest.fixture(scope="module")
def page() -> Iterator[Any]:
    if CHROMIUM is None:
        pytest.skip("Chromium is not installed (apt-get install chromium; .ci/install-system-deps.sh does)")
    sync_api = pytest.importorskip("playwright.sync_api", reason="Playwright is not installed (the test extra)")
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        yield browser.new_page()
        browser.close()


def boxes(page: Any, svg: str) -> tuple[dict[str, float], list[dict[str, Any]]]:
    page.set_content(f"<!doctype html><body style='margin:0'>{svg}</body>")
    picture = page.evaluate("() => { const s = document.querySelector('svg');"
                            " return {width: s.width.baseVal.value, height: s.height.baseVal.value}; }")
    found = page.evaluate("""() => [...document.querySelectorAll('svg text')].map(t => {
        const b = t.getBBox();
        return {text: t.textContent, phrase: t.classList.contains('phrase'),
                x: b.x, y: b.y, width: b.width, height: b.height};
    })""")
    return picture, found


@pytest.mark.parametrize("case", list(CASES))
def test_every_phrase_inside_and_apart(page: Any, case: str) -> None:
    phrases = weights("\n".join(CASES[case]))
    picture, found = boxes(page, to_svg(phrases, "1.3 Naming what we know and a long title " * (case == "long")))
    assert sum(box["phrase"] for box in found) == len(phrases)  # every phrase drawn, none dropped
    for box in found:
        assert box["width"] > 0 and box["height"] > 0, box
        assert box["x"] >= 0 and box["y"] >= 0, box
        assert box["x"] + box["width"] <= picture["width"], box
        assert box["y"] + box["height"] <= picture["height"], box
    for one, two in combinations(found, 2):
        apart = (one["x"] + one["width"] <= two["x"] or two["x"] + two["width"] <= one["x"]
                 or one["y"] + one["height"] <= two["y"] or two["y"] + two["height"] <= one["y"])
        assert apart, (one, two)


def test_the_drawn_width_is_the_measured_one(page: Any) -> None:
    """textLength holds each phrase to its measured width, whatever font the viewer has."""
    phrases = weights("\n".join(ISSUE))
    svg = to_svg(phrases, "1.3")
    other = re.sub(r'font-family="[^"]*"', 'font-family="monospace"', svg, count=1)
    assert other != svg
    _, found = boxes(page, other)
    _, measured = boxes(page, svg)
    for wide, right in zip(found, measured, strict=True):
        assert abs(wide["width"] - right["width"]) < 1.5, (wide, right)
