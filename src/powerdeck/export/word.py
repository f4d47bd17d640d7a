"""The review log book as a Word document (.docx), the file a manager opens for a PDR.

Built with python-docx on its default template: the Title style for the title, real Heading 1
(Summary, each capability) and Heading 2 (each entry) styles, so Word's navigation pane and
table of contents work; the summary is a real table; A4 with 2 cm margins.

Text comes out exactly as typed (any script; a line break in a field is a Word line break),
except characters an XML file cannot hold at all: a control character is written as its visible
picture (ESC as ␛) and a lone surrogate as U+FFFD. A paragraph whose text starts in a
right-to-left script is marked right-to-left, so Arabic or Hebrew reads the right way in Word.

The bytes are reproducible: every part of the zip gets the same fixed time and the document's
created/modified time is the export's own (`ExportOptions.when`), so `-o FILE` and `-o -` of the
same export are the same file.
"""

from __future__ import annotations

import io
import re
import unicodedata
import zipfile
from collections.abc import Iterable
from typing import Any

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.oxml.parser import OxmlElement
from docx.oxml.table import CT_Tbl
from docx.shared import Mm, Pt
from docx.table import Table
from docx.text.paragraph import Paragraph
from lxml.etree import SubElement  # type: ignore[import-untyped]  # lxml ships no type hints (python-docx depends on it)

from powerdeck.core.dates import long_date
from powerdeck.core.entry import FIELD_LABELS, FIELDS, Entry
from powerdeck.export.common import (
    NMC_FOR_YOU,
    NMC_PROMPTS,
    NMC_REMINDER,
    NOT_WRITTEN,
    STILL_TO_COMPLETE,
    DeckLike,
    ExportOptions,
    capability_titles,
    card_title,
    chronological,
    credit_line,
    document_title,
    exported_line,
    group_by_capability,
    missing_fields,
)
from powerdeck.export.worksheets import WORKBOOK_HEADING, Section, sections
from powerdeck.workbook.model import Worksheet

_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_ZIP_TIME = (2000, 1, 1, 0, 0, 0)


def _xml_char(match: re.Match[str]) -> str:
    code = ord(match.group())
    return chr(0x2400 + code) if code < 0x20 else "\ufffd"


def word_text(text: str) -> str:
    """Text a Word file can hold: as typed, but for characters XML forbids (see the module)."""
    return _NOT_XML.sub(_xml_char, text.replace("\r\n", "\n").replace("\r", "\n"))


def _starts_right_to_left(text: str) -> bool:
    for char in text:
        kind = unicodedata.bidirectional(char)
        if kind in ("R", "AL"):
            return True
        if kind == "L":
            return False
    return False


class _Writer:
    """Appends paragraphs to the document body quickly.

    python-docx's `add_paragraph` looks the style up by name and inserts before the section
    properties by scanning the body from the start each time: quadratic, 5 s for 1,000 entries.
    Here style ids are looked up once and paragraphs are appended; the section properties are
    moved back to the end when the body is finished."""

    def __init__(self, doc: Any) -> None:
        self.doc = doc
        self.body = doc.element.body
        self.width = doc._block_width
        self.section = self.body.sectPr
        if self.section is not None:
            self.body.remove(self.section)
        self._style_ids: dict[str, str] = {}

    def style_id(self, name: str) -> str:
        if name not in self._style_ids:
            self._style_ids[name] = self.doc.styles[name].style_id
        return self._style_ids[name]

    def paragraph(self, style: str | None = None) -> Any:
        element = OxmlElement("w:p")
        if style is not None:
            properties = OxmlElement("w:pPr")
            style_element = OxmlElement("w:pStyle")
            style_element.set(qn("w:val"), self.style_id(style))
            properties.append(style_element)
            element.append(properties)
        self.body.append(element)
        return Paragraph(element, self.doc._body)

    def table(self, rows: int, cols: int) -> Any:
        element = CT_Tbl.new_tbl(rows, cols, self.width)
        self.body.append(element)
        return Table(element, self.doc._body)

    def finish(self) -> None:
        if self.section is not None:
            self.body.append(self.section)


_W_R, _W_RPR, _W_T, _W_BR, _W_TAB = (qn(f"w:{tag}") for tag in ("r", "rPr", "t", "br", "tab"))
_W_B, _W_I, _W_RTL, _W_BIDI, _W_PPR = (qn(f"w:{tag}") for tag in ("b", "i", "rtl", "bidi", "pPr"))
_XML_SPACE = "{http://www.w3.org/XML/1998/namespace}space"
_BREAKS = re.compile("([\n\t])")


