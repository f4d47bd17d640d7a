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
        moved("App._size / App._resize_event", "app.py on_resize")
    assert "self._resize_event = event" in inspect.getsource(App._on_resize), \
        moved("App._on_resize's pending event", "app.py on_resize")


def test_footer_key_and_its_compact_class() -> None:
    from textual.widgets._footer import FooterKey

    assert "-compact" in inspect.getsource(FooterKey._watch_compact), \
        moved("FooterKey's -compact class", "tui/widgets/quiet_footer.py")


# -- app.py: a fault in powerdeck itself (crash_report.py) ---------------------------------------

def test_fatal_error_hook_and_what_it_uses() -> None:
    assert callable(getattr(App, "_fatal_error", None)), moved("App._fatal_error", "app.py")
    assert "self._fatal_error()" in inspect.getsource(App._handle_exception), \
        moved("App._handle_exception's call of _fatal_error", "app.py")
    app = App[None]()
    assert app._exception is None, moved("App._exception", "app.py _fatal_error")
    assert isinstance(app._exit_renderables, list), moved("App._exit_renderables", "app.py _fatal_error")
    assert callable(getattr(app, "_close_messages_no_wait", None)), \
        moved("MessagePump._close_messages_no_wait", "app.py _fatal_error")


# -- app.py / quit_signals.py: SIGTERM and SIGHUP -------------------------------------------------------

def test_app_loop_and_driver() -> None:
    assert sets(App, "_loop"), moved("App._loop", "app.py quit_on_signal")
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
