"""`powerdeck export` / `powerdeck import` as a user runs them: real processes, real log files."""

from __future__ import annotations

import csv
import io
import json
import os
import stat
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

from powerdeck.core.entry import Entry
from powerdeck.export import parse_json_export

pytestmark = pytest.mark.slow

AWKWARD = 'Commas, "quotes"\n# hash | pipe [/b] \U0001f44d\n=1+1'


def entry(n: int, card: str, day: str, action: str, outcome: str = "", learning: str = "") -> Entry:
    return Entry(
        id=f"entry{n:03d}",
        card=card,
        capability=int(card.split(".")[0]),
        action=action,
        outcome=outcome,
        learning=learning,
        created=f"{day}T09:00:00+01:00",
        updated=f"{day}T18:30:00+01:00",
    )


ENTRIES = [
    entry(1, "1.1", "2026-01-05", "Walked the patch", "Met the allotment group", "Go on foot"),
    entry(2, "1.2", "2026-02-10", "Drew a relationship map"),  # open
    entry(3, "4.2", "2026-03-15", AWKWARD, AWKWARD, AWKWARD),
    entry(4, "10.1", "2026-11-30", "Asked who holds power", "Uncomfortable", "Keep asking"),
]


def make_log(directory: Path, entries=ENTRIES) -> Path:
    from powerdeck.store import locations
    from powerdeck.store.log import Log

    log = Log.open(directory)
    log.import_entries(list(entries))
    return locations.log_path(directory)


def run(*args: str, home: Path, stdin: str | None = None) -> subprocess.CompletedProcess:
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in ("POWERDECK_DATA", "POWERDECK_DECK")
    }
    env.update(HOME=str(home), XDG_DATA_HOME=str(home / ".local" / "share"), PYTHONUTF8="1")
    return subprocess.run(
        [sys.executable, "-m", "powerdeck", *args],
        capture_output=True,
        text=True,
        encoding="utf-8",
        env=env,
        input=stdin,
        timeout=60,
    )


@pytest.fixture
def home(tmp_path: Path) -> Path:
    path = tmp_path / "home"
    path.mkdir()
    return path


@pytest.fixture
def data(tmp_path: Path) -> Path:
    directory = tmp_path / "data"
    make_log(directory)
    return directory


def export_json(data: Path, home: Path, *flags: str) -> list[Entry]:
    result = run("export", "--data", str(data), "--format", "json", "-o", "-", *flags, home=home)
    assert result.returncode == 0, result.stderr
    return parse_json_export(result.stdout)


def ids(entries) -> list[str]:
    return sorted(e.id for e in entries)


# ------------------------------------------------------------------------------------ export


def test_export_default_is_word_at_a_new_path(data: Path, home: Path) -> None:
    import docx

    result = run("export", "--data", str(data), home=home)
    assert result.returncode == 0, result.stderr
    path = home / f"powerdeck-log-{date.today().isoformat()}.docx"
    assert result.stdout.strip() == f"Exported 4 entries to {path}"
    document = docx.Document(str(path))
    assert document.paragraphs[0].text == "Review log book: all entries, 5 January 2026 to 30 November 2026"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    first = path.read_bytes()
    # A second export picks a new name instead of overwriting.
    again = run("export", "--data", str(data), home=home)
    assert again.returncode == 0, again.stderr
    assert again.stdout.strip().endswith(f"-{date.today().isoformat()}-2.docx")
    assert path.read_bytes() == first


def test_export_markdown_file(data: Path, home: Path, tmp_path: Path) -> None:
    out = tmp_path / "review.md"
    result = run("export", "--data", str(data), "--format", "markdown", "-o", str(out), home=home)
    assert result.returncode == 0, result.stderr
    text = out.read_text(encoding="utf-8")
    assert text.startswith("# Review log book: all entries, 5 January 2026 to 30 November 2026\n")
    assert "## 1\\. We know our people and communities" in text
    assert "### 2026-03-15 · 4\\.2 " not in text and "### 2026-03-15 · 4.2 " in text
    assert "\\# hash \\| pipe \\[/b\\] \U0001f44d" in text


