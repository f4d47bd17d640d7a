"""Shared fixtures: every test gets its own data folder and never touches the real one."""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from powerdeck.deck.model import Deck, load_deck

OWN_FOLDERS = {
    "HOME": "home",
    "XDG_DATA_HOME": "home/.local/share",
    "XDG_CACHE_HOME": "home/.cache",
    "XDG_CONFIG_HOME": "home/.config",
    "XDG_STATE_HOME": "home/.local/state",
    "XDG_RUNTIME_DIR": "runtime",
}
"""Where the whole session's HOME and XDG folders point (under its temporary folder)."""


def real_powerdeck_paths() -> set[Path]:
    """What powerdeck could leave in the real home and XDG folders of whoever runs the tests."""
    home = Path(os.path.expanduser("~"))
    folders = {
        home,
        Path(os.environ.get("XDG_CACHE_HOME") or home / ".cache") / "powerdeck",
        Path(os.environ.get("XDG_DATA_HOME") or home / ".local" / "share") / "powerdeck",
        Path(os.environ.get("XDG_CONFIG_HOME") or home / ".config") / "powerdeck",
        Path(os.environ.get("XDG_STATE_HOME") or home / ".local" / "state") / "powerdeck",
    }
    found: set[Path] = set()
    for folder in folders:
        try:
            names = os.listdir(folder)
        except OSError:
            continue
        found |= {folder / name for name in names if folder != home or "powerdeck" in name}
    return found


_OWN_ROOT: dict[str, object] = {}

IDLE_WINDOW = 0.005
"""How long Pilot watches the process do (almost) nothing before it calls the app idle."""

FRAME_PERIOD = 0.004
"""How often a screen with changes is laid out and painted in the tests (Textual: 1/60 s)."""


def quicker_idle_for_pilot() -> None:
    """Pilot waits after every key and pause until a window of 20 ms passes with under 1 ms of the
    process's CPU (textual._wait): a wait that suits a frame every 1/60 s, since layout and paint
    run only on the screen's frame timer, and that was most of the whole suite's time (a key cost
    40 ms or more, the app's own work a few). A frame every 4 ms and a window of 5 ms (the same 5%
    of it busy) still see a whole frame inside every window, so nothing laid out or painted after
    a key is missed; the app's own timers (50 ms and longer) were never inside a window at all,
    and what runs in a thread is waited for by name (ui_helpers.settle, until)."""
    import textual._wait
    import textual.screen

    for module, name in ((textual._wait, "SLEEP_GRANULARITY"), (textual._wait, "SLEEP_IDLE"),
                         (textual.screen, "UPDATE_PERIOD")):
        assert hasattr(module, name), f"Textual moved {module.__name__}.{name}: update conftest.py's quicker idle"
    assert FRAME_PERIOD < IDLE_WINDOW
    textual.screen.UPDATE_PERIOD = FRAME_PERIOD  # read when a screen first has changes to paint
    textual._wait.SLEEP_GRANULARITY = IDLE_WINDOW
    textual._wait.SLEEP_IDLE = IDLE_WINDOW / 20


def pytest_configure(config: pytest.Config) -> None:
    quicker_idle_for_pilot()
    """Point HOME and the XDG folders at a temporary folder before any test module is collected,
    so an environment a module builds at import (a pty test's `ENV = base_env(...)`) has them too."""
    before = real_powerdeck_paths()
    root = Path(tempfile.mkdtemp(prefix="powerdeck-tests-"))
    saved = {name: os.environ.get(name) for name in OWN_FOLDERS}
    for name, relative in OWN_FOLDERS.items():
        folder = root / relative
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        os.environ[name] = str(folder)
    _OWN_ROOT.update(root=root, before=before, saved=saved)


def pytest_unconfigure(config: pytest.Config) -> None:
    saved = _OWN_ROOT.get("saved")
    if isinstance(saved, dict):
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
    root = _OWN_ROOT.get("root")
    if isinstance(root, Path):
        shutil.rmtree(root, ignore_errors=True)


@pytest.fixture(scope="session", autouse=True)
def own_home_for_the_session() -> Iterator[Path]:
    """The whole session, and every process it starts (they inherit the environment; the real
    sshd's logins get it through sshd_harness.ssh_argv), writes under a temporary HOME and XDG
    folders (set in pytest_configure); at the end, nothing new of powerdeck's may have appeared
    in the real ones."""
    root, before = _OWN_ROOT["root"], _OWN_ROOT["before"]
    assert isinstance(root, Path) and isinstance(before, set)
    yield root
    saved = _OWN_ROOT["saved"]
    assert isinstance(saved, dict)
    with pytest.MonkeyPatch.context() as patch:  # the real folders, to look at them
        for name, value in saved.items():
            if value is None:
                patch.delenv(name, raising=False)
            else:
                patch.setenv(name, value)
        appeared = sorted(str(path) for path in real_powerdeck_paths() - before if not someone_elses(path))
    assert not appeared, f"tests wrote into the real home or cache: {', '.join(appeared)}"


def someone_elses(path: Path) -> bool:
    """A deck cache of another checkout (the name is made from the deck file's path: deck/cache.py):
    on a machine shared by several checkouts, their runs write there meanwhile, not ours."""
    from powerdeck.deck.cache import cache_file

    ours = cache_file(path.parent, str(Path(powerdeck_package_file()).parent / "deck.yaml")).name
    return path.name.startswith("deck-") and path.name.endswith(".json") and path.name != ours


def powerdeck_package_file() -> str:
    import powerdeck

    return str(powerdeck.__file__)


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
