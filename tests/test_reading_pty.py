"""The real app in a terminal: a sentence typed on the reading screen, a key at a time as a
person types (and as a slow link delivers them), changes nothing and says how to write."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from pty_harness import PtyApp, base_env, powerdeck_command

pytestmark = pytest.mark.slow

FIRST = "1.1  Changing your perspective"


@pytest.mark.parametrize("gap", [0.03, 0.15])
def test_a_sentence_typed_while_reading_is_inert_in_a_real_terminal(tmp_path: Path, gap: float) -> None:
    data = tmp_path / "data"
    app = PtyApp([*powerdeck_command(), "--data", str(data)], base_env(), cols=80, rows=24)
    try:
        app.wait_for(FIRST, timeout=20)
        app.type("Talk to the practice manager", gap=gap)
        app.wait_for("press enter or e to write")
        app.wait_quiet(1.0)  # a command letter would have acted by now
        screen = app.text()
        assert FIRST in screen and "READING" in screen
        assert "practice manager" not in screen  # nothing was typed anywhere
        app.send("ctrl+q")
        assert app.wait_exit(timeout=10) == 0
    finally:
        app.close()
    log = json.loads((data / "log.json").read_text(encoding="utf-8"))
    state = json.loads((data / "state.json").read_text(encoding="utf-8"))  # drafts and last card
    assert not log.get("entries") and not log.get("drafts") and not state.get("drafts")
    assert state["state"]["1"]["value"] == "1.1"
