"""`powerdeck export` as a user runs it: Word by default, a real period, `-o -` to get the file
off a server, and targets that must never be written (a named pipe, a device, the log itself,
the file behind a symlink). Real processes, real files, a real pseudo-terminal."""

from __future__ import annotations

import io
import os
import pty
import stat
import subprocess
import sys
from pathlib import Path

import docx
import pytest

from powerdeck.core.entry import Entry
from powerdeck.export import NAME_KEY, ROLE_KEY

pytestmark = pytest.mark.slow
EPOCH = "1790000000"  # reproducible export time: two runs make the same bytes


def entry(n: int, card: str, created: str, action: str, outcome: str = "", learning: str = "") -> Entry:
    return Entry(f"entry{n:03d}", card, int(card.split(".")[0]), action, outcome, learning, created, created)


ENTRIES = [
    entry(1, "1.1", "2026-03-31T23:30:00+01:00", "Last day of the old year", "x", "y"),
    entry(2, "1.2", "2026-04-01T00:10:00+01:00", "First day of the new year"),
    entry(3, "4.2", "2027-03-31T12:00:00+01:00", "Last day \x1b]0;pwned\x07 of it", "Done", "Ask"),
    entry(4, "10.1", "2027-04-01T09:00:00+01:00", "Next year already", "a", "b"),
    entry(5, "2.1", "2026-12-31T09:00:00+00:00", "A lone \ud800 surrogate", "ok", "ok"),
]


def environment(home: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("POWERDECK_DATA", "POWERDECK_DECK")}
    env.update(HOME=str(home), XDG_DATA_HOME=str(home / ".local" / "share"), PYTHONUTF8="1",
               SOURCE_DATE_EPOCH=EPOCH)
    return env


def run(*args: str, home: Path, **kwargs: object) -> subprocess.CompletedProcess:
    options: dict = {"capture_output": True, **kwargs}
    if "stdout" in options or "stderr" in options:
        options.pop("capture_output")
    return subprocess.run([sys.executable, "-m", "powerdeck", *args], env=environment(home),
                          timeout=60, **options)


@pytest.fixture
def home(tmp_path: Path) -> Path:
    path = tmp_path / "home"
    path.mkdir()
    return path


@pytest.fixture
def data(tmp_path: Path) -> Path:
    from powerdeck.store.log import Log

    directory = tmp_path / "data"
    with Log.open(directory) as log:
        log.import_entries(ENTRIES)
    return directory


def one_line_refusal(result: subprocess.CompletedProcess) -> str:
    stderr = result.stderr.decode() if isinstance(result.stderr, bytes) else result.stderr
    assert result.returncode == 2, stderr
    assert len(stderr.strip().splitlines()) == 1, stderr
    assert "Traceback" not in stderr
    return stderr


# ---------------------------------------------------------------------------- -o - (stdout)


@pytest.mark.parametrize("fmt", ["docx", "csv", "markdown", "json"])
def test_stdout_to_a_pipe_is_the_same_bytes_as_a_file(data: Path, home: Path, tmp_path: Path, fmt: str) -> None:
    out = tmp_path / f"review.{fmt}"
    to_file = run("export", "--data", str(data), "--format", fmt, "-o", str(out), home=home)
    assert to_file.returncode == 0, to_file.stderr
    piped = run("export", "--data", str(data), "--format", fmt, "-o", "-", home=home)
    assert piped.returncode == 0, piped.stderr
    assert piped.stdout == out.read_bytes()
    assert piped.stderr.decode().strip() == "Exported 5 entries"


def _run_on_a_terminal(*args: str, home: Path) -> tuple[int, bytes, str]:
    main, secondary = pty.openpty()
    try:
        result = run(*args, home=home, stdout=secondary, stderr=subprocess.PIPE)
        os.close(secondary)
        secondary = -1
        shown = b""
        while True:
            try:
                chunk = os.read(main, 65536)
            except OSError:
                break
            if not chunk:
                break
            shown += chunk
        return result.returncode, shown, result.stderr.decode()
    finally:
        os.close(main)
        if secondary != -1:
            os.close(secondary)


