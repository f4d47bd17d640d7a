"""LeanTextArea (the entry fields) redraws only the rows that changed, and never leaves one stale.

Each case runs tests/apps/lean_field_app.py in a real pty read through pyte, sends keys, and
compares the screen (characters and colours) after LeanTextArea's partial redraws with the screen
after a forced full repaint of everything (ctrl+r in the app: every cache dropped). A row the
partial redraw forgot shows as a difference. No sleeps: after the keys, ctrl+t asks the app to
show "P<n>" once everything before it is painted, and the test waits for that text (the
marker is at the bottom: frames are written top to bottom and may arrive in several reads).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

from pty_harness import PtyApp, base_env

pytestmark = pytest.mark.slow

APP = Path(__file__).resolve().parent / "apps" / "lean_field_app.py"
REPEAT = int(os.environ.get("LEAN_REPEAT", "1"))
"""Run every case this many times in a row (LEAN_REPEAT=5 to hunt for flakiness)."""

MARKER_ROW = 22  # the app's "R<n> P<n>" marker: the screen's last row but its padding

SHIFT_LEFT, SHIFT_RIGHT, SHIFT_UP, SHIFT_DOWN = "\x1b[1;2D", "\x1b[1;2C", "\x1b[1;2A", "\x1b[1;2B"
LEFT, RIGHT, UP, DOWN = "\x1b[D", "\x1b[C", "\x1b[A", "\x1b[B"
HOME, END, DELETE = "\x1b[H", "\x1b[F", "\x1b[3~"
PAGE_UP, PAGE_DOWN = "\x1b[5~", "\x1b[6~"
ENTER, BACKSPACE, TAB, SHIFT_TAB = "\r", "\x7f", "\t", "\x1b[Z"
UNDO, REDO = "\x1a", "\x19"  # ctrl+z, ctrl+y
CUT, PASTE_CLIP = "\x18", "\x16"  # ctrl+x, ctrl+v (the app's own clipboard)
LOAD, LOAD_EMPTY = "\x0c", "\x07"  # ctrl+l, ctrl+g in the test app
FULL_REPAINT, PING = "\x12", "\x14"  # ctrl+r, ctrl+t in the test app


def paste(text: str) -> str:
    """A bracketed paste, as a terminal sends it (Textual turns on mode 2004)."""
    return f"\x1b[200~{text}\x1b[201~"


def chars(text: str) -> list[str]:
    """One step per character: typed like a person, each key painted before the next."""
    return list(text)


def click(x: int, y: int) -> str:
    """A left click at screen cell (x, y) (0-based), SGR mouse encoding."""
    return f"\x1b[<0;{x + 1};{y + 1}M\x1b[<0;{x + 1};{y + 1}m"


class FieldApp:
    """The test app in a pty, with the P<n>/R<n> handshake."""

    def __init__(self, *args: str, stock: bool = False, naive: bool = False) -> None:
        argv = [sys.executable, str(APP), *args] + (["--stock"] if stock else []) + (["--naive"] if naive else [])
        self.pty = PtyApp(argv, base_env())
        self.pings = 0
        self.refreshes = 0
        self.pty.wait_for("fields ready")
        self.sync()  # start-up painted and settled

    def _wait_marker(self) -> None:
        marker = f"R{self.refreshes} P{self.pings} "
        # (wait_for holds the screen's lock while it tests: read the row from the text it passes)
        self.pty.wait_for(lambda screen: marker in screen.split("\n")[MARKER_ROW])

    def sync(self) -> None:
        """Wait until every key sent so far is handled and painted."""
        self.pings += 1
        self.pty.send(PING)
        self._wait_marker()

    def step(self, keys: str) -> None:
        self.pty.send(keys)
        self.sync()

    def cells(self) -> list[list[tuple]]:
        """The screen: every cell's character and attributes (marker row left out)."""
        pty = self.pty
        with pty._lock:
            screen = pty.screen
            rows = []
            for y in range(screen.lines):
                if y == MARKER_ROW:
                    continue
                line = screen.buffer[y]
                rows.append([tuple(line[x]) for x in range(screen.columns)])
            return rows

    def text(self) -> str:
        return self.pty.text()

    def full_repaint(self) -> None:
        self.refreshes += 1
        self.pty.send(FULL_REPAINT)
        self._wait_marker()

    def assert_no_stale_rows(self, context: str) -> None:
        before, before_text = self.cells(), self.text()
        self.full_repaint()
        after, after_text = self.cells(), self.text()
        if before != after:
            rows = [y for y, (a, b) in enumerate(zip(before, after, strict=False)) if a != b]
            raise AssertionError(
                f"{context}: screen rows {rows} (marker row left out) differ from a full repaint\n"
                f"--- partial redraws:\n{before_text}\n--- full repaint:\n{after_text}"
            )

    def close(self) -> None:
        self.pty.close()


