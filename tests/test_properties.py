"""Property-based tests of everything parsed from outside: the deck loader, the JSON import and
the log file reader. Any input ends in success or in one PowerdeckError line, never another
exception, and a refused input leaves the log file byte-for-byte as it was.

Deterministic in CI: `derandomize=True` draws the same examples every run."""

from __future__ import annotations

import argparse
import hashlib
import json
import shutil
import tempfile
from pathlib import Path
from typing import Any
from unittest import mock

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from powerdeck.cli import transfer as cli_transfer
from powerdeck.cli.transfer import run_import
from powerdeck.core.errors import PowerdeckError
from powerdeck.deck.model import load_deck
from powerdeck.store.log import Log

PACKAGED = Path(__file__).resolve().parent.parent / "src" / "powerdeck" / "deck.yaml"
DECK_TEXT = PACKAGED.read_text(encoding="utf-8")
DECK_LINES = DECK_TEXT.splitlines()
DECK = load_deck()

SETTINGS = settings(derandomize=True, deadline=None, database=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])

YAML_BITS = st.sampled_from([
    "&a ", "*a", "- ", ": ", "{", "}", "[", "]", "'", '"', "#", "|", ">", "!!python/object ", "!!int ",
    "<<: *a", "9" * 5000, "2001-13-45", "0x1F", "1e999", ".nan", "~", "null", "yes", "\t", "\x00",
    "\x1b[2J", "²", "id: ", "cards:", "number: ", "  ", "\n", "---", "...", "%YAML 1.1",
])


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def one_line_error(error: PowerdeckError) -> None:
    message = str(error)
    assert message and "\n" not in message and len(message) < 2000


# -- the deck loader ---------------------------------------------------------------------------

@st.composite
def mutated_decks(draw: st.DrawFn) -> str:
    lines = list(DECK_LINES)
    for _ in range(draw(st.integers(1, 4))):
        at = draw(st.integers(0, len(lines) - 1))
        how = draw(st.sampled_from(["replace", "insert", "delete", "splice"]))
        bit = "".join(draw(st.lists(YAML_BITS | st.text(max_size=8), max_size=4)))
        if how == "replace":
            lines[at] = bit
        elif how == "insert":
            lines.insert(at, bit)
        elif how == "delete" and len(lines) > 1:
            del lines[at]
        else:
            cut = draw(st.integers(0, len(lines[at])))
            lines[at] = lines[at][:cut] + bit + lines[at][cut:]
    return "\n".join(lines) + "\n"


def load_text(text: str) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "deck.yaml"
        path.write_text(text, encoding="utf-8", errors="surrogatepass")
        try:
            load_deck(path)
        except PowerdeckError as error:
            one_line_error(error)


@settings(SETTINGS, max_examples=200)
@given(mutated_decks())
def test_a_mutated_deck_loads_or_is_one_line(text: str) -> None:
    load_text(text)


@settings(SETTINGS, max_examples=300)
@given(st.lists(YAML_BITS | st.text(max_size=10), max_size=30).map("".join))
def test_yaml_ish_text_loads_or_is_one_line(text: str) -> None:
    load_text(text)


# -- the JSON import ----------------------------------------------------------------------------

JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=12)
    | st.sampled_from(["1.1", "².1", "11.1", "1.1\x1b", "2026-01-01T09:00:00+00:00", "0001-01-01T00:00:00",
                       "9999-12-31T23:59:59-23:59", "2026-02-30T00:00:00+00:00", "x" * 70]),
    lambda children: st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=8), children, max_size=3),
    max_leaves=8,
)
ENTRY = {"id": "e1", "card": "1.1", "capability": 1, "action": "a", "outcome": "", "learning": "",
         "created": "2026-01-01T09:00:00+00:00", "updated": "2026-01-01T09:00:00+00:00"}


