"""The tests keep to their own folders: HOME and the XDG folders point under the session's temporary
folder, for the tests and for every process they start (conftest.own_home_for_the_session)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import OWN_FOLDERS
from sshd_harness import OWN_ENV, SshServer


def ours(path: str, tmp_path_factory: pytest.TempPathFactory, session_home: Path) -> bool:
    """Under this run's temporary folders: a test's own (HOME, XDG_DATA_HOME) or the session's."""
    return any(Path(path).is_relative_to(base) for base in (tmp_path_factory.getbasetemp(), session_home))


def test_home_and_xdg_point_at_a_temporary_folder(tmp_path_factory: pytest.TempPathFactory,
                                                  own_home_for_the_session: Path) -> None:
    for name in OWN_FOLDERS:
        assert ours(os.environ[name], tmp_path_factory, own_home_for_the_session), name


def test_a_process_a_test_starts_finds_powerdeck_folders_there_too(tmp_path_factory: pytest.TempPathFactory,
                                                                  own_home_for_the_session: Path) -> None:
    code = ("from powerdeck.store import locations; import pathlib; "
            "print(locations.cache_dir()); print(locations.data_dir(None)); print(pathlib.Path.home())")
    shown = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split()
    assert len(shown) == 3 and all(ours(path, tmp_path_factory, own_home_for_the_session) for path in shown), shown


def test_a_login_through_the_real_sshd_gets_the_same_folders(tmp_path: Path) -> None:
    server = SshServer(tmp_path)  # only its command line: no sshd is started
    argv = server.ssh_argv(["powerdeck", "--data", "x"])
    assert set(OWN_ENV) <= set(OWN_FOLDERS)
    for name in OWN_ENV:
        assert f"{name}={os.environ[name]}" in argv[-1]
    assert argv[-1].endswith("powerdeck --data x")


def test_an_environment_built_at_import_has_them_too(tmp_path_factory: pytest.TempPathFactory,
                                                     own_home_for_the_session: Path) -> None:
    """test_card_lines builds its pty's environment at import, before any fixture runs (in a whole
    run, at collection): it once sent a start's deck cache to the real ~/.cache/powerdeck. Since
    conftest.pytest_configure sets the folders before any test module is collected, its cache
    folder is this run's."""
    import test_card_lines

    cache = test_card_lines.ENV.get("XDG_CACHE_HOME", "")
    assert cache and ours(cache, tmp_path_factory, own_home_for_the_session), cache
