"""Issue 19's properties, over logs, states, decks and imports generated from the one definition of
every field (core/fields.py, tests/field_strategies.py):

- whatever the store accepts opens again, exports in every format, and shows nothing raw;
- whatever it refuses is one line, exit 2, and every file of the store unchanged by sha256;
- every single-bit flip of a real small log is refused or harmless.

Deterministic (`derandomize=True`), with modest example counts: these run in a few seconds."""

from __future__ import annotations

import hashlib
import json
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

import field_strategies as fs
from powerdeck.cli.main import main
from powerdeck.core.entry import Entry
from powerdeck.core.errors import PowerdeckError
from powerdeck.core.text import UNSAFE
from powerdeck.deck.model import load_deck
from powerdeck.export import (
    FORMATS,
    NAME_KEY,
    ROLE_KEY,
    ExportOptions,
    export_bytes,
    parse_json_export,
    parse_json_worksheets,
)
from powerdeck.store.log import Log, LogDamagedError
from powerdeck.workbook.model import Worksheet

DECK_YAML = Path(__file__).resolve().parent.parent / "src" / "powerdeck" / "deck.yaml"
DECK = load_deck()
SETTINGS = settings(derandomize=True, deadline=None, database=None, max_examples=30,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])


@contextmanager
def folder() -> Iterator[Path]:
    """A fresh data folder per example (hypothesis runs many examples in one test)."""
    top = Path(tempfile.mkdtemp(prefix="pd-prop-"))
    try:
        yield top / "data"
    finally:
        shutil.rmtree(top, ignore_errors=True)


def shas(data: Path) -> dict[str, str]:
    if not data.exists():
        return {}
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(data.iterdir())
            if p.is_file() and not p.name.endswith(".lock")}


def nothing_raw(text: str) -> bool:
    """No control character, bidi override or lone surrogate (tabs and line ends are text)."""
    return UNSAFE.search(text.replace("\r\n", "\n")) is None


def opens_and_exports(data: Path) -> tuple[list[Entry], dict[str, Worksheet]]:
    """The log opens again and exports in every format; the text formats hold nothing raw and
    the JSON copy reads back exactly."""
    with Log.open(data) as log:
        entries, sheets = log.entries(), log.worksheets()
        name, role = log.get_state(NAME_KEY) or "", log.get_state(ROLE_KEY) or ""
    for fmt in FORMATS:
        options = ExportOptions(fmt=fmt, name=name, role=role)
        made = export_bytes(entries, DECK, options, list(sheets.values()))
        if fmt != "docx":
            text = made.decode("utf-8-sig")
            assert nothing_raw(text), fmt
            if fmt == "json":
                assert sorted(parse_json_export(text), key=lambda e: e.id) == sorted(entries, key=lambda e: e.id)
                assert {s.card: s for s in parse_json_worksheets(text)} == sheets
    return entries, sheets


# -- logs and states the app itself writes -------------------------------------------------------

@SETTINGS
@given(st.lists(fs.entries(), max_size=4, unique_by=lambda e: e.id),
       st.lists(fs.worksheets, max_size=3, unique_by=lambda s: s.card),
       st.dictionaries(fs.card_ids, st.tuples(fs.text, fs.text, fs.text), max_size=3),
       fs.text, fs.text)
def test_whatever_the_store_writes_opens_again_and_exports(
        entries: list[Entry], sheets: list[Worksheet], drafts: dict[str, tuple[str, str, str]],
        name: str, role: str) -> None:
    with folder() as data:
        with Log.open(data) as log:
            log.import_all(entries, sheets)
            for card, (action, outcome, learning) in drafts.items():
                log.save_draft(card, action, outcome, learning)
            log.set_state(NAME_KEY, name)
            log.set_state(ROLE_KEY, role)
            log.add("1.1", "one more")
        got, got_sheets = opens_and_exports(data)
        assert {e.id: e for e in entries}.items() <= {e.id: e for e in got}.items()
        assert got_sheets == {s.card: s for s in sheets}
        with Log.open(data) as log:
            assert {card: (d.action, d.outcome, d.learning) for card, d in log.drafts().items()} == drafts


