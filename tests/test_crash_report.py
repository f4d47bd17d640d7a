"""A fault in powerdeck itself ends in one line and a private report, never a traceback."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from powerdeck.store.crash_report import fault_line, write_crash_report
from pty_harness import PtyApp, base_env

# The real app, with a bug planted in the help screen: f1 raises inside a Textual handler.
FAULTY = (
    "import sys\n"
    "from powerdeck.tui.screens.dialogs import help_screen\n"
    "def broken(self):\n"
    "    secret = 'words only the person should see'\n"
    "    raise RuntimeError('a planted fault')\n"
    "help_screen.HelpScreen.compose = broken\n"
    "from powerdeck.cli.main import main\n"
    "sys.exit(main())\n"
)


def test_the_report_is_private_and_holds_the_traceback(tmp_path: Path) -> None:
    try:
        raise ValueError("boom")
    except ValueError as error:
        report = write_crash_report(tmp_path, error)
    assert report.stat().st_mode & 0o777 == 0o600
    text = report.read_text()
    assert "ValueError: boom" in text and "Traceback" in text
    line = fault_line(report)
    assert "\n" not in line and str(report) in line and "kept as a draft" in line


@pytest.mark.slow
def test_a_fault_in_the_app_keeps_the_draft_and_shows_one_line(tmp_path: Path) -> None:
    data = tmp_path / "data"
    argv = [sys.executable, "-c", FAULTY, "--data", str(data)]
    with PtyApp(argv, base_env()) as app:
        app.wait_for("READING", timeout=30)
        app.send("enter")
        app.wait_for("WRITING", timeout=15)
        app.type("kept when it broke", gap=0.01)
        app.wait_for("kept when it broke", timeout=15)
        app.send(b"\x1bOP")  # f1 at once (before the 1 s autosave): the help screen, which is broken
        code = app.wait_exit(timeout=20)
        output = app.raw.decode("utf-8", "replace")
    assert code != 0
    assert "Traceback" not in output and "a planted fault" not in output
    assert "words only the person should see" not in output  # Textual's traceback shows locals
    assert "fault in powerdeck itself" in output
    (report,) = data.glob("powerdeck-fault-*.txt")
    assert report.stat().st_mode & 0o777 == 0o600
    assert "RuntimeError: a planted fault" in report.read_text()
    state = json.loads((data / "state.json").read_text(encoding="utf-8"))
    assert [d["action"] for d in state["drafts"].values()] == ["kept when it broke"]
