"""Issue 19: a log no input can break. One test (or a few) per finding of the outside test: what
the store accepts it can always open again and export; what it refuses is one line, exit 2, and
every file of the store unchanged (by sha256)."""

from __future__ import annotations

import hashlib
import json
import os
import stat
from pathlib import Path
from typing import Any

import pytest

from field_strategies import HOSTILE_CARD_IDS
from powerdeck.cli.main import main
from powerdeck.core.errors import LogWriteError
from powerdeck.deck.model import DeckError, load_deck
from powerdeck.export import ExportOptions, export_bytes, parse_json_export, to_json
from powerdeck.store import path_checks, storage
from powerdeck.store.log import Log, LogDamagedError
from powerdeck.workbook.model import Worksheet

DECK_YAML = Path(__file__).resolve().parent.parent / "src" / "powerdeck" / "deck.yaml"
DECK = load_deck()
EVIL = "\x1b[?1049l\x1b]0;pwned\x07\x9b31m\u202eevil\x00\x85"


def shas(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir())
            if p.is_file() and not p.name.endswith(".lock")}


def refused(capsys: pytest.CaptureFixture[str], *argv: str) -> str:
    """Run the command line in this process: exit 2 and one line on stderr, nothing on stdout."""
    assert main(list(argv)) == 2
    out, err = capsys.readouterr()
    assert out == "" and err.count("\n") == 1 and "Traceback" not in err, (out, err)
    return err


def export_everything(data: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    for fmt in ("docx", "markdown", "csv", "json"):
        assert main(["export", "--data", str(data), "--format", fmt, "-o", str(tmp_path / f"all.{fmt}")]) == 0
    capsys.readouterr()


def an_export(tmp_path: Path, entries: list[dict[str, Any]], sheets: list[dict[str, Any]]) -> Path:
    path = tmp_path / "import.json"
    path.write_text(json.dumps({"format": "powerdeck-log", "schema_version": 2, "entries": entries,
                                "worksheets": sheets}))
    return path


def entry_doc(n: int = 1, **changes: Any) -> dict[str, Any]:
    doc = {"id": f"e{n}", "card": "1.1", "capability": 1, "action": "a", "outcome": "", "learning": "",
           "created": "2026-01-01T09:00:00+00:00", "updated": "2026-01-01T09:00:00+00:00"}
    return {**doc, **changes}


@pytest.fixture
def data(tmp_path: Path) -> Path:
    folder = tmp_path / "data"
    with Log.open(folder) as log:
        log.add("1.1", "walk with a colleague")
        log.save_worksheet(Worksheet("1.3", "voices", text="parks"))
    return folder


# -- 1. a worksheet for card "².1" from an import; a team deck with card "1.²" ----------------------

@pytest.mark.parametrize("card", ["².1", "1.²", "١.1", "1.x y", "1.\x1b[2J"])
def test_an_import_with_a_worksheet_for_a_card_that_is_no_card_id_is_refused(
        data: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], card: str) -> None:
    before = shas(data)
    path = an_export(tmp_path, [entry_doc(7)], [{"card": card, "kind": "notes", "text": "x"}])
    message = refused(capsys, "import", "--data", str(data), str(path))
    assert "worksheet 1" in message and "not a card id" in message and "\x1b" not in message
    assert shas(data) == before
    export_everything(data, tmp_path, capsys)  # the whole log still exports, in every format


@pytest.mark.parametrize("card_id", [card for card in HOSTILE_CARD_IDS if card.strip() != "1.1"])  # "1.1 " is "1.1"
def test_a_team_deck_with_a_card_id_the_log_could_not_hold_is_refused(tmp_path: Path, card_id: str) -> None:
    # Finding 6: `1.x y`, a zero-width space, 40 letters, ESC or RLO were accepted by the deck
    # check and refused by the log, so writing on such a card could only ever stay a draft.
    head = card_id.split(".")[0] if card_id.split(".")[0].isascii() and card_id.split(".")[0].isdigit() else "1"
    text = DECK_YAML.read_text(encoding="utf-8").replace('id: "1.1"', f"id: {json.dumps(card_id)}", 1)
    if head not in ("1", ""):
        text = text.replace("number: 1\n", f"number: {head}\n", 1)
    path = tmp_path / "team.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(DeckError) as caught:
        load_deck(path)
    message = str(caught.value)
    assert "\n" not in message and "\x1b" not in message and "\u202e" not in message