# -- state files a person or another tool left ----------------------------------------------------

json_values = st.recursive(st.none() | st.booleans() | st.integers(-3, 3) | st.floats(allow_nan=False) | fs.text,
                           lambda inner: st.lists(inner, max_size=2) | st.dictionaries(fs.text, inner, max_size=2),
                           max_leaves=4)


@st.composite
def state_files(draw: st.DrawFn) -> dict[str, Any]:
    drafts = {str(n): {"card": draw(fs.card_id_like), "action": draw(fs.text), "outcome": draw(fs.text),
                       "learning": draw(fs.text), "entry_id": draw(st.none() | fs.ids), "updated": draw(fs.timestamps)}
              for n in range(1, draw(st.integers(0, 2)) + 1)}
    for doc in drafts.values():
        if draw(st.integers(0, 5)) == 0:
            doc[draw(st.sampled_from(sorted(doc)))] = draw(json_values)
    keys = [NAME_KEY, ROLE_KEY, "theme", "last_card"]
    values = {str(n): {"key": key, "value": draw(fs.text | json_values)} for n, key in enumerate(keys, 1)}
    version = draw(st.sampled_from([1, 1, 1, 1.0, 2, "1", None]))
    return {"meta": {"1": {"state_version": version}}, "drafts": drafts, "state": values}


@SETTINGS
@given(state=state_files())
def test_a_state_file_opens_and_shows_nothing_raw_or_is_refused_in_one_line(
        state: dict[str, Any], capfd: pytest.CaptureFixture[str]) -> None:
    with folder() as data:
        with Log.open(data) as log:
            log.add("1.1", "an entry")
        path = data / "state.json"
        path.write_text(json.dumps(state), encoding="utf-8", errors="surrogatepass")
        path.chmod(0o600)
        before = shas(data)
        try:
            with Log.open(data) as log:
                name, role = log.get_state(NAME_KEY), log.get_state(ROLE_KEY)
                assert name is None or isinstance(name, str)
                assert role is None or isinstance(role, str)
                log.drafts()
        except LogDamagedError as error:
            event("refused")
            assert "\n" not in str(error) and shas(data) == before
            return
        event("opened")
        for fmt in ("markdown", "csv", "json", "ics"):
            capfd.readouterr()
            assert main(["export", "--data", str(data), "--format", fmt, "-o", "-"]) == 0
            out, err = capfd.readouterr()  # the export goes straight to file descriptor 1
            assert "Exported" in err and ("1.1" in out or fmt == "ics") and nothing_raw(out), fmt
        opens_and_exports(data)


# -- imports: accepted whole, or refused in one line with nothing changed ------------------------

def raw_entry(draw: st.DrawFn) -> dict[str, Any]:
    card = draw(fs.card_id_like)
    head = card.split(".")[0]
    capability = int(head) if head.isascii() and head.isdigit() else draw(st.integers(-1, 3))
    doc: dict[str, Any] = {
        "id": draw(fs.ids | st.sampled_from(["", "a b", "x" * 65, "\x1b", 7])),
        "card": card, "capability": draw(st.just(capability) | st.sampled_from([1.0, True, "1", None])),
        "action": draw(fs.text), "outcome": draw(fs.text), "learning": draw(fs.text),
        "created": draw(fs.timestamps | st.sampled_from(["2026-01-01", "0001-01-01T00:00:00+00:00", ""])),
        "updated": draw(fs.timestamps),
    }
    if draw(st.booleans()) and draw(st.booleans()):
        doc.pop(draw(st.sampled_from(sorted(doc))))
    return doc


