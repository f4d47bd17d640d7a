"""Worksheets in the JSON export: an exact round trip, on the command line too; damage refused."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import field_strategies
from powerdeck.cli.main import main
from powerdeck.export import ImportFileError, parse_json_export, parse_json_worksheets, to_json
from powerdeck.store.log import Log
from powerdeck.workbook.model import KINDS, QUALITIES, RINGS, SECTORS, Person, Worksheet

NASTY = "[/b] [bold]x[/bold] \x1b]0;title\x07 😀 שלום\r\n\ttab <svg>&amp;"

# Ids and times as the one definition of each field allows them (core/fields.py).
people = st.builds(Person, id=field_strategies.ids, name=st.text(max_size=20),
                   ring=st.sampled_from(RINGS), quality=st.sampled_from(QUALITIES),
                   sector=st.sampled_from(SECTORS), missing=st.booleans())
sheets = st.builds(
    Worksheet, card=st.sampled_from(["1.2", "1.3", "5.3", "10.3"]), kind=st.sampled_from(KINDS),
    text=st.text(max_size=60), people=st.lists(people, max_size=4, unique_by=lambda p: p.id).map(tuple),
    draft=st.text(max_size=10), updated=st.just("") | field_strategies.timestamps)


@settings(derandomize=True, max_examples=150)
@given(st.lists(sheets, max_size=4, unique_by=lambda s: s.card))
def test_round_trip_is_exact(worksheets: list[Worksheet]) -> None:
    text = to_json([], exported="2026-01-01T00:00:00+00:00", worksheets=worksheets)
    back = parse_json_worksheets(text)
    assert sorted(back, key=lambda s: s.card) == sorted(worksheets, key=lambda s: s.card)


def test_without_worksheets_the_file_stays_schema_1() -> None:
    assert json.loads(to_json([]))["schema_version"] == 1
    assert parse_json_worksheets(to_json([])) == []


@settings(derandomize=True, max_examples=200)
@given(st.recursive(st.none() | st.booleans() | st.integers() | st.text(max_size=6),
                    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(
                        st.sampled_from(["card", "kind", "text", "people", "draft", "updated", "id",
                                         "name", "ring", "quality", "sector", "missing", "x"]),
                        inner, max_size=6), max_leaves=12))
def test_any_imported_worksheets_parse_or_fail_in_one_line(raw: object) -> None:
    text = json.dumps({"format": "powerdeck-log", "schema_version": 2, "entries": [], "worksheets": raw})
    try:
        parse_json_worksheets(text)
    except ImportFileError as error:
        assert "\n" not in str(error)


def test_a_newer_export_is_refused() -> None:
    with pytest.raises(ImportFileError, match="newer powerdeck"):
        parse_json_export(json.dumps({"format": "powerdeck-log", "schema_version": 4, "entries": []}))


def test_export_then_import_on_the_command_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    mine = tmp_path / "mine"
    with Log.open(mine) as log:
        log.add("1.3", "Act on a large and a small word")
        made = [log.save_worksheet(Worksheet("1.3", "voices", text=NASTY + "\nsafe parks | resident")),
                log.save_worksheet(Worksheet("1.2", "map", people=(Person("p1", "JS", "close", "stressed", "faith"),)))]
    out = tmp_path / "export.json"
    assert main(["export", "--data", str(mine), "--format", "json", "-o", str(out)]) == 0
    other = tmp_path / "other"
    with Log.open(other) as log:
        log.save_worksheet(Worksheet("1.2", "map", text="", people=()))
    assert main(["import", "--data", str(other), str(out)]) == 0
    assert "Added 1 of 2 worksheets" in capsys.readouterr().out
    with Log.open(other) as log:
        assert log.worksheet("1.3") == made[0]
        assert log.worksheet("1.2").people == ()  # its own map kept
    fresh = tmp_path / "fresh"
    assert main(["import", "--data", str(fresh), str(out)]) == 0
    with Log.open(fresh) as log:
        assert log.worksheets() == {sheet.card: sheet for sheet in made}


def test_a_damaged_worksheet_in_an_import_changes_nothing(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"format": "powerdeck-log", "schema_version": 2, "entries": [],
                               "worksheets": [{"card": "1.2", "kind": "map", "people": [{"id": "p"}]}]}))
    data = tmp_path / "data"
    assert main(["import", "--data", str(data), str(bad)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "worksheet 1 is missing field 'name'" in err
    assert not (data / "log.json").exists()