def test_export_csv_file(data: Path, home: Path, tmp_path: Path) -> None:
    out = tmp_path / "log.csv"
    result = run("export", "--data", str(data), "--format", "csv", "-o", str(out), home=home)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == f"Exported 4 entries to {out}"
    raw = out.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # UTF-8 BOM for Excel
    title, table = raw.decode("utf-8-sig").split("\r\n", 1)
    assert next(csv.reader([title])) == ["Review log book: all entries, 5 January 2026 to 30 November 2026"]
    rows = list(csv.DictReader(io.StringIO(table, newline="")))
    assert [row["id"] for row in rows] == ["entry001", "entry002", "entry003", "entry004"]
    awkward = rows[2]
    assert awkward["action"] == awkward["outcome"] == awkward["learning"] == AWKWARD
    assert awkward["card"] == "4.2" and awkward["capability"] == "4"
    assert rows[1]["open"] == "yes" and rows[0]["open"] == "no"
    assert stat.S_IMODE(out.stat().st_mode) == 0o600


def test_export_json_round_trip_into_empty_log(data: Path, home: Path, tmp_path: Path) -> None:
    out = tmp_path / "log.json"
    result = run("export", "--data", str(data), "--format", "json", "-o", str(out), home=home)
    assert result.returncode == 0, result.stderr
    assert stat.S_IMODE(out.stat().st_mode) == 0o600

    fresh = tmp_path / "fresh"
    first = run("import", "--data", str(fresh), str(out), home=home)
    assert first.returncode == 0, first.stderr
    assert first.stdout.strip() == f"Added 4 entries (0 already present) from {out}"

    from powerdeck.store.log import Log

    imported = Log.open(fresh).entries()
    assert sorted(imported, key=lambda e: e.id) == sorted(ENTRIES, key=lambda e: e.id)

    second = run("import", "--data", str(fresh), str(out), home=home)
    assert second.returncode == 0, second.stderr
    assert second.stdout.strip() == f"Added 0 entries (4 already present) from {out}"
    assert len(Log.open(fresh).entries()) == 4


def test_export_to_stdout(data: Path, home: Path) -> None:
    result = run("export", "--data", str(data), "--format", "csv", "-o", "-", home=home)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("\ufeff")  # the same bytes as the file, mark included
    assert result.stdout.splitlines()[1].startswith("id,date,capability,")
    assert "Exported 4 entries" in result.stderr
    assert list(home.iterdir()) == []


def test_export_filters(data: Path, home: Path) -> None:
    assert ids(export_json(data, home, "--capability", "1")) == ["entry001", "entry002"]
    assert ids(export_json(data, home, "--capability", "1", "--capability", "10")) == [
        "entry001",
        "entry002",
        "entry004",
    ]
    assert ids(export_json(data, home, "--since", "2026-02-10")) == [
        "entry002",
        "entry003",
        "entry004",
    ]
    assert ids(export_json(data, home, "--until", "2026-02-10")) == ["entry001", "entry002"]
    assert ids(
        export_json(data, home, "--since", "2026-01-06", "--until", "2026-11-29")
    ) == ["entry002", "entry003"]
    assert ids(export_json(data, home, "--open")) == ["entry002"]


def test_export_markdown_period_title(data: Path, home: Path) -> None:
    result = run(
        "export", "--data", str(data), "-o", "-", "--format", "markdown",
        "--since", "1/1/2026", "--until", "2026-11-25", "--capability", "1",
        home=home,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("# Review log book: 1 January 2026 to 25 November 2026\n")
    assert "| 1 | We know our people and communities | 2 | 1 |" in result.stdout
    assert "\n| 2 | " not in result.stdout  # summary limited to the chosen capability


@pytest.mark.parametrize(
    ("flags", "message"),
    [
        (["--since", "2026-13-01"], "--since '2026-13-01' is not a date: there is no month 13"),
        (["--until", "31/02/2026"], "--until '31/02/2026' is not a date: February 2026 has no day 31"),
        (["--since", "1/4/26"], "write the year in full"),
        (["--year", "2026", "--since", "2026-01-01"], "--year gives the period already"),
        (["--appraisal-year", "0"], "--appraisal-year 0: write a year such as 2026"),
        (["--layout", "nmc", "--format", "csv"], "--layout nmc is for the review documents"),
        (["--until", "yesterday"], "--until 'yesterday' is not a date"),
        (["--since", "2026-05-01", "--until", "2026-04-01"], "is after --until"),
        (["--capability", "11"], "--capability 11: there is no such capability"),
        (["--capability", "0"], "--capability 0"),
    ],
)
def test_export_bad_options(data: Path, home: Path, flags, message) -> None:
    result = run("export", "--data", str(data), *flags, home=home)
    assert result.returncode == 2
    assert message in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert "Traceback" not in result.stderr
    assert list(home.iterdir()) == []


def test_export_refuses_to_overwrite_then_force(data: Path, home: Path, tmp_path: Path) -> None:
    out = tmp_path / "mine.md"
    out.write_text("precious")
    out.chmod(0o644)
    refused = run("export", "--data", str(data), "--format", "markdown", "-o", str(out), home=home)
    assert refused.returncode == 2
    assert "already exists" in refused.stderr and "--force" in refused.stderr
    assert len(refused.stderr.strip().splitlines()) == 1
    assert out.read_text() == "precious"
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".mine")] == []

    forced = run("export", "--data", str(data), "--format", "markdown", "-o", str(out), "--force", home=home)
    assert forced.returncode == 0, forced.stderr
    assert out.read_text(encoding="utf-8").startswith("# Review log")
    assert stat.S_IMODE(out.stat().st_mode) == 0o600


