"""Snapshots of the review log screens at 80x24 with fixed entries (fixed dates: no clock on screen)."""

from __future__ import annotations

from pathlib import Path

import pytest

from log_helpers import seed
from ui_helpers import make_app


@pytest.fixture
def app_with_entries(data_dir: Path):
    seed(data_dir)
    return make_app(data_dir, over_ssh=True)


def test_log_empty(snap_compare, data_dir: Path) -> None:
    assert snap_compare(make_app(data_dir, over_ssh=True), terminal_size=(80, 24), press=["L"])


def test_log_with_entries(snap_compare, app_with_entries) -> None:
    assert snap_compare(app_with_entries, terminal_size=(80, 24), press=["L"])


def test_log_filtered(snap_compare, app_with_entries) -> None:
    assert snap_compare(app_with_entries, terminal_size=(80, 24), press=["L", "c", "4", "1", "enter", "o"])


def test_log_entry_open(snap_compare, app_with_entries) -> None:
    assert snap_compare(app_with_entries, terminal_size=(80, 24), press=["L", "down", "down", "down", "down", "enter"])


def test_overview(snap_compare, app_with_entries) -> None:
    assert snap_compare(app_with_entries, terminal_size=(80, 24), press=["L", "v"])
