"""Shared fixtures: every test gets its own data folder and never touches the real one."""

from __future__ import annotations

from pathlib import Path

import pytest

from powerdeck.deck.model import Deck, load_deck


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


@pytest.fixture(autouse=True)
def letters_act_at_once(monkeypatch: pytest.MonkeyPatch) -> None:
    """Command letters act at once in Pilot tests (Pilot sends keys faster than anyone types);
    the tests of the typing gate itself put the real wait back with `real_letter_settle`."""
    from powerdeck.tui.screens.deck import deck_keys

    monkeypatch.setattr(deck_keys, "LETTER_SETTLE", 0.0)


@pytest.fixture
def real_letter_settle(monkeypatch: pytest.MonkeyPatch) -> float:
    from powerdeck.tui.screens.deck import deck_keys

    monkeypatch.setattr(deck_keys, "LETTER_SETTLE", 0.4)  # the value in deck_keys
    return 0.4


@pytest.fixture(autouse=True)
def private_cache_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Each test's own cache folder (the deck cache, deck_cache.py), for the app started in
    process and for the processes a test starts (they inherit the environment)."""
    folder = tmp_path / "cache-home"
    monkeypatch.setenv("XDG_CACHE_HOME", str(folder))
    return folder