def add_run(paragraph: Any, text: str, *, bold: bool = False, italic: bool = False) -> None:
    """Append one run of `text` to `paragraph`, newlines as line breaks and tabs as tabs.

    Built as plain XML: python-docx's run API re-scans the run for every property it sets,
    most of the time of a large export."""
    text = word_text(text)
    right_to_left = _starts_right_to_left(text)
    run = SubElement(paragraph._p, _W_R)
    if bold or italic or right_to_left:
        properties = SubElement(run, _W_RPR)
        for flag, tag in ((bold, _W_B), (italic, _W_I), (right_to_left, _W_RTL)):
            if flag:
                SubElement(properties, tag)
    if right_to_left:
        paragraph_properties = paragraph._p.find(_W_PPR)
        if paragraph_properties is None:
            paragraph_properties = SubElement(paragraph._p, _W_PPR)
            paragraph._p.insert(0, paragraph_properties)
        if paragraph_properties.find(_W_BIDI) is None:
            SubElement(paragraph_properties, _W_BIDI)
    for piece in _BREAKS.split(text):
        if piece == "\n":
            SubElement(run, _W_BR)
        elif piece == "\t":
            SubElement(run, _W_TAB)
        elif piece:
            element = SubElement(run, _W_T)
            element.text = piece
            element.set(_XML_SPACE, "preserve")


def _paragraph(doc: _Writer, text: str, style: str | None = None, *, bold: bool = False,
               italic: bool = False) -> Any:
    paragraph = doc.paragraph(style)
    add_run(paragraph, text, bold=bold, italic=italic)
    return paragraph


def _heading(doc: _Writer, text: str, level: int) -> Any:
    return _paragraph(doc, text, "Title" if level == 0 else f"Heading {level}")


def to_docx(entries: Iterable[Entry], deck: DeckLike, options: ExportOptions | None = None,
            worksheets: Iterable[Worksheet] = ()) -> bytes:
    """The review log book as the bytes of a .docx file (the workbook after the entries)."""
    options = options or ExportOptions()
    ordered = chronological(entries)
    titles = capability_titles(deck)
    groups = group_by_capability(ordered, deck, options.capabilities)
    title = document_title(ordered, options)

    document = Document()
    _page_setup(document)
    doc = _Writer(document)
    properties = document.core_properties
    properties.title = word_text(title)
    properties.author = word_text(options.name.strip())
    properties.last_modified_by = ""
    properties.created = properties.modified = options.when.replace(tzinfo=None)
    properties.revision = 1

    _heading(doc, title, 0)
    if options.name.strip():
        _labelled(doc, "Name", options.name.strip())
    if options.role.strip():
        _labelled(doc, "Role", options.role.strip())
    _labelled(doc, "Period", title.removeprefix("Review log book: "))
    _paragraph(doc, exported_line(options), italic=True)

    _heading(doc, "Summary", 1)
    _summary_table(doc, groups, titles, ordered)
    if not ordered:
        _paragraph(doc, "No entries in this period.", italic=True)
    if options.layout == "nmc" and ordered:
        _paragraph(doc, NMC_REMINDER, bold=True)

    for number, group in groups.items():
        if not group:
            continue
        _heading(doc, f"{number}. {titles.get(number, f'Capability {number}')}", 1)
        for entry in group:
            _entry(doc, entry, deck, options)
    workbook = sections(worksheets, deck)
    if workbook:
        _heading(doc, WORKBOOK_HEADING, 1)
        for section in workbook:
            _section(doc, section)

    deck_title, author = credit_line(deck)
    closing = doc.paragraph()
    closing.paragraph_format.space_before = Pt(18)
    add_run(closing, "The cards are ")
    add_run(closing, deck_title, italic=True)
    add_run(closing, f", by {author}.")
    doc.finish()
    return _reproducible(document)


def _page_setup(doc: Any) -> None:
    for section in doc.sections:
        section.page_width, section.page_height = Mm(210), Mm(297)
        section.left_margin = section.right_margin = Mm(20)
        section.top_margin = section.bottom_margin = Mm(20)


def _labelled(doc: _Writer, label: str, value: str) -> None:
    paragraph = doc.paragraph()
    add_run(paragraph, f"{label}: ", bold=True)
    add_run(paragraph, value)


