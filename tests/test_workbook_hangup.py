"""A dropped connection (SIGHUP) while typing voices or a map name keeps the text: a real process."""

from __future__ import annotations

import json
import os
import signal
from pathlib import Path

from pty_harness import PtyApp, base_env, powerdeck_command


def worksheets(data: Path) -> dict[str, dict]:
    doc = json.loads((data / "log.json").read_text("utf-8"))
    return {sheet["card"]: sheet for sheet in doc.get("worksheets", {}).values()}


def start(tmp_path: Path, card: str) -> tuple[PtyApp, Path]:
    data = tmp_path / "data"
    data.mkdir(mode=0o700)
    (data / "log.json").write_text(json.dumps({"meta": {"1": {"schema_version": 2}},
                                               "state": {"1": {"key": "last_card", "value": card}}}))
    (data / "log.json").chmod(0o600)
    app = PtyApp([*powerdeck_command(), "--data", str(data)], base_env())
    app.wait_for(f"{card} ")
    return app, data


def test_hang_up_while_typing_voices_keeps_them(tmp_path: Path) -> None:
    app, data = start(tmp_path, "1.3")
    try:
        app.send("w")
        app.wait_for("· voices")  # the voices screen (the deck's notes say "voices" too)
        app.type("safe parks\rno GP | nurse", gap=0.01)
        app.wait_for("no GP | nurse")
        os.kill(app.proc.pid, signal.SIGHUP)  # before the 1 s autosave
        app.wait_exit()
    finally:
        app.close()
    assert worksheets(data)["1.3"]["text"] == "safe parks\nno GP | nurse"


def test_hang_up_while_typing_a_map_name_keeps_it(tmp_path: Path) -> None:
    app, data = start(tmp_path, "1.2")
    try:
        app.send("w")
        app.wait_for("relationship map")
        app.send("a")
        app.type("housing le", gap=0.01)
        app.wait_for("housing le")
        os.kill(app.proc.pid, signal.SIGHUP)
        app.wait_exit()
    finally:
        app.close()
    assert worksheets(data)["1.2"]["draft"] == "housing le"