def raw_sheet(draw: st.DrawFn) -> dict[str, Any]:
    sheet = draw(fs.worksheets).to_dict()
    sheet["card"] = draw(st.just(sheet["card"]) | fs.card_id_like)
    if draw(st.booleans()) and draw(st.booleans()):
        sheet[draw(st.sampled_from(["kind", "people", "updated", "extra"]))] = draw(
            st.sampled_from(["bogus", [{"id": ""}], "yesterday", 1]))
    return sheet


@st.composite
def import_files(draw: st.DrawFn) -> str:
    document = {"format": "powerdeck-log", "schema_version": draw(st.sampled_from([1, 2, 2, 2, 3, 1.0])),
                "entries": [raw_entry(draw) for _ in range(draw(st.integers(0, 3)))],
                "worksheets": [raw_sheet(draw) for _ in range(draw(st.integers(0, 2)))],
                "name": draw(fs.text)}
    return json.dumps(document, ensure_ascii=draw(st.booleans()))


@SETTINGS
@given(text=import_files())
def test_an_import_is_taken_whole_or_refused_in_one_line_with_nothing_changed(
        text: str, capsys: pytest.CaptureFixture[str]) -> None:
    with folder() as data:
        with Log.open(data) as log:
            log.add("1.1", "already here")
            log.save_worksheet(Worksheet("1.3", "voices", text="parks"))
            log.save_draft("2.1", "a draft", "", "")
        source = data.parent / "import.json"
        source.write_text(text, encoding="utf-8", errors="surrogatepass")
        before = shas(data)
        status = main(["import", "--data", str(data), str(source)])
        out, err = capsys.readouterr()
        event("imported" if status == 0 else "refused")
        if status == 0:
            assert err == "" and out.startswith("Added")
            opens_and_exports(data)
        else:
            assert status == 2 and out == "" and err.count("\n") == 1 and nothing_raw(err)
            assert shas(data) == before


# -- decks: what the deck check accepts, the log can hold ----------------------------------------

@SETTINGS
@given(st.lists(fs.card_id_like, min_size=1, max_size=3))
def test_every_card_id_a_deck_may_have_is_one_the_log_holds(card_ids: list[str]) -> None:
    text = DECK_YAML.read_text(encoding="utf-8")
    for n, card_id in enumerate(card_ids, start=1):
        text = text.replace(f'id: "1.{n}"', f"id: {json.dumps(card_id)}", 1)
    with folder() as data:
        data.mkdir(parents=True)
        path = data.parent / "team.yaml"
        path.write_text(text, encoding="utf-8")
        try:
            deck = load_deck(path)
        except PowerdeckError as error:
            assert "\n" not in str(error) and nothing_raw(str(error))
            return
        with Log.open(data) as log:
            for card in deck.capabilities[0].cards:
                log.add(card.id, "x")
                log.save_worksheet(Worksheet(card.id, card.worksheet or "notes", text="y"))
        opens_and_exports(data)


# -- the bit-flip sweep ------------------------------------------------------------------------

def test_every_single_bit_flip_of_a_small_log_is_refused_or_harmless(tmp_path: Path) -> None:
    data = tmp_path / "data"
    with Log.open(data) as log:
        log.add("1.1", "walk", "met Sam", "listen more")
        log.save_worksheet(Worksheet("1.2", "map", draft="JS"))
    path = data / "log.json"
    good = path.read_bytes()
    assert 300 < len(good) < 900
    with Log.open(data) as log:
        expected = (log.entries(), log.worksheets())
    refused = harmless = 0
    for index in range(len(good)):
        for bit in range(8):
            flipped = bytearray(good)
            flipped[index] ^= 1 << bit
            path.write_bytes(bytes(flipped))
            try:
                log = Log(path)
            except LogDamagedError as error:
                assert "\n" not in str(error)
                refused += 1
            else:
                with log:
                    assert (log.entries(), log.worksheets()) == expected, (index, bit)
                harmless += 1
            assert path.read_bytes() == bytes(flipped)  # a refused file is left as it was
    assert refused + harmless == 8 * len(good)
    assert refused >= 0.99 * 8 * len(good)  # the checksum notices what stays valid JSON
