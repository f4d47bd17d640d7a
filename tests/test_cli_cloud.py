"""`powerdeck cloud CARD` as a user runs it: real processes, real files, the SVG parsed back.
The same refusals as an export (a pipe, the log, an existing file without --force)."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path
from xml.etree import ElementTree

import pytest

from powerdeck.store.log import Log
from powerdeck.workbook.model import Person, Worksheet

pytestmark = pytest.mark.slow
SVG = "{http://www.w3.org/2000/svg}"
HOSTILE = "<script>alert(1)</script> & \x1b]0;pwned\x07 done"
VOICES = "\n".join(["Safer streets | young carer", "safer streets", "green space", HOSTILE])


def run(*args: str, home: Path) -> subprocess.CompletedProcess[bytes]:
    env = {k: v for k, v in os.environ.items() if k not in ("POWERDECK_DATA", "POWERDECK_DECK")}
    env.update(HOME=str(home), PYTHONUTF8="1")
    return subprocess.run([sys.executable, "-m", "powerdeck", "cloud", *args, "--data", str(home / "data")],
                          env=env, capture_output=True, timeout=60, cwd=home)


@pytest.fixture
def home(tmp_path: Path) -> Path:
    path = tmp_path / "home"
    path.mkdir()
    with Log.open(path / "data") as log:
        log.save_worksheet(Worksheet("1.3", "voices", text=VOICES))
        log.save_worksheet(Worksheet("1.2", "map", people=(Person("p1", "GP"),)))
    return path


def words(svg: bytes) -> list[str]:
    """The title's text, then each phrase's (its tooltip, the count, left out)."""
    root = ElementTree.fromstring(svg)
    assert root.tag == f"{SVG}svg"
    texts = list(root.iter(f"{SVG}text"))
    phrases = ["".join(text.itertext()).removeprefix(text.findtext(f"{SVG}title") or "")
               for text in texts if text.get("class") == "phrase"]
    return ["".join(texts[0].itertext()), *phrases]


def test_writes_the_cloud_privately_to_a_file(home: Path) -> None:
    done = run("1.3", "-o", "cloud.svg", home=home)
    assert done.returncode == 0, done.stderr
    path = home / "cloud.svg"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    shown = words(path.read_bytes())
    assert shown[0].startswith("1.3 ")  # the title
    # Heaviest in the middle, as a cloud is; every phrase as typed (a control character shown).
    assert sorted(shown[1:]) == sorted(["Safer streets", "green space", "<script>alert(1)</script> & ␛]0;pwned␇ done"])
    assert b"cloud.svg" in done.stdout and b"3 phrases" in done.stdout


def test_never_replaces_a_file_without_force(home: Path) -> None:
    (home / "cloud.svg").write_text("mine")
    refused = run("1.3", "-o", "cloud.svg", home=home)
    assert refused.returncode == 2 and b"--force" in refused.stderr
    assert len(refused.stderr.splitlines()) == 1 and b"Traceback" not in refused.stderr
    assert (home / "cloud.svg").read_text() == "mine"
    assert run("1.3", "-o", "cloud.svg", "--force", home=home).returncode == 0
    assert words((home / "cloud.svg").read_bytes())[1:]


def test_standard_output(home: Path) -> None:
    done = run("1.3", "-o", "-", home=home)
    assert done.returncode == 0, done.stderr
    assert "green space" in words(done.stdout)


def test_default_file_in_the_home_folder_never_over_another(home: Path) -> None:
    first, second = run("1.3", home=home), run("1.3", home=home)
    assert first.returncode == second.returncode == 0
    made = sorted(p.name for p in home.glob("powerdeck-cloud-1.3-*.svg"))
    assert len(made) == 2 and any(name.endswith("-2.svg") for name in made)


def test_refuses_a_named_pipe_and_the_log(home: Path) -> None:
    os.mkfifo(home / "pipe.svg")
    refused = run("1.3", "-o", "pipe.svg", "--force", home=home)  # would block for ever if opened
    assert refused.returncode == 2 and b"named pipe" in refused.stderr
    log = home / "data" / "log.json"
    before = log.read_bytes()
    refused = run("1.3", "-o", str(log), "--force", home=home)
    assert refused.returncode == 2 and b"review log" in refused.stderr
    assert log.read_bytes() == before


@pytest.mark.parametrize(("card", "says"), [
    ("6.3", b"no voices yet"),       # a voices card, nothing typed
    ("1.2", b"relationship") ,       # a map, not voices
    ("1.1", b"no worksheet"),        # no worksheet at all
    ("99.9", b'no card "99.9"'),     # not in the deck
    ("\x1b[2J", b'no card "\xe2\x90\x9b[2J"'),  # shown, never obeyed
])
def test_one_line_and_status_2(home: Path, card: str, says: bytes) -> None:
    refused = run(card, "-o", "x.svg", home=home)
    assert refused.returncode == 2, refused
    assert says in refused.stderr and len(refused.stderr.splitlines()) == 1
    assert b"Traceback" not in refused.stderr and not (home / "x.svg").exists()


def test_no_log_yet_creates_nothing(tmp_path: Path) -> None:
    refused = run("1.3", home=tmp_path)
    assert refused.returncode == 2 and b"no voices yet" in refused.stderr
    assert not (tmp_path / "data").exists() and not list(tmp_path.glob("*.svg"))
