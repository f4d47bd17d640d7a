"""export.py: each format read back by a real parser, and awkward user text surviving each."""

from __future__ import annotations

import csv
import io
import json
from datetime import date, datetime, timezone

import pytest
from markdown_it import MarkdownIt

from powerdeck.core.entry import Entry
from powerdeck.deck.model import Capability, Card, Deck, Section
from powerdeck.export import (
    CSV_HEADER,
    ExportOptions,
    ImportFileError,
    default_export_path,
    markdown_text,
    parse_json_export,
    period_title,
    to_csv,
    to_json,
    to_markdown,
)


def small_deck() -> Deck:
    """Three capabilities, the third with no entries and a `|` in its title."""
    titles = {1: "First capability", 2: "Second capability", 3: "Third | pipe capability"}
    cards = {
        1: (("1.1", "First card"), ("1.2", "Second card")),
        2: (("2.1", "Card in two"),),
        3: (("3.1", "Card in three"),),
    }
    return Deck(
        title="Power shifting cards",
        author="New NHS Alliance",
        guidance=(),
        credit=Section("About the cards author", ("New NHS Alliance is ...",)),
        capabilities=tuple(
            Capability(n, titles[n], tuple(Card(i, t, ("Text.",), n) for i, t in cards[n]))
            for n in titles
        ),
        source="test",
    )


AWKWARD = (
    'Commas, "quotes", and a pipe | here\n'
    "# not a heading\n"
    "second line [/b] [bold]rich[/bold] \U0001f44d caf\u00e9\n"
    "---\n"
    "```\n"
    "<!-- not a comment\n"
    "=cmd|' /C calc'!A0"
)


def make_entry(
    n: int,
    card: str = "1.1",
    action: str = "",
    outcome: str = "",
    learning: str = "",
    created: str | None = None,
) -> Entry:
    created = created or f"2026-0{1 + n % 9}-1{n % 10}T09:30:00+00:00"
    return Entry(
        id=f"id{n:04d}",
        card=card,
        capability=int(card.split(".")[0]),
        action=action or f"action {n}",
        outcome=outcome,
        learning=learning,
        created=created,
        updated=created.replace("09:30", "10:45"),
    )


@pytest.fixture
def deck():
    return small_deck()


@pytest.fixture
def entries() -> list[Entry]:
    return [
        make_entry(1, "1.1", "Asked the group", "They answered", "Ask sooner"),
        make_entry(2, "1.2", "Listened first"),
        make_entry(3, "2.1", AWKWARD, AWKWARD, AWKWARD),
        make_entry(4, "2.1", "Started with a - bullet?", "+1 from all", "@team"),
    ]


# ----------------------------------------------------------------------------- labels/paths


def test_period_title_always_has_both_ends() -> None:
    days = [date(2025, 5, 3), date(2026, 11, 28)]
    today = date(2026, 12, 1)
    assert period_title(None, None, [], today) == "all entries (none yet)"
    assert period_title(None, None, days, today) == "all entries, 3 May 2025 to 28 November 2026"
    assert (
        period_title(date(2026, 1, 1), date(2026, 11, 25), days, today)
        == "1 January 2026 to 25 November 2026"
    )
    assert period_title(date(2026, 3, 2), None, days, today) == "2 March 2026 to 1 December 2026"
    assert (
        period_title(None, date(2026, 12, 31), days, today)
        == "up to 31 December 2026 (entries from 3 May 2025)"
    )


FIXED = datetime(2026, 12, 1, 9, 0, tzinfo=timezone.utc)


def md(entries, deck, **options) -> str:
    return to_markdown(entries, deck, ExportOptions(fmt="markdown", exported=FIXED, **options))


def test_default_export_path_never_overwrites(tmp_path) -> None:
    today = date(2026, 5, 4)
    first = default_export_path("markdown", home=tmp_path, today=today)
    assert first == tmp_path / "powerdeck-log-2026-05-04.md"
    first.write_text("x")
    second = default_export_path("markdown", home=tmp_path, today=today)
    assert second == tmp_path / "powerdeck-log-2026-05-04-2.md"
    second.write_text("x")
    assert default_export_path("markdown", home=tmp_path, today=today).name.endswith("-3.md")
    assert default_export_path("csv", home=tmp_path, today=today).suffix == ".csv"
    assert default_export_path("json", home=tmp_path, today=today).suffix == ".json"


# -------------------------------------------------------------------------------- Markdown


def _headings(tokens, level: str) -> list[str]:
    return [
        tokens[i + 1].content
        for i, token in enumerate(tokens)
        if token.type == "heading_open" and token.tag == level
    ]


