"""The workbook in the review packs: the Word file read back with python-docx, the Markdown
through a CommonMark parser; user text (a hostile, markup-like phrase too) comes out exactly."""

from __future__ import annotations

import html
import io
import re
from datetime import datetime, timezone

import docx
from hypothesis import given, settings
from hypothesis import strategies as st
from markdown_it import MarkdownIt

from powerdeck.core.entry import Entry
from powerdeck.deck.model import load_deck
from powerdeck.export import ExportOptions, export_bytes
from powerdeck.workbook.model import Person, Worksheet

DECK = load_deck()
FIXED = datetime(2026, 12, 1, 9, 0, tzinfo=timezone.utc)
HOSTILE = "<script>alert(1)</script> & *bold* _u_ | pipe `x` [l](y) # \\ ~~s~~ $m$"
PHRASE, ROLE = HOSTILE.split(" | ")  # "|" gives who said it: a hostile role too
ENTRY = Entry("e001", "1.1", 1, "An action", "An outcome", "A lesson",
              "2026-04-01T09:00:00+01:00", "2026-04-01T09:00:00+01:00")
MAP = Worksheet("1.2", "map", people=(
    Person("p1", "GP lead", "close", "strong", "statutory"),
    Person("p2", HOSTILE, "around", "stressed", "faith", missing=True),
    Person("p3", "- 1. > list?", "far", "distant", "housing"),
))
VOICES = Worksheet("1.3", "voices", text="\n".join([
    "Safer streets | young carer", "safer  STREETS", "Safer streets | nurse",
    "green space", "Green space", HOSTILE, "a bus on Sundays",
]))
LIST = Worksheet("8.1", "list", text="- Budget\n* 1. Staff rota\n\n#hashtag <b>\n")
MEMO = Worksheet("10.3", "memo", text="My manifesto.\nSecond line & more\n\n> not a quote")
EMPTY = Worksheet("5.3", "voices", text="   \n")
SHEETS = [MEMO, VOICES, EMPTY, LIST, MAP]  # any order in: deck order out


def export(fmt: str, sheets: list[Worksheet] = SHEETS) -> bytes:
    return export_bytes([ENTRY], DECK, ExportOptions(fmt=fmt, exported=FIXED), worksheets=sheets)


def word() -> docx.document.Document:
    return docx.Document(io.BytesIO(export("docx")))


def cell_texts(table: docx.table.Table) -> list[list[str]]:
    return [[cell.text for cell in row.cells] for row in table.rows]


def test_word_workbook_comes_after_the_entries_in_deck_order() -> None:
    paragraphs = [(p.style.name, p.text) for p in word().paragraphs]
    headings = [text for style, text in paragraphs if style.startswith("Heading")]
    workbook = headings.index("Workbook")
    assert headings[workbook - 1].endswith(f"1.1 {DECK.card('1.1').title}")
    assert headings[workbook + 1:] == [
        f"{card} {DECK.card(card).title}" for card in ("1.2", "1.3", "8.1", "10.3")
    ]
    assert not any(text.startswith("5.3") for text in headings)  # an empty worksheet is left out


def test_word_map_table_cells() -> None:
    tables = word().tables
    assert len(tables) == 3  # the summary, the map, the voices
    assert cell_texts(tables[1]) == [
        ["Name", "Ring", "Quality", "Sector", "Seen too little"],
        ["GP lead", "close", "strong", "statutory", ""],
        [HOSTILE, "around", "stressed", "faith", "yes"],
        ["- 1. > list?", "far", "distant", "housing", ""],
    ]


def test_word_cloud_words_and_weights_most_first_small_voices_marked() -> None:
    assert cell_texts(word().tables[2]) == [
        ["Words", "Weight", "Said by", "Small voice"],
        ["Safer streets", "3", "young carer, nurse", ""],
        ["green space", "2", "", ""],
        [PHRASE, "1", ROLE, "small voice"],
        ["a bus on Sundays", "1", "", "small voice"],
    ]


