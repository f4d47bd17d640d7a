"""The one private atomic write (powerdeck.store.private_write), on real files.

Every writer of personal text uses it (log, state, backups, exports, rescue files, fault reports,
workbook files, the server's users): what is checked here holds for all of them.
"""

from __future__ import annotations

import errno
import os
import stat
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from powerdeck.store import private_write
from powerdeck.store.private_write import write_private


def mode(path: Path) -> int:
    return stat.S_IMODE(os.lstat(path).st_mode)


def leftovers(folder: Path) -> list[str]:
    return sorted(name for name in os.listdir(folder) if name.endswith(".tmp"))


@pytest.fixture
def umask0() -> object:
    old = os.umask(0)
    yield None
    os.umask(old)


def test_new_file_is_0600_whatever_the_umask(tmp_path: Path, umask0: None) -> None:
    target = tmp_path / "out.json"
    write_private(target, b"hello")
    assert target.read_bytes() == b"hello" and mode(target) == 0o600
    assert leftovers(tmp_path) == []


def test_a_wide_file_replaced_becomes_0600(tmp_path: Path, umask0: None) -> None:
    target = tmp_path / "out.json"
    target.write_bytes(b"old")
    os.chmod(target, 0o666)
    write_private(target, b"new")
    assert target.read_bytes() == b"new" and mode(target) == 0o600


def test_symlink_at_the_target_is_replaced_not_followed(tmp_path: Path) -> None:
    victim = tmp_path / "someone-elses.txt"
    victim.write_bytes(b"theirs")
    target = tmp_path / "out.json"
    target.symlink_to(victim)
    write_private(target, b"mine")
    assert victim.read_bytes() == b"theirs"  # untouched
    assert not target.is_symlink() and target.read_bytes() == b"mine" and mode(target) == 0o600


def test_symlink_at_the_target_refused_when_not_replacing(tmp_path: Path) -> None:
    victim = tmp_path / "someone-elses.txt"
    victim.write_bytes(b"theirs")
    target = tmp_path / "out.json"
    target.symlink_to(victim)
    with pytest.raises(FileExistsError):
        write_private(target, b"mine", replace=False)
    assert target.is_symlink() and victim.read_bytes() == b"theirs" and leftovers(tmp_path) == []


def test_dangling_symlink_is_not_followed_to_create_a_file(tmp_path: Path) -> None:
    planted = tmp_path / "elsewhere" / "created-through-link"
    (tmp_path / "elsewhere").mkdir()
    target = tmp_path / "out.json"
    target.symlink_to(planted)
    with pytest.raises(FileExistsError):
        write_private(target, b"mine", replace=False)
    assert not planted.exists()


def test_a_planted_temporary_name_is_refused_not_followed(tmp_path: Path) -> None:
    victim = tmp_path / "victim"
    victim.write_bytes(b"theirs")
    (tmp_path / ".out.json.planted.tmp").symlink_to(victim)
    with pytest.raises(OSError) as info:
        write_private(tmp_path / "out.json", b"mine", temp=".out.json.planted.tmp")
    assert info.value.errno == errno.EEXIST
    assert victim.read_bytes() == b"theirs" and not (tmp_path / "out.json").exists()


def test_existing_file_kept_when_not_replacing(tmp_path: Path) -> None:
    target = tmp_path / "out.json"
    target.write_bytes(b"old")
    with pytest.raises(FileExistsError):
        write_private(target, b"new", replace=False)
    assert target.read_bytes() == b"old" and leftovers(tmp_path) == []


def full_disk_after(limit: int) -> Callable[[int, object], int]:
    """An os.write that takes `limit` bytes in all, then fails as a full disk does."""
    real = os.write
    taken = [0]

    def write(fd: int, data: object) -> int:
        view = memoryview(data)  # type: ignore[arg-type]  # bytes or a memoryview, as os.write gets
        room = limit - taken[0]
        if room <= 0:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        done = real(fd, view[:room])
        taken[0] += done
        return done

    return write