def test_every_card_of_the_packaged_deck_is_a_card_id_the_log_holds(tmp_path: Path) -> None:
    with Log.open(tmp_path / "d") as log:
        for capability in DECK.capabilities:
            for card in capability.cards:
                log.add(card.id, "x")
                log.save_worksheet(Worksheet(card.id, card.worksheet or "notes", text="x"))
    with Log.open(tmp_path / "d") as log:
        assert log.count() == 31 and len(log.worksheets()) == 31


# -- 2. writes check the size the store will open -----------------------------------------------

@pytest.fixture
def small_store(monkeypatch: pytest.MonkeyPatch) -> int:
    """The store's size limit made small (the same for writing and for opening), so a test need not
    write 64 MB to cross it."""
    limit = 256 * 1024
    monkeypatch.setattr(path_checks, "MAX_LOG_BYTES", limit)
    monkeypatch.setattr(storage, "MAX_LOG_BYTES", limit, raising=False)  # the write check reads it here
    return limit


def test_an_import_that_would_grow_the_log_past_what_opens_is_refused_whole(
        data: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], small_store: int) -> None:
    # Two imports of large entries gave a 68 MB log that every later start refused; one said
    # "cannot be opened" with exit 2 after it had written.
    before = shas(data)
    big = [entry_doc(n, action="x" * 40_000) for n in range(2, 6)]  # 160 KB: fits
    assert main(["import", "--data", str(data), str(an_export(tmp_path, big, []))]) == 0
    assert "Added 4 entries" in capsys.readouterr().out
    grown = shas(data)
    assert grown != before
    more = [entry_doc(n, action="y" * 40_000) for n in range(10, 14)]
    sheets = [{"card": "5.3", "kind": "voices", "text": "z" * 1000}]
    message = refused(capsys, "import", "--data", str(data), str(an_export(tmp_path, more, sheets)))
    assert "more than the" in message and "can open again" in message and "cannot be opened" not in message
    assert shas(data) == grown  # nothing of it: neither the entries nor the worksheet
    with Log.open(data) as log:
        assert log.count() == 5 and "5.3" not in log.worksheets()


def test_a_draft_too_large_for_the_state_file_is_refused_and_the_file_kept(
        data: Path, small_store: int) -> None:
    # One 70-million-character draft made state.json unopenable.
    with Log.open(data) as log:
        log.save_draft("2.1", "a draft", "", "")
    before = shas(data)
    with Log.open(data) as log, pytest.raises(LogWriteError) as caught:
        log.save_draft("2.2", "w" * small_store, "", "")
    assert "\n" not in str(caught.value) and "Nothing on disk was changed" in str(caught.value)
    assert shas(data) == before
    with Log.open(data) as log:
        assert log.draft("2.1") is not None and log.draft("2.2") is None