def test_word_to_a_terminal_is_refused_in_one_line(data: Path, home: Path) -> None:
    code, shown, stderr = _run_on_a_terminal("export", "--data", str(data), "-o", "-", home=home)
    assert code == 2 and shown == b""
    assert stderr.strip().splitlines() == [
        "powerdeck: a Word file cannot be shown on the screen: add -o FILE, or send it to a file "
        "with -o - > review.docx"
    ]


def test_text_to_a_terminal_shows_control_characters_instead_of_obeying_them(data: Path, home: Path) -> None:
    code, shown, _ = _run_on_a_terminal("export", "--data", str(data), "--format", "markdown", "-o", "-",
                                        home=home)
    assert code == 0
    assert b"\x1b]0;" not in shown and b"\x07" not in shown
    assert "␛\\]0;pwned␇".encode() in shown  # (the `]` escaped for Markdown)


def test_a_full_disk_on_stdout_is_one_line(data: Path, home: Path) -> None:
    if not os.path.exists("/dev/full"):
        pytest.skip("no /dev/full on this system")
    with open("/dev/full", "wb") as full:
        result = run("export", "--data", str(data), "--format", "json", "-o", "-", home=home,
                     stdout=full, stderr=subprocess.PIPE)
    assert "No space left on device" in one_line_refusal(result)


