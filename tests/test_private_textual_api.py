"""Every private part of Textual that src/ reaches for is still where this Textual has it.

Each use falls back at run time (the app works, only slower or plainer), so without these tests a
Textual release that moves one would degrade silently. These fail loudly instead, naming what
moved and where we use it. The list, with why and each fallback, is docs/architecture.md,
"Private Textual API"; a new use goes in both.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from typing import Any

import pytest
from textual import events
from textual.app import App
from textual.message_pump import MessagePump
from textual.widgets import Footer, OptionList, TextArea
from textual.widgets.option_list import Option

import powerdeck.tui.typed_runs as typed_runs
from powerdeck.tui.widgets import lean_text_area


def parameters(function: Callable[..., Any]) -> list[str]:
    return list(inspect.signature(function).parameters)


def sets(cls: type, name: str) -> bool:
    """`cls.__init__` assigns `self.<name>` (an instance attribute the class does not declare)."""
    return name in cls.__init__.__code__.co_names


def moved(what: str, where: str) -> str:
    return (f"Textual moved {what} (used by {where}): update the use and docs/architecture.md's "
            "'Private Textual API' table, or drop the use")


# -- first_paint.py: the first paint held back until the deck screen has settled -------------------------

def test_layout_update_and_app_display() -> None:
    from textual import _compositor

    assert hasattr(_compositor, "LayoutUpdate"), moved("textual._compositor.LayoutUpdate", "first_paint.py")
    assert parameters(App._display) == ["self", "screen", "renderable"], moved("App._display", "first_paint.py")
    from textual.screen import Screen

    assert "app._display(self, update)" in inspect.getsource(Screen), \
        moved("Screen's call of App._display with a LayoutUpdate", "first_paint.py")


def test_screen_compositor_refresh_is_where_a_frame_is_rendered() -> None:
    from textual.screen import Screen

    assert parameters(Screen._compositor_refresh) == ["self"], \
        moved("Screen._compositor_refresh", "tui/screens/deck/deck_screen.py")
    source = inspect.getsource(Screen._compositor_refresh)
    assert "render_update" in source and "_display" in source, \
        moved("the render in Screen._compositor_refresh", "tui/screens/deck/deck_screen.py")


def test_screen_update_tick_handler() -> None:
    from textual.screen import Screen

    assert parameters(Screen._on_timer_update) == ["self"], moved("Screen._on_timer_update", "first_paint.py")
    source = inspect.getsource(Screen._on_timer_update)
    assert "_refresh_layout" in source and "_compositor_refresh" in source, \
        moved("the layout and render in Screen._on_timer_update", "first_paint.py")


def test_app_size_and_pending_resize() -> None:
    app = App[None]()
    assert app._size is None and app._resize_event is None, \
        moved("App._size / App._resize_event", "held_keys.py on_resize")
    assert "self._resize_event = event" in inspect.getsource(App._on_resize), \
        moved("App._on_resize's pending event", "held_keys.py on_resize")


def test_footer_key_and_its_compact_class() -> None:
    from textual.widgets._footer import FooterKey

    assert "-compact" in inspect.getsource(FooterKey._watch_compact), \
        moved("FooterKey's -compact class", "tui/widgets/quiet_footer.py")


# -- app_exits.py: a fault in powerdeck itself (crash_report.py) ---------------------------------------

def test_fatal_error_hook_and_what_it_uses() -> None:
    assert callable(getattr(App, "_fatal_error", None)), moved("App._fatal_error", "app_exits.py")
    assert "self._fatal_error()" in inspect.getsource(App._handle_exception), \
        moved("App._handle_exception's call of _fatal_error", "app_exits.py")
    app = App[None]()
    assert app._exception is None, moved("App._exception", "app_exits.py _fatal_error")
    assert isinstance(app._exit_renderables, list), moved("App._exit_renderables", "app_exits.py _fatal_error")
    assert callable(getattr(app, "_close_messages_no_wait", None)), \
        moved("MessagePump._close_messages_no_wait", "app_exits.py _fatal_error")


# -- app_exits.py / quit_signals.py: SIGTERM and SIGHUP -------------------------------------------------------

def test_app_loop_and_driver() -> None:
    assert sets(App, "_loop"), moved("App._loop", "app_exits.py quit_on_signal")
    assert sets(App, "_driver"), moved("App._driver", "quit_signals.py (the terminal restored by hand)")
    from textual.drivers.linux_driver import LinuxDriver

    assert sets(LinuxDriver, "attrs_before"), moved("LinuxDriver.attrs_before", "quit_signals.py")


def test_linux_driver_decoder_name() -> None:
    from textual.drivers import linux_driver

    assert callable(getattr(linux_driver, "getincrementaldecoder", None)), \
        moved("linux_driver's getincrementaldecoder", "launch.lenient_terminal_input")
    assert 'getincrementaldecoder("utf-8")' in inspect.getsource(linux_driver), \
        moved("the driver's decoder look-up", "launch.lenient_terminal_input")


# -- widgets/card_view.py: the fade of a new card -------------------------------------------------

def test_apply_opacity() -> None:
    from textual import _opacity

    assert parameters(_opacity._apply_opacity) == ["segments", "base_background", "opacity"], \
        moved("textual._opacity._apply_opacity", "tui/widgets/card_view.py")


# -- widgets/quiet_footer.py ---------------------------------------------------------------------

def test_footer_flags() -> None:
    assert hasattr(Footer, "_bindings_ready"), moved("Footer._bindings_ready", "tui/widgets/quiet_footer.py")
    from textual.dom import DOMNode

    assert sets(DOMNode, "_pruning"), moved("DOMNode._pruning", "tui/widgets/quiet_footer.py")


# -- widgets/sidebar.py: a move of card redraws two rows -----------------------------------------

def test_option_list_parts_the_sidebar_uses() -> None:
    assert isinstance(getattr(OptionList, "_index_to_line", None), property), \
        moved("OptionList._index_to_line", "tui/widgets/sidebar.py _move_mark")
    assert sets(OptionList, "_option_render_cache"), moved("OptionList._option_render_cache", "tui/widgets/sidebar.py")
    assert parameters(Option._set_prompt) == ["self", "prompt"], moved("Option._set_prompt", "tui/widgets/sidebar.py")


# -- widgets/lean_text_area.py -------------------------------------------------------------------

HOOK_PARAMETERS = {
    "_check_refresh": ["self"],
    "_watch_selection": ["self", "previous_selection", "selection"],
    "_watch_has_focus": ["self", "focus"],
    "_watch_cursor_blink": ["self", "blink"],
    "_watch__cursor_visible": ["self"],
    "_undo_batch": ["self", "edits"],
    "_redo_batch": ["self", "edits"],
    "_set_document": ["self", "text", "language"],
    "_replace_via_keyboard": ["self", "insert", "start", "end"],
    "_refresh_size": ["self"],
}


@pytest.mark.parametrize("name", sorted(HOOK_PARAMETERS))
def test_lean_text_area_hooks(name: str) -> None:
    owner = next(owner for owner, hook in lean_text_area._HOOKS if hook == name)
    assert hasattr(owner, name), moved(f"{owner.__name__}.{name}", "tui/widgets/lean_text_area.py")
    assert parameters(getattr(owner, name)) == HOOK_PARAMETERS[name], \
        moved(f"{owner.__name__}.{name}'s arguments", "tui/widgets/lean_text_area.py")


def test_lean_text_area_is_lean_and_its_other_parts() -> None:
    assert {name for _, name in lean_text_area._HOOKS} == set(HOOK_PARAMETERS)
    assert lean_text_area.LEAN, moved("a hook in lean_text_area._HOOKS", "tui/widgets/lean_text_area.py")
    assert sets(TextArea, "_line_cache"), moved("TextArea._line_cache", "tui/widgets/lean_text_area.py")
    assert "self._theme" in inspect.getsource(TextArea), moved("TextArea._theme", "tui/widgets/lean_text_area.py")
    assert parameters(TextArea._on_paste) == ["self", "event"], \
        moved("TextArea._on_paste", "tui/widgets/lean_text_area.py")


# -- typed_runs.py: a paste without bracketed paste -----------------------------------------------

def test_message_pump_queue_peek() -> None:
    assert parameters(MessagePump._peek_message) == ["self"], moved("MessagePump._peek_message", "typed_runs.py")
    source = inspect.getsource(MessagePump)
    assert "self._pending_message" in source, moved("MessagePump._pending_message", "typed_runs.py")
    assert "_pending_message = None" in source or "self._pending_message is not None" in source, \
        moved("how _peek_message keeps the peeked message", "typed_runs.py")
    assert typed_runs.AVAILABLE, moved("a part typed_runs.AVAILABLE checks", "typed_runs.py")


# -- the fallbacks work ----------------------------------------------------------------------------

async def test_typed_runs_step_aside_without_the_private_parts(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(typed_runs, "AVAILABLE", False)
    app = App[None]()
    async with app.run_test() as pilot:
        await app.mount(TextArea())
        await pilot.pause()
        key = events.Key("a", "a")
        assert await typed_runs.insert_typed_run(app, key) is False


def test_breakpoint_classes_match_textuals_own() -> None:
    from textual.screen import Screen

    from powerdeck.tui.screens.deck.deck_screen import DeckScreen, breakpoint_classes

    screen = Screen[None]()
    for width in range(0, 160):
        expected = screen._get_breakpoint_classes(width, DeckScreen.HORIZONTAL_BREAKPOINTS)
        assert set(breakpoint_classes(width, DeckScreen.HORIZONTAL_BREAKPOINTS)) == expected


def test_the_export_dialog_keeps_its_own_name() -> None:
    # Regression: the dialog kept the person's name in `self._name`, which is DOMNode's own
    # (`widget.name`): the screen was named "Sam Jones".
    from powerdeck.core.entry import EntryFilter
    from powerdeck.tui.screens.dialogs.export_dialog import ExportDialog

    dialog = ExportDialog(EntryFilter(), 1, 1, name="Sam Jones", role="Team leader")
    assert dialog.name is None


async def test_a_choice_letter_answers_the_dialog() -> None:
    from powerdeck.tui.screens.dialogs.confirm_dialog import Choice, ChoiceDialog

    answers: list[str | None] = []
    app = App[None]()
    async with app.run_test() as pilot:
        choices = (Choice("s", "Save", "save"), Choice("d", "Discard", "discard"))
        await app.push_screen(ChoiceDialog("Leave?", "Unsaved text", choices), answers.append)
        await pilot.pause()
        await pilot.press("x", "d")
        await pilot.pause()
    assert answers == ["discard"]


# -- widgets/sidebar.py: a rebuild repaints only the rows that look different ----------------------

def test_widget_repaint_regions_and_option_lines() -> None:
    from textual.widget import Widget

    assert sets(Widget, "_repaint_regions") and sets(Widget, "_dirty_regions"), \
        moved("Widget._repaint_regions / _dirty_regions", "tui/widgets/sidebar.py _repaint_changed")
    assert "_repaint_regions" in inspect.getsource(Widget._exchange_repaint_regions), \
        moved("Widget._exchange_repaint_regions's use of _repaint_regions", "tui/widgets/sidebar.py")
    assert isinstance(getattr(OptionList, "_lines", None), property), \
        moved("OptionList._lines", "tui/widgets/sidebar.py _repaint_changed")


# -- serve/parsed_css.py: CSS parsed once per process and theme -----------------------------------

def test_stylesheet_parse_rules_and_variables() -> None:
    from textual.css.stylesheet import Stylesheet

    from powerdeck.serve import parsed_css

    original = getattr(Stylesheet._parse_rules, "__wrapped__", Stylesheet._parse_rules)
    assert parameters(original) == parsed_css._PARAMETERS, \
        moved("Stylesheet._parse_rules(css, read_from, is_default_rules, tie_breaker, scope)", "serve/parsed_css.py")
    assert sets(Stylesheet, "_variables"), moved("Stylesheet._variables", "serve/parsed_css.py")
    # Every source is parsed through _parse_rules (parse), re-parses through a fresh Stylesheet's
    # parse (reparse), and the variables reach the parser only from _variables.
    assert "self._parse_rules(" in inspect.getsource(Stylesheet.parse), \
        moved("Stylesheet.parse's call of _parse_rules", "serve/parsed_css.py")
    assert "stylesheet.parse()" in inspect.getsource(Stylesheet.reparse), \
        moved("Stylesheet.reparse's parse of a fresh Stylesheet", "serve/parsed_css.py")
    assert "variable_tokens=self._variable_tokens" in inspect.getsource(original), \
        moved("the variables _parse_rules parses with", "serve/parsed_css.py")
    assert "tokenize_values(self._variables)" in inspect.getsource(Stylesheet), \
        moved("Stylesheet._variable_tokens (made from _variables)", "serve/parsed_css.py")


# -- first_paint.py: no draw in the middle of a batch update ---------------------------------------

def test_app_batch_count() -> None:
    app = App[None]()
    assert app._batch_count == 0, moved("App._batch_count", "first_paint.py _release_first_paint")
    assert "self._batch_count += 1" in inspect.getsource(App._begin_batch), \
        moved("App._begin_batch's count", "first_paint.py _release_first_paint")


# -- widgets/terse.py: Rich's Style._meta; Strip's segments counted the public way ------------------

def test_rich_style_meta_and_strip_length() -> None:
    from rich.segment import Segment
    from rich.style import Style
    from textual.strip import Strip

    assert Style()._meta is None and Style(meta={"offset": (0, 1)})._meta is not None, \
        moved("rich Style._meta", "tui/widgets/terse.py _offset")
    segments = [Segment("ab"), Segment(""), Segment("c")]
    assert len(Strip(segments)) == 3  # public: no Strip._segments


def test_terse_strip_without_style_meta_gives_the_same_cells(monkeypatch: pytest.MonkeyPatch) -> None:
    from rich.segment import Segment
    from rich.style import Style
    from textual.strip import Strip

    from powerdeck.tui import private_api
    from powerdeck.tui.widgets.terse import terse_strip

    plain, clicked = Style(color="red"), Style(color="red", meta={"offset": (0, 2)})
    strip = Strip([Segment("ab", plain), Segment("  ", plain), Segment("cd", clicked), Segment("  ", plain)])
    with_meta = list(terse_strip(strip))
    monkeypatch.setattr(private_api, "GONE", {"_meta"})
    assert list(terse_strip(strip)) == with_meta
    assert len(with_meta) == 2  # the words and blanks before the offset merged; the offset kept apart


# -- screens/deck/deck_screen.py: the first resume does not restyle -------------------------------

def test_screen_resume_handler_name_and_refresh_styles() -> None:
    from textual.screen import Screen

    assert "_on_screen_resume" in Screen.__dict__, moved("Screen._on_screen_resume", "deck_screen.py")
    assert "refresh_styles" in inspect.signature(events.ScreenResume).parameters, \
        moved("ScreenResume.refresh_styles", "deck_screen.py _on_screen_resume")
    assert 'cls.__dict__.get(f"_{method_name}")' in inspect.getsource(MessagePump._get_dispatch_methods), \
        moved("the _on_<message> handler naming", "deck_screen.py _on_screen_resume")


# -- serve/session.py: each session's screen update rate -----------------------------------------

def test_screen_update_period() -> None:
    import textual.screen

    assert isinstance(textual.screen.UPDATE_PERIOD, float), moved("textual.screen.UPDATE_PERIOD", "serve/session.py")
    assert "UPDATE_PERIOD" in inspect.getsource(textual.screen.Screen), \
        moved("Screen's use of UPDATE_PERIOD", "serve/session.py apply_textual_settings")


# -- widgets/log_list.py: the search text handed on in the frame that echoes the key ---------------

def test_input_value_watcher() -> None:
    from textual.widgets import Input

    assert parameters(Input._watch_value) == ["self", "value"], \
        moved("Input._watch_value", "tui/widgets/log_list.py SearchField")


async def test_the_review_log_search_works_without_the_value_watcher(
        tmp_path: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    from log_helpers import seed
    from powerdeck.tui import private_api
    from powerdeck.tui.screens.log.log_screen import LogScreen
    from ui_helpers import make_app, settle

    monkeypatch.setattr(private_api, "GONE", {"_watch_value"})
    seed(tmp_path)
    app = make_app(tmp_path)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("L")
        await settle(app, pilot)
        screen = app.screen
        assert isinstance(screen, LogScreen)
        before = len(screen.shown)
        await pilot.press("slash", *"zzzz")
        await settle(app, pilot)
        assert screen.entry_filter.text == "zzzz" and screen.shown == [] and before > 0


# -- every fallback at once: the real app, as if a Textual release had renamed every private part ---

ALL_GONE_NAMES = (
    "LayoutUpdate", "_display", "_on_timer_update", "_batch_count", "_size", "_resize_event", "FooterKey",
    "_compositor_refresh", "_fatal_error", "_loop", "_driver", "getincrementaldecoder", "_apply_opacity",
    "_bindings_ready", "_pruning", "_index_to_line", "_repaint_regions", "_lines", "_line_cache", "_theme",
    "_peek_message", "_replace_via_keyboard", "_parse_rules", "_meta", "_on_screen_resume", "UPDATE_PERIOD",
    "_watch_value",
)


def test_every_private_use_in_src_goes_through_the_fence() -> None:
    """Each private name above is looked up through private_api (and the table names each)."""
    from pathlib import Path

    import powerdeck
    from powerdeck.tui import private_api

    src = Path(powerdeck.__file__).parent
    text = "\n".join(path.read_text() for path in src.rglob("*.py"))
    table = (src.parent.parent / "docs" / "architecture.md").read_text()
    for name in ALL_GONE_NAMES:
        assert f'"{name}"' in text, f"{name} is not looked up through private_api (gone/private/has/require)"
        assert f"`{name}`" in table or f".{name}`" in table, f"{name} has no row in docs/architecture.md"
    assert not private_api.ALL_GONE and not private_api.GONE


@pytest.mark.slow
def test_with_every_private_part_gone_the_app_starts_moves_writes_saves_and_quits(tmp_path: Any) -> None:
    import json

    from powerdeck.tui.private_api import PRETEND_GONE
    from pty_harness import PtyApp, base_env, powerdeck_command

    data = tmp_path / "data"
    env = base_env(**{PRETEND_GONE: "1"})
    with PtyApp([*powerdeck_command(), "--data", str(data)], env) as app:
        app.wait_for("READING", timeout=30)
        app.send("right")
        app.wait_for("1.2  Mapping relationships", timeout=10)
        app.send("left")
        app.wait_for("1.1  Changing your perspective", timeout=10)
        app.send("enter")
        app.wait_for("WRITING", timeout=10)
        app.type("written with every fallback", gap=0.01)
        app.wait_for("written with every fallback", timeout=10)
        app.send("ctrl+s")
        app.wait_for("Saved entry for 1.1", timeout=10)
        app.send("ctrl+q")
        assert app.wait_exit(timeout=15) == 0
        output = app.raw.decode("utf-8", "replace")
    assert "Traceback" not in output
    entries = json.loads((data / "log.json").read_text())["entries"]
    assert [entry["action"] for entry in entries.values()] == ["written with every fallback"]


# -- app.py: the readable-text filter (readable.py) --------------------------------------------------------

def test_app_filters_is_the_list_of_line_filters() -> None:
    app = App()
    assert isinstance(getattr(app, "_filters", None), list), moved("App._filters", "app.py (readable.py)")
    assert "self._filters" in inspect.getsource(App.get_line_filters), moved("App.get_line_filters", "app.py")


# -- styles_cache_fix.py: widgets taken down are let go by the style cache --------------------------------

def test_styles_cache_get_inner_outer_is_the_per_instance_lru_cache_we_replace() -> None:
    from textual._styles_cache import StylesCache

    from powerdeck.tui.styles_cache_fix import keep_no_widget_caches

    keep_no_widget_caches()
    method = StylesCache.__dict__.get("get_inner_outer")
    assert method is not None, moved("StylesCache.get_inner_outer", "tui/styles_cache_fix.py")
    assert parameters(method) == ["self", "base_background", "background"], \
        moved("StylesCache.get_inner_outer's parameters", "tui/styles_cache_fix.py")
    assert method.__module__ == "powerdeck.tui.styles_cache_fix", \
        moved("StylesCache.get_inner_outer (no longer a per-instance lru_cache to replace?)", "tui/styles_cache_fix.py")
