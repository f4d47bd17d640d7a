"""Where the log lives: --data beats POWERDECK_DATA beats XDG/platformdirs; nothing is created."""

from __future__ import annotations

from pathlib import Path

import pytest

from powerdeck.store.locations import data_dir, log_path


@pytest.fixture(autouse=True)
def _clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("POWERDECK_DATA", raising=False)


def test_override_beats_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("POWERDECK_DATA", str(tmp_path / "env"))
    assert data_dir(tmp_path / "flag") == tmp_path / "flag"


def test_env_beats_platform(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    monkeypatch.setenv("POWERDECK_DATA", str(tmp_path / "env"))
    assert data_dir() == tmp_path / "env"


def test_xdg_data_home_respected(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    assert data_dir() == tmp_path / "xdg" / "powerdeck"
    assert not (tmp_path / "xdg").exists()  # choosing a place creates nothing


def test_tilde_expanded(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("HOME", str(tmp_path))
    assert data_dir("~/pd") == tmp_path / "pd"


def test_log_path() -> None:
    assert log_path(Path("/x/y")) == Path("/x/y/log.json")
    assert log_path("/x/y") == Path("/x/y/log.json")