# Each case: app arguments, then steps (each the keys sent at once, then painted).
LONG = "The quick brown fox jumps over the lazy dog"  # wraps at 40 columns
THREE = "first line\\nsecond line is here\\nthird"
CASES: dict[str, tuple[list[str], list[str]]] = {
    "type": ([], chars("hello there")),
    "type_wraps_onto_new_row": (["--text", "abcdefghij " * 3 + "abcd"], [END, *chars("efgh ijklm nop")]),
    "wrap_in_middle_line_shifts_rows_below": (["--text", "one\\n" + "x" * 37 + "\\nthree"],
                                              [DOWN, END, *chars("abcd"), BACKSPACE, BACKSPACE, BACKSPACE]),
    "enter_up_to_the_field_height_and_past": (["--text", "a\\nb"], [DOWN, END, ENTER, "c", ENTER, "d", ENTER, "e",
                                                                   BACKSPACE, BACKSPACE, BACKSPACE, BACKSPACE,
                                                                   UP, END, DELETE, UNDO, REDO]),
    "type_in_middle_rewraps": (["--text", LONG + " " + LONG], [DOWN, HOME] + chars("XYZ ") + [BACKSPACE] * 3),
    "enter_and_backspace_join": (["--text", THREE], [DOWN, END, ENTER, "n", "e", "w", ENTER, BACKSPACE,
                                                     BACKSPACE, BACKSPACE, BACKSPACE, BACKSPACE, UP, HOME,
                                                     BACKSPACE, ENTER]),
    "delete_joins_lines": (["--text", THREE], [END, DELETE, DELETE, DOWN, END, DELETE, DELETE]),
    "move_cursor_between_lines": (["--text", THREE + "\\n" + LONG], [DOWN, DOWN, RIGHT, UP, UP, DOWN, END, HOME,
                                                                     DOWN, DOWN, DOWN, UP]),
    "selection_shift_arrows_then_delete": (["--text", THREE], [SHIFT_RIGHT, SHIFT_RIGHT, SHIFT_DOWN, SHIFT_DOWN,
                                                               SHIFT_UP, SHIFT_LEFT, SHIFT_DOWN, BACKSPACE]),
    "selection_across_wrapped_line_typed_over": (["--text", LONG + " " + LONG + "\\nend"],
                                                 [RIGHT, RIGHT, SHIFT_DOWN, SHIFT_DOWN, "Q", SHIFT_LEFT, DELETE]),
    "selection_collapsed_by_arrow": (["--text", THREE], [SHIFT_DOWN, SHIFT_RIGHT, RIGHT, SHIFT_UP, LEFT]),
    "paste": (["--text", THREE], [DOWN, END, paste("pasted words that wrap past the edge of the field"),
                                  paste("two\nlines"), paste("x")]),
    "cut_and_paste_clipboard": (["--text", THREE], [SHIFT_DOWN, SHIFT_DOWN, CUT, PASTE_CLIP, PASTE_CLIP]),
    "undo_redo": (["--text", THREE], [END, *chars(" more"), ENTER, *chars("abc"), UNDO, UNDO, REDO, UNDO, UNDO,
                                     REDO, REDO]),
    "load_text": (["--text", "short"], [*chars("ab"), LOAD, DOWN, END, *chars("zz"), LOAD_EMPTY, "q"]),
    "scroll_taller_than_field": (["--text", "one\\ntwo\\nthree\\nfour\\nfive\\nsix\\nseven"],
                                 [DOWN, DOWN, DOWN, DOWN, DOWN, "x", DOWN, ENTER, "y", UP, UP, UP, UP, UP, UP, "z",
                                  PAGE_DOWN, PAGE_UP, SHIFT_DOWN, SHIFT_DOWN, SHIFT_DOWN, SHIFT_DOWN, BACKSPACE]),
    "grow_past_field_by_typing": ([], [*chars("line"), ENTER, ENTER, ENTER, *chars("fourth"), ENTER,
                                       *chars("fifth"), BACKSPACE * 5, BACKSPACE, UP, UP, BACKSPACE]),
    "placeholder": (["--placeholder", "what will you do? a hint long enough to wrap onto the next row"],
                    ["a", BACKSPACE, "b", "c", BACKSPACE, BACKSPACE, ENTER, BACKSPACE, LOAD, LOAD_EMPTY]),
    "focus_and_blur": (["--text", THREE], [DOWN, "x", TAB, "y", SHIFT_TAB, "z", TAB, SHIFT_TAB, UP]),
    "focus_blur_with_selection": (["--text", THREE], [SHIFT_DOWN, SHIFT_RIGHT, TAB, SHIFT_TAB, RIGHT]),
    "mouse_click_moves_cursor": (["--text", THREE], [click(6, 5), "m", click(10, 4), click(6, 12), "n",
                                                     click(6, 6)]),
    "brackets": (["--text", "(a [b] c)\\n(x)"], [RIGHT, RIGHT, RIGHT, END, LEFT, DOWN, HOME, "(", END, ")"]),
}


