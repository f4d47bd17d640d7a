"""An organisation's own Word form (export/forms.py): both samples filled and read back with
python-docx; hostile forms (a sandbox escape, an unknown field, a loop of a million) refused or
bounded in one line, with nothing written; the command line's --template."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
import time
from datetime import date, datetime, timezone
from pathlib import Path

import docx
import pytest

from powerdeck.core.entry import Entry
from powerdeck.deck.model import load_deck
from powerdeck.export import ExportOptions
from powerdeck.export.form_context import CONTEXT_NAMES, ENTRY_NAMES, form_context
from powerdeck.export.forms import SAMPLES, FormError, fill_form, sample_forms
from powerdeck.store.log import Log

DECK = load_deck()
FIXED = datetime(2026, 12, 1, 9, 0, tzinfo=timezone.utc)
OPTIONS = ExportOptions(since=date(2026, 4, 1), until=date(2027, 3, 31), name="Sam Jones", role="Team leader",
                        exported=FIXED)
AWKWARD = "Met <Ward 7> & the PCN lead"


def entry(n: int, card: str, action: str, **extras: object) -> Entry:
    return Entry.from_dict({"id": f"e{n:03d}", "card": card, "capability": int(card.split(".")[0]),
                            "action": action, "outcome": extras.pop("outcome", ""),
                            "learning": extras.pop("learning", ""), "created": "2026-05-01T09:00:00+01:00",
                            "updated": "2026-05-01T09:00:00+01:00", **extras})


ENTRIES = [
    entry(1, "4.2", AWKWARD, tags=["Compassion"], hours=2, follow_up="2027-01-14"),
    entry(2, "1.1", "Walked with a carer", outcome="Saw the food bank\nand the library", learning="Ask first",
          tags=["Respect"], hours=1.5),
    entry(3, "9.2", "Counted what matters"),
    entry(4, "1.3", "The grievance", private=True),
]


def context() -> dict[str, object]:
    return form_context(ENTRIES, DECK, OPTIONS)


def read(data: bytes) -> str:
    document = docx.Document(io.BytesIO(data))
    cells = [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    return "\n".join([p.text for p in document.paragraphs] + cells)


def make_form(*paragraphs: str) -> bytes:
    document = docx.Document()
    for text in paragraphs:
        document.add_paragraph(text)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


# ------------------------------------------------------------------------------ the samples

def test_the_trust_yearly_review_filled() -> None:
    data = fill_form(sample_forms()["trust-yearly-review"].read_bytes(), context())
    text = read(data)
    assert "Sam Jones" in text and "Team leader" in text and "1 April 2026 to 31 March 2027" in text
    assert f"4.2 {DECK.card('4.2').title}: {AWKWARD}" in text  # under its value, escaped whole
    assert "Compassion (1 entry)" in text and "Respect (1 entry)" in text
    assert "Time recorded in this period: 3.5 hours." in text
    assert "14 January 2027" in text  # next year's objectives, from the open entries
    assert "grievance" not in text  # private
    document = docx.Document(io.BytesIO(data))
    objectives = [[c.text for c in row.cells] for row in document.tables[-1].rows]
    assert objectives[0] == ["Objective", "From card", "By"]
    assert [row[0] for row in objectives[1:]] == [AWKWARD, "Counted what matters"]


def test_the_council_values_conversation_filled() -> None:
    text = read(fill_form(sample_forms()["council-values-conversation"].read_bytes(), context()))
    assert "How you demonstrated our values" in text
    assert "Walked with a carer — Saw the food bank\nand the library" in text  # a line break kept
    assert f"{DECK.card('1.1').title}: Ask first" in text
    assert f"{DECK.card('4.2').title}: (still to write)" in text
    assert f"{AWKWARD} (by 14 January 2027)" in text
    assert "{{" not in text and "{%" not in text


def test_the_samples_ship_in_the_package() -> None:
    forms = sample_forms()
    assert set(forms) == set(SAMPLES)
    assert all(form.read_bytes()[:2] == b"PK" for form in forms.values())


def test_the_documented_context_is_what_a_form_gets() -> None:
    filled = context()
    assert set(filled) == set(CONTEXT_NAMES)
    assert set(filled["entries"][0]) == set(ENTRY_NAMES)
    assert filled["period"] == {"text": "1 April 2026 to 31 March 2027", "start": "1 April 2026",
                                "end": "31 March 2027", "start_iso": "2026-04-01", "end_iso": "2027-03-31"}
    json.dumps(filled)  # plain data only: it crosses to the process that fills the form
    docs = (Path(__file__).parent.parent / "docs" / "forms.md").read_text()
    assert all(f"`{name}`" in docs for name in (*CONTEXT_NAMES, *ENTRY_NAMES))


# -------------------------------------------------------------------------- hostile forms

def test_a_sandbox_escape_is_refused() -> None:
    form = make_form("{{ ''.__class__.__mro__[1].__subclasses__() | length }}")
    with pytest.raises(FormError, match="reach inside powerdeck") as caught:
        fill_form(form, context())
    assert "\n" not in str(caught.value)


def test_unknown_fields_are_named_before_anything_is_filled() -> None:
    form = make_form("{{ name }} {{ salary }}", "{% for x in grades %}{{ x }}{% endfor %}")
    with pytest.raises(FormError, match="fields powerdeck does not have: grades, salary"):
        fill_form(form, context())


def test_an_unknown_field_of_an_entry_is_refused() -> None:
    form = make_form("{% for e in entries %}{{ e.password }}{% endfor %}")
    with pytest.raises(FormError, match="a field powerdeck does not have"):
        fill_form(form, context())


def test_a_loop_of_a_million_is_refused() -> None:
    form = make_form("{% for i in range(1000000) %}x{% endfor %}")
    started = time.monotonic()
    with pytest.raises(FormError, match="range of 1,000,000 numbers"):
        fill_form(form, context())
    assert time.monotonic() - started < 15


@pytest.mark.slow
def test_a_loop_of_a_million_squared_is_bounded_by_time() -> None:
    form = make_form("{% for i in range(10000) %}{% for j in range(10000) %}{% endfor %}{% endfor %}")
    started = time.monotonic()
    with pytest.raises(FormError, match="longer than 2 seconds"):
        fill_form(form, context(), time_limit=2)
    assert time.monotonic() - started < 10


def test_the_safe_filter_is_not_there_to_switch_escaping_off() -> None:
    form = make_form("{{ name | safe }}")
    with pytest.raises(FormError):
        fill_form(form, context())


def test_not_a_form() -> None:
    with pytest.raises(FormError, match="cannot be read"):
        fill_form(b"PK not really a zip", context())


# --------------------------------------------------------------------------- the command line

def run(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "HOME": str(cwd), "SOURCE_DATE_EPOCH": "1764579600"}
    return subprocess.run([sys.executable, "-m", "powerdeck", *args], capture_output=True, text=True,
                          cwd=cwd, env=env, timeout=120, check=False)


@pytest.fixture
def data(tmp_path: Path) -> Path:
    folder = tmp_path / "data"
    folder.mkdir(mode=0o700)
    with Log.open(folder) as log:
        log.import_entries(ENTRIES)
        log.set_state("reviewer_name", "Sam Jones")
    return folder


def test_cli_lists_the_forms(data: Path, tmp_path: Path) -> None:
    (data / "forms").mkdir()
    (data / "forms" / "our-pdr.docx").write_bytes(make_form("{{ name }}"))
    done = run("export", "--data", str(data), "--template", "list", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert "trust-yearly-review" in done.stdout and "council-values-conversation" in done.stdout
    assert "our-pdr" in done.stdout


def test_cli_fills_a_sample_into_a_file_named_for_the_period(data: Path, tmp_path: Path) -> None:
    done = run("export", "--data", str(data), "--template", "trust-yearly-review", "--appraisal-year", "2026",
               cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    written = tmp_path / "trust-yearly-review-2026-27.docx"
    assert written.exists() and oct(written.stat().st_mode & 0o777) == "0o600"
    assert "Sam Jones" in read(written.read_bytes())


def test_cli_refuses_a_hostile_form_in_one_line_and_writes_nothing(data: Path, tmp_path: Path) -> None:
    form = tmp_path / "bad.docx"
    form.write_bytes(make_form("{{ salary }} {{ name }}"))
    done = run("export", "--data", str(data), "--template", str(form), "-o", str(tmp_path / "out.docx"), cwd=tmp_path)
    assert done.returncode == 2
    assert done.stderr.count("\n") == 1 and "salary" in done.stderr
    assert not (tmp_path / "out.docx").exists()


def test_cli_ics_and_private(data: Path, tmp_path: Path) -> None:
    done = run("export", "--data", str(data), "--format", "ics", "-o", str(tmp_path / "f.ics"), cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert b"UID:e001@powerdeck.invalid" in (tmp_path / "f.ics").read_bytes()
    done = run("export", "--data", str(data), "--format", "markdown", "-o", "-", cwd=tmp_path)
    assert "grievance" not in done.stdout and "Counted what matters" in done.stdout
    done = run("export", "--data", str(data), "--format", "markdown", "--include-private", "-o", "-", cwd=tmp_path)
    assert "grievance" in done.stdout


# ----------------------------------------------------------------------------- a team server

def test_a_team_server_offers_the_administrators_forms_by_name(data: Path, tmp_path: Path) -> None:
    from powerdeck.core.errors import PowerdeckError
    from powerdeck.deck.model import load_deck
    from powerdeck.serve.commands import export_bytes, parse_command

    deck = load_deck()  # the server loads it once; a job is handed the deck, not its file
    state = tmp_path / "state"
    (state / "forms").mkdir(parents=True)
    (state / "forms" / "our-pdr.docx").write_bytes(make_form("PDR for {{ name }}"))
    wanted = parse_command("export --template our-pdr --appraisal-year 2026")
    assert wanted is not None
    assert "PDR for Sam Jones" in read(export_bytes(data, deck, wanted, state))
    sample = parse_command("export --template council-values-conversation")
    assert sample is not None and "Values conversation" in read(export_bytes(data, deck, sample, state))
    # A person's own folder is not searched, and a path is never a name.
    (data / "forms").mkdir()
    (data / "forms" / "mine.docx").write_bytes(make_form("{{ name }}"))
    mine = parse_command("export --template mine")
    assert mine is not None
    with pytest.raises(PowerdeckError, match="no form called 'mine'"):
        export_bytes(data, deck, mine, state)
    assert parse_command("export --template ../../etc/passwd") is None
    assert parse_command("export --template /tmp/x.docx") is None


def test_cli_says_what_went_in(data: Path, tmp_path: Path) -> None:
    done = run("export", "--data", str(data), "--format", "markdown", "-o", str(tmp_path / "p.md"), cwd=tmp_path)
    assert "Exported 3 entries (1 private entry left out: --include-private puts them in)" in done.stdout
    done = run("export", "--data", str(data), "--format", "ics", "-o", str(tmp_path / "f.ics"), cwd=tmp_path)
    assert "Exported 1 follow-up to" in done.stdout