def test_word_list_and_memo() -> None:
    paragraphs = [(p.style.name, p.text) for p in word().paragraphs]
    bullets = [text for style, text in paragraphs if style == "List Bullet"]
    assert bullets == ["Budget", "1. Staff rota", "#hashtag <b>"]
    texts = [text for _, text in paragraphs]
    assert MEMO.text in texts  # line breaks as Word line breaks, read back as "\n"


def test_no_worksheets_no_workbook_heading() -> None:
    for fmt in ("docx", "markdown"):
        data = export(fmt, [EMPTY])
        if fmt == "markdown":
            text = data.decode()
        else:
            text = "\n".join(p.text for p in docx.Document(io.BytesIO(data)).paragraphs)
        assert "Workbook" not in text


def shown(rendered: str) -> str:
    """What a Markdown viewer shows: a line break is a new line, tags go, entities decode."""
    rendered = re.sub(r"<br />\n?", "\n", rendered)
    return html.unescape(re.sub(r"<[^>]+>", "", rendered))


def test_markdown_workbook_round_trip_shows_the_same_text() -> None:
    document = export("markdown").decode()
    tokens = MarkdownIt("commonmark").enable("table").parse(document)
    headings = ["".join(c.content for c in tokens[i + 1].children or [])
                for i, t in enumerate(tokens) if t.type == "heading_open"]
    assert headings[headings.index("Workbook") + 1:] == [
        f"{card} {DECK.card(card).title}" for card in ("1.2", "1.3", "8.1", "10.3")
    ]
    rendered = MarkdownIt("commonmark").enable("table").render(document)
    # Tables: each cell shows the text exactly.
    cells = [html.unescape(c) for c in re.findall(r"<t[dh][^>]*>(.*?)</t[dh]>", rendered)]
    assert cells[cells.index("Seen too little") + 1:][:15] == [
        "GP lead", "close", "strong", "statutory", "",
        HOSTILE, "around", "stressed", "faith", "yes",
        "- 1. > list?", "far", "distant", "housing", "",
    ]
    voices = cells[cells.index("Small voice") + 1:]
    assert voices == ["Safer streets", "3", "young carer, nurse", "",
                      "green space", "2", "", "", PHRASE, "1", ROLE, "small voice",
                      "a bus on Sundays", "1", "", "small voice"]
    items = [html.unescape(i) for i in re.findall(r"<li>(.*?)</li>", rendered)]
    assert items == ["Budget", "1. Staff rota", "#hashtag <b>"]
    text = shown(rendered)
    assert "My manifesto.\nSecond line & more\n> not a quote" in text
    kinds = [t.type for t in tokens] + [c.type for t in tokens for c in t.children or []]
    assert not {"html_block", "html_inline", "blockquote_open", "ordered_list_open", "fence",
                "code_block", "code_inline", "link_open", "s_open", "image"} & set(kinds)
    # the four labels ("Relationship map", ...), the credit, and the entry's card prompt and dates
    assert kinds.count("em_open") == 4 + 1 + 2


TEXT = st.text(alphabet=st.sampled_from(list("<>&*_#|`\\[]()!~$=+-.:1 aé中\"'")), min_size=1, max_size=30)


@settings(derandomize=True, max_examples=150, deadline=None)
@given(TEXT, TEXT)
def test_markdown_worksheet_text_never_becomes_structure(name: str, phrase: str) -> None:
    sheets = [Worksheet("1.2", "map", people=(Person("p1", name),)),
              Worksheet("1.3", "voices", text=phrase), Worksheet("8.1", "list", text=phrase)]
    tokens = MarkdownIt("commonmark").enable("table").parse(export("markdown", sheets).decode())
    kinds = [t.type for t in tokens]
    assert not {"html_block", "blockquote_open", "ordered_list_open", "fence", "code_block"} & set(kinds)
    assert kinds.count("table_open") <= 3 and kinds.count("bullet_list_open") <= 1
    rendered = MarkdownIt("commonmark").enable("table").render(export("markdown", sheets).decode())
    cells = [html.unescape(c) for c in re.findall(r"<t[dh][^>]*>(.*?)</t[dh]>", rendered, re.S)]
    assert cells[cells.index("Seen too little") + 1] == " ".join(name.split())