def test_markdown_structure(deck, entries) -> None:
    text = md(entries, deck)
    tokens = MarkdownIt("commonmark").enable("table").parse(text)
    assert _headings(tokens, "h1") == ["Review log book: all entries, 11 February 2026 to 14 May 2026"]
    # Summary, then one heading per capability that has entries, nothing from user text.
    assert _headings(tokens, "h2") == ["Summary", "1\\. First capability", "2\\. Second capability"]
    h3 = _headings(tokens, "h3")
    assert len(h3) == len(entries)
    assert "2026-02-11 · 1.1 First card" in h3
    assert "New NHS Alliance" in text
    assert [t.type for t in tokens].count("hr") == 1  # only the one before the closing credit
    assert not any(t.type in ("fence", "code_block", "html_block") for t in tokens)
    assert text.count("_not yet written_") == 2  # entry 2: outcome and learning


def test_markdown_summary_table(deck, entries) -> None:
    text = md(entries, deck)
    rows = [line for line in text.splitlines() if line.startswith("| ")]
    cells = [[c.strip() for c in row.strip("|").split(" | ")] for row in rows]
    assert cells[0] == ["No.", "Capability", "Entries", "Open"]
    assert cells[1] == ["1", "First capability", "2", "1"]
    assert cells[2] == ["2", "Second capability", "2", "0"]
    assert cells[3] == ["3", "Third \\| pipe capability", "0", "0"]  # no entries: listed with 0
    assert cells[4][1:] == ["**Total**", "**4**", "**1**"]
    tokens = MarkdownIt("commonmark").enable("table").parse(text)
    assert [t.type for t in tokens].count("tr_open") == 5


def test_markdown_summary_limited_to_capabilities(deck, entries) -> None:
    text = md(entries[:2], deck, capabilities=frozenset({1}))
    assert "Second capability" not in text and "Third" not in text
    assert "| 1 | First capability | 2 | 1 |" in text


def test_markdown_keeps_every_text(deck, entries) -> None:
    text = md(entries, deck, since=date(2026, 1, 1), until=date(2026, 11, 25))
    assert text.startswith("# Review log book: 1 January 2026 to 25 November 2026\n")
    rendered = visible_text(MarkdownIt("commonmark").enable("table").render(text))
    for entry in entries:
        for field in ("action", "outcome", "learning"):
            for line in getattr(entry, field).splitlines():
                assert line.strip() in rendered, line


def visible_text(html_text: str) -> str:
    """What a Markdown viewer shows: tags gone, entities decoded."""
    import html
    import re

    return html.unescape(re.sub(r"<[^>]+>", "", html_text))


def test_markdown_empty(deck) -> None:
    text = md([], deck)
    assert "| 1 | First capability | 0 | 0 |" in text
    assert "**Total** | **0** | **0** |" in text
    assert "## 1\\." not in text


def test_markdown_text_escaping() -> None:
    assert markdown_text("") == "_not yet written_"
    assert markdown_text("  \n ") == "_not yet written_"
    assert markdown_text("plain - text * here") == "plain - text \\* here"
    assert markdown_text("a\nb") == "a  \nb"
    assert markdown_text("## x") == "\\#\\# x"
    assert markdown_text("  # x") == "\\# x"
    assert markdown_text("a\n===") == "a  \n\\==="
    assert markdown_text("- item\n1. item") == "\\- item  \n1\\. item"
    assert markdown_text("<div> & <patience>") == "\\<div\\> \\& \\<patience\\>"
    assert markdown_text("1 < 2") == "1 \\< 2"


def test_markdown_unknown_card_and_capability(deck) -> None:
    entry = make_entry(9, "7.3", "x")
    text = md([entry], deck)
    assert "## 7\\. Capability 7" in text
    assert "· 7.3 (not in this deck)" in text


# ------------------------------------------------------------------------------------- CSV


def test_csv_parses_back(deck, entries) -> None:
    rows = list(csv.reader(io.StringIO(to_csv(entries, deck), newline="")))[1:]  # after the title
    assert tuple(rows[0]) == CSV_HEADER
    assert len(rows) == len(entries) + 1
    by_id = {row[0]: dict(zip(CSV_HEADER, row, strict=True)) for row in rows[1:]}
    first = by_id["id0001"]
    assert first["card"] == "1.1" and first["card title"] == "First card"
    assert first["capability"] == "1" and first["capability title"] == "First capability"
    assert first["action"] == "Asked the group" and first["open"] == "no"
    assert first["date"] == "2026-02-11"
    assert first["created"] == "2026-02-11T09:30:00+00:00"
    assert first["updated"] == "2026-02-11T10:45:00+00:00"
    assert by_id["id0002"]["open"] == "yes"
    awkward = by_id["id0003"]
    for field in ("action", "outcome", "learning"):
        assert awkward[field] == AWKWARD  # commas, quotes, newlines, | # emoji all survive


