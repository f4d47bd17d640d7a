"""Starting the app on bad input ends in one line and exit status 2, never a traceback."""

from __future__ import annotations

from pathlib import Path

import pytest

from pty_harness import PtyApp, base_env, powerdeck_command


def run_in_terminal(*args: str) -> tuple[int, str]:
    with PtyApp([*powerdeck_command(), *args], base_env()) as app:
        status = app.wait_exit(timeout=20)
        return status, app.raw.decode("utf-8", "replace")


@pytest.mark.slow
def test_a_damaged_log_is_refused_in_one_line_and_left_as_it_was(tmp_path: Path) -> None:
    log = tmp_path / "log.json"
    log.write_bytes(b'{"entries": {"1": ')
    status, output = run_in_terminal("--data", str(tmp_path))
    assert status == 2
    lines = [line for line in output.replace("\r", "").splitlines() if line.strip()]
    assert len(lines) == 1 and "cannot be opened" in lines[0] and str(log) in lines[0]
    assert "Traceback" not in output
    assert log.read_bytes() == b'{"entries": {"1": '


@pytest.mark.slow
def test_a_broken_deck_is_refused_in_one_line(tmp_path: Path) -> None:
    deck = tmp_path / "deck.yaml"
    deck.write_text("format: 1\ntitle: [unclosed\n", encoding="utf-8")
    status, output = run_in_terminal("--data", str(tmp_path / "data"), "--deck", str(deck))
    assert status == 2
    lines = [line for line in output.replace("\r", "").splitlines() if line.strip()]
    assert len(lines) == 1 and "deck.yaml" in lines[0]
    assert "Traceback" not in output