@st.composite
def import_documents(draw: st.DrawFn) -> Any:
    if draw(st.integers(0, 9)) == 0:
        return draw(JSON_VALUES)
    entries: list[Any] = []
    for n in range(draw(st.integers(0, 4))):
        entry: Any = dict(ENTRY, id=f"e{n}")
        for name in draw(st.lists(st.sampled_from(sorted(ENTRY)), max_size=3)):
            if draw(st.booleans()):
                entry[name] = draw(JSON_VALUES)
            else:
                entry.pop(name, None)
        if draw(st.integers(0, 9)) == 0:
            entry = draw(JSON_VALUES)
        entries.append(entry)
    document: dict[str, Any] = {"format": "powerdeck-log", "schema_version": 1, "entries": entries}
    for name in draw(st.lists(st.sampled_from(["format", "schema_version", "entries"]), max_size=1)):
        document[name] = draw(JSON_VALUES)
    return document


@settings(SETTINGS, max_examples=200)
@given(import_documents())
def test_an_import_succeeds_or_is_one_line_and_changes_nothing(document: Any) -> None:
    folder = Path(tempfile.mkdtemp())
    try:
        data = folder / "data"
        with Log.open(data) as log:
            log.add("1.1", "already here")
        before = sha(data / "log.json")
        source = folder / "in.json"
        source.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8", errors="surrogatepass")
        args = argparse.Namespace(file=str(source), data=str(data), deck=None)
        try:
            with mock.patch.object(cli_transfer, "_load_deck", lambda args: DECK):  # parsed once
                run_import(args)
        except PowerdeckError as error:
            one_line_error(error)
            assert sha(data / "log.json") == before
        else:
            with Log.open(data) as log:  # whatever was let in reads back
                log.entries()
    finally:
        shutil.rmtree(folder)


# -- the log file reader ------------------------------------------------------------------------

GOOD_LOG = {"meta": {"1": {"schema_version": 1}}, "entries": {"1": ENTRY},
            "drafts": {"1": {"card": "1.1", "action": "d", "outcome": "", "learning": "", "entry_id": None,
                             "updated": ""}},
            "state": {"1": {"key": "theme", "value": "nord"}}}


@st.composite
def log_files(draw: st.DrawFn) -> bytes:
    kind = draw(st.integers(0, 9))
    if kind == 0:
        return draw(st.binary(max_size=200))
    data: Any = json.loads(json.dumps(GOOD_LOG))
    for _ in range(draw(st.integers(1, 3))):
        table = draw(st.sampled_from([*sorted(data), "extra"])) if isinstance(data, dict) else None
        if table is None:
            break
        choice = draw(st.integers(0, 3))
        if choice == 0:
            data[table] = draw(JSON_VALUES)
        elif choice == 1 and isinstance(data.get(table), dict):
            data[table][draw(st.sampled_from(["1", "2", "9" * 5000, "²", "-1", ""]))] = draw(JSON_VALUES)
        elif choice == 2 and isinstance(data.get(table), dict) and isinstance(data[table].get("1"), dict):
            doc = data[table]["1"]
            doc[draw(st.sampled_from([*sorted(doc), "x"]))] = draw(JSON_VALUES)
        else:
            data.pop(table, None)
    raw = json.dumps(data, ensure_ascii=False).encode("utf-8", "surrogatepass")
    if kind == 1:
        cut = draw(st.integers(0, len(raw)))
        raw = raw[:cut]
    return raw


@settings(SETTINGS, max_examples=250)
@given(log_files(), st.booleans())
def test_a_log_file_opens_or_is_one_line_and_is_left_untouched(raw: bytes, with_backup: bool) -> None:
    folder = Path(tempfile.mkdtemp())
    try:
        data = folder / "data"
        data.mkdir(mode=0o700)
        if with_backup:
            (data / "log.json.bak1").write_text(json.dumps(GOOD_LOG))
        path = data / "log.json"
        path.write_bytes(raw)
        before = sha(path)
        try:
            log = Log(path)
        except PowerdeckError as error:
            one_line_error(error)
            assert sha(path) == before
        else:
            log.entries(), log.drafts(), log.get_state("theme"), log.get_state("last_card")
            log.count_by_card()
            log.close()
    finally:
        shutil.rmtree(folder)
