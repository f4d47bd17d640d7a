"""The simple view in a real browser (Chromium): axe-core finds no WCAG 2.2 A or AA violation on
any page, empty and full and with its forms showing errors; every page reflows at 320 CSS px and
nothing overlaps at 200 % text; the keyboard alone reaches everything in order with focus always
visible; the whole write-save-finish-export path works with JavaScript off; a person's text comes
back exactly and inert; with JavaScript on, the draft is kept as one types."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("nhsuk_frontend_jinja", reason="the web extra (Python 3.11 or later) is not installed")
pytest.importorskip("playwright", reason="Playwright is not installed (pip install -e '.[test]')")

from browser_harness import axe_violations, chromium_or_skip, close_browser, describe_violations, served
from powerdeck.store.log import Log
from web_app import HOSTILE, fill, make_app

PAGES = ["/?choose=1", "/cards", "/cards/4.2", "/cards/1.2", "/log", "/log?page=2", "/overview", "/export",
         "/workbook", "/workbook/1.2", "/workbook/1.3", "/workbook/2.3", "/workbook/7.1", "/workbook/8.1",
         "/about", "/accessibility", "/cards/99.9"]
FULL_ONLY = ["/entries/e7", "/entries/e7/delete", "/workbook/1.2/people/p3", "/workbook/1.2/people/p3/delete",
             "/log?card=4.2&open=1&q=Action"]
WIDE, NARROW = {"width": 1280, "height": 900}, {"width": 320, "height": 256}


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    found = chromium_or_skip()
    yield found
    close_browser(found)


@pytest.fixture(scope="module")
def sites(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, str]]:
    """Two people's simple views: an empty log and a full one (entries over every card, hostile
    text, drafts and every kind of worksheet)."""
    empty = tmp_path_factory.mktemp("empty") / "data"
    full = tmp_path_factory.mktemp("full") / "data"
    fill(full, 120).close()
    with served(make_app(empty)) as empty_url, served(make_app(full)) as full_url:
        yield {"empty": empty_url, "full": full_url}


def pages_of(state: str) -> list[str]:
    return PAGES + (FULL_ONLY if state == "full" else [])


def error_states(page: Any, base: str) -> Iterator[str]:
    """Bring each form to show its errors, yielding a name for each (the page is left showing it)."""
    page.goto(base + "/cards/4.2")
    page.fill("#action", "")
    page.fill("#outcome", "an outcome, but no action")
    page.click("button[value=save]")
    yield "card form: no action"
    page.goto(base + "/log?period=dates&from=31/02/2026&to=1/13/2026")
    yield "log filter: no such dates"
    page.goto(base + "/export")
    page.check("#format-3")  # CSV
    page.check("#layout-2")  # NMC
    page.click("form button[type=submit]")
    yield "export: layout for Word only"
    page.goto(base + "/workbook/1.3")
    page.click("form:has(#phrase) button")
    yield "voices: nothing to add"
    page.goto(base + "/workbook/1.2")
    page.click("form:has(#name) button")
    yield "map: no name"


@pytest.mark.slow
@pytest.mark.parametrize("state", ["empty", "full"])
@pytest.mark.parametrize("viewport", [WIDE, NARROW], ids=["wide", "320px"])
def test_axe_finds_no_wcag_violation(browser: Any, sites: dict[str, str], state: str,
                                     viewport: dict[str, int]) -> None:
    context = browser.new_context(viewport=viewport)
    page = context.new_page()
    found = {}
    for path in pages_of(state):
        page.goto(sites[state] + path)
        violations = axe_violations(page)
        if violations:
            found[path] = describe_violations(violations)
    for name in error_states(page, sites[state]):
        assert page.locator(".nhsuk-error-summary").count() == 1, name
        violations = axe_violations(page)
        if violations:
            found[name] = describe_violations(violations)
    context.close()
    assert found == {}


@pytest.mark.slow
@pytest.mark.parametrize("state", ["empty", "full"])
def test_every_page_reflows_at_320_css_pixels(browser: Any, sites: dict[str, str], state: str) -> None:
    context = browser.new_context(viewport=NARROW)
    page = context.new_page()
    wide = {}

    def check(name: str) -> None:
        width = page.evaluate("document.documentElement.scrollWidth")
        if width > 320:
            wide[name] = width

    for path in pages_of(state):
        page.goto(sites[state] + path)
        page.evaluate("document.querySelectorAll('details').forEach(d => d.open = true)")
        check(path)
    for name in error_states(page, sites[state]):
        check(name)
    context.close()
    assert wide == {}


OVERLAPS = """() => {
  const hidden = (el) => {
    // Visually hidden (for screen readers only) or not shown: not text that can overlap.
    for (let e = el; e; e = e.parentElement) {
      const s = getComputedStyle(e);
      if (s.visibility === 'hidden' || s.clipPath === 'inset(50%)' ||
          s.clip === 'rect(0px, 0px, 0px, 0px)') return true;
    }
    return false;
  };
  const boxes = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  let n = 0;
  while (walker.nextNode()) {
    const node = walker.currentNode;
    if (!node.textContent.trim()) continue;
    if (hidden(node.parentElement)) continue;
    const range = document.createRange();
    range.selectNodeContents(node);
    for (const rect of range.getClientRects()) {
      if (rect.width > 2 && rect.height > 2) boxes.push({n, rect, text: node.textContent.trim().slice(0, 30)});
    }
    n += 1;
  }
  const found = [];
  for (let i = 0; i < boxes.length; i++) {
    for (let j = i + 1; j < boxes.length; j++) {
      const a = boxes[i], b = boxes[j];
      if (a.n === b.n) continue;
      const x = Math.min(a.rect.right, b.rect.right) - Math.max(a.rect.left, b.rect.left);
      const y = Math.min(a.rect.bottom, b.rect.bottom) - Math.max(a.rect.top, b.rect.top);
      if (x > 2 && y > 2) found.push(a.text + ' / ' + b.text);
    }
  }
  return found.slice(0, 5);
}"""


@pytest.mark.slow
@pytest.mark.parametrize("viewport", [WIDE, NARROW], ids=["wide", "320px"])
def test_nothing_overlaps_at_200_percent_text(browser: Any, sites: dict[str, str], viewport: dict[str, int]) -> None:
    # The text size a person sets in the browser: the root font size doubled (the CSP refuses an
    # injected style, so this context bypasses it; the pages themselves are unchanged).
    context = browser.new_context(viewport=viewport, bypass_csp=True)
    page = context.new_page()
    found = {}
    for path in pages_of("full"):
        page.goto(sites["full"] + path)
        page.add_style_tag(content="html { font-size: 200% !important; }")
        page.evaluate("document.querySelectorAll('details').forEach(d => d.open = true)")
        overlaps = page.evaluate(OVERLAPS)
        if overlaps:
            found[path] = overlaps
    context.close()
    assert found == {}


FOCUSABLE = """() => {
  const all = [...document.querySelectorAll(
    'a[href], button:not([disabled]), input:not([type=hidden]):not([disabled]), select, textarea, summary, ' +
    '[tabindex]:not([tabindex="-1"])')];
  const seenGroups = new Set();
  const order = [];
  for (const el of all) {
    if (!el.getClientRects().length && !(el.type === 'radio' || el.type === 'checkbox')) continue;
    if (el.closest('details:not([open])') && el.tagName !== 'SUMMARY') continue;
    if (el.type === 'radio') {
      if (seenGroups.has(el.name)) continue;
      seenGroups.add(el.name);
      const group = [...document.querySelectorAll('input[type=radio][name="' + el.name + '"]')];
      const chosen = group.find(r => r.checked) || group[0];
      chosen.dataset.k = order.length; order.push(chosen); continue;
    }
    el.dataset.k = order.length;
    order.push(el);
  }
  return order.length;
}"""
FOCUSED_BOX = """() => {
  const el = document.activeElement;
  let box = el.getBoundingClientRect();
  if (el.type === 'radio' || el.type === 'checkbox') box = el.parentElement.getBoundingClientRect();
  return {k: el.dataset.k === undefined ? null : Number(el.dataset.k), tag: el.tagName, id: el.id,
          x: box.left + scrollX, y: box.top + scrollY, width: box.width, height: box.height,
          left: box.left, top: box.top, scrollX, scrollY};
}"""


def focus_walk(page: Any) -> list[dict[str, Any]]:
    """Tab from the top of the page through every control, noting where focus is at each step."""
    count = page.evaluate(FOCUSABLE)
    steps = []
    for _ in range(count + 1):
        page.keyboard.press("Tab")
        steps.append(page.evaluate(FOCUSED_BOX))
    return steps


def clip(page: Any, step: dict[str, Any]) -> bytes:
    """The control and a margin round it as the window shows it now. A picture of the window alone
    costs half one of the whole page, and the walk takes two of every control."""
    margin = 8
    shot: bytes = page.screenshot(clip={
        "x": step["left"] - margin, "y": step["top"] - margin,
        "width": step["width"] + 2 * margin, "height": step["height"] + 2 * margin})
    return shot


SCROLL_TO = "([x, y]) => { window.scrollTo({left: x, top: y, behavior: 'instant'}); return [scrollX, scrollY]; }"


@pytest.mark.slow
def test_the_keyboard_alone_reaches_everything_in_order_with_focus_visible(browser: Any, sites: dict[str, str]) -> None:
    context = browser.new_context(viewport=WIDE, reduced_motion="reduce")
    page = context.new_page()
    problems: dict[str, str] = {}
    for path in pages_of("full"):
        page.goto(sites["full"] + path)
        page.evaluate("document.querySelectorAll('details').forEach(d => d.open = true)")
        count = page.evaluate(FOCUSABLE)
        page.evaluate("window.scrollTo(0, 0)")
        steps = []
        focused_shots = []
        for _ in range(count):
            page.keyboard.press("Tab")
            step = page.evaluate(FOCUSED_BOX)
            steps.append(step)
            focused_shots.append(clip(page, step))
        order = [step["k"] for step in steps]
        if order != list(range(count)):
            problems[path] = f"tab order {order[:40]} is not reading order 0..{count - 1}"
            continue
        page.keyboard.press("Tab")  # past the last control: focus leaves it (no trap)
        if page.evaluate("document.activeElement.dataset.k") == str(count - 1):
            problems[path] = "focus is trapped on the last control"
        page.evaluate("document.activeElement.blur()")
        for step, focused in zip(steps, focused_shots, strict=True):
            where = [step["scrollX"], step["scrollY"]]
            assert page.evaluate(SCROLL_TO, where) == where, f"{path}: could not scroll back to {where}"
            if clip(page, step) == focused:
                problems[path] = f"no visible focus on {step['tag']}#{step['id']} (control {step['k']})"
                break
    context.close()
    assert problems == {}


@pytest.mark.slow
def test_the_skip_link_is_first_and_goes_to_the_main_content(browser: Any, sites: dict[str, str]) -> None:
    page = browser.new_page(viewport=WIDE)
    for path in ("/cards/4.2", "/log", "/workbook/1.2"):
        page.goto(sites["full"] + path)
        page.keyboard.press("Tab")
        assert page.evaluate("document.activeElement.textContent.trim()") == "Skip to main content"
        assert page.evaluate("getComputedStyle(document.activeElement).clip") != "rect(0px, 0px, 0px, 0px)"
        page.keyboard.press("Enter")
        assert page.evaluate("document.activeElement.id") == "maincontent"
        page.keyboard.press("Tab")
        assert page.evaluate("!!document.activeElement.closest('main')")
    page.close()


@pytest.mark.slow
def test_write_save_finish_export_with_javascript_off(browser: Any, tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    with served(make_app(data_dir)) as base:
        context = browser.new_context(viewport=NARROW, java_script_enabled=False, accept_downloads=True)
        page = context.new_page()
        page.goto(base + "/cards/4.2")
        page.fill("#action", "Half an idea")
        page.click("button[value=draft]")
        assert "Draft kept" in page.inner_text("main")
        with Log.open(data_dir) as log:
            draft = log.draft("4.2")
            assert draft is not None and draft.action == "Half an idea"
        assert page.input_value("#action") == "Half an idea"
        page.fill("#action", "Invite the youth group to plan the summer day")
        page.click("button[value=save]")
        assert "Entry saved" in page.inner_text("main")
        with Log.open(data_dir) as log:
            [entry] = log.entries()
            assert entry.is_open and log.draft("4.2") is None
        page.click(f"a[href='/cards/4.2?edit={entry.id}#entry-form']")
        assert "Finish this entry" in page.inner_text("main")
        page.fill("#outcome", "Six young people came")
        page.fill("#learning", "Ask earlier")
        page.click("button[value=save]")
        with Log.open(data_dir) as log:
            finished = log.get(entry.id)
            assert finished is not None and not finished.is_open and finished.outcome == "Six young people came"
        page.goto(base + "/export")
        page.check("#format-4")  # JSON
        with page.expect_download() as waiting:
            page.click("form button[type=submit]")
        download = waiting.value
        exported = json.loads(Path(download.path()).read_text(encoding="utf-8"))
        assert [e["outcome"] for e in exported["entries"]] == ["Six young people came"]
        assert download.suggested_filename.startswith("powerdeck-log-")
        context.close()


@pytest.mark.slow
@pytest.mark.parametrize("text", [*HOSTILE, ("10,000 characters: <script>x</script> 🧑‍⚕️ مرحبا " * 250)[:10_000]],
                         ids=["markup", "right-to-left", "emoji", "blank-lines", "ten-thousand"])
def test_typed_text_comes_back_exactly_and_inert(browser: Any, tmp_path: Path, text: str) -> None:
    data_dir = tmp_path / "data"
    with served(make_app(data_dir)) as base:
        page = browser.new_page(viewport=WIDE)
        dialogs: list[str] = []
        page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
        page.goto(base + "/cards/4.2")
        for field in ("#action", "#outcome", "#learning"):
            page.fill(field, text)
        page.click("button[value=save]")
        with Log.open(data_dir) as log:
            [entry] = log.entries()
            assert (entry.action, entry.outcome, entry.learning) == (text, text, text)
        page.goto(f"{base}/cards/4.2?edit={entry.id}")
        assert page.input_value("#action") == text
        shown = page.locator(f"#entry-{entry.id} .pd-text").first.evaluate("el => el.textContent")
        assert shown == text[:2000] + ("…" if len(text) > 2000 else "")
        page.goto(f"{base}/entries/{entry.id}")
        assert page.locator(".pd-text").first.evaluate("el => el.textContent") == text
        assert page.locator("main script, main b, main img").count() == 0
        page.goto(base + "/log?q=" + "x")
        assert dialogs == []
        page.close()


@pytest.mark.slow
def test_with_javascript_the_draft_is_kept_as_one_types(browser: Any, tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    with served(make_app(data_dir)) as base:
        page = browser.new_page(viewport=WIDE)
        page.goto(base + "/cards/4.2")
        page.click("#action")
        page.keyboard.type("typed, never saved")
        with page.expect_response(lambda response: response.url.endswith("/cards/4.2/draft")) as waiting:
            pass
        assert waiting.value.status == 204
        with Log.open(data_dir) as log:
            draft = log.draft("4.2")
            assert draft is not None and draft.action == "typed, never saved"
        assert "Draft kept at" in page.inner_text(".pd-autosave")
        page.close()
