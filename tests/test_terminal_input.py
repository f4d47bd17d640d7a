"""The real app in a pty: SIGTERM keeps what was typed and restores the terminal; a byte that is
not UTF-8 from the terminal is read as U+FFFD and the app goes on."""

from __future__ import annotations

import json
import signal
import threading
import time
from pathlib import Path

import pytest

from pty_harness import PtyApp, base_env, powerdeck_command, terminal_left_clean

FIRST = "1.1  Changing your perspective"


def start(data: Path) -> PtyApp:
    return PtyApp([*powerdeck_command(), "--data", str(data)], base_env())


def drafts(data: Path) -> dict[str, str]:
    state = json.loads((data / "state.json").read_text(encoding="utf-8"))
    return {d["card"]: d["action"] for d in state.get("drafts", {}).values()}


def test_the_decoder_hook_is_still_where_textual_looks_it_up() -> None:
    """If Textual moves its input decoder, lenient_terminal_input can no longer reach it: fail here."""
    from textual.drivers import linux_driver

    from powerdeck.tui.launch import lenient_terminal_input

    assert "getincrementaldecoder" in linux_driver.LinuxDriver.run_input_thread.__code__.co_names
    assert lenient_terminal_input()
    decoder = linux_driver.getincrementaldecoder("utf-8")()
    assert decoder.decode(b"\xe9x") == "\ufffdx"
    assert decoder.decode(b"\xc3") == "" and decoder.decode(b"\xa9") == "é"  # split sequences still work


@pytest.mark.slow
def test_a_latin1_byte_from_the_terminal_does_not_end_the_app(tmp_path: Path) -> None:
    data = tmp_path / "data"
    with start(data) as app:
        app.wait_for(FIRST, timeout=20)
        app.send("enter")
        app.type("caf")
        app.send(b"\xe9")  # PuTTY in Latin-1: é
        app.type(" ok")
        app.wait_for("caf\ufffd ok", timeout=10)
        assert app.proc.poll() is None
        app.send("escape")
        app.wait_quiet(0.3, after=app.send(b""))
        app.send("right")  # keys still act
        app.wait_for("1.2  Mapping relationships", timeout=10)
        app.send("ctrl+q")
        assert app.wait_exit(timeout=10) == 0
    assert drafts(data)["1.1"] == "caf\ufffd ok"


@pytest.mark.slow
def test_sigterm_mid_burst_keeps_what_was_typed_and_restores_the_terminal(tmp_path: Path) -> None:
    data = tmp_path / "data"
    with start(data) as app:
        app.wait_for(FIRST, timeout=20)
        app.send("enter")
        app.wait_quiet(0.3, after=app.send(b""))
        sent: list[str] = []
        stop = threading.Event()

        def typist() -> None:
            n = 0
            while not stop.is_set():
                char = "abcdefghij"[n % 10]
                try:
                    app.send(char)
                except OSError:
                    return
                sent.append(char)
                n += 1
                time.sleep(0.01)

        thread = threading.Thread(target=typist)
        thread.start()
        time.sleep(2.0)  # continuous typing: no one-second pause for the autosave
        app.proc.send_signal(signal.SIGTERM)
        before = len(sent)
        time.sleep(0.5)
        stop.set()
        thread.join()
        code = app.wait_exit(timeout=15)
        raw = app.raw
    assert code == 128 + signal.SIGTERM
    kept = drafts(data)["1.1"]
    typed = "".join(sent)
    assert typed.startswith(kept)  # in order, nothing invented
    assert len(kept) >= before - 5, (len(kept), before)  # at most the few keys still in the pty
    assert terminal_left_clean(raw) == []
    assert raw.rstrip(b"\r\n").endswith(b"\x1b[?1004l") or b"\x1b[?1049l" in raw[-200:]