@pytest.mark.parametrize("repeat", range(REPEAT))
@pytest.mark.parametrize("name", list(CASES))
def test_partial_redraws_match_a_full_repaint(name: str, repeat: int) -> None:
    """After every key, and again after a whole run of keys with no full repaint in between."""
    args, steps = CASES[name]
    app = FieldApp(*args)
    try:
        app.assert_no_stale_rows(f"{name}: at start")
        for i, keys in enumerate(steps):
            app.step(keys)
            app.assert_no_stale_rows(f"{name}: after step {i} {keys!r}")
    finally:
        app.close()
    # The same keys without a full repaint in between: the redraws must add up too.
    app = FieldApp(*args)
    try:
        for keys in steps:
            app.step(keys)
        app.assert_no_stale_rows(f"{name}: after all {len(steps)} steps")
    finally:
        app.close()


@pytest.mark.parametrize("name", ["selection_collapsed_by_arrow", "placeholder"])
def test_the_comparison_catches_a_stale_row(name: str) -> None:
    """The check itself works: a field that redraws too little (only the rows of the cursor's
    old and new line) fails it."""
    args, steps = CASES[name]
    app = FieldApp(*args, naive=True)
    try:
        with pytest.raises(AssertionError, match="differ from a full repaint"):
            for i, keys in enumerate(steps):
                app.step(keys)
                app.assert_no_stale_rows(f"{name}: after step {i} {keys!r}")
    finally:
        app.close()


def typed_character_bytes(stock: bool) -> tuple[int, str, str]:
    """Bytes for one typed character in a field of 4 rows holding 4 rows of text (the field's
    whole content matters to a full repaint), less the marker's own repaint (a lone ping)."""
    app = FieldApp("--text", "one\\ntwo\\nthree\\nfour", stock=stock)
    try:
        app.step(DOWN)
        start = app.pty.mark()
        app.sync()
        ping_only = app.pty.bytes_since(start)
        before = app.text()
        start = app.pty.mark()
        app.step("x")
        return app.pty.bytes_since(start) - ping_only, before, app.text()
    finally:
        app.close()


def test_a_typed_character_sends_far_fewer_bytes_than_the_whole_field() -> None:
    lean, before, after = typed_character_bytes(stock=False)
    stock, _, _ = typed_character_bytes(stock=True)
    assert before != after and "xtwo" in after, "the key did not change the screen"
    assert lean <= 300, f"one typed character: {lean} bytes (stock TextArea: {stock})"
    assert lean * 2 < stock, f"one typed character: {lean} bytes, not well under stock's {stock}"