@pytest.mark.parametrize("replace", [True, False])
def test_a_full_disk_midway_leaves_the_old_file_intact(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                       replace: bool) -> None:
    target = tmp_path / "log.json"
    target.write_bytes(b"the old, good file")
    os.chmod(target, 0o600)
    monkeypatch.setattr(os, "write", full_disk_after(1000))
    with pytest.raises(OSError) as info:
        write_private(target, b"x" * 5000, replace=replace)
    monkeypatch.undo()
    assert info.value.errno in (errno.ENOSPC, errno.EEXIST)
    assert target.read_bytes() == b"the old, good file" and leftovers(tmp_path) == []


def test_short_writes_are_continued(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    real = os.write
    monkeypatch.setattr(os, "write", lambda fd, data: real(fd, memoryview(data)[:7]))
    payload = bytes(range(256)) * 10
    write_private(tmp_path / "out.bin", payload)
    monkeypatch.undo()
    assert (tmp_path / "out.bin").read_bytes() == payload


def test_a_failed_fsync_leaves_the_old_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "out.json"
    target.write_bytes(b"old")

    def fail(fd: int) -> None:
        raise OSError(errno.EIO, os.strerror(errno.EIO))

    monkeypatch.setattr(os, "fsync", fail)
    with pytest.raises(OSError):
        write_private(target, b"new")
    monkeypatch.undo()
    assert target.read_bytes() == b"old" and leftovers(tmp_path) == []


def test_before_rename_can_refuse_and_nothing_changes(tmp_path: Path) -> None:
    target = tmp_path / "out.json"
    target.write_bytes(b"old")

    def refuse() -> None:
        raise OSError(errno.EPERM, "changed meanwhile")

    with pytest.raises(OSError, match="changed meanwhile"):
        write_private(target, b"new", before_rename=refuse)
    assert target.read_bytes() == b"old" and leftovers(tmp_path) == []


def test_no_hard_links_falls_back_without_clobbering(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def no_links(*args: object, **kwargs: object) -> None:
        raise OSError(errno.EPERM, os.strerror(errno.EPERM))

    monkeypatch.setattr(os, "link", no_links)
    write_private(tmp_path / "new.txt", b"one", replace=False)
    assert (tmp_path / "new.txt").read_bytes() == b"one"
    with pytest.raises(FileExistsError):
        write_private(tmp_path / "new.txt", b"two", replace=False)
    assert (tmp_path / "new.txt").read_bytes() == b"one" and leftovers(tmp_path) == []


def test_folder_fsync_refused_is_not_a_failed_save(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    real = os.fsync

    def files_only(fd: int) -> None:
        if stat.S_ISDIR(os.fstat(fd).st_mode):
            raise OSError(errno.EINVAL, os.strerror(errno.EINVAL))
        real(fd)

    monkeypatch.setattr(os, "fsync", files_only)
    write_private(tmp_path / "out.json", b"data")
    assert (tmp_path / "out.json").read_bytes() == b"data"


@settings(max_examples=40, derandomize=True, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(old=st.binary(max_size=300), new=st.binary(max_size=3000), limit=st.integers(0, 3000),
       replace=st.booleans())
def test_property_whole_or_nothing(tmp_path: Path, old: bytes, new: bytes, limit: int, replace: bool) -> None:
    """Whatever the payload and wherever the disk fills: the target holds the old bytes or
    the whole new ones, is 0600, and no temporary file is left."""
    folder = tmp_path / f"case-{os.urandom(4).hex()}"
    folder.mkdir()
    target = folder / "target"
    private_write.write_private(target, old)
    real = os.write
    os.write = full_disk_after(limit)  # type: ignore[assignment]  # restored just below
    try:
        write_private(target, new, replace=replace)
        outcome: bytes | None = new
    except OSError:
        outcome = None
    finally:
        os.write = real
    if outcome is None or not replace:
        assert target.read_bytes() == old
    else:
        assert target.read_bytes() == new and (limit >= len(new) or not new)
    assert mode(target) == 0o600 and leftovers(folder) == []