def _summary_table(doc: _Writer, groups: dict[int, list[Entry]], titles: dict[int, str],
                   ordered: list[Entry]) -> None:
    rows = [(str(number), titles.get(number, f"Capability {number}"), str(len(group)),
             str(sum(entry.is_open for entry in group))) for number, group in groups.items()]
    table = doc.table(rows=1, cols=4)
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, ("No.", "Capability", "Entries", "Open"), strict=True):
        add_run(cell.paragraphs[0], text, bold=True)
    header = table.rows[0]._tr.get_or_add_trPr()
    repeat = OxmlElement("w:tblHeader")  # the header row repeats on each printed page
    header.append(repeat)
    for row in rows:
        cells = table.add_row().cells
        for index, (cell, text) in enumerate(zip(cells, row, strict=True)):
            add_run(cell.paragraphs[0], text)
            if index in (0, 2, 3):
                cell.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.RIGHT
    total = table.add_row().cells
    for index, text in enumerate(("", "Total", str(len(ordered)),
                                  str(sum(entry.is_open for entry in ordered)))):
        add_run(total[index].paragraphs[0], text, bold=True)
        if index in (2, 3):
            total[index].paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.RIGHT
    # Word reads the cell widths, LibreOffice the grid's: set both, and keep them fixed.
    table.autofit = False
    widths = (Mm(14), Mm(112), Mm(22), Mm(22))  # 170 mm: A4 less two 20 mm margins
    for column, width in zip(table.columns, widths, strict=True):
        column.width = width
    for row in table.rows:
        for cell, width in zip(row.cells, widths, strict=True):
            cell.width = width


def _entry(doc: _Writer, entry: Entry, deck: DeckLike, options: ExportOptions) -> None:
    missing = missing_fields(entry)
    heading = f"{long_date(entry.created_date)} · {entry.card} {card_title(deck, entry.card)}"
    if missing:
        heading += f" ({STILL_TO_COMPLETE})"
    _heading(doc, heading, 2)
    if missing:
        _paragraph(doc, f"{STILL_TO_COMPLETE.capitalize()}: {' and '.join(missing)}.", italic=True)
    if options.layout == "nmc":
        for name, prompt in NMC_PROMPTS:
            _paragraph(doc, prompt, bold=True)
            _field(doc, getattr(entry, name) if name else "", NMC_FOR_YOU)
        return
    for name in FIELDS:
        _paragraph(doc, FIELD_LABELS[name], bold=True).paragraph_format.keep_with_next = True
        _field(doc, getattr(entry, name), NOT_WRITTEN)


def _field(doc: _Writer, text: str, empty: str) -> None:
    if text.strip():
        _paragraph(doc, text)
    else:
        _paragraph(doc, empty[:1].upper() + empty[1:], italic=True)


def _section(doc: _Writer, section: Section) -> None:
    _heading(doc, section.heading, 2)
    _paragraph(doc, section.label, italic=True).paragraph_format.keep_with_next = True
    if section.header:
        _grid(doc, section.header, section.rows)
    elif section.items:
        for item in section.items:
            _paragraph(doc, item, "List Bullet")
    else:
        _paragraph(doc, section.text.strip("\n"))


def _grid(doc: _Writer, header: tuple[str, ...], rows: list[tuple[str, ...]]) -> None:
    """A table made whole, then filled row by row through the XML: python-docx's `row.cells`
    rebuilds the table's cell grid on every call (quadratic for a cloud of 500 phrases)."""
    table = doc.table(rows=len(rows) + 1, cols=len(header))
    table.style = "Table Grid"
    rows_xml = table._tbl.tr_lst
    header_properties = rows_xml[0].get_or_add_trPr()
    header_properties.append(OxmlElement("w:tblHeader"))  # repeats on each printed page
    for index, (row_xml, texts) in enumerate(zip(rows_xml, [header, *rows], strict=True)):
        for cell_xml, text in zip(row_xml.tc_lst, texts, strict=True):
            add_run(Paragraph(cell_xml.p_lst[0], table), text, bold=index == 0)


def _reproducible(doc: Any) -> bytes:
    """The saved document, re-zipped with one fixed time for every part (same export, same bytes)."""
    raw = io.BytesIO()
    doc.save(raw)
    out = io.BytesIO()
    with zipfile.ZipFile(raw) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            fixed = zipfile.ZipInfo(info.filename, date_time=_ZIP_TIME)
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = 0o600 << 16
            target.writestr(fixed, source.read(info.filename))
    return out.getvalue()

