"""Every export format, read back by a real reader: the Word file with python-docx, Markdown
through a CommonMark parser, CSV with the csv module, JSON with the importer. User text in any
script comes out exactly; a lone surrogate never stops an export."""

from __future__ import annotations

import csv
import html
import io
import json
import re
import zipfile
from datetime import date, datetime, timezone

import docx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from markdown_it import MarkdownIt

from powerdeck.core.entry import Entry
from powerdeck.core.errors import PowerdeckError
from powerdeck.deck.model import load_deck
from powerdeck.export import ExportOptions, export_bytes, markdown_text, parse_json_export

DECK = load_deck()
FIXED = datetime(2026, 12, 1, 9, 0, tzinfo=timezone.utc)
MARKUP = "<patience> & *stars* _under_ #tag | pipe `code` [link](x) \\ ~~gone~~ $x$"
SCRIPTS = "مرحبا بالعالم · שלום · 你好世界 · こんにちは · 👩🏽‍⚕️🎉 · café"
LONG = ("A long reflection. " * 600)[:10_000]


def entry(n: int, card: str, action: str, outcome: str = "", learning: str = "",
          created: str = "2026-04-01T09:00:00+01:00") -> Entry:
    return Entry(f"e{n:03d}", card, int(card.split(".")[0]), action, outcome, learning, created, created)


ENTRIES = [
    entry(1, "1.1", MARKUP, SCRIPTS, "Learnt\nover two lines", "2026-04-01T09:00:00+01:00"),
    entry(2, "1.2", "Still open", "", "", "2026-06-10T10:00:00+01:00"),
    entry(3, "4.2", LONG, "Done", "Ask sooner", "2027-03-31T23:30:00+01:00"),
    entry(4, "10.1", SCRIPTS, MARKUP, LONG, "2026-11-05T08:00:00+00:00"),
]
OPTIONS = dict(since=date(2026, 4, 1), until=date(2027, 3, 31), name="Sam Jones",
               role="Team leader, Primary Care", exported=FIXED)


def word(entries: list[Entry] = ENTRIES, **changes: object) -> docx.document.Document:
    data = export_bytes(entries, DECK, ExportOptions(fmt="docx", **{**OPTIONS, **changes}))
    return docx.Document(io.BytesIO(data))


# ------------------------------------------------------------------------------------ Word


def test_word_headings_people_and_period() -> None:
    document = word()
    styles = [(p.style.name, p.text) for p in document.paragraphs]
    assert styles[0] == ("Title", "Review log book: 1 April 2026 to 31 March 2027")
    texts = [text for _, text in styles]
    assert "Name: Sam Jones" in texts and "Role: Team leader, Primary Care" in texts
    assert "Period: 1 April 2026 to 31 March 2027" in texts
    heading1 = [text for style, text in styles if style == "Heading 1"]
    # Two long entries run the pack past three pages: it opens with a contents list.
    assert heading1 == ["Contents", "Summary", f"1. {DECK.capability(1).title}", f"4. {DECK.capability(4).title}",
                        f"10. {DECK.capability(10).title}"]
    heading2 = [text for style, text in styles if style == "Heading 2"]
    assert heading2[0] == f"1 April 2026 · 1.1 {DECK.card('1.1').title}"
    # "Still to complete" is said once: under the heading, not in it too.
    assert heading2[1] == f"10 June 2026 · 1.2 {DECK.card('1.2').title}"
    assert "Still to complete: outcome and learning." in texts
    assert sum("still to complete" in text.casefold() for text in texts) == 1  # only 1.2 is open

    assert texts[-1] == f"The cards are {DECK.title}, by the New NHS Alliance."
    assert document.core_properties.title == styles[0][1]
    assert document.core_properties.author == "Sam Jones"


def test_word_page_is_a4_with_margins() -> None:
    section = word().sections[0]
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)
    assert round(section.left_margin.mm) == round(section.right_margin.mm) == 20  # twips round


