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
from collections.abc import Iterable, Sequence
from typing import Any

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.oxml.parser import OxmlElement
from docx.oxml.table import CT_Tbl
from docx.shared import Mm, Pt, RGBColor
from docx.table import Table
from docx.text.paragraph import Paragraph
from lxml.etree import SubElement  # type: ignore[import-untyped]  # lxml ships no type hints (python-docx depends on it)

from powerdeck.core.dates import long_date
from powerdeck.core.entry import FIELD_LABELS, FIELDS, Entry
from powerdeck.core.follow_up import hours_text
from powerdeck.export.common import (
    NMC_FOR_YOU,
    NMC_PROMPTS,
    NMC_REMINDER,
    NOT_WRITTEN,
    STILL_TO_COMPLETE,
    DeckLike,
    ExportOptions,
    card_title,
    chronological,
    credit_line,
    document_title,
    exported_line,
    missing_fields,
)
from powerdeck.export.pack_context import Group, Prompts, dates_line, details_lines, pack_groups, total_hours
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
    groups = pack_groups(ordered, deck, options)
    title = document_title(ordered, options)
    workbook = sections(worksheets, deck)
    prompts = Prompts(deck)

    document = Document()
    _page_setup(document)
    _language(document)
    _page_numbers(document)
    doc = _Writer(document)
    properties = document.core_properties
    properties.title = word_text(title)
    properties.author = word_text(options.name.strip())
    properties.language = LANGUAGE
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
    headings = ["Summary", *(group.heading for group in groups if group.entries)]
    if workbook:
        headings.append(WORKBOOK_HEADING)
    if estimated_pages(ordered, workbook) > 3:
        _contents(doc, headings)

    _heading(doc, "Summary", 1)
    _summary_table(doc, groups, ordered, by_tag=options.group_by == "tag")
    if not ordered:
        _paragraph(doc, "No entries in this period.", italic=True)
    if options.layout == "nmc" and ordered:
        _paragraph(doc, NMC_REMINDER, bold=True)

    for group in groups:
        if not group.entries:
            continue
        _heading(doc, group.heading, 1)
        for entry in group.entries:
            _entry(doc, entry, deck, options, prompts)
    if workbook:
        _heading(doc, WORKBOOK_HEADING, 1)
        for section in workbook:
            _section(doc, section)

    # The closing credit never stands alone on a last page: what comes before keeps with it.
    last = doc.body[-1] if len(doc.body) else None
    if last is not None and last.tag == qn("w:p"):
        Paragraph(last, document._body).paragraph_format.keep_with_next = True
    elif last is not None and last.tag == qn("w:tbl"):  # a workbook table: its last row keeps with it
        for cell_paragraph in last.tr_lst[-1].iter(qn("w:p")):
            Paragraph(cell_paragraph, document._body).paragraph_format.keep_with_next = True
    deck_title, author = credit_line(deck)
    closing = doc.paragraph()
    closing.paragraph_format.space_before = Pt(18)
    add_run(closing, "The cards are ")
    add_run(closing, deck_title, italic=True)
    add_run(closing, f", by {author}.")
    doc.finish()
    return _reproducible(document)


LANGUAGE = "en-GB"
CHARS_PER_PAGE = 2_800
"""About what an A4 page with 2 cm margins holds in Word's default 11 pt, headings included."""


def estimated_pages(entries: Sequence[Entry], workbook: Sequence[Section]) -> float:
    """Roughly how many pages the pack runs to (a contents list is added past three)."""
    chars = sum(len(entry.action) + len(entry.outcome) + len(entry.learning) + 400 for entry in entries)
    chars += sum(len(section.text) + 60 * (len(section.rows) + len(section.items)) + 200 for section in workbook)
    return 1 + chars / CHARS_PER_PAGE


def _language(document: Any) -> None:
    """The document's language is UK English: Word's spelling and a screen reader's voice follow it."""
    styles = document.styles.element
    defaults = styles.find(qn("w:docDefaults"))
    if defaults is None:
        defaults = SubElement(styles, qn("w:docDefaults"))
        styles.insert(0, defaults)
    run_defaults = defaults.find(qn("w:rPrDefault"))
    if run_defaults is None:
        run_defaults = SubElement(defaults, qn("w:rPrDefault"))
    run_properties = run_defaults.find(qn("w:rPr"))
    if run_properties is None:
        run_properties = SubElement(run_defaults, qn("w:rPr"))
    language = run_properties.find(qn("w:lang"))
    if language is None:
        language = SubElement(run_properties, qn("w:lang"))
    language.set(qn("w:val"), LANGUAGE)


def _field_run(paragraph: Any, instruction: str, shown: str) -> None:
    """A Word field (PAGE, NUMPAGES, TOC) with the text shown until Word updates it."""
    for kind, text in (("begin", None), (None, f" {instruction} "), ("separate", None), (None, shown),
                       ("end", None)):
        run = SubElement(paragraph._p, _W_R)
        if kind is not None:
            SubElement(run, qn("w:fldChar")).set(qn("w:fldCharType"), kind)
        elif text == shown:
            element = SubElement(run, _W_T)
            element.text = text
        else:
            element = SubElement(run, qn("w:instrText"))
            element.text = text
            element.set(_XML_SPACE, "preserve")