def test_export_missing_folder(data: Path, home: Path, tmp_path: Path) -> None:
    out = tmp_path / "nowhere" / "log.md"
    result = run("export", "--data", str(data), "-o", str(out), home=home)
    assert result.returncode == 2
    assert "does not exist" in result.stderr


def test_export_without_a_log_creates_nothing(home: Path, tmp_path: Path) -> None:
    missing = tmp_path / "no-data"
    result = run("export", "--data", str(missing), home=home)
    assert result.returncode == 2
    assert "no review log yet at" in result.stderr
    assert not missing.exists()
    assert list(home.iterdir()) == []


# ------------------------------------------------------------------------------------ import


def _snapshot(directory: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(directory.iterdir()) if p.is_file()}


def _export_document() -> dict:
    from powerdeck.export import to_json

    return json.loads(to_json([entry(9, "3.1", "2026-06-01", "New one")]))


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("{ not json", "not a JSON file"),
        ('{"format": "something-else"}', "not a powerdeck export"),
        ("\xff\xfe", "not a JSON file"),
    ],
)
def test_import_malformed_changes_nothing(data: Path, home: Path, tmp_path, content, message):
    bad = tmp_path / "bad.json"
    bad.write_text(content, encoding="latin-1" if content.startswith("\xff") else "utf-8")
    before = _snapshot(data)
    result = run("import", "--data", str(data), str(bad), home=home)
    assert result.returncode == 2
    assert f"cannot import {bad}: {message}" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert _snapshot(data) == before


def test_import_entry_missing_field(data: Path, home: Path, tmp_path: Path) -> None:
    document = _export_document()
    del document["entries"][0]["outcome"]
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(document))
    before = _snapshot(data)
    result = run("import", "--data", str(data), str(bad), home=home)
    assert result.returncode == 2
    assert 'entry 1 is missing field "outcome"' in result.stderr
    assert _snapshot(data) == before


def test_import_newer_schema(data: Path, home: Path, tmp_path: Path) -> None:
    document = _export_document()
    document["schema_version"] = 99
    newer = tmp_path / "newer.json"
    newer.write_text(json.dumps(document))
    before = _snapshot(data)
    result = run("import", "--data", str(data), str(newer), home=home)
    assert result.returncode == 2
    assert "newer powerdeck" in result.stderr
    assert _snapshot(data) == before


def test_import_card_not_in_this_deck_is_kept_and_flagged(data: Path, home: Path, tmp_path: Path) -> None:
    # A team's --deck has cards the packaged deck lacks: their entries are kept, not refused,
    # and exported again.
    document = _export_document()
    good = dict(document["entries"][0], id="good-one")
    unknown = dict(document["entries"][0], id="team-one", card="3.9")
    document["entries"] = [good, unknown]
    team = tmp_path / "team.json"
    team.write_text(json.dumps(document))
    result = run("import", "--data", str(data), str(team), home=home)
    assert result.returncode == 0, result.stderr
    assert "1 for cards not in this deck" in result.stdout
    exported = run("export", "--data", str(data), "--format", "json", "-o", "-", home=home)
    assert exported.returncode == 0 and "team-one" in exported.stdout
    markdown = run("export", "--data", str(data), "--format", "markdown", "-o", "-", home=home)
    assert markdown.returncode == 0 and "3.9" in markdown.stdout


def test_import_missing_file(data: Path, home: Path, tmp_path: Path) -> None:
    result = run("import", "--data", str(data), str(tmp_path / "absent.json"), home=home)
    assert result.returncode == 2
    assert "cannot read" in result.stderr and "absent.json" in result.stderr


def test_import_merges_with_existing(data: Path, home: Path, tmp_path: Path) -> None:
    document = _export_document()
    document["entries"].append(ENTRIES[0].to_dict())
    file = tmp_path / "merge.json"
    file.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
    result = run("import", "--data", str(data), str(file), home=home)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == f"Added 1 entry (1 already present) from {file}"
    from powerdeck.store.log import Log

    assert len(Log.open(data).entries()) == 5