def test_word_summary_table_figures() -> None:
    table = word().tables[0]
    rows = [[cell.text for cell in row.cells] for row in table.rows]
    assert rows[0] == ["No.", "Capability", "Entries", "Open"]
    assert len(rows) == 1 + 10 + 1  # header, every capability, total
    assert rows[1] == ["1", DECK.capability(1).title, "2", "1"]
    assert rows[4] == ["4", DECK.capability(4).title, "1", "0"]
    assert rows[2][2:] == ["0", "0"]
    assert rows[-1] == ["", "Total", "4", "1"]


def test_word_each_entry_field_exact() -> None:
    texts = [p.text for p in word().paragraphs]
    for wanted in (MARKUP, SCRIPTS, "Learnt\nover two lines", LONG, "Ask sooner"):
        assert wanted in texts, wanted[:40]
    assert len(LONG) == 10_000
    # field labels precede each text
    at = texts.index(MARKUP)
    assert texts[at - 1] == "Action" and texts[at + 1] == "Outcome" and texts[at + 2] == SCRIPTS


def test_word_right_to_left_paragraph_is_marked() -> None:
    document = word()
    paragraph = next(p for p in document.paragraphs if p.text == SCRIPTS)
    assert paragraph._p.pPr is not None and paragraph._p.pPr.find(docx.oxml.ns.qn("w:bidi")) is not None


def test_word_bytes_are_reproducible_and_zip_is_clean() -> None:
    first = export_bytes(ENTRIES, DECK, ExportOptions(fmt="docx", **OPTIONS))
    second = export_bytes(ENTRIES, DECK, ExportOptions(fmt="docx", **OPTIONS))
    assert first == second
    with zipfile.ZipFile(io.BytesIO(first)) as archive:
        assert archive.testzip() is None
        assert "word/document.xml" in archive.namelist()


def test_word_open_ended_period_from_the_entries() -> None:
    document = word(since=None, until=None)
    assert document.paragraphs[0].text == "Review log book: all entries, 1 April 2026 to 31 March 2027"


def test_word_with_no_entries() -> None:
    document = word([])
    assert "No entries in this period." in [p.text for p in document.paragraphs]
    assert [c.text for c in document.tables[0].rows[-1].cells] == ["", "Total", "0", "0"]


# ------------------------------------------------------------------- what a file cannot hold


BROKEN = "before \ud800 after \x1b[2J \x07bell"


@pytest.mark.parametrize("fmt", ["docx", "markdown", "csv", "json"])
def test_a_lone_surrogate_or_control_character_never_stops_an_export(fmt: str) -> None:
    data = export_bytes([entry(9, "2.1", BROKEN, "ok", "ok")], DECK,
                        ExportOptions(fmt=fmt, exported=FIXED))
    if fmt == "json":
        back = parse_json_export(data.decode("utf-8"))
        assert back[0].action == BROKEN  # escaped in the file, exact when read back
        assert "\\ud800" in data.decode("utf-8")
    elif fmt == "docx":
        texts = [p.text for p in docx.Document(io.BytesIO(data)).paragraphs]
        assert "before \ufffd after ␛[2J ␇bell" in texts
    else:
        assert "\ufffd after" in data.decode("utf-8-sig")


@pytest.mark.parametrize("fmt", ["markdown", "csv", "json"])
def test_every_script_comes_out_exactly(fmt: str) -> None:
    data = export_bytes(ENTRIES, DECK, ExportOptions(fmt=fmt, **OPTIONS)).decode("utf-8-sig")
    if fmt == "csv":
        rows = list(csv.reader(io.StringIO(data, newline="")))
        header = rows[1]
        cells = [dict(zip(header, row, strict=True)) for row in rows[2:]]
        assert cells[0]["outcome"] == SCRIPTS and cells[2]["action"] == SCRIPTS  # oldest first
        assert cells[1]["action"] == "Still open" and cells[3]["action"] == LONG
        assert rows[0] == ["Review log book: 1 April 2026 to 31 March 2027 (Sam Jones, Team leader, Primary Care)"]
    elif fmt == "json":
        document = json.loads(data)
        assert document["title"] == "Review log book: 1 April 2026 to 31 March 2027"
        assert parse_json_export(data) == sorted(ENTRIES, key=lambda e: e.created)
    else:
        assert data.startswith("# Review log book: 1 April 2026 to 31 March 2027\n")
        shown = visible(MarkdownIt("commonmark").enable("table").render(data))
        for text in (MARKUP, SCRIPTS, LONG):
            assert text in shown


