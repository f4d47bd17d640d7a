"""Worksheets in the log file: kept, replaced, imported; schema 1 logs migrate; damage refused."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from powerdeck.store.log import SCHEMA_VERSION, Log, LogDamagedError
from powerdeck.workbook.model import Person, Worksheet

V1_LOG = {
    "meta": {"1": {"schema_version": 1}},
    "entries": {"1": {"id": "e1", "card": "1.2", "capability": 1, "action": "Map it",
                      "outcome": "", "learning": "", "created": "2025-01-02T10:00:00+00:00",
                      "updated": "2025-01-02T10:00:00+00:00"}},
    "drafts": {"1": {"card": "4.2", "action": "half", "outcome": "", "learning": "",
                     "entry_id": None, "updated": "2025-01-03T10:00:00+00:00"}},
    "state": {"1": {"key": "last_card", "value": "4.2"}},
}


def sheet() -> Worksheet:
    return Worksheet("1.2", "map", people=(Person("p1", "JS", "close", "stressed", "housing"),),
                     draft="half typed [b]")


def test_a_worksheet_round_trips_through_the_file(tmp_path: Path) -> None:
    log = Log(tmp_path / "log.json")
    saved = log.save_worksheet(sheet())
    assert saved.updated
    assert Log(tmp_path / "log.json").worksheet("1.2") == saved
    voices = log.save_worksheet(Worksheet("1.3", "voices", text="a\nb | nurse\n"))
    again = Log(tmp_path / "log.json").worksheets()
    assert again == {"1.2": saved, "1.3": voices}
    assert oct((tmp_path / "log.json").stat().st_mode & 0o777) == "0o600"


def test_saving_again_replaces_the_cards_worksheet(tmp_path: Path) -> None:
    log = Log(tmp_path / "log.json")
    log.save_worksheet(Worksheet("8.1", "list", text="one"))
    log.save_worksheet(Worksheet("8.1", "list", text="one\ntwo"))
    data = json.loads((tmp_path / "log.json").read_text())
    assert [doc["text"] for doc in data["worksheets"].values()] == ["one\ntwo"]


def test_import_adds_only_cards_without_a_worksheet(tmp_path: Path) -> None:
    log = Log(tmp_path / "log.json")
    log.save_worksheet(Worksheet("8.1", "list", text="mine"))
    added = log.import_worksheets([Worksheet("8.1", "list", text="theirs"), Worksheet("9.1", "list", text="new")])
    assert [s.card for s in added] == ["9.1"]
    assert log.worksheet("8.1").text == "mine"


def test_a_schema_1_log_opens_unchanged_and_becomes_2_with_its_first_worksheet(tmp_path: Path) -> None:
    path = tmp_path / "log.json"
    path.write_text(json.dumps(V1_LOG))
    path.chmod(0o600)
    before = path.read_bytes()
    log = Log(path)
    assert [e.id for e in log.entries()] == ["e1"] and log.entries()[0].action == "Map it"
    assert log.draft("4.2").action == "half" and log.get_state("last_card") == "4.2"
    assert path.read_bytes() == before  # opening writes nothing: an old log stays as it was
    log.save_worksheet(Worksheet("1.3", "voices", text="x"))
    data = json.loads(path.read_text())
    meta = data["meta"]["1"]
    assert meta["schema_version"] == SCHEMA_VERSION == 2 and set(meta) == {"schema_version", "checksum"}
    assert data["entries"] == V1_LOG["entries"]
    # The file as it was is kept as the first backup.
    assert json.loads((tmp_path / "log.json.bak1").read_text()) == V1_LOG
    again = Log(path)
    assert again.worksheet("1.3").text == "x"
    assert again.draft("4.2").action == "half" and again.get_state("last_card") == "4.2"


def test_a_schema_1_log_in_a_read_only_folder_is_still_read(tmp_path: Path) -> None:
    folder = tmp_path / "ro"
    folder.mkdir()
    path = folder / "log.json"
    path.write_text(json.dumps(V1_LOG))
    path.chmod(0o600)
    folder.chmod(0o500)
    try:
        log = Log(path)
        assert [e.id for e in log.entries()] == ["e1"]
        assert log.worksheets() == {}
    finally:
        folder.chmod(0o700)


@pytest.mark.parametrize("record", [
    {"card": "1.2", "kind": "sketch", "text": ""},
    {"card": "1.2", "kind": "map", "people": [{"id": "p", "name": "x", "ring": "moon",
                                                 "quality": "strong", "sector": "other"}]},
    {"card": 12, "kind": "voices"},
    {"card": "x", "kind": "voices"},
    {"card": "1.3", "kind": "voices", "text": ["a"]},
    "not an object",
], ids=["kind", "ring", "card-number", "card-id", "text-list", "string"])
def test_a_damaged_worksheet_record_is_refused_in_one_line_and_not_overwritten(
        tmp_path: Path, record: object) -> None:
    path = tmp_path / "log.json"
    data = {"meta": {"1": {"schema_version": 2}}, "worksheets": {"1": record}}
    path.write_bytes(json.dumps(data).encode())
    path.chmod(0o600)
    before = path.read_bytes()
    with pytest.raises(LogDamagedError) as info:
        Log(path)
    message = str(info.value)
    assert "\n" not in message and ("worksheet 1 is not valid" in message or "'worksheets'" in message)
    assert path.read_bytes() == before