def _page_numbers(document: Any) -> None:
    """ "Page 3 of 7" at the foot of every page (Word fills in the numbers as it lays out)."""
    for section in document.sections:
        paragraph = section.footer.paragraphs[0]
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        add_run(paragraph, "Page ")
        _field_run(paragraph, "PAGE", "1")
        add_run(paragraph, " of ")
        _field_run(paragraph, "NUMPAGES", "1")


def _contents(doc: _Writer, headings: list[str]) -> None:
    """A contents list: Word's own table of contents (its page numbers come with Word's "Update
    field"), showing the section headings until then, so it reads even before."""
    _paragraph(doc, "Contents", "Heading 1")
    paragraph = doc.paragraph()
    _field_run(paragraph, 'TOC \\o "1-1" \\h \\z \\u', "")
    # The field's shown text is the list of sections, one per line.
    shown = paragraph._p.findall(qn("w:r"))[3]
    for child in list(shown):
        shown.remove(child)
    for index, heading in enumerate(headings):
        if index:
            SubElement(shown, _W_BR)
        element = SubElement(shown, _W_T)
        element.text = word_text(heading)
        element.set(_XML_SPACE, "preserve")


def _page_setup(doc: Any) -> None:
    for section in doc.sections:
        section.page_width, section.page_height = Mm(210), Mm(297)
        section.left_margin = section.right_margin = Mm(20)
        section.top_margin = section.bottom_margin = Mm(20)


def _labelled(doc: _Writer, label: str, value: str) -> None:
    paragraph = doc.paragraph()
    add_run(paragraph, f"{label}: ", bold=True)
    add_run(paragraph, value)


def _summary_table(doc: _Writer, groups: list[Group], ordered: list[Entry], *, by_tag: bool) -> None:
    """Entries and open ones per group, with the hours where any entry gives them; a total row."""
    with_hours = total_hours(ordered) is not None
    header = ["No.", "Tag" if by_tag else "Capability", "Entries", "Open"] + (["Hours"] if with_hours else [])
    rows = []
    for group in groups:
        row = [group.number, group.title, str(len(group.entries)), str(sum(e.is_open for e in group.entries))]
        if with_hours:
            row.append(hours_text(total_hours(group.entries)) or "0")
        rows.append(tuple(row))
    total = ["", "Total", str(len(ordered)), str(sum(entry.is_open for entry in ordered))]
    if with_hours:
        total.append(hours_text(total_hours(ordered)))
    widths = (Mm(14), Mm(90), Mm(22), Mm(22), Mm(22)) if with_hours else (Mm(14), Mm(112), Mm(22), Mm(22))
    _grid(doc, tuple(header), [*rows, tuple(total)], widths=widths, numeric=frozenset({0, 2, 3, 4}),
          bold_last=True)


def _entry(doc: _Writer, entry: Entry, deck: DeckLike, options: ExportOptions, prompts: Prompts) -> None:
    missing = missing_fields(entry)
    private = " (private)" if entry.private else ""
    _heading(doc, f"{long_date(entry.created_date)} · {entry.card} {card_title(deck, entry.card)}{private}", 2)
    prompt = prompts(entry.card)
    if prompt:
        _quiet(doc, prompt)
    _quiet(doc, dates_line(entry))
    for line in details_lines(entry):
        _quiet(doc, line)
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


QUIET = RGBColor(0x59, 0x59, 0x59)
"""Grey that still passes WCAG AA contrast on white (7:1)."""


def _quiet(doc: _Writer, text: str) -> None:
    """What the card asked, the dates: in a quieter style (grey, 10 pt, italic) under the entry's
    title, kept with what follows. Built as XML, as add_run is: python-docx's font API re-scans
    the run for each property (it tripled the time of a 1,000-entry pack)."""
    paragraph = doc.paragraph()
    properties = SubElement(paragraph._p, _W_PPR)
    SubElement(properties, qn("w:keepNext"))
    add_run(paragraph, text, italic=True)
    for run in paragraph._p.findall(_W_R):
        run_properties = run.find(_W_RPR)
        if run_properties is None:
            run_properties = SubElement(run, _W_RPR)
            run.insert(0, run_properties)
        right_to_left = run_properties.find(_W_RTL)
        if right_to_left is not None:  # the schema's order: color and size come before rtl
            run_properties.remove(right_to_left)
        SubElement(run_properties, qn("w:color")).set(qn("w:val"), str(QUIET))
        SubElement(run_properties, qn("w:sz")).set(qn("w:val"), "20")
        if right_to_left is not None:
            run_properties.append(right_to_left)


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


def _grid(doc: _Writer, header: tuple[str, ...], rows: list[tuple[str, ...]], *,
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