# ---------------------------------------------------------------------------------- Markdown


def visible(rendered: str) -> str:
    """What a Markdown viewer shows: a line break is a new line, tags go, entities decode."""
    rendered = re.sub(r"<br />\n?", "\n", rendered)
    rendered = re.sub(r"</p>\n<p>", "\n", rendered)
    return html.unescape(re.sub(r"<[^>]+>", "", rendered))


def lines_of(text: str) -> list[str]:
    """Visible lines: whitespace runs count as one space (as every viewer shows them)."""
    return [" ".join(line.split()) for line in text.split("\n") if line.split()]


USER_TEXT = st.text(
    alphabet=st.one_of(
        st.sampled_from(list("<>&*_#|`\\[]()!~$=+-.:1234567890 \n\t\"'")),
        st.sampled_from(list("aZé中مש👍")),
    ),
    max_size=60,
)


@settings(derandomize=True, max_examples=600, deadline=None)
@given(USER_TEXT)
def test_markdown_shows_exactly_what_was_typed(text: str) -> None:
    rendered = MarkdownIt("commonmark").enable("table").render(markdown_text(text))
    if not text.strip():
        assert visible(rendered).strip() == "not yet written"
        return
    assert lines_of(visible(rendered)) == lines_of(text.replace("\r", "\n"))


@settings(derandomize=True, max_examples=150, deadline=None)
@given(USER_TEXT, USER_TEXT)
def test_markdown_user_text_never_becomes_structure(action: str, learning: str) -> None:
    document = export_bytes([entry(1, "1.1", action, "x", learning)], DECK,
                            ExportOptions(fmt="markdown", exported=FIXED)).decode()
    tokens = MarkdownIt("commonmark").enable("table").parse(document)
    kinds = [token.type for token in tokens]
    assert kinds.count("heading_open") == 1 + 2 + 1  # title, summary + capability, the entry
    assert kinds.count("table_open") == 1 and kinds.count("hr") == 1
    assert not {"fence", "code_block", "html_block", "blockquote_open", "bullet_list_open",
                "ordered_list_open"} & set(kinds)


# -------------------------------------------------------------------------------- NMC layout


def test_nmc_layout_puts_the_entries_under_the_four_prompts() -> None:
    document = word(layout="nmc")
    texts = [p.text for p in document.paragraphs]
    assert any("remove anything that could identify a person" in text for text in texts)
    at = texts.index(MARKUP)
    assert texts[at - 1].startswith("What was the nature of the CPD activity")
    assert texts[at + 1] == "What did you learn from it?" and texts[at + 2] == "Learnt\nover two lines"
    assert texts[at + 3] == "How did you change or improve your practice as a result?"
    assert texts[at + 4] == SCRIPTS
    assert texts[at + 5].startswith("How is this relevant to the Code?")
    assert texts[at + 6] == "For you to write: which themes of the Code, and how."
    markdown = export_bytes(ENTRIES, DECK, ExportOptions(fmt="markdown", layout="nmc", **OPTIONS)).decode()
    assert "**How is this relevant to the Code?" in markdown


def test_nmc_layout_is_refused_for_csv_in_one_line() -> None:
    with pytest.raises(PowerdeckError) as caught:
        export_bytes(ENTRIES, DECK, ExportOptions(fmt="csv", layout="nmc"))
    assert "--layout nmc" in str(caught.value) and "\n" not in str(caught.value)
