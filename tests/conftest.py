"""Shared fixtures: every test gets its own data folder and never touches the real one."""

from __future__ import annotations

from pathlib import Path

import pytest

from powerdeck.deck import Deck, load_deck


@pytest.fixture(autouse=True)
def private_data_home(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Point every default location at a temp folder, so no test reads or writes a user's log."""
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("XDG_DATA_HOME", str(home / ".local" / "share"))
    monkeypatch.delenv("POWERDECK_DATA", raising=False)
    monkeypatch.delenv("POWERDECK_DECK", raising=False)
    monkeypatch.delenv("SSH_CONNECTION", raising=False)
    monkeypatch.delenv("SSH_TTY", raising=False)
    monkeypatch.delenv("TEXTUAL_ANIMATIONS", raising=False)
    return home


@pytest.fixture(scope="session")
def deck() -> Deck:
    return load_deck()


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    return tmp_path / "powerdeck-data"
