"""Control characters in a deck or in the log never reach the terminal raw (the real app in a pty,
and `powerdeck cards`); stored text stays exactly as it was."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from powerdeck.store.log import Log
from pty_harness import PtyApp, base_env, powerdeck_command

DECK_YAML = Path(__file__).resolve().parent.parent / "src" / "powerdeck" / "deck.yaml"
EVIL = "\x1b[?1049l\x1b]0;pwned\x07\x9b31m\u202eevil"
EVIL_YAML = r"\e[?1049l\e]0;pwned\a\x9b31m\u202Eevil"
RAW_BYTES = [b"\x1b[?1049l", b"\x1b]0;", b"pwned\x07", "\x9b".encode(), "\u202e".encode()]
"""In UTF-8, U+009B (the 8-bit CSI) is c2 9b; a lone 9b byte is only part of another character."""


def hostile_deck(tmp_path: Path) -> Path:
    text = DECK_YAML.read_text(encoding="utf-8")
    text = text.replace("title: Changing your perspective", f'title: "Changing {EVIL_YAML}"', 1)
    text = text.replace("    title: We know our people and communities", f'    title: "We know {EVIL_YAML}"', 1)
    text = text.replace(
        "          - Take a walk with a member of your community",
        f'          - "Take {EVIL_YAML} a walk"\n          - Take a walk with a member of your community', 1)
    path = tmp_path / "deck.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def raw_problems(stream: bytes) -> list[bytes]:
    body = stream[: stream.rfind(b"\x1b[?1049l")]  # the app's own exit from the alternate screen
    return [seq for seq in RAW_BYTES if seq in body]


@pytest.mark.slow
def test_hostile_deck_and_log_text_never_reach_the_terminal(tmp_path: Path) -> None:
    data = tmp_path / "data"
    log = Log.open(data)
    log.add("1.1", f"action {EVIL}", f"outcome {EVIL}", f"learning {EVIL}")
    log.save_draft("1.2", f"draft {EVIL}", "", "")
    log.close()
    argv = [*powerdeck_command(), "--data", str(data), "--deck", str(hostile_deck(tmp_path))]
    with PtyApp(argv, base_env()) as app:
        app.wait_for("Changing", timeout=20)
        app.send("\x1b[C")  # right: the card with the draft
        app.wait_for("Mapping", timeout=10)
        app.send("\x1b[D")  # left
        app.wait_quiet(0.5, after=app.send(b""))
        app.send("L")  # the review log: list and pane
        app.wait_for("Review log", timeout=10)
        app.send("enter")
        app.wait_quiet(0.8, after=app.send(b""))
        app.send("escape")
        app.wait_quiet(0.5, after=app.send(b""))
        app.send("escape")
        app.wait_quiet(0.5, after=app.send(b""))
        app.send("f1")  # help: the deck's guidance
        app.wait_quiet(0.8, after=app.send(b""))
        app.send("escape")
        app.wait_quiet(0.5, after=app.send(b""))
        app.send("ctrl+q")
        app.wait_exit(timeout=10)
        raw = app.raw
    assert raw_problems(raw) == []
    assert "␛" in raw.decode("utf-8", "replace")  # shown, visibly
    stored = json.loads((data / "log.json").read_text(encoding="utf-8"))
    assert any(e["action"] == f"action {EVIL}" for e in stored["entries"].values())  # stored exactly
    state = json.loads((data / "state.json").read_text(encoding="utf-8"))
    assert any(d["action"] == f"draft {EVIL}" for d in state["drafts"].values())


def test_cards_output_has_no_control_characters(tmp_path: Path) -> None:
    deck = hostile_deck(tmp_path)
    for args in (["cards"], ["cards", "1.1"]):
        result = subprocess.run([*powerdeck_command(), "--deck", str(deck), *args],
                                check=False, capture_output=True, env=base_env(), timeout=30)
        out = result.stdout
        assert result.returncode == 0, result.stderr
        assert b"\x1b" not in out and "\x9b".encode() not in out and "\u202e".encode() not in out and b"\x07" not in out
        assert "␛".encode() in out


def test_an_unknown_card_id_is_echoed_visibly(tmp_path: Path) -> None:
    result = subprocess.run([*powerdeck_command(), "cards", "\x1b]0;pwned\x07"], check=False, capture_output=True,
                            env=base_env(), timeout=30)
    assert result.returncode == 2
    assert b"\x1b" not in result.stderr and b"\x07" not in result.stderr
