"""Bytes over a slow link: the first screen is written once, whole, and a change of card paints
the card once (each frame here is what the app would write to the terminal)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from textual.app import App
from textual.widgets import Footer

from powerdeck.tui.screens.deck.deck_screen import DeckScreen
from powerdeck.tui.widgets.lean_footer import LeanFooter
from ui_helpers import card_on_screen, card_view, deck_screen, make_app, sidebar


def covered(renderable: Any):
    """A test of whether a frame writes a given cell (x, y)."""
    region = getattr(renderable, "region", None)
    if region is not None:  # a full frame
        return lambda x, y: region.contains(x, y)
    spans = getattr(renderable, "spans", [])
    return lambda x, y: any(line == y and x1 <= x < x2 for line, x1, x2 in spans)


@pytest.fixture
def frames(monkeypatch: pytest.MonkeyPatch) -> list[dict[str, Any]]:
    """Every frame the app hands to Textual to write, with what the screen held at that moment."""
    written: list[dict[str, Any]] = []
    display = App._display

    def record(app: App, screen: Any, renderable: Any) -> None:
        if renderable is not None:
            footer = screen.query(Footer)
            lean = screen.query(LeanFooter)
            written.append(
                {
                    "screen": screen,
                    "kind": type(renderable).__name__,
                    "footer_keys": (bool(lean) and bool(lean.first().entries))
                    or (bool(footer) and bool(footer.first().children)),
                    "sidebar_options": len(sidebar(app).labels) if isinstance(screen, DeckScreen) else 0,
                    "covers": covered(renderable),
                }
            )
        display(app, screen, renderable)

    monkeypatch.setattr(App, "_display", record)
    return written


async def test_the_first_screen_is_written_once_and_whole(data_dir: Path, frames: list[dict[str, Any]]) -> None:
    app = make_app(data_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.pause()
        assert frames, "the screen was never written"
        first = frames[0]
        # Nothing of Textual's blank default screen, nor the deck half built: the deck with its
        # sidebar filled in and its footer keys, as one full frame.
        assert isinstance(first["screen"], DeckScreen)
        assert first["kind"] == "LayoutUpdate"
        assert first["sidebar_options"] == 10
        assert first["footer_keys"]


async def test_nothing_is_rendered_before_the_frame_that_is_written(data_dir: Path, frames: list[dict[str, Any]],
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    # Regression: Textual rendered each stage of the first screen (8 renders), and the hold
    # dropped all but the last: CPU spent on frames nobody saw.
    from textual._compositor import Compositor

    renders: list[int] = []
    render = Compositor.render_update
    monkeypatch.setattr(Compositor, "render_update",
                        lambda self, *a, **k: (renders.append(len(frames)), render(self, *a, **k))[1])
    app = make_app(data_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.pause()
        first_written = next(n for n, frame in enumerate(frames) if isinstance(frame["screen"], DeckScreen))
        before = [count for count in renders if count <= first_written]
        assert len(before) == first_written + 1  # one render for each frame up to the first deck frame


async def test_the_first_paint_is_not_held_back_for_ever(data_dir: Path, frames: list[dict[str, Any]],
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    # If the screen never seems to settle, it is still written after a second.
    from powerdeck.tui.first_paint import FirstPaintHold

    monkeypatch.setattr(FirstPaintHold, "_release_when_settled", lambda self: None)
    app = make_app(data_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause(1.3)
        assert not app._holding_first_paint
        assert any(isinstance(frame["screen"], DeckScreen) for frame in frames)


@pytest.mark.parametrize("size", [(80, 24), (120, 40)])
async def test_a_card_change_paints_the_card_once(data_dir: Path, size: tuple[int, int],
                                                  frames: list[dict[str, Any]]) -> None:
    app = make_app(data_dir)  # animation "none", as over SSH
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        await pilot.pause()
        frames.clear()
        await pilot.press("right")
        await pilot.pause()
        await pilot.pause()
        await pilot.pause()
        assert deck_screen(app).card_id == "1.2"
        # No cell of the card is written twice (one paint, not a slide's frames); the card's
        # title line, which changed, once; the capability's heading above it, the same on both
        # cards, not at all (only the lines that differ are sent).
        region = card_view(app).scrollable_content_region
        for y in range(region.y, region.bottom):
            for x in (region.x, region.x + 5):
                assert sum(1 for frame in frames if frame["covers"](x, y)) <= 1, (x, y)
        assert sum(1 for frame in frames if frame["covers"](region.x + 1, region.y + 1)) == 1
        assert not any(frame["covers"](region.x + 1, region.y) for frame in frames)
        assert "1.2  " in card_on_screen(app)


async def test_collection_starts_again_after_the_first_paint(data_dir: Path) -> None:
    # launch.run_app turns garbage collection off for start-up; the app must turn it on again
    # once its screen is up, or a long session would never collect.
    import gc

    gc.disable()
    try:
        app = make_app(data_dir)
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.pause(2.5)  # the hold's limit, whatever the first paint did
            assert gc.isenabled()
    finally:
        gc.enable()
        gc.unfreeze()


async def test_the_first_screen_is_not_written_again_once_it_has_settled(data_dir: Path,
                                                                         frames: list[dict[str, Any]]) -> None:
    # Drawing the first frame before the start-up resize and card redraw were handled wrote the
    # whole screen again right after (twice the bytes over a slow link): one full frame only.
    app = make_app(data_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        for _ in range(60):  # the first frame, however slow the machine (the hold ends within 1 s)
            if frames:
                break
            await pilot.pause(0.05)
        await pilot.pause(0.5)
        full = [frame for frame in frames if frame["kind"] == "LayoutUpdate"]
        assert len(full) == 1, f"{len(full)} full frames written at start"


async def test_each_widget_of_the_first_screen_is_styled_once(data_dir: Path, frames: list[dict[str, Any]],
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    # Regression: up to the first frame, every widget was styled two or three times (115 style
    # passes for 19 widgets): once as it mounted, again when the screen first resumed, and each
    # footer key again when it added its "-compact" class. Each pass matches the widget against
    # every rule: CPU before the first paint that changed nothing on the screen.
    from collections import Counter

    from textual.css.stylesheet import Stylesheet

    styled: Counter[int] = Counter()
    apply = Stylesheet.apply

    def counted(self: Stylesheet, node: Any, *args: Any, **kwargs: Any) -> None:
        if not frames:
            styled[id(node)] += 1
        apply(self, node, *args, **kwargs)

    monkeypatch.setattr(Stylesheet, "apply", counted)
    app = make_app(data_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.pause()
        assert frames
        screen = deck_screen(app)
        widgets = list(screen.query("*"))
        assert len(widgets) >= 8
        again = sorted(type(widget).__name__ for widget in widgets if styled[id(widget)] > 1)
        # Once each. A container may be styled once more as its children mount, depending on
        # the order in which the tasks run on a loaded machine: that slack, and no more.
        assert sum(styled[id(widget)] for widget in widgets) <= len(widgets) + 2, \
            f"styled more than once before the first frame: {again}"
        # The screen itself: as it mounts, and once more for the layout classes compose gives it.
        assert styled[id(screen)] <= 2


async def test_the_same_size_again_lays_nothing_out(data_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Regression: the driver reports the terminal's size once it has started, after Textual's
    # own first Resize: the same size again, which laid out every screen again and read the
    # card's entries from the log again before the first frame.
    from textual import events
    from textual.geometry import Size
    from textual.screen import Screen

    app = make_app(data_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.pause(0.2)
        layouts: list[str] = []
        refresh_layout = Screen._refresh_layout

        def noted(self: Screen[Any], *args: Any, **kwargs: Any) -> None:
            layouts.append(type(self).__name__)
            refresh_layout(self, *args, **kwargs)

        monkeypatch.setattr(Screen, "_refresh_layout", noted)
        reads: list[int] = []
        read_card = DeckScreen._read_card
        monkeypatch.setattr(DeckScreen, "_read_card", lambda self, card: (reads.append(1), read_card(self, card))[1])
        app.post_message(events.Resize(Size(80, 24), Size(80, 24)))
        await pilot.pause()
        await pilot.pause(0.1)
        assert layouts == [] and reads == []
        # A size that differs is laid out as ever.
        app.post_message(events.Resize(Size(120, 40), Size(120, 40)))
        await pilot.pause(0.2)
        assert "DeckScreen" in layouts
        assert app.size == Size(120, 40)
