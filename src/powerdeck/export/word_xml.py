"""Writing a Word document's XML quickly and safely: text a .docx can hold, runs with line
breaks and right-to-left marks, fields, tables, and reproducible bytes.

python-docx's own API re-scans the document (or the run) for each thing it adds or sets, most of
the time of a large export: here paragraphs, runs and table cells are appended as XML.
The layout of the review log book is word.py's."""

from __future__ import annotations

import io
import re
import unicodedata
import zipfile
from typing import Any

from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.oxml.parser import OxmlElement
from docx.oxml.table import CT_Tbl
from docx.table import Table
from docx.text.paragraph import Paragraph
from lxml.etree import SubElement  # type: ignore[import-untyped]  # lxml ships no type hints (python-docx depends on it)

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


class DocWriter:
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


W_R, W_RPR, W_T, W_BR, W_TAB = (qn(f"w:{tag}") for tag in ("r", "rPr", "t", "br", "tab"))
W_B, W_I, W_RTL, W_BIDI, W_PPR = (qn(f"w:{tag}") for tag in ("b", "i", "rtl", "bidi", "pPr"))
XML_SPACE = "{http://www.w3.org/XML/1998/namespace}space"
_BREAKS = re.compile("([\n\t])")


def add_run(paragraph: Any, text: str, *, bold: bool = False, italic: bool = False) -> None:
    """Append one run of `text` to `paragraph`, newlines as line breaks and tabs as tabs.

    Built as plain XML: python-docx's run API re-scans the run for every property it sets,
    most of the time of a large export."""
    text = word_text(text)
    right_to_left = _starts_right_to_left(text)
    run = SubElement(paragraph._p, W_R)
    if bold or italic or right_to_left:
        properties = SubElement(run, W_RPR)
        for flag, tag in ((bold, W_B), (italic, W_I), (right_to_left, W_RTL)):
            if flag:
                SubElement(properties, tag)
    if right_to_left:
        paragraph_properties = paragraph._p.find(W_PPR)
        if paragraph_properties is None:
            paragraph_properties = SubElement(paragraph._p, W_PPR)
            paragraph._p.insert(0, paragraph_properties)
        if paragraph_properties.find(W_BIDI) is None:
            SubElement(paragraph_properties, W_BIDI)
    for piece in _BREAKS.split(text):
        if piece == "\n":
            SubElement(run, W_BR)
        elif piece == "\t":
            SubElement(run, W_TAB)
        elif piece:
            element = SubElement(run, W_T)
            element.text = piece
            element.set(XML_SPACE, "preserve")


def add_paragraph(doc: DocWriter, text: str, style: str | None = None, *, bold: bool = False,
               italic: bool = False) -> Any:
    added = doc.paragraph(style)
    add_run(added, text, bold=bold, italic=italic)
    return added


def add_heading(doc: DocWriter, text: str, level: int) -> Any:
    return add_paragraph(doc, text, "Title" if level == 0 else f"Heading {level}")


def field_run(paragraph: Any, instruction: str, shown: str) -> None:
    """A Word field (PAGE, NUMPAGES, TOC) with the text shown until Word updates it."""
    for kind, text in (("begin", None), (None, f" {instruction} "), ("separate", None), (None, shown),
                       ("end", None)):
        run = SubElement(paragraph._p, W_R)
        if kind is not None:
            SubElement(run, qn("w:fldChar")).set(qn("w:fldCharType"), kind)
        elif text == shown:
            element = SubElement(run, W_T)
            element.text = text
        else:
            element = SubElement(run, qn("w:instrText"))
            element.text = text
            element.set(XML_SPACE, "preserve")


def grid(doc: DocWriter, header: tuple[str, ...], rows: list[tuple[str, ...]], *,
          widths: tuple[Any, ...] = (), numeric: frozenset[int] = frozenset(), bold_last: bool = False) -> None:
    """A table made whole, then filled row by row through the XML: python-docx's `row.cells`
    rebuilds the table's cell grid on every call (quadratic for a cloud of 500 phrases)."""
    table = doc.table(rows=len(rows) + 1, cols=len(header))
    table.style = "Table Grid"
    rows_xml = table._tbl.tr_lst
    header_properties = rows_xml[0].get_or_add_trPr()
    header_properties.append(OxmlElement("w:tblHeader"))  # repeats on each printed page
    last = len(rows)
    for index, (row_xml, texts) in enumerate(zip(rows_xml, [header, *rows], strict=True)):
        for column, (cell_xml, text) in enumerate(zip(row_xml.tc_lst, texts, strict=True)):
            paragraph = Paragraph(cell_xml.p_lst[0], table)
            add_run(paragraph, text, bold=index == 0 or (bold_last and index == last))
            if column in numeric:
                paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    if widths:
        # Word reads the cell widths, LibreOffice the grid's: set both, and keep them fixed.
        table.autofit = False
        for column, width in zip(table.columns, widths, strict=True):
            column.width = width
        for row in table.rows:
            for cell, width in zip(row.cells, widths, strict=True):
                cell.width = width


def reproducible(doc: Any) -> bytes:
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