def test_an_entry_too_large_for_the_log_is_refused_before_the_disk(data: Path, small_store: int) -> None:
    before = shas(data)
    with Log.open(data) as log, pytest.raises(LogWriteError):
        log.add("2.1", "é" * (small_store // 2 + 1))  # characters fit the field; bytes do not fit the file
    assert shas(data) == before


# -- 5. a file replaced while the app is open ----------------------------------------------------

@pytest.mark.parametrize("replacement", [b"{}", b'{"entries":{}}', b"", None])
def test_a_log_emptied_or_removed_mid_session_is_damage_never_written_over(
        data: Path, replacement: bytes | None) -> None:
    log = Log.open(data)
    assert log.count() == 1
    path = data / "log.json"
    if replacement is None:
        path.unlink()
    else:
        path.write_bytes(replacement)
    with pytest.raises((LogDamagedError, LogWriteError)):
        log.add("2.1", "typed after the replacement")
    assert [e.action for e in log.entries()] == ["walk with a colleague"]  # our own copy is kept
    assert isinstance(log.problem, LogDamagedError) and "\n" not in str(log.problem)
    log.save_draft("2.1", "typed after the replacement", "", "")  # the state file still takes it
    log.close()
    assert (path.read_bytes() if path.exists() else None) == replacement  # never written over
    with Log.open(data) as again:  # state.json is fine: the text is there
        pass
    assert "typed after the replacement" in (data / "state.json").read_text()
    del again


def test_a_log_replaced_by_one_powerdeck_did_not_write_is_refused_mid_session(data: Path) -> None:
    log = Log.open(data)
    log.count()
    raw = json.loads((data / "log.json").read_text())
    raw["meta"]["1"].pop("checksum")
    raw["entries"]["1"]["action"] = "changed by another tool"
    (data / "log.json").write_text(json.dumps(raw))
    with pytest.raises(LogDamagedError, match="did not write"):
        log.add("2.1", "x")
    log.close()


# -- 8. schema 1.0, duplicate ids, 0644, a symlinked data folder -----------------------------------

def legacy_log(path: Path, meta: dict[str, Any], entries: dict[str, Any]) -> bytes:
    path.parent.mkdir(mode=0o700, exist_ok=True)
    raw = json.dumps({"meta": {"1": meta}, "entries": entries}).encode()
    path.write_bytes(raw)
    path.chmod(0o600)
    return raw


@pytest.mark.parametrize(("meta", "entries", "reason"), [
    ({"schema_version": 1.0}, {}, "unknown schema version 1.0"),
    ({"schema_version": True}, {}, "unknown schema version"),
    ({"schema_version": 2}, {"1": entry_doc(1), "2": entry_doc(1, action="b")}, "the same id"),
    ({"schema_version": 2, "note": "x"}, {}, "never writes"),
])
def test_a_log_powerdeck_could_not_have_written_is_refused_untouched(
        tmp_path: Path, meta: dict[str, Any], entries: dict[str, Any], reason: str) -> None:
    path = tmp_path / "d" / "log.json"
    raw = legacy_log(path, meta, entries)
    with pytest.raises(LogDamagedError, match=reason) as caught:
        Log(path)
    assert "\n" not in str(caught.value)
    assert path.read_bytes() == raw


def test_a_log_copied_0644_by_another_tool_is_made_private_when_opened(tmp_path: Path) -> None:
    path = tmp_path / "d" / "log.json"
    legacy_log(path, {"schema_version": 2}, {"1": entry_doc(1)})
    path.chmod(0o644)
    with Log(path) as log:
        assert log.count() == 1
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600


def test_a_symlinked_data_folder_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    real = tmp_path / "real"
    with Log.open(real) as log:
        log.add("1.1", "x")
    (tmp_path / "link").symlink_to(real)
    with pytest.raises(LogWriteError, match="symbolic link") as caught:
        Log.open(tmp_path / "link")
    assert str(real) in str(caught.value)
    refused(capsys, "export", "--data", str(tmp_path / "link"), "--format", "json", "-o", str(tmp_path / "x.json"))
    assert not (tmp_path / "x.json").exists()


# -- 8. damage that stays valid JSON; powerdeck repair ---------------------------------------------

def test_a_hand_edit_is_refused_with_the_way_to_accept_it_and_repair_accepts_it(
        data: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = data / "log.json"
    edited = path.read_bytes().replace(b"walk with a colleague", b"walk with two colleagues")
    path.write_bytes(edited)
    before = shas(data)
    with pytest.raises(LogDamagedError) as caught:
        Log.open(data)
    message = str(caught.value)
    assert "checksum" in message and f"powerdeck repair --data {data}" in message and "\n" not in message
    assert shas(data) == before
    assert "powerdeck repair" in refused(capsys, "export", "--data", str(data), "--format", "json", "-o", "-")
    assert main(["repair", "--data", str(data)]) == 0
    said = capsys.readouterr().out
    assert "Accepted" in said and "log.json.bak1" in said
    assert (data / "log.json.bak1").read_bytes() == edited  # the file as it was, kept
    with Log.open(data) as log:
        assert log.entries()[0].action == "walk with two colleagues"
    assert main(["repair", "--data", str(data)]) == 0
    assert "nothing to repair" in capsys.readouterr().out


def test_repair_refuses_a_log_that_does_not_check_out_and_changes_nothing(
        data: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = data / "log.json"
    path.write_bytes(path.read_bytes().replace(b'"card":"1.1"', b'"card":"1.x"'))
    before = shas(data)
    message = refused(capsys, "repair", "--data", str(data))
    assert "entry 1 is not valid" in message
    assert shas(data) == before


def test_a_log_from_before_the_checksum_opens_and_gets_one_with_its_next_write(tmp_path: Path) -> None:
    path = tmp_path / "d" / "log.json"
    raw = legacy_log(path, {"schema_version": 2}, {"1": entry_doc(1)})
    with Log(path) as log:
        assert log.count() == 1
    assert path.read_bytes() == raw  # opening writes nothing
    with Log(path) as log:
        log.add("2.1", "y")
    assert "checksum" in json.loads(path.read_text())["meta"]["1"]
    with Log(path) as log:
        assert log.count() == 2


def test_a_hand_edited_state_file_names_repair_too_and_repair_accepts_it(data: Path) -> None:
    with Log.open(data) as log:
        log.save_draft("2.1", "draft", "", "")
    path = data / "state.json"
    path.write_bytes(path.read_bytes().replace(b'"draft"', b'"dRaft"'))
    with pytest.raises(LogDamagedError, match="powerdeck repair"):
        Log.open(data)
    assert main(["repair", "--data", str(data)]) == 0
    with Log.open(data) as log:
        assert log.draft("2.1").action == "dRaft"


# -- 7. Markdown and CSV are safe to cat; JSON too, and still exact --------------------------------

def test_markdown_csv_and_json_files_hold_no_raw_control_character(tmp_path: Path) -> None:
    with Log.open(tmp_path / "d") as log:
        log.add("1.1", f"action {EVIL}\r\nline two\rback", f"outcome {EVIL}", f"=cmd {EVIL}")
        log.save_worksheet(Worksheet("1.3", "voices", text=f"parks {EVIL} | lead {EVIL}"))
        entries, sheets = log.entries(), list(log.worksheets().values())
    for fmt in ("markdown", "csv", "json"):
        text = export_bytes(entries, DECK, ExportOptions(fmt=fmt, name=EVIL, role=EVIL), sheets).decode("utf-8-sig")
        body = text.replace("\r\n", "\n")
        raw = [hex(ord(c)) for c in body if (ord(c) < 0x20 and c not in "\n\t") or 0x7f <= ord(c) <= 0x9f
               or c in "\u202e\u2028\u2029"]
        assert raw == [], fmt
    csv = export_bytes(entries, DECK, ExportOptions(fmt="csv"), sheets).decode("utf-8-sig")
    assert "␛" in csv and "'=cmd" in csv  # shown; the formula guard kept
    assert parse_json_export(to_json(entries, worksheets=sheets)) == entries  # the exact copy




async def test_the_app_keeps_typed_text_when_its_log_is_replaced_by_an_empty_one(tmp_path: Path) -> None:
    # Finding 5: a log replaced by `{}` while the app was open was accepted, then written without
    # its schema (the next start refused it) and the entry just saved went with it.
    from ui_helpers import deck_screen, field, make_app, settle, type_text

    data = tmp_path / "data"
    with Log.open(data) as log:
        log.add("1.1", "walk with a colleague")
    with Log.open(data) as log:
        log.add("1.2", "map who we know")  # a later session's first write keeps a backup
    app = make_app(data)
    async with app.run_test(size=(80, 24)) as pilot:
        deck_screen(app).go_to_card("2.1")
        (data / "log.json").write_bytes(b"{}")
        await pilot.press("e")
        await type_text(pilot, "typed after the log was emptied")
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert field(app, "action").text == "typed after the log was emptied"  # still on screen
        await pilot.press("escape")
        await settle(app, pilot)
    assert (data / "log.json").read_bytes() == b"{}"  # never written over
    kept = (data / "state.json").read_text() + "".join(p.read_text() for p in tmp_path.rglob("*rescue*.json"))
    assert "typed after the log was emptied" in kept  # a draft (or a rescue file) holds it
    with pytest.raises(LogDamagedError, match=r"cp .*log\.json\.bak1"):
        Log.open(data)


def test_a_rescue_file_comes_back_whole_in_one_write_and_two_drafts_of_a_card_both_stay(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = tmp_path / "data"
    with Log.open(data) as log:
        log.add("1.1", "x")
    rescue = tmp_path / "rescue.json"
    rescue.write_text(json.dumps({"format": "powerdeck-unsaved-drafts", "version": 1, "drafts": [
        {"card": "2.1", "action": "first"}, {"card": "2.1", "action": "second"}]}))
    assert main(["import", "--data", str(data), str(rescue)]) == 0
    assert "Brought back 1 draft, 1 entry" in capsys.readouterr().out
    with Log.open(data) as log:
        assert log.draft("2.1").action == "first"
        assert [e.action for e in log.entries() if e.card == "2.1"] == ["second"]
