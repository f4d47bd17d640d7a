"""The log and state files as a test sees them on disk, and a bounded wait; no Textual here, so the
real-process and real-ssh tests use them too."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from powerdeck.core.errors import LogWriteError
from powerdeck.store.storage import SafeJSONStorage


def on_disk(data_dir: Path) -> dict[str, Any]:
    """The log file as JSON: fails the test if it does not parse."""
    data: dict[str, Any] = json.loads((data_dir / "log.json").read_text(encoding="utf-8"))
    return data


def entries_on_disk(data_dir: Path) -> list[dict[str, Any]]:
    return list(on_disk(data_dir).get("entries", {}).values())


def state_on_disk(data_dir: Path) -> dict[str, Any]:
    """The state file (drafts and app state) as JSON; {} when nothing was kept yet."""
    path = data_dir / "state.json"
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}
    return data


def drafts_on_disk(data_dir: Path) -> dict[str, dict[str, Any]]:
    """The kept drafts by card (one draft a card)."""
    return {draft["card"]: draft for draft in state_on_disk(data_dir).get("drafts", {}).values()}


def wait_until(test: Callable[[], Any], timeout: float = 10.0, what: str = "condition") -> Any:
    """Poll `test` until it returns something true (which is returned), or fail after `timeout`."""
    deadline = time.monotonic() + timeout
    while True:
        value = test()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.05)


def refuse_writes(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every write of the log or state file fails as on a read-only folder (the one line the user sees)."""

    def refused(self: SafeJSONStorage, data: object) -> None:
        raise LogWriteError(f"Could not save {self.path}: its folder is read-only or not writable.")

    monkeypatch.setattr(SafeJSONStorage, "write", refused)


def commits(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The name of every file written from now on, in order."""
    written: list[str] = []
    real = SafeJSONStorage._commit

    def naming(self: SafeJSONStorage) -> None:
        written.append(self.path.name)
        real(self)

    monkeypatch.setattr(SafeJSONStorage, "_commit", naming)
    return written