def test_a_reader_that_goes_away_is_not_an_error(data: Path, home: Path) -> None:
    process = subprocess.Popen([sys.executable, "-m", "powerdeck", "export", "--data", str(data),
                                "--format", "json", "-o", "-"], env=environment(home),
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert process.stdout is not None and process.stderr is not None
    process.stdout.read(10)
    process.stdout.close()
    assert process.wait(timeout=60) == 0
    assert b"Traceback" not in process.stderr.read()


# ----------------------------------------------------------------------- periods and people


def titles_and_actions(path: Path) -> tuple[str, list[str]]:
    document = docx.Document(str(path))
    texts = [p.text for p in document.paragraphs]
    return texts[0], texts


def test_appraisal_year_is_1_april_to_31_march(data: Path, home: Path, tmp_path: Path) -> None:
    out = tmp_path / "pdr.docx"
    result = run("export", "--data", str(data), "--appraisal-year", "2026", "-o", str(out), home=home)
    assert result.returncode == 0, result.stderr
    assert result.stdout.decode().strip() == f"Exported 3 entries to {out}"
    title, texts = titles_and_actions(out)
    assert title == "Review log book: 1 April 2026 to 31 March 2027"
    assert "First day of the new year" in texts and "Last day of the old year" not in texts
    assert "Next year already" not in texts


def test_calendar_year(data: Path, home: Path, tmp_path: Path) -> None:
    out = tmp_path / "year.docx"
    result = run("export", "--data", str(data), "--year", "2026", "-o", str(out), home=home)
    assert result.returncode == 0, result.stderr
    title, texts = titles_and_actions(out)
    assert title == "Review log book: 1 January 2026 to 31 December 2026"
    assert "A lone \ufffd surrogate" in texts and "Next year already" not in texts


def test_uk_dates_on_the_command_line(data: Path, home: Path) -> None:
    result = run("export", "--data", str(data), "--format", "markdown", "--since", "01/04/2026",
                 "--until", "31/3/2027", "-o", "-", home=home)
    assert result.returncode == 0, result.stderr
    assert result.stdout.decode().startswith("# Review log book: 1 April 2026 to 31 March 2027\n")


def test_name_and_role_given_or_remembered(data: Path, home: Path, tmp_path: Path) -> None:
    from powerdeck.store.log import Log

    given = tmp_path / "given.docx"
    assert run("export", "--data", str(data), "--name", "Sam Jones", "--role", "Team leader",
               "-o", str(given), home=home).returncode == 0
    _, texts = titles_and_actions(given)
    assert "Name: Sam Jones" in texts and "Role: Team leader" in texts
    with Log.open(data) as log:
        log.set_state(NAME_KEY, "Ada Ng")
        log.set_state(ROLE_KEY, "Practice manager")
    remembered = tmp_path / "remembered.docx"
    assert run("export", "--data", str(data), "-o", str(remembered), home=home).returncode == 0
    _, texts = titles_and_actions(remembered)
    assert "Name: Ada Ng" in texts and "Role: Practice manager" in texts


def test_a_lone_surrogate_in_the_log_never_stops_an_export(data: Path, home: Path) -> None:
    for fmt in ("docx", "markdown", "csv", "json"):
        result = run("export", "--data", str(data), "--format", fmt, "-o", "-", home=home)
        assert result.returncode == 0, (fmt, result.stderr)
    json_out = run("export", "--data", str(data), "--format", "json", "-o", "-", home=home).stdout
    assert b"A lone \\ud800 surrogate" in json_out


# ------------------------------------------------------------------- targets never written


def test_a_named_pipe_is_refused_even_with_force_and_never_hangs(data: Path, home: Path, tmp_path: Path) -> None:
    fifo = tmp_path / "review.docx"
    os.mkfifo(fifo)
    for flags in ((), ("--force",)):
        result = run("export", "--data", str(data), "-o", str(fifo), *flags, home=home)
        stderr = one_line_refusal(result)
        assert "named pipe" in stderr or "already exists" in stderr
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["data", "home", "review.docx"]


def test_a_device_is_refused_with_force(data: Path, home: Path) -> None:
    result = run("export", "--data", str(data), "-o", "/dev/null", "--force", home=home)
    assert "it is a device" in one_line_refusal(result)
    assert stat.S_ISCHR(os.stat("/dev/null").st_mode)


@pytest.mark.parametrize(("name", "exists"), [
    *[(name, True) for name in ("log.json", "log.json.bak1", "log.json.lock", "state.json", "state.json.bak1",
                                "state.json.lock")],
    *[(name, False) for name in ("state.json", "state.json.bak3", "log.json.bak5", ".log.json.0123456789abcdef.tmp")],
])
def test_no_file_of_the_store_is_ever_written(data: Path, home: Path, name: str, exists: bool) -> None:
    # Issue 19, finding 4: `-o DATA/state.json` replaced (--force) or created the drafts file.
    from powerdeck.store.log import Log

    with Log.open(data) as log:
        log.set_state("theme", "nord")  # a second write: a backup exists
    target = data / name
    if not exists:
        target.unlink(missing_ok=True)
    before = {p.name: p.read_bytes() for p in data.iterdir() if p.is_file()}
    result = run("export", "--data", str(data), "--format", "json", "-o", str(target), "--force", home=home)
    assert "one of powerdeck's own files (your review log" in one_line_refusal(result)
    assert {p.name: p.read_bytes() for p in data.iterdir() if p.is_file()} == before


def test_a_hard_link_to_the_log_is_never_overwritten(data: Path, home: Path, tmp_path: Path) -> None:
    alias = tmp_path / "alias.json"
    os.link(data / "log.json", alias)
    before = (data / "log.json").read_bytes()
    result = run("export", "--data", str(data), "--format", "json", "-o", str(alias), "--force", home=home)
    assert "your review log" in one_line_refusal(result)
    assert (data / "log.json").read_bytes() == before


def test_a_symlink_target_is_replaced_never_followed(data: Path, home: Path, tmp_path: Path) -> None:
    victim = tmp_path / "victim.txt"
    victim.write_text("someone else's file")
    link = tmp_path / "review.docx"
    link.symlink_to(victim)
    refused = run("export", "--data", str(data), "-o", str(link), home=home)
    assert "already exists" in one_line_refusal(refused)
    forced = run("export", "--data", str(data), "-o", str(link), "--force", home=home)
    assert forced.returncode == 0, forced.stderr
    assert victim.read_text() == "someone else's file"
    assert not link.is_symlink() and stat.S_IMODE(link.stat().st_mode) == 0o600
    docx.Document(io.BytesIO(link.read_bytes()))