def test_csv_formula_guard(deck, entries) -> None:
    rows = list(csv.DictReader(io.StringIO(to_csv(entries, deck).split("\r\n", 1)[1], newline="")))
    guarded = next(row for row in rows if row["id"] == "id0004")
    assert guarded["action"] == "Started with a - bullet?"  # only the first character counts
    assert guarded["outcome"] == "'+1 from all"
    assert guarded["learning"] == "'@team"
    one = to_csv([make_entry(5, "1.1", "=SUM(A1)", "-2", "\tx")], deck).split("\r\n", 1)[1]
    row = next(iter(csv.DictReader(io.StringIO(one, newline=""))))
    assert (row["action"], row["outcome"], row["learning"]) == ("'=SUM(A1)", "'-2", "'\tx")


def test_csv_has_no_bom_in_text(deck) -> None:
    # The caller adds the BOM by writing with utf-8-sig; the text itself stays clean.
    assert not to_csv([], deck).startswith("\ufeff")
    assert to_csv([], deck).endswith("\r\n" + ",".join(CSV_HEADER) + "\r\n")


# ------------------------------------------------------------------------------------ JSON


def test_json_round_trip(entries) -> None:
    text = to_json(entries)
    document = json.loads(text)
    assert document["format"] == "powerdeck-log"
    assert document["schema_version"] == 1
    assert "T" in document["exported"]
    assert set(document["entries"][0]) == {
        "id", "card", "capability", "action", "outcome", "learning", "created", "updated",
    }  # fmt: skip
    back = parse_json_export(text)
    assert sorted(back, key=lambda e: e.id) == sorted(entries, key=lambda e: e.id)
    assert next(e for e in back if e.id == "id0003").action == AWKWARD
    assert "\U0001f44d" in text  # kept as the character, readable


def test_json_empty_round_trip() -> None:
    assert parse_json_export(to_json([])) == []


def _doc(**changes):
    document = json.loads(to_json([make_entry(1, "1.1", "a")]))
    document.update(changes)
    return document


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "not a JSON file"),
        ("{not json", "not a JSON file"),
        ("[]", "not a powerdeck export"),
        ('{"format": "other"}', "not a powerdeck export"),
        (json.dumps(_doc(schema_version=4)), "newer powerdeck"),
        (json.dumps(_doc(schema_version="1")), "schema_version"),
        (json.dumps(_doc(entries={})), '"entries"'),
        (json.dumps(_doc(entries=[1])), "entry 1 is not an object"),
    ],
)
def test_parse_json_export_errors(text, message) -> None:
    with pytest.raises(ImportFileError) as caught:
        parse_json_export(text)
    assert message in str(caught.value)
    assert "\n" not in str(caught.value)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda e: e.pop("learning"), 'entry 2 is missing field "learning"'),
        (lambda e: e.update(capability="1"), "entry 2: field 'capability'"),
        (lambda e: e.update(action=None), "entry 2: field 'action' must be text"),
        (lambda e: e.update(created="yesterday"), 'entry 2: field "created"'),
        (lambda e: e.update(id="id0001"), "entry 2 has the same id as entry 1"),
        (lambda e: e.update(id=""), 'entry 2: field "id" must be'),
        (lambda e: e.update(card="3.1"), 'entry 2: field "capability" must match the card'),
    ],
)
def test_parse_json_export_entry_errors(change, message) -> None:
    document = json.loads(to_json([make_entry(1, "1.1", "a"), make_entry(2, "1.2", "b")]))
    change(document["entries"][1])
    with pytest.raises(ImportFileError) as caught:
        parse_json_export(json.dumps(document))
    assert message in str(caught.value)


def test_import_file_error_is_a_powerdeck_error() -> None:
    from powerdeck.core.errors import PowerdeckError

    assert issubclass(ImportFileError, PowerdeckError)


def test_markdown_with_packaged_deck_lists_all_ten_capabilities() -> None:
    from powerdeck.deck.model import load_deck

    deck = load_deck()
    text = md([make_entry(1, "10.1", "x", "y", "z")], deck)
    rows = [line for line in text.splitlines() if line.startswith("| ") and "Total" not in line]
    assert len(rows) == 1 + 10  # header + every capability
    assert "| 3 | We make space and give impetus for people to learn from one another | 0 | 0 |" in text
    assert f"## 10\\. {deck.capability(10).title}" in text
    assert f"### 2026-02-11 · 10.1 {deck.card('10.1').title}" in text
    assert "by the New NHS Alliance." in text


def test_a_source_date_epoch_of_other_digits_is_ignored(monkeypatch: pytest.MonkeyPatch) -> None:
    """`"²".isdigit()` is true and `int("²")` fails: SOURCE_DATE_EPOCH=² broke every export."""
    from powerdeck.export import ExportOptions

    monkeypatch.setenv("SOURCE_DATE_EPOCH", "²")
    assert ExportOptions().when.year >= 2024
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "0")
    assert ExportOptions().when.year == 1970
