"""powerdeck in the terminals its users have: started in a real pseudo-terminal (no ssh needed),
the screen read back through pyte.

Every terminal must give a readable, working app (the card title on screen, a key moves to the
next card) or a one-line explanation and exit status 2; never a blank or garbled screen.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from pty_harness import PtyApp, base_env, powerdeck_command, terminal_left_clean

pytestmark = pytest.mark.slow

IN_CI = os.environ.get("CI", "").lower() == "true"
FIRST = "1.1  Changing your perspective"
SECOND = "1.2  Mapping relationships"
SGR = re.compile(rb"\x1b\[([0-9;]*)m")


def colour_parameters(stream: bytes) -> tuple[set[int], bool, bool]:
    """(256-colour indexes used, any truecolor, any 16-colour code) in the SGR sequences."""
    indexes: set[int] = set()
    truecolor = sixteen = False
    for match in SGR.finditer(stream):
        params = [p for p in match.group(1).decode().split(";") if p]
        i = 0
        while i < len(params):
            code = int(params[i])
            if code in (38, 48) and i + 1 < len(params):
                if params[i + 1] == "5":
                    indexes.add(int(params[i + 2]))
                    i += 3
                    continue
                if params[i + 1] == "2":
                    truecolor = True
                    i += 5
                    continue
            if 30 <= code <= 37 or 40 <= code <= 47 or 90 <= code <= 97 or 100 <= code <= 107:
                sixteen = True
            i += 1
    return indexes, truecolor, sixteen


def start(data: Path, env: dict[str, str], *, cols: int = 80, rows: int = 24, args: tuple[str, ...] = ()) -> PtyApp:
    return PtyApp([*powerdeck_command(), "--data", str(data), *args], env, cols=cols, rows=rows)


def readable_and_working(app: PtyApp) -> bytes:
    """The card title shows, right moves to the next card, ctrl+q leaves a clean terminal."""
    try:
        app.wait_for(FIRST, timeout=20)
        app.send("right")
        app.wait_for(SECOND)
        app.send("ctrl+q")
        assert app.wait_exit(timeout=10) == 0
    finally:
        app.close()
    assert terminal_left_clean(app.raw) == []
    return app.raw


GREYS = {0, 7, 8, 15, 16, 231, *range(232, 256)}

TERMINALS = {
    # A plain `ssh -t` from most clients: TERM only, COLORTERM is not forwarded.
    "xterm-256color, no COLORTERM": (dict(term="xterm-256color"), "256"),
    # PuTTY and older clients say TERM=xterm: 16 colours.
    "xterm (16 colours)": (dict(term="xterm"), "16"),
    "screen": (dict(term="screen"), "16"),
    "tmux-256color": (dict(term="tmux-256color"), "256"),
    "NO_COLOR=1": (dict(term="xterm-256color", NO_COLOR="1"), "grey"),
    # Non-UTF-8 "C" locales: Python's C-locale coercion / UTF-8 mode keeps the output UTF-8.
    "LANG=C": (dict(term="xterm-256color", LANG="C"), "256"),
    "LC_ALL=C": (dict(term="xterm-256color", LANG="C", LC_ALL="C"), "256"),
}


@pytest.mark.parametrize("name", list(TERMINALS))
def test_the_app_is_readable_and_works_in(name: str, tmp_path: Path) -> None:
    settings, colours = TERMINALS[name]
    settings = dict(settings)
    env = base_env(settings.pop("term"), **settings)
    raw = readable_and_working(start(tmp_path / "data", env))
    assert "▕".encode() in raw, "box glyphs are written as UTF-8"
    indexes, truecolor, sixteen = colour_parameters(raw)
    assert not truecolor, "no truecolor without COLORTERM"
    if colours == "16":
        assert sixteen and not indexes, f"only the 16 ANSI colours on {name}, got 256-colour {sorted(indexes)[:5]}"
    elif colours == "256":
        assert indexes, "256 colours are used"
    elif colours == "grey":
        assert indexes and indexes <= GREYS, f"NO_COLOR: greys only, got {sorted(indexes - GREYS)}"


@pytest.fixture
def latin1_locale(tmp_path: Path) -> dict[str, str]:
    """A real ISO-8859-1 locale, compiled into a temp LOCPATH (nothing installed system-wide)."""
    locales = tmp_path / "locales"
    locales.mkdir()
    ok = shutil.which("localedef") and Path("/usr/share/i18n/locales/en_GB").exists()
    if ok:
        made = subprocess.run(["localedef", "-i", "en_GB", "-f", "ISO-8859-1", str(locales / "en_GB.ISO-8859-1")],
                              capture_output=True)
        ok = made.returncode in (0, 1) and (locales / "en_GB.ISO-8859-1").exists()
    if not ok:
        reason = "cannot build an ISO-8859-1 locale (needs localedef and the locales package)"
        if IN_CI:
            pytest.fail(reason + "; .ci/install-system-deps.sh installs it")
        pytest.skip(reason)
    return {"LOCPATH": str(locales), "LANG": "en_GB.ISO-8859-1", "LC_ALL": "en_GB.ISO-8859-1"}


def test_a_latin1_locale_still_gets_a_readable_utf8_screen(tmp_path: Path, latin1_locale: dict[str, str]) -> None:
    """A Latin-1 LANG sent over SSH once made every glyph a literal "\\u2595" escape."""
    raw = readable_and_working(start(tmp_path / "data", base_env(**latin1_locale)))
    assert b"\\u25" not in raw and b"\\u20" not in raw, "glyphs written as \\u escapes"
    assert "▕".encode() in raw and "…".encode() in raw


@pytest.mark.parametrize("term", ["dumb", "unknown", None])
def test_a_terminal_that_cannot_show_the_app_gets_one_line_and_status_2(term: str | None, tmp_path: Path) -> None:
    env = base_env()
    if term is None:
        env.pop("TERM")
    else:
        env["TERM"] = term
    app = start(tmp_path / "data", env)
    try:
        code = app.wait_exit(timeout=20)
    finally:
        app.close()
    text = app.raw.decode("utf-8", "replace").strip()
    assert code == 2
    assert len(text.splitlines()) == 1, text
    assert f"TERM={term or 'unset'}" in text and "TERM=xterm-256color" in text
    assert b"\x1b[?1049h" not in app.raw, "never switches to the full-screen mode"
    assert not (tmp_path / "data").exists(), "nothing is created"


def test_no_terminal_at_all_gets_one_line_and_status_2(tmp_path: Path) -> None:
    result = subprocess.run([*powerdeck_command(), "--data", str(tmp_path / "data")], env=base_env(),
                            stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=30)
    assert result.returncode == 2
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "interactive terminal" in lines[0] and "ssh -t" in lines[0], result.stderr
    assert "\x1b[" not in result.stderr


def test_a_small_terminal_says_what_size_it_needs_then_recovers(tmp_path: Path) -> None:
    app = start(tmp_path / "data", base_env(), cols=50, rows=15)
    try:
        app.wait_for(lambda s: "Make the terminal larger (now 50x15, needs 60x18)" in " ".join(s.split()),
                     timeout=20)
        app.resize(80, 24)
        app.wait_for(FIRST)
        app.send("right")
        app.wait_for(SECOND)
        app.send("ctrl+q")
        assert app.wait_exit(timeout=10) == 0
    finally:
        app.close()


# -- the escape key on a laggy link --------------------------------------------------------

ESCAPES = {
    "escape alone": b"\x1b",
    # A slow link delivers escape and the next key in one read: the parser sees alt+key.
    "escape + l in one write": b"\x1bl",
    "escape + 3 in one write": b"\x1b3",
    "escape + escape in one write": b"\x1b\x1b",
}


def draft_actions(data: Path) -> dict[str, str]:
    state = json.loads((data / "state.json").read_text(encoding="utf-8"))
    return {d["card"]: d["action"] for d in state.get("drafts", {}).values()}


@pytest.mark.parametrize("name", list(ESCAPES))
def test_escape_never_discards_text(name: str, tmp_path: Path) -> None:
    data = tmp_path / "data"
    text = "Keep every word of this"
    app = start(data, base_env())
    try:
        app.wait_for(FIRST, timeout=20)
        app.send("enter")
        app.type(text)
        app.wait_for("▌ " + text)
        app.send(ESCAPES[name])
        app.wait_quiet(0.4, after=app.send(b""))
        if name in ("escape alone", "escape + escape in one write"):
            # The editor was left: reading again, and the card's notes say its text is kept...
            app.wait_for(lambda s: "READING" in s and "draft kept" in s and "Write" in s.splitlines()[-1])
        else:
            # ...or still in the field on screen (with whatever the merged key typed after it)...
            assert "▌ " + text in app.text()
        app.send("ctrl+q")
        assert app.wait_exit(timeout=10) == 0
    finally:
        app.close()
    # ...and on disk as the card's draft after quitting.
    assert draft_actions(data)["1.1"].startswith(text)


def test_no_mouse_never_turns_mouse_reporting_on(tmp_path: Path) -> None:
    """`--no-mouse` leaves the mouse to the terminal (its own selection and copy keep working)."""
    raw = readable_and_working(start(tmp_path / "data", base_env(), args=("--no-mouse",)))
    modes_set = {m for m in ("1000", "1002", "1003", "1006", "1015") if f"\x1b[?{m}h".encode() in raw}
    assert not modes_set, f"mouse reporting turned on: {sorted(modes_set)}"
